"""The SQLite index: it answers as the replay does, is rebuilt when stale, and grows in place on record."""
