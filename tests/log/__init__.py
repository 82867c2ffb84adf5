"""The log on disk: the TOML scanner's positions, and the benchmark's generated log."""
