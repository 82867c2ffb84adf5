"""The command line: each command calls the library function of the same name.

Library errors become one clean line on stderr and exit status 2; output goes to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from textwrap import dedent
from typing import TYPE_CHECKING, TextIO

from statustrack import __version__
from statustrack.errors import MAX_QUOTE, LogInvalid, Problem, StatustrackError, clip, printable
from statustrack.core.facts import ASPECTS
from statustrack.core.facts import STANCES
from statustrack.api.query import at, diff, resolve_when
from statustrack.api.reader import Indexed, Source, open_log
from statustrack.core.registry import LEVELS
from statustrack.views.facts import FORMATS, raw_csv, render_answer, render_diff, render_problems

if TYPE_CHECKING:
    from statustrack.core.model import Log
    from statustrack.log.parse import Raw

# Imported by the commands that need them, so that `at` with a current index loads no
# more than it uses: log (the loader), parse, store, ledger, report, events.
ENV_VAR = "STATUSTRACK_LOG"
DEFAULT_TARGET = "recorded.jsonl"

__all__ = ["main"]

EXIT_OK, EXIT_CHANGES, EXIT_INVALID, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
MAX_PROBLEMS = 100
#: Fields of every event, each set by its own flag of `record` (or by the tool), never by --set.
_OWN_FLAGS = {"id": "--id", "kind": "--kind", "date": "--date", "effective": "--effective", "note": "--note",
              "replaces": "--replaces", "sources": "--source", "recorded": None}


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `only`, the parser of that one command alone (what
    parsing its arguments needs: the other commands' parsers cost start-up time)."""
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
    _filter_options(query)

    parser = argparse.ArgumentParser(
        prog="statustrack",
        description="What was the political status of a region on a date, and according to whom.",
        epilog="Example: statustrack at 2020-11-10",
    )
    parser.add_argument("--version", action="version", version=f"statustrack {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    if only is not None:
        add_parser = commands.add_parser

        def add_only(name: str, **kwargs: object) -> argparse.ArgumentParser:
            return add_parser(name, **kwargs) if name == only else argparse.ArgumentParser(add_help=False)

        commands.add_parser = add_only  # type: ignore[method-assign]

    def command(name: str, summary: str, example: str,
                parents: Sequence[argparse.ArgumentParser] | None = None) -> argparse.ArgumentParser:
        if parents is None:
            parents = [common] + ([query] if name in ("at", "diff") else [])
        return commands.add_parser(
            name, help=summary, description=summary, parents=list(parents),
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
    p.add_argument("--summary", action="store_true",
                   help="only counts of facts added, changed and ended per aspect (like git diff --stat)")
    p.add_argument("--exit-code", action="store_true", help="exit with status 1 when there are changes")

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
    command("sources", "List every source: title, address, events citing it, per aspect.", """
        Counts leave out retracted and replaced events (shown under `undone`).

        examples:
          statustrack sources
          statustrack sources --format json
        """)
    _picture_commands(commands, query)
    for add in (_history_command, _show_command, _why_command, _subjects_command, _export_command):
        add(command, common)
    return parser


def _picture_commands(commands: argparse._SubParsersAction, query: argparse.ArgumentParser) -> None:
    """The commands that draw: timeline, map and html (each imports its drawing code itself)."""
    picture = argparse.ArgumentParser(add_help=False)
    picture.add_argument("--log", metavar="DIR",
                         help=f"the log directory (default: ${ENV_VAR}, else the shipped log)")

    def command(name: str, summary: str, example: str, suffixes: str) -> argparse.ArgumentParser:
        p = commands.add_parser(name, help=summary, description=summary, parents=[picture, query],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=dedent(example).strip())
        p.add_argument("-o", "--output", required=True, metavar="FILE", help=f"the file to write ({suffixes})")
        return p

    p = command("timeline", "Draw every value run as a bar on one row per subject, coloured by value.", """
        Control is coloured by holder, with the same legend as the map; hatching marks
        the span in which a run may not have begun yet, a thin dashed bar a pending
        fact; the conflict's wars and ceasefires run as a band on top. PNG is drawn by
        headless Chromium (Debian's chromium package).

        examples:
          statustrack timeline --aspect control -o control.svg
          statustrack timeline --aspect control --from 2020-09 --to 2020-12 -o autumn-2020.png
          statustrack timeline --subject Shusha --subject Lachin -o two.svg
        """, ".svg or .png")
    p.add_argument("--from", dest="from_", metavar="DATE", help="start the chart at this date (default: the log's horizon)")
    p.add_argument("--to", metavar="DATE", help="end the chart at this date (default: the log's horizon)")
    p = command("map", "Draw who controls each place on a date, at the places' coordinates.", """
        Offline: points and labels, no tiles and no outlines. A dashed ring marks a
        holder that is only possible at that date; places without coordinates are
        listed beside the map.

        examples:
          statustrack map 2020-11-10 -o map.svg
          statustrack map 1994-05-12 -o map-1994.png
        """, ".svg or .png")
    p.add_argument("when", metavar="DATE", help="a day (2020-11-10), month, year or instant")
    command("html", "Write a self-contained HTML explorer: date slider, map, facts, timeline.", """
        One file with its data, script and styles inline: it opens from disk and makes
        no network request. The date lives in the URL: explorer.html#2020-11-10.

        examples:
          statustrack html -o explorer.html
          statustrack html --aspect control --aspect conflict -o war.html
        """, ".html")


def _load(args: argparse.Namespace) -> Log:
    from statustrack.log.load import load_log

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
    if getattr(args, "max_problems", MAX_PROBLEMS) < 0:
        msg = f"--max-problems takes a count (0 for all), not {args.max_problems}"
        raise StatustrackError(msg)


def _run(args: argparse.Namespace) -> int:
    _check_args(args)
    if args.command == "validate":
        try:
            log = _load(args)
        except LogInvalid as e:
            _problems(e.problems, args.format, getattr(args, "max_problems", MAX_PROBLEMS),
                      sys.stdout if args.format != "table" else sys.stderr)
            return EXIT_INVALID
        if args.format == "table":
            sys.stdout.write(f"valid: {log.shown}: {len(log.events)} events, {len(log.registry.sources)} sources, "
                             f"{len(log.registry.places)} places, {len(log.registry.actors)} actors\n")
        else:
            sys.stdout.write(render_problems((), args.format))
        return EXIT_OK
    if args.command in ("record", "verify", "seal"):
        return _write_command(args)
    if args.command in ("timeline", "map", "html"):
        return _picture(args)
    if getattr(args, "handler", None) is not None:
        return args.handler(args)
    if args.command in ("at", "diff") and not args.known_at:
        log = open_log(args.log)
    else:
        log = _load(args)
    if args.command == "at":
        answer = at(log, args.when, known_at=args.known_at, aspects=args.aspect, subjects=args.subject,
                    **_filters(args))
        if answer.outside:
            sys.stderr.write(f"statustrack: note: {answer.outside}\n")
        if not answer.facts and (args.aspect or args.subject or args.level or args.stance):
            _note_first(log, args, answer.instant)
        sys.stdout.write(render_answer(answer, args.format, log.name, log.timezone))
    elif args.command == "diff":
        result = diff(log, args.from_, args.to, known_at=args.known_at, aspects=args.aspect, subjects=args.subject,
                      **_filters(args))
        if args.summary:
            from statustrack.views.explore import render_summary
            sys.stdout.write(render_summary(log, result, args.format))
        else:
            sys.stdout.write(render_diff(result, args.format, log.name, log.timezone))
        if args.exit_code and result.changes:
            return EXIT_CHANGES
    elif args.command == "sources":
        from statustrack.views.explore import render_sources
        from statustrack.api.sources import source_summary

        headers, rows = source_summary(log)
        sys.stdout.write(render_sources(headers, rows, args.format))
    return EXIT_OK


# --- Exploring the record: each command's options and handler together. ---

def _filter_options(parser: argparse.ArgumentParser) -> None:
    """--with-parts, --level and --stance (query.wanted's filters)."""
    parser.add_argument("--with-parts", action="store_true",
                        help="with --subject: include the facts of its parts (a country's states, a state's chambers)")
    parser.add_argument("--level", action="append", choices=LEVELS, metavar="LEVEL",
                        help=f"only facts naming an actor of this level (repeatable): {', '.join(LEVELS)}")
    parser.add_argument("--stance", action="append", choices=STANCES, metavar="STANCE",
                        help=f"only recognition facts with this stance (repeatable): {', '.join(STANCES)}")


def _filters(args: argparse.Namespace) -> dict[str, object]:
    return {"with_parts": args.with_parts, "levels": args.level, "stances": args.stance}


def _note_first(log: Source, args: argparse.Namespace, instant: object) -> None:
    """When a filter finds nothing at a date but the log has such facts later, say when they begin."""
    from statustrack.api.explore import first_in_filter
    from statustrack.api.query import wanted

    if isinstance(log, Indexed):  # a log read through its index: the history needs the events
        log = _load(args)
    keep = wanted(log, args.aspect, args.subject, **_filters(args))
    record = resolve_when(log, args.known_at) if args.known_at else None
    first = first_in_filter(log, instant, keep, record)  # type: ignore[arg-type]
    if first is not None:
        what = " or ".join(args.aspect) if args.aspect else "such"
        sys.stderr.write(f"statustrack: note: the log records no {what} facts"
                         + (f" about {' or '.join(args.subject)}" if args.subject else "")
                         + f" before {first.fact.since} (first: {first.fact.subject_name}: {first.fact.value}, "
                         f"{first.fact.event})\n")


def _history_command(command: Callable[..., argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = command("history", "Show every value a subject held, run by run, with events and sources.", """
        One row per value run: from, to (as the sources date them), the value and the
        events behind it (accounts that differ side by side), and the sources.

        examples:
          statustrack history Kalbajar --aspect control
          statustrack history "President of Artsakh" --format json
          statustrack history Maine --format csv
        """, [common])
    p.add_argument("subject", metavar="SUBJECT", help="a place, actor or subject as the output prints it")
    p.add_argument("--aspect", action="append", choices=ASPECTS, metavar="ASPECT", help="only this aspect (repeatable)")
    p.add_argument("--known-at", metavar="T", help="as the log stood at record time T")
    _filter_options(p)
    p.set_defaults(handler=_history)


def _history(args: argparse.Namespace) -> int:
    from statustrack.api.explore import history
    from statustrack.views.explore import render_history
    log = _load(args)
    result = history(log, args.subject, aspects=args.aspect, known_at=args.known_at, **_filters(args))
    sys.stdout.write(render_history(log, result, args.format))
    return EXIT_OK


def _show_command(command: Callable[..., argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = command("show", "Show one event as recorded: fields, note, sources, the facts it set, its seal.", """
        examples:
          statustrack show 2023-09-28-dissolution-decree-signed
          statustrack show 2020-11-08-shusha-captured-by-azerbaijan --format json
        """, [common])
    p.add_argument("event", metavar="EVENT_ID", help="the event's id")
    p.set_defaults(handler=_show)


def _show(args: argparse.Namespace) -> int:
    from statustrack.api.explore import show
    from statustrack.views.explore import render_show
    log = _load(args)
    sys.stdout.write(render_show(log, show(log, args.event), args.format))
    return EXIT_OK


def _why_command(command: Callable[..., argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = command("why", "Explain one fact on a date: the event and sources behind it, and the value before.", """
        examples:
          statustrack why control Shusha 2020-11-07
          statustrack why officeholder "President of Artsakh" 2010
          statustrack why recognition "New South Wales" 2012-05-15 --format json
        """, [common])
    p.add_argument("aspect", metavar="ASPECT", choices=ASPECTS, help=f"one of: {', '.join(ASPECTS)}")
    p.add_argument("subject", metavar="SUBJECT", help="a place, actor or subject as the output prints it")
    p.add_argument("when", metavar="DATE", help="a day, month, year or instant")
    p.add_argument("--known-at", metavar="T", help="as the log stood at record time T")
    p.set_defaults(handler=_why)


def _why(args: argparse.Namespace) -> int:
    from statustrack.api.explore import why
    from statustrack.views.explore import render_why
    log = _load(args)
    result = why(log, args.aspect, args.subject, args.when, known_at=args.known_at)
    if result.outside:
        sys.stderr.write(f"statustrack: note: {result.outside}\n")
    sys.stdout.write(render_why(log, result, args.format))
    return EXIT_OK


def _subjects_command(command: Callable[..., argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = command("subjects", "List what --subject can name: places, actors, posts, claims, with aliases.", """
        A place or actor with no facts of its own lists its parts' runs (+N parts);
        `--subject` on it gives them.

        examples:
          statustrack subjects --aspect officeholder
          statustrack subjects --format csv
        """, [common])
    p.add_argument("--aspect", action="append", choices=ASPECTS, metavar="ASPECT", help="only this aspect (repeatable)")
    p.set_defaults(handler=_subjects)


def _subjects(args: argparse.Namespace) -> int:
    from statustrack.api.explore import subjects
    from statustrack.views.explore import render_subjects
    log = _load(args)
    sys.stdout.write(render_subjects(subjects(log, aspects=args.aspect), args.format))
    return EXIT_OK


#: exporting.EXPORT_FORMATS, written out so that building the parser imports no exporter
#: (tests/test_cli_explore.py checks they agree).
EXPORT_FORMATS = ("csv", "jsonl", "sqlite", "parquet")


def _export_command(command: Callable[..., argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    log_only = argparse.ArgumentParser(add_help=False)
    log_only.add_argument("--log", metavar="DIR", help=f"the log directory (default: ${ENV_VAR}, else the shipped log)")
    p = command("export", "Export the whole replayed history: one row per value run (docs/export.md).", """
        CSV and JSON Lines go to standard output without -o; SQLite and Parquet need a
        file. Parquet needs the optional extra: pip install 'statustrack[parquet]'.

        examples:
          statustrack export --format sqlite -o nk.db
          statustrack export --format csv -o nk.csv
          statustrack export --format parquet -o nk.parquet
        """, [log_only])
    p.add_argument("--format", choices=EXPORT_FORMATS, default="csv", help="csv (default), jsonl, sqlite or parquet")
    p.add_argument("-o", "--output", metavar="FILE", help="the file to write (replaced whole)")
    p.add_argument("--known-at", metavar="T", help="as the log stood at record time T")
    p.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    from statustrack.api.export import export, export_text
    log = _load(args)
    if args.output in (None, "-"):
        sys.stdout.write(export_text(log, args.format, known_at=args.known_at))
        return EXIT_OK
    count = export(log, args.output, args.format, known_at=args.known_at)
    sys.stderr.write(f"exported {count} runs to {args.output}\n")
    return EXIT_OK


def _flag_event(args: argparse.Namespace) -> list[Raw]:
    from statustrack.core.events import KINDS, ref_fields
    from statustrack.log.parse import Raw

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
    from statustrack.log.parse import decode, read_text

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
    from statustrack.api.write import record, seal, verify_log

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


def _timeline(args: argparse.Namespace, log: Log) -> tuple[str, tuple[int, int]]:
    from statustrack.views.svg import size_of
    from statustrack.views.timeline import chart, render_svg

    drawn = chart(log, aspects=args.aspect, subjects=args.subject, from_=args.from_, to=args.to,
                  known_at=args.known_at)
    svg = render_svg(drawn)
    return svg, size_of(svg)


def _map(args: argparse.Namespace, log: Log) -> tuple[str, tuple[int, int]]:
    from statustrack.views.map import control_map, render_map_svg
    from statustrack.views.svg import size_of

    if args.aspect and "control" not in args.aspect:
        raise StatustrackError("the map shows control: leave out --aspect or include --aspect control")
    svg = render_map_svg(control_map(log, args.when, known_at=args.known_at, subjects=args.subject))
    return svg, size_of(svg)


def _html(args: argparse.Namespace, log: Log) -> tuple[str, tuple[int, int]]:
    from statustrack.views.html import explorer

    return explorer(log, aspects=args.aspect, subjects=args.subject, known_at=args.known_at), (0, 0)


def _picture(args: argparse.Namespace) -> int:
    """timeline, map, html: draw, then write the file (PNG through headless Chromium)."""
    suffix = Path(args.output).suffix.lower()
    allowed = (".html", ".htm") if args.command == "html" else (".svg", ".png")
    if suffix not in allowed:
        raise StatustrackError(f"{args.command} writes {' or '.join(allowed)} files, not {args.output!r}")
    log = _load(args)
    draw = {"timeline": _timeline, "map": _map, "html": _html}[args.command]
    text, size = draw(args, log)
    out = Path(args.output)
    if suffix == ".png":
        from statustrack.views.png import svg_to_png

        svg_to_png(text, size, out)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as e:
            raise StatustrackError(f"cannot write {out}: {e}") from e
    sys.stdout.write(f"wrote {out}\n")
    return EXIT_OK


def _has_command(parser: argparse.ArgumentParser, name: str) -> bool:
    return any(isinstance(a, argparse._SubParsersAction) and name in a.choices for a in parser._actions)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input or log, 3 internal
    error, 130 interrupted by Ctrl-C)."""
    limit = MAX_PROBLEMS
    try:
        given = list(sys.argv[1:] if argv is None else argv)
        parser = _parser(given[0]) if given and not given[0].startswith("-") else None
        if parser is None or not _has_command(parser, given[0]):
            parser = _parser()
        args = parser.parse_args(given)
        limit = getattr(args, "max_problems", MAX_PROBLEMS)
        with raw_csv(getattr(args, "raw_csv", False)):
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
