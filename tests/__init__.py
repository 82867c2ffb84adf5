"""The tests, one folder per layer of the package (core, log, index, api, views, cli), then the
laws over random logs (laws) and hostile input, tampering and concurrency (adversarial).

Shared helpers live in `tests.support`, fixtures in `tests/conftest.py`. The fast subset is
`pytest -m "not slow"`; the whole suite is `pytest`.
"""
