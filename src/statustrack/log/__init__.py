"""The log edge: files on disk to events and back (find, parse, build, load, write, ledger,
lock). Imports only the core."""
