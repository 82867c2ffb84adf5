"""The pure core: dates, the registry, events, facts, reducers, replay, history and checks.

Nothing here reads a file, opens a database or prints: every function takes values and
returns values, so the laws in tests/laws can drive it directly.
"""
