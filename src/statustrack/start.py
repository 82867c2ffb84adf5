"""The `statustrack` command's entry point: `at DATE` and `history NAME` (table or `--format
json`) from a current index answered by the light path (`views.light`), which imports
neither attrs nor pendulum; anything else, and anything it leaves, by the full command line
(`cli.main`)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see `statustrack.cli.main`)."""
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == ["at"]:
        from statustrack.views.light import respond

        try:
            if respond(given, sys.stdout.write):
                sys.stdout.flush()
                return 0
        except BrokenPipeError:
            return 0
        except Exception as e:  # the index failed after the answer began: said in one line
            sys.stdout.flush()
            print(
                f"statustrack: the index could not be read to the end ({e}); the answer above is cut short",
                file=sys.stderr,
            )
            return 2
    if given[:1] == ["history"]:
        from statustrack.views.light import respond_history

        try:
            if respond_history(given, sys.stdout.write):
                sys.stdout.flush()
                return 0
        except BrokenPipeError:
            return 0
    from statustrack.cli import main as full

    return full(given)
