"""The command line: each command calls the library function of the same name.

Library errors become one clean line on stderr and exit status 2; output goes to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from textwrap import dedent

from . import __version__
from .errors import LogInvalid, StatustrackError
from .facts import ASPECTS
from .log import ENV_VAR, Log, load_log
from .query import at, diff
from .render import FORMATS, render_answer, render_diff, render_problems, render_rows
from .report import source_summary

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_INTERNAL = 0, 2, 3


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--log", metavar="DIR",
                        help=f"the log directory (default: ${ENV_VAR}, else the shipped log)")
    common.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    query = argparse.ArgumentParser(add_help=False)
    query.add_argument("--aspect", action="append", choices=ASPECTS, metavar="ASPECT",
                       help=f"only this aspect (repeatable): {', '.join(ASPECTS)}")
    query.add_argument("--subject", action="append", metavar="NAME",
                       help="only facts about this place or actor, by id, name or any alias (repeatable)")
    query.add_argument("--known-at", metavar="T",
                       help="replay only what the log had recorded by T (a date or instant)")

    parser = argparse.ArgumentParser(
        prog="statustrack",
        description="What was the political status of a region on a date, and according to whom.",
        epilog="Example: statustrack at 2020-11-10",
    )
    parser.add_argument("--version", action="version", version=f"statustrack {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, example: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name, help=summary, description=summary, parents=[common] + ([query] if name in ("at", "diff") else []),
            formatter_class=argparse.RawDescriptionHelpFormatter, epilog=dedent(example).strip())

    p = command("at", "Show every fact in force on a date or at an instant.", """
        A plain date means the end of that day in the log's time zone; an instant
        carries its offset. Facts whose event may or may not have happened yet are
        marked possible.

        examples:
          statustrack at 2020-11-10
          statustrack at 2020-11-09T23:00+04:00 --aspect conflict
          statustrack at 2012-05-15 --subject "New South Wales" --format json
        """)
    p.add_argument("when", metavar="DATE", help="a day (2020-11-10), month, year or instant (2020-11-10T00:00+03:00)")

    p = command("diff", "Show what changed between two dates, and which events changed it.", """
        examples:
          statustrack diff 2020-09-26 2020-11-10
          statustrack diff 2023-09-01 2024-01-01 --aspect status --format json
        """)
    p.add_argument("from_", metavar="FROM", help="the earlier date or instant")
    p.add_argument("to", metavar="TO", help="the later date or instant")

    command("validate", "Check a log: every file, every event, every reference.", """
        Prints each problem on one line (file:line: event id: what is wrong; what to do)
        and exits with status 2 if there is any.

        examples:
          statustrack validate
          statustrack validate --log my-region/events --format json
        """)
    command("sources", "Count events per source and per aspect; list events without a source.", """
        examples:
          statustrack sources
          statustrack sources --format csv
        """)
    return parser


def _load(args: argparse.Namespace) -> Log:
    return load_log(args.log)


def _run(args: argparse.Namespace) -> int:
    if args.command == "validate":
        try:
            log = _load(args)
        except LogInvalid as e:
            out = render_problems(e.problems, args.format)
            (sys.stdout if args.format != "table" else sys.stderr).write(out)
            return EXIT_INVALID
        if args.format == "table":
            sys.stdout.write(f"valid: {log.root}: {len(log.events)} events, {len(log.registry.sources)} sources, "
                             f"{len(log.registry.places)} places, {len(log.registry.actors)} actors\n")
        else:
            sys.stdout.write(render_problems((), args.format))
        return EXIT_OK
    log = _load(args)
    if args.command == "at":
        answer = at(log, args.when, known_at=args.known_at, aspects=args.aspect, subjects=args.subject)
        sys.stdout.write(render_answer(answer, args.format, log.name, log.timezone))
    elif args.command == "diff":
        result = diff(log, args.from_, args.to, known_at=args.known_at, aspects=args.aspect, subjects=args.subject)
        sys.stdout.write(render_diff(result, args.format, log.name, log.timezone))
    elif args.command == "sources":
        headers, rows = source_summary(log)
        sys.stdout.write(render_rows(headers, rows, args.format, "sources"))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input or log, 3 internal error)."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except LogInvalid as e:
        sys.stderr.write(render_problems(e.problems, "table"))
        return EXIT_INVALID
    except StatustrackError as e:
        sys.stderr.write(f"statustrack: error: {e}\n")
        return EXIT_INVALID
    except Exception as e:
        if os.environ.get("STATUSTRACK_DEBUG"):
            raise
        sys.stderr.write(f"statustrack: internal error: {type(e).__name__}: {e} "
                         "(rerun with STATUSTRACK_DEBUG=1 for details, and please report it)\n")
        return EXIT_INTERNAL
