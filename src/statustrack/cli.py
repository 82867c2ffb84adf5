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
from typing import TYPE_CHECKING, TextIO

from . import __version__
from .errors import MAX_QUOTE, LogInvalid, Problem, StatustrackError, clip, printable
from .facts import ASPECTS
from .query import at, diff
from .render import FORMATS, raw_csv, render_answer, render_diff, render_problems, render_rows

if TYPE_CHECKING:
    from .logmodel import Log
    from .parse import Raw

# Imported by the commands that need them, so that `at` with a current index loads no
# more than it uses: log (the loader), parse, store, ledger, report, events.
ENV_VAR = "STATUSTRACK_LOG"
DEFAULT_TARGET = "recorded.jsonl"

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 2, 3, 130
MAX_PROBLEMS = 100
#: Fields of every event, each set by its own flag of `record` (or by the tool), never by --set.
_OWN_FLAGS = {"id": "--id", "kind": "--kind", "date": "--date", "effective": "--effective", "note": "--note",
              "replaces": "--replaces", "sources": "--source", "recorded": None}


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--log", metavar="DIR",
                        help=f"the log directory (default: ${ENV_VAR}, else the shipped log)")
    common.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    common.add_argument("--raw-csv", action="store_true",
                        help="with --format csv, write every cell as it is; by default a cell starting with "
                             "=, +, -, @, a tab or a carriage return gets a leading ' so a spreadsheet shows it "
                             "as text instead of running it as a formula")
    common.add_argument("--max-problems", type=int, default=MAX_PROBLEMS, metavar="N",
                        help=f"show at most N problems, then how many more there are (default {MAX_PROBLEMS}; "
                             "0 shows all)")
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
    p = command("verify", "Check that no recorded event was edited, deleted, moved or reordered.", """
        Compares the log with its sealed ledger (ledger.sha256, a hash chain of every
        recorded event and of the settings that change answers) and names each event
        that differs, each not yet sealed, and settings changed since they were sealed.
        Prints the chain head: keep it where the log's writers cannot change it (a git
        commit, a published note) and pass it to --head later, since anyone who rewrites
        the log can recompute the ledger too.

        examples:
          statustrack verify
          statustrack verify --log my-region/events --head 3f9a0c2e71d4b8a5
        """)
    p.add_argument("--head", metavar="HASH",
                   help="fail unless the ledger's chain reaches this head (at least 8 hex digits)")
    p = command("seal", "Add events not yet in the ledger to it, after review.", """
        Also seals the log's settings (time zone, format, horizon) if the ledger has
        none yet; after a deliberate change of them, --settings seals the new ones.

        examples:
          statustrack seal --log my-log
          statustrack seal --log my-log --settings
        """)
    p.add_argument("--settings", action="store_true",
                   help="seal the log's current settings, though they differ from the sealed ones")
    command("sources", "Count events per source and per aspect; list events without a source.", """
        examples:
          statustrack sources
          statustrack sources --format csv
        """)
    return parser


def _load(args: argparse.Namespace) -> Log:
    from .log import load_log

    return load_log(args.log)


def _problems(problems: Sequence[Problem], fmt: str, limit: int, out: TextIO) -> None:
    """Write `problems` in `fmt` to `out`, at most `limit` of them (0: all), then how many more."""
    shown = problems if limit <= 0 else problems[:limit]
    out.write(render_problems(shown, fmt))
    if len(shown) < len(problems):
        more = len(problems) - len(shown)
        sys.stderr.write(f"... and {more} more problem{'s' if more > 1 else ''} (--max-problems 0 shows all)\n")


def _check_args(args: argparse.Namespace) -> None:
    """Refuse options given but empty, which would otherwise be read as not given."""
    for option in ("log", "known_at", "to", "expect_last", "head"):
        value = getattr(args, option, None)
        if value is not None and not value.strip():
            flag = "--" + option.replace("_", "-")
            msg = f"{flag} is empty: give it a value, or leave the option out"
            raise StatustrackError(msg)
    if args.max_problems < 0:
        msg = f"--max-problems takes a count (0 for all), not {args.max_problems}"
        raise StatustrackError(msg)


def _run(args: argparse.Namespace) -> int:
    _check_args(args)
    if args.command == "validate":
        try:
            log = _load(args)
        except LogInvalid as e:
            _problems(e.problems, args.format, args.max_problems, sys.stdout if args.format != "table" else sys.stderr)
            return EXIT_INVALID
        if args.format == "table":
            sys.stdout.write(f"valid: {log.root}: {len(log.events)} events, {len(log.registry.sources)} sources, "
                             f"{len(log.registry.places)} places, {len(log.registry.actors)} actors\n")
        else:
            sys.stdout.write(render_problems((), args.format))
        return EXIT_OK
    if args.command in ("record", "verify", "seal"):
        return _write_command(args)
    if args.command in ("at", "diff") and not args.known_at:
        from .index import load_indexed

        log = load_indexed(args.log)
    else:
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
        from .report import source_summary

        headers, rows = source_summary(log)
        sys.stdout.write(render_rows(headers, rows, args.format, "sources"))
    return EXIT_OK


