"""Hostile input and output, bad logs, fuzzing, tampering, and writers under stress."""
