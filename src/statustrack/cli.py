"""The command line: each command calls the library function of the same name.

Library errors become one clean line on stderr and exit status 2; output goes to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from textwrap import dedent

from . import __version__
from .errors import LogInvalid, StatustrackError
from .facts import ASPECTS
from .errors import Problem
from .events import KINDS, ref_fields
from .ledger import read_ledger, verify
from .log import ENV_VAR, Log, default_log_path, load_log
from .parse import Raw, read_text
from .store import DEFAULT_TARGET, record, seal
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
    p = command("record", "Append events to the log: validated first, atomic, sealed.", """
        Events come from a TOML file of [[event]] tables, a JSON Lines file, standard
        input (-), or flags. Each new event is stamped `recorded`; re-recording an
        identical event does nothing; --expect-last refuses if the log moved on.

        examples:
          statustrack record new-events.toml
          statustrack record - < new-events.jsonl
          statustrack record --id 2024-x --kind statement --date 2024-02 \\
              --set actor=azerbaijan --set summary="..." --source 004_ff0a7b95bcfc4415@lead
          statustrack record fix.toml --expect-last 2020-11-08-shusha-captured
        """)
    p.add_argument("file", nargs="?", metavar="FILE", help="a .toml or .jsonl file of events, or - for stdin")
    p.add_argument("--to", default=DEFAULT_TARGET, metavar="FILE",
                   help=f"the .jsonl file of the log to append to (default: {DEFAULT_TARGET})")
    p.add_argument("--expect-last", metavar="ID", help="refuse unless this is the last recorded event")
    for flag in ("id", "kind", "date", "effective", "note", "replaces"):
        p.add_argument(f"--{flag}", metavar=flag.upper(), help=f"the event's {flag} (building one event by flags)")
    p.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                   help="a kind-specific field (repeatable; a list field takes commas)")
    p.add_argument("--source", action="append", default=[], metavar="ID[@WHERE]",
                   help="a source id and where in it (repeatable)")
    command("verify", "Check that no recorded event was edited, deleted, moved or reordered.", """
        Compares the log with its sealed ledger (ledger.sha256, a hash chain of every
        recorded event) and names each event that differs, and each not yet sealed.

        examples:
          statustrack verify
          statustrack verify --log my-region/events
        """)
    command("seal", "Add events not yet in the ledger to it, after review.", """
        examples:
          statustrack seal
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
    if args.command in ("record", "verify", "seal"):
        return _write_command(args)
    log = _load(args)
    if args.command == "at":
        answer = at(log, args.when, known_at=args.known_at, aspects=args.aspect, subjects=args.subject)
        if answer.outside:
            sys.stderr.write(f"statustrack: note: {answer.outside}\n")
        sys.stdout.write(render_answer(answer, args.format, log.name, log.timezone))
    elif args.command == "diff":
        result = diff(log, args.from_, args.to, known_at=args.known_at, aspects=args.aspect, subjects=args.subject)
        sys.stdout.write(render_diff(result, args.format, log.name, log.timezone))
    elif args.command == "sources":
        headers, rows = source_summary(log)
        sys.stdout.write(render_rows(headers, rows, args.format, "sources"))
    return EXIT_OK


def _flag_event(args: argparse.Namespace) -> list[Raw]:
    fields: dict[str, object] = {k: getattr(args, k) for k in ("id", "kind", "date", "effective", "note", "replaces")
                                 if getattr(args, k) is not None}
    lists = {name for cls in KINDS.values() for name, a in ref_fields(cls) if a.metadata["holds"] == "actors"}
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            msg = f"--set takes FIELD=VALUE, got {item!r}"
            raise StatustrackError(msg)
        fields[name] = value.split(",") if name in lists else value
    fields["sources"] = [dict(zip(("id", "at"), s.split("@", 1), strict=False)) for s in args.source]
    return [Raw("event", fields, "(flags)", None)]


def _input_events(args: argparse.Namespace) -> list[Raw]:
    if args.file is None:
        return _flag_event(args)
    if args.file == "-":
        text, name = sys.stdin.read(), "(stdin)"
    else:
        try:
            text, name = Path(args.file).read_text(encoding="utf-8"), args.file
        except (OSError, UnicodeDecodeError) as e:
            msg = f"cannot read {args.file}: {e}"
            raise StatustrackError(msg) from e
    suffix = ".jsonl" if name.endswith(".jsonl") or text.lstrip().startswith("{") else ".toml"
    raws, problems = read_text(text, name, suffix)
    if problems:
        raise LogInvalid(problems)
    others = [r for r in raws if r.table != "event"]
    if others:
        raise LogInvalid([Problem(name, r.line, None, f"record takes only events, not [[{r.table}]]",
                                  "add registry entries by editing the registry files") for r in others])
    if not raws:
        raise StatustrackError(f"{name}: no events to record")
    return raws


def _write_command(args: argparse.Namespace) -> int:
    root = Path(args.log) if args.log else default_log_path()
    if args.command == "record":
        done = record(args.log, _input_events(args), target=args.to, expect_last=args.expect_last)
        for ident in done.appended:
            sys.stdout.write(f"recorded {ident} in {done.target} at {done.stamp}\n")
        for ident in done.unchanged:
            sys.stdout.write(f"already recorded {ident}: nothing to do\n")
    elif args.command == "seal":
        ids = seal(args.log)
        sys.stdout.write(f"sealed {len(ids)} events\n")
    else:
        log = load_log(args.log)
        seals, problems = read_ledger(root, log.root)
        problems += verify(log, seals)
        if problems:
            sys.stderr.write(render_problems(problems, "table"))
            return EXIT_INVALID
        head = seals[-1].chain[:16] if seals else "-"
        sys.stdout.write(f"verified: {len(seals)} events sealed, none edited, deleted, moved or reordered "
                         f"(chain head {head})\n")
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