def _flag_event(args: argparse.Namespace) -> list[Raw]:
    from .events import KINDS, ref_fields
    from .parse import Raw

    fields: dict[str, object] = {k: getattr(args, k) for k in ("id", "kind", "date", "effective", "note", "replaces")
                                 if getattr(args, k) is not None}
    lists = {name for cls in KINDS.values() for name, a in ref_fields(cls) if a.metadata["holds"] == "actors"}
    given: set[str] = set()
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            msg = f"--set takes FIELD=VALUE, got {item!r}"
            raise StatustrackError(msg)
        if name in _OWN_FLAGS:
            own = _OWN_FLAGS[name]
            msg = (f"--set {name}=... is refused: give the {name} with {own}" if own else
                   f"--set {name}=... is refused: statustrack record stamps {name} itself")
            raise StatustrackError(msg)
        if name in given:
            msg = f"--set {name}=... is given twice: give each field once"
            raise StatustrackError(msg)
        given.add(name)
        fields[name] = value.split(",") if name in lists else value
    fields["sources"] = [dict(zip(("id", "at"), s.split("@", 1), strict=False)) for s in args.source]
    return [Raw("event", fields, "(flags)", None)]


def _input_events(args: argparse.Namespace) -> list[Raw]:
    from .parse import decode, read_text

    if args.file is None:
        return _flag_event(args)
    flags = [f"--{k}" for k in ("id", "kind", "date", "effective", "note", "replaces", "set", "source")
             if getattr(args, k) not in (None, [])]
    if flags:
        msg = f"{args.file} gives the events, so {', '.join(flags)} would be ignored: use either a file or flags"
        raise StatustrackError(msg)
    if args.file == "-":
        data, name = sys.stdin.buffer.read(), "(stdin)"
    else:
        try:
            data, name = Path(args.file).read_bytes(), args.file
        except OSError as e:
            msg = f"cannot read {args.file} ({e.strerror}); check the path and its permissions"
            raise StatustrackError(msg) from e
    text, problem = decode(data, name)
    if text is None:
        raise LogInvalid([problem] if problem else [])
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


def _recovered(ids: Sequence[str]) -> None:
    if ids:
        sys.stdout.write(f"recovered: sealed {len(ids)} events an interrupted record had written "
                         f"({', '.join(ids)})\n")


def _write_command(args: argparse.Namespace) -> int:
    from .store import record, seal, verify_log

    if args.command == "record":
        done = record(args.log, _input_events(args), target=args.to, expect_last=args.expect_last)
        _recovered(done.recovered)
        for ident in done.appended:
            sys.stdout.write(f"recorded {ident} in {done.target} at {done.stamp}\n")
        for ident in done.unchanged:
            sys.stdout.write(f"already recorded {ident}: nothing to do\n")
        sys.stdout.write(f"chain head {done.head or '-'}\n")
    elif args.command == "seal":
        sealed = seal(args.log, settings=args.settings)
        _recovered(sealed.recovered)
        settings = " and the log's settings" if sealed.settings else ""
        sys.stdout.write(f"sealed {len(sealed.ids)} events{settings} (chain head {sealed.head or '-'})\n")
    else:
        verified = verify_log(args.log, head_prefix=args.head)
        reached = f", which reaches {args.head}" if args.head else ""
        sys.stdout.write(f"verified: {verified.sealed} events sealed, none edited, deleted, moved or reordered "
                         f"(chain head {verified.head or '-'}{reached})\n")
        if not verified.settings_sealed and verified.head:
            sys.stderr.write("note: the log's settings are not sealed yet (a ledger from before they were); "
                             "'statustrack seal' seals them\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input or log, 3 internal
    error, 130 interrupted by Ctrl-C)."""
    limit = MAX_PROBLEMS
    try:
        args = _parser().parse_args(argv)
        limit = args.max_problems
        with raw_csv(args.raw_csv):
            return _run(args)
    except KeyboardInterrupt:
        sys.stderr.write("statustrack: interrupted (nothing half-written: a write is whole or not at all)\n")
        return EXIT_INTERRUPTED
    except LogInvalid as e:
        _problems(e.problems, "table", limit, sys.stderr)
        return EXIT_INVALID
    except StatustrackError as e:
        sys.stderr.write(f"statustrack: error: {printable(clip(str(e), 3 * MAX_QUOTE))}\n")
        return EXIT_INVALID
    except Exception as e:
        if os.environ.get("STATUSTRACK_DEBUG"):
            raise
        sys.stderr.write(printable(f"statustrack: internal error: {type(e).__name__}: {e}") +
                         " (rerun with STATUSTRACK_DEBUG=1 for details, and please report it)\n")
        return EXIT_INTERNAL
