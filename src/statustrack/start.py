"""The `statustrack` command's entry point: `at DATE --format json` from a current index
answered by the light path (`views.light`), which imports neither attrs nor pendulum;
anything else, and anything it leaves, by the full command line (`cli.main`)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see `statustrack.cli.main`)."""
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == ["at"]:
        from statustrack.views.light import answer

        text = answer(given)
        if text is not None:
            try:
                sys.stdout.write(text)
                sys.stdout.flush()
            except BrokenPipeError:
                return 0
            return 0
    from statustrack.cli import main as full

    return full(given)
