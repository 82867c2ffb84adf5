"""The index: the replayed history as an SQLite temporal table (codec, build, read,
incremental append). A cache: deleting it changes no answer."""
