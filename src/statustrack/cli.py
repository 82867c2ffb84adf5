"""The command line: one handler per command, each calling the library function of the
same name (`statustrack at` calls `statustrack.at`, `timeline` the view `timeline`).

Library errors become one clean line on stderr and exit status 2; output goes to stdout.
Each handler imports what it calls when it runs, so that a command loads no more than it
uses (`at` with a current index loads neither the log's loader nor any picture).
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from textwrap import dedent
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, NoReturn, TextIO, overload

import attrs

from statustrack import __version__
from statustrack.core.facts import ASPECTS, STANCES
from statustrack.core.model import ENV_VAR
from statustrack.core.registry import LEVELS
from statustrack.errors import MAX_QUOTE, LogInvalid, Problem, StatustrackError, clip, printable
from statustrack.views import FORMATS
from statustrack.views.csv import raw_csv
from statustrack.views.json import document_fields
from statustrack.views.table import table_format

if TYPE_CHECKING:
    from statustrack.api.reader import Source
    from statustrack.core.model import Log
    from statustrack.log.parse import Raw

__all__ = ["main"]

#: How every error line starts.
ERROR = "statustrack: error: "
EXIT_OK, EXIT_CHANGES, EXIT_INVALID, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
MAX_PROBLEMS = 100
#: Fields of every event, each set by its own flag of `record` (or by the tool), never by --set.
_OWN_FLAGS = {
    "id": "--id",
    "kind": "--kind",
    "date": "--date",
    "effective": "--effective",
    "note": "--note",
    "replaces": "--replaces",
    "sources": "--source",
    "recorded": None,
}

Options = Callable[[argparse.ArgumentParser], object]
Handler = Callable[[argparse.Namespace], int]


class _Command(NamedTuple):
    summary: str
    example: str
    options: tuple[Options, ...]
    run: Handler


_COMMAND = "COMMAND"
#: The file name problems give an event built by `record`'s flags.
FLAGS = "(flags)"
#: Every command, in the order `statustrack --help` lists them.
_COMMANDS: dict[str, _Command] = {}


def _command(name: str, summary: str, example: str, *options: Options) -> Callable[[Handler], Handler]:
    """Register the decorated handler as command `name`: its one-line summary, its help's
    examples, and the functions that add its arguments, in the order help lists them."""

    def register(run: Handler) -> Handler:
        _COMMANDS[name] = _Command(summary, dedent(example).strip(), options, run)
        return run

    return register


class UsageError(Exception):
    """A command line argparse refuses: `command` (None for statustrack itself) and what is wrong."""

    def __init__(self, command: str | None, message: str, *, example: bool = True) -> None:
        self.command = command
        self.message = message
        self.example = example
        super().__init__(message)


def close_matches(value: str, choices: Sequence[str]) -> str:
    """`; did you mean 'x'?` naming the choices nearest `value` (those about as near as the
    nearest, at most three), or an empty string."""
    close = difflib.get_close_matches(value, list(choices), n=3, cutoff=0.6)
    if close:
        best = difflib.SequenceMatcher(None, value, close[0]).ratio()
        close = [c for c in close if difflib.SequenceMatcher(None, value, c).ratio() >= best - 0.05]
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


class _Parser(argparse.ArgumentParser):
    """argparse's parser, refusing by raising `UsageError` instead of printing usage and
    exiting, and naming the nearest choices when a value is not one of them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["exit_on_error"] = False
        super().__init__(*args, **kwargs)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is not None and value not in action.choices:
            choices = [str(c) for c in action.choices]
            what = str(action.metavar or action.dest).lower().replace("_", " ")
            msg = f"unknown {what} {value!r}{close_matches(str(value), choices)} (one of: {', '.join(choices)})"
            raise argparse.ArgumentError(action, msg)

    def error(self, message: str) -> NoReturn:
        """Raise the refusal for `main` to print as one line, with an example."""
        command = self.prog.split(" ", 1)[1] if " " in self.prog else None
        raise UsageError(command, message)


def _example(command: str | None) -> str:
    """The first example of `command`'s help (of `at` for statustrack itself)."""
    lines = _COMMANDS[command or "at"].example.splitlines()
    return next(
        (line.strip() for line in lines if line.strip().startswith("statustrack ")), "statustrack at 2020-11-10"
    )


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `only`, of that one command alone (what parsing its
    arguments needs: building the other commands' parsers costs start-up time)."""
    parser = _Parser(
        prog="statustrack",
        description="What was the political status of a region on a date, and according to whom.",
        epilog="Example: statustrack at 2020-11-10",
    )
    parser.add_argument("--version", action="version", version=f"statustrack {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar=_COMMAND)
    for name, command in _COMMANDS.items():
        if only in (None, name):
            p = commands.add_parser(
                name,
                help=command.summary,
                description=command.summary,
                formatter_class=argparse.RawDescriptionHelpFormatter,
                epilog=command.example,
            )
            for add in command.options:
                add(p)
            p.set_defaults(run=command.run)
    return parser


# --- Arguments: each a function adding it, shared by the commands that take it. ---


def _arg(*names: str, **options: Any) -> Options:
    """The options function that adds one argument."""
    return lambda parser: parser.add_argument(*names, **options)


_log = _arg("--log", metavar="DIR", help=f"the log directory (default: ${ENV_VAR}, else the shipped log)")
_raw_csv = _arg(
    "--raw-csv",
    action="store_true",
    help="with --format csv, write every cell as it is; by default a cell starting with "
    "=, +, -, @, a tab or a carriage return gets a leading ' so a spreadsheet shows it "
    "as text instead of running it as a formula",
)
_aspects = _arg("--aspect", action="append", choices=ASPECTS, metavar="ASPECT", help="only this aspect (repeatable)")
_known_at = _arg("--known-at", metavar="T", help="as the log stood at record time T")


def _picture_file(suffixes: str) -> Options:
    """-o FILE, required: the picture's file, one of `suffixes`."""
    return _arg("-o", "--output", required=True, metavar="FILE", help=f"the file to write ({suffixes})")


def _common(parser: argparse.ArgumentParser) -> None:
    """--log, and the output options every reading command takes."""
    _log(parser)
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    _raw_csv(parser)
    parser.add_argument(
        "--max-problems",
        type=int,
        default=MAX_PROBLEMS,
        metavar="N",
        help=f"show at most N problems, then how many more there are (default {MAX_PROBLEMS}; 0 shows all)",
    )


def _table_format(parser: argparse.ArgumentParser) -> None:
    """--table-format: tables through tabulate, in one of its formats."""
    from statustrack.views.table import TABLE_FORMATS

    parser.add_argument(
        "--table-format",
        choices=TABLE_FORMATS,
        metavar="NAME",
        help="write tables in this tabulate format, cells unwrapped (github, grid, rst, latex, "
        "html, tsv, ...: one of " + ", ".join(TABLE_FORMATS) + "); with at, every fact is "
        "listed, as with --all",
    )


def _filters(parser: argparse.ArgumentParser) -> None:
    """--with-parts, --level and --stance (query.wanted's filters)."""
    parser.add_argument(
        "--with-parts",
        action="store_true",
        help="with --subject: include the facts of its parts (a country's states, a state's chambers)",
    )
    parser.add_argument(
        "--level",
        action="append",
        choices=LEVELS,
        metavar="LEVEL",
        help=f"only facts naming an actor of this level (repeatable): {', '.join(LEVELS)}",
    )
    parser.add_argument(
        "--stance",
        action="append",
        choices=STANCES,
        metavar="STANCE",
        help=f"only recognition facts with this stance (repeatable): {', '.join(STANCES)}",
    )
    _country(parser)


_country = _arg(
    "--country",
    action="append",
    metavar="COUNTRY",
    help="only facts naming a place or actor of this country, or part of it: a state's "
    "legislature, a city (repeatable; id, name or alias: united-states, France)",
)


def _query(parser: argparse.ArgumentParser) -> None:
    """What a query keeps: aspects, subjects, the record time, and the filters."""
    parser.add_argument(
        "--aspect",
        action="append",
        choices=ASPECTS,
        metavar="ASPECT",
        help=f"only this aspect (repeatable): {', '.join(ASPECTS)}",
    )
    parser.add_argument(
        "--subject",
        action="append",
        metavar="NAME",
        help="only facts about this place or actor, by id, name or any alias (repeatable)",
    )
    parser.add_argument(
        "--known-at", metavar="T", help="replay only what the log had recorded by T (a date or instant)"
    )
    _filters(parser)


def _record_target(parser: argparse.ArgumentParser) -> None:
    from statustrack.api.write import DEFAULT_TARGET

    parser.add_argument(
        "--to",
        default=DEFAULT_TARGET,
        metavar="FILE",
        help=f"the .jsonl file of the log to append to (default: {DEFAULT_TARGET})",
    )


def _record_flags(parser: argparse.ArgumentParser) -> None:
    for flag in ("id", "kind", "date", "effective", "note", "replaces"):
        parser.add_argument(f"--{flag}", metavar=flag.upper(), help=f"the event's {flag} (building one event by flags)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a kind-specific field (repeatable; a list field takes commas)",
    )
    parser.add_argument(
        "--source", action="append", default=[], metavar="ID[@WHERE]", help="a source id and where in it (repeatable)"
    )


def _export_format(parser: argparse.ArgumentParser) -> None:
    from statustrack.views.export import EXPORT_FORMATS

    parser.add_argument(
        "--format", choices=EXPORT_FORMATS, default="csv", help="csv (default), jsonl, sqlite or parquet"
    )


# --- Helpers of the handlers. ---


@overload
def _load(args: argparse.Namespace, *, indexed: Literal[False] = False) -> Log: ...
@overload
def _load(args: argparse.Namespace, *, indexed: bool) -> Source: ...
def _load(args: argparse.Namespace, *, indexed: bool = False) -> Source:
    """The log --log names; with `indexed`, read through its fact index when that is current."""
    if indexed:
        from statustrack.api.reader import open_log

        return open_log(args.log)
    from statustrack.log.load import load_log

    return load_log(args.log)


def _filtered(args: argparse.Namespace) -> dict[str, Any]:
    return {"with_parts": args.with_parts, "levels": args.level, "stances": args.stance, "countries": args.country}


def _problems(problems: Sequence[Problem], fmt: str, limit: int, out: TextIO) -> None:
    """Write `problems` in `fmt` to `out`, at most `limit` of them (0: all), then how many more."""
    from statustrack.views.facts import render_problems

    shown = problems if limit <= 0 else problems[:limit]
    out.write(render_problems(shown, fmt))
    if len(shown) < len(problems):
        more = len(problems) - len(shown)
        sys.stderr.write(f"... and {more} more problem{'s' if more > 1 else ''} (--max-problems 0 shows all)\n")


def _note(text: str | None) -> None:
    if text:
        sys.stderr.write(f"statustrack: note: {text}\n")


def _check_args(args: argparse.Namespace) -> None:
    """Refuse options given but empty, which would otherwise be read as not given."""
    for option in ("log", "known_at", "to", "expect_last", "head"):
        value = getattr(args, option, None)
        if value is not None and not value.strip():
            flag = "--" + option.replace("_", "-")
            msg = f"{flag} is empty: give it a value, or leave the option out"
            raise StatustrackError(msg)
    if getattr(args, "table_format", None) and args.format != "table":
        msg = f"--table-format {args.table_format} sets how tables look: leave out --format {args.format}"
        raise StatustrackError(msg)
    if getattr(args, "max_problems", MAX_PROBLEMS) < 0:
        msg = f"--max-problems takes a count (0 for all), not {args.max_problems}"
        raise StatustrackError(msg)


# --- The commands, one handler each, in the order help lists them. ---


@_command(
    "at",
    "Show what held on a date or at an instant: a summary, or every fact.",
    """
    A plain date means the end of that day in the log's time zone; an instant
    carries its offset. Facts whose event may or may not have happened yet are
    marked possible. The table opens with a summary that fits one screen (status
    per party, control per holder, posts, recognition by stance and level,
    conflicts, recent acts); --all lists every fact, --aspect one aspect.

    examples:
      statustrack at 2020-11-10
      statustrack at 2020-11-09T23:00+04:00 --aspect conflict
      statustrack at 2020-11-10 --all
      statustrack at 2012-05-15 --subject "New South Wales" --format json
    """,
    _common,
    _table_format,
    _query,
    _arg(
        "--all",
        "--full",
        dest="all",
        action="store_true",
        help="list every fact, grouped by aspect (the table otherwise opens with a one-screen summary; "
        "--aspect, --subject, --level and --stance list the facts they keep in full)",
    ),
    _arg("when", metavar="DATE", help="a day (2020-11-10), month, year or instant (2020-11-10T00:00+03:00)"),
    _arg(
        "--acts-window",
        metavar="DAYS",
        type=int,
        default=365,
        help="list the acts (statements, votes...) of the DAYS days up to the date (default 365)",
    ),
)
def _at(args: argparse.Namespace) -> int:
    from statustrack.api.query import at
    from statustrack.views.facts import render_answer

    log = _load(args, indexed=not args.known_at)
    _note_known_at(log, args)
    answer = at(
        log,
        args.when,
        known_at=args.known_at,
        aspects=args.aspect,
        subjects=args.subject,
        acts_window=args.acts_window,
        **_filtered(args),
    )
    _note(answer.outside)
    filtered = bool(args.aspect or args.subject or args.level or args.stance)
    if not answer.facts and not answer.acts and filtered:
        _note_first(log, args, answer.instant)
    summary = None
    # A table format asks for tables: the facts listed in full, not the summary's prose.
    listed = args.all or filtered or args.table_format is not None
    if args.format == "json" or (args.format == "table" and not listed):
        from statustrack.api.summary import summarise

        summary = summarise(answer, log.registry)
    sys.stdout.write(render_answer(answer, args.format, log.name, log.timezone, summary, log.registry))
    return EXIT_OK


def _note_first(log: Source, args: argparse.Namespace, instant: object) -> None:
    """When a filter finds nothing at a date but the log has such facts later, say when they begin."""
    from statustrack.api.explore import first_in_filter
    from statustrack.api.query import resolve_when, wanted
    from statustrack.api.reader import Indexed

    if isinstance(log, Indexed):  # a log read through its index: the history needs the events
        log = _load(args)
    keep = wanted(log, args.aspect, args.subject, **_filtered(args))
    record = resolve_when(log, args.known_at) if args.known_at else None
    first = first_in_filter(log, instant, keep, record)  # type: ignore[arg-type]
    if first is not None:
        what = " or ".join(args.aspect) if args.aspect else "such"
        sys.stderr.write(
            f"statustrack: note: the log records no {what} facts"
            + (f" about {' or '.join(args.subject)}" if args.subject else "")
            + f" before {first.fact.since} (first: {first.fact.subject_name}: {first.fact.value}, "
            f"{first.fact.event})\n"
        )


@_command(
    "diff",
    "Show what changed between two dates, and which events changed it.",
    """
    examples:
      statustrack diff 2020-09-26 2020-11-10
      statustrack diff 2023-09-01 2024-01-01 --aspect status --format json
    """,
    _common,
    _table_format,
    _query,
    _arg("from_", metavar="FROM", help="the earlier date or instant"),
    _arg("to", metavar="TO", help="the later date or instant"),
    _arg(
        "--summary",
        action="store_true",
        help="only counts of facts added, changed and ended per aspect (like git diff --stat)",
    ),
    _arg("--exit-code", action="store_true", help="exit with status 1 when there are changes"),
)
def _diff(args: argparse.Namespace) -> int:
    from statustrack.api.query import diff

    log = _load(args, indexed=not args.known_at)
    _note_known_at(log, args)
    result = diff(
        log, args.from_, args.to, known_at=args.known_at, aspects=args.aspect, subjects=args.subject, **_filtered(args)
    )
    if args.summary:
        from statustrack.views.explore import render_summary

        # render_summary reads only the log's name and timezone, which an Indexed log has too;
        # its `log: Log` annotation (views/explore.py) is narrower than what it needs.
        sys.stdout.write(render_summary(log, result, args.format))
    else:
        from statustrack.views.facts import render_diff

        sys.stdout.write(render_diff(result, args.format, log.name, log.timezone, log.registry))
    return EXIT_CHANGES if args.exit_code and result.changes else EXIT_OK


@_command(
    "validate",
    "Check a log: every file, every event, every reference.",
    """
    Prints each problem on one line (file:line: event id: what is wrong; what to do)
    and exits with status 2 if there is any.

    examples:
      statustrack validate
      statustrack validate --log my-region/events --format json
    """,
    _common,
)
def _validate(args: argparse.Namespace) -> int:
    from statustrack.api.validate import validate

    try:
        log = validate(args.log)
    except LogInvalid as e:
        if args.format != "table":
            _problems(e.problems, args.format, args.max_problems, sys.stdout)
        else:
            with _errors_prefixed():
                _problems(e.problems, args.format, args.max_problems, sys.stderr)
        return EXIT_INVALID
    if args.format == "table":
        sys.stdout.write(
            f"valid: {log.shown}: {len(log.events)} events, {len(log.registry.sources)} sources, "
            f"{len(log.registry.places)} places, {len(log.registry.actors)} actors\n"
        )
    else:
        _problems((), args.format, args.max_problems, sys.stdout)
    return EXIT_OK


@_command(
    "record",
    "Append events to the log: validated first, atomic, sealed.",
    """
    Events come from a TOML file of [[event]] tables, a JSON Lines file, standard
    input (-), or flags. Each new event is stamped `recorded`; re-recording an
    identical event does nothing; --expect-last refuses if the log moved on.

    examples:
      statustrack record new-events.toml
      statustrack record - < new-events.jsonl
      statustrack record --id 2024-x --kind statement --date 2024-02 \\
          --set actor=azerbaijan --set summary="..." --source 004_ff0a7b95bcfc4415@lead
      statustrack record fix.toml --expect-last 2020-11-08-shusha-captured
    """,
    _common,
    _arg("file", nargs="?", metavar="FILE", help="a .toml or .jsonl file of events, or - for stdin"),
    _record_target,
    _arg("--expect-last", metavar="ID", help="refuse unless this is the last recorded event"),
    _record_flags,
)
def _record(args: argparse.Namespace) -> int:
    from statustrack.api.write import record

    try:
        done = record(args.log, _input_events(args), target=args.to, expect_last=args.expect_last)
    except LogInvalid as e:
        raise LogInvalid([_flag_hint(p) for p in e.problems]) from e
    _recovered(done.recovered)
    for ident in done.appended:
        sys.stdout.write(f"recorded {ident} in {done.target} at {done.stamp}\n")
    for ident in done.unchanged:
        sys.stdout.write(f"already recorded {ident}: nothing to do\n")
    sys.stdout.write(f"chain head {done.head or '-'}\n")
    return EXIT_OK


@_command(
    "verify",
    "Check that no recorded event was edited, deleted, moved or reordered.",
    """
    Compares the log with its sealed ledger (ledger.sha256, a hash chain of every
    recorded event and of the settings that change answers) and names each event
    that differs, each not yet sealed, and settings changed since they were sealed.
    Prints the chain head: keep it where the log's writers cannot change it (a git
    commit, a published note) and pass it to --head later, since anyone who rewrites
    the log can recompute the ledger too.

    examples:
      statustrack verify
      statustrack verify --log my-region/events --head 3f9a0c2e71d4b8a5
    """,
    _common,
    _arg("--head", metavar="HASH", help="fail unless the ledger's chain reaches this head (at least 8 hex digits)"),
)
def _verify(args: argparse.Namespace) -> int:
    from statustrack.api.write import verify

    verified = verify(args.log, head_prefix=args.head)
    reached = f", which reaches {args.head}" if args.head else ""
    sys.stdout.write(
        f"verified: {verified.sealed} events sealed, none edited, deleted, moved or reordered "
        f"(chain head {verified.head or '-'}{reached})\n"
    )
    _index_report(verified.index)
    if not verified.settings_sealed and verified.head:
        sys.stderr.write(
            "statustrack: note: the log's settings are not sealed yet (a ledger from before they were); "
            "'statustrack seal' seals them\n"
        )
    return EXIT_OK


def _index_report(check: Any) -> None:
    """The line `verify` prints about the log's fact index (api.write.IndexCheck)."""
    if check is None:
        return
    for text in check.ignored:
        sys.stdout.write(f"index: {text}; queries never read it\n")
    state = check.state.value
    if state == "current":
        sys.stdout.write(f"index: current, as statustrack wrote it for this log ({check.path})\n")
    elif check.trusted:
        sys.stdout.write(f"index: {state} ({check.path}): the next query rebuilds it\n")
    else:
        sys.stdout.write(f"index: {state}, not read ({check.path}): {check.why}; queries ignore it and rebuild it\n")


@_command(
    "seal",
    "Add events not yet in the ledger to it, after review.",
    """
    Also seals the log's settings (time zone, format, horizon) if the ledger has
    none yet; after a deliberate change of them, --settings seals the new ones.

    examples:
      statustrack seal --log my-log
      statustrack seal --log my-log --settings
    """,
    _common,
    _arg(
        "--settings",
        action="store_true",
        help="seal the log's current settings, though they differ from the sealed ones",
    ),
)
def _seal(args: argparse.Namespace) -> int:
    from statustrack.api.write import seal

    sealed = seal(args.log, settings=args.settings)
    _recovered(sealed.recovered)
    settings = " and the log's settings" if sealed.settings else ""
    sys.stdout.write(f"sealed {len(sealed.ids)} events{settings} (chain head {sealed.head or '-'})\n")
    return EXIT_OK


@_command(
    "sources",
    "List every source: title, address, events citing it, per aspect.",
    """
    Counts leave out retracted and replaced events (shown under `undone`).

    examples:
      statustrack sources
      statustrack sources --format json
    """,
    _common,
)
def _sources(args: argparse.Namespace) -> int:
    from statustrack.api.sources import sources
    from statustrack.views.explore import render_sources

    headers, rows = sources(_load(args))
    sys.stdout.write(render_sources(headers, rows, args.format))
    return EXIT_OK


@_command(
    "timeline",
    "Draw every value run as a bar on one row per subject, coloured by value.",
    """
    Control is coloured by holder, with the same legend as the map; hatching marks
    the span in which a run may not have begun yet, a thin dashed bar a pending
    fact; the conflict's wars and ceasefires run as a band on top. PNG is drawn by
    headless Chromium (Debian's chromium package).

    examples:
      statustrack timeline --aspect control -o control.svg
      statustrack timeline --aspect control --from 2020-09 --to 2020-12 -o autumn-2020.png
      statustrack timeline --subject Shusha --subject Lachin -o two.svg
    """,
    _log,
    _query,
    _picture_file(".svg or .png"),
    _arg("--from", dest="from_", metavar="DATE", help="start the chart at this date (default: the log's horizon)"),
    _arg("--to", metavar="DATE", help="end the chart at this date (default: the log's horizon)"),
)
def _timeline(args: argparse.Namespace) -> int:
    from statustrack.views.timeline import timeline

    _refuse_suffix(args, ".svg", ".png")
    log = _load(args)
    _note_known_at(log, args)
    return _draw(
        args,
        timeline(log, aspects=args.aspect, subjects=args.subject, from_=args.from_, to=args.to, known_at=args.known_at),
    )


@_command(
    "map",
    "Draw who controls each place on a date, at the places' coordinates.",
    """
    Offline: points and labels, no tiles and no outlines. A dashed ring marks a
    holder that is only possible at that date; places without coordinates are
    listed beside the map.

    examples:
      statustrack map 2020-11-10 -o map.svg
      statustrack map 1994-05-12 -o map-1994.png
    """,
    _log,
    _query,
    _picture_file(".svg or .png"),
    _arg("when", metavar="DATE", help="a day (2020-11-10), month, year or instant"),
)
def _map(args: argparse.Namespace) -> int:
    from statustrack.views.map import map as control_map

    _refuse_suffix(args, ".svg", ".png")
    log = _load(args)
    _note_known_at(log, args)
    if args.aspect and "control" not in args.aspect:
        raise StatustrackError("the map shows control: leave out --aspect or include --aspect control")
    return _draw(args, control_map(log, args.when, known_at=args.known_at, subjects=args.subject))


@_command(
    "html",
    "Write a self-contained HTML explorer: date slider, map, facts, timeline.",
    """
    One file with its data, script and styles inline: it opens from disk and makes
    no network request. The date lives in the URL: explorer.html#2020-11-10.

    examples:
      statustrack html -o explorer.html
      statustrack html --aspect control --aspect conflict -o war.html
    """,
    _log,
    _query,
    _picture_file(".html"),
)
def _html(args: argparse.Namespace) -> int:
    from statustrack.views.html import html

    _refuse_suffix(args, ".html", ".htm")
    log = _load(args)
    _note_known_at(log, args)
    return _draw(args, html(log, aspects=args.aspect, subjects=args.subject, known_at=args.known_at))


def _refuse_suffix(args: argparse.Namespace, *allowed: str) -> None:
    if Path(args.output).suffix.lower() not in allowed:
        raise StatustrackError(f"{args.command} writes {' or '.join(allowed)} files, not {args.output!r}")


def _draw(args: argparse.Namespace, text: str) -> int:
    """Write a picture to -o: SVG or HTML as it is, PNG drawn from the SVG by headless Chromium."""
    out = Path(args.output)
    if out.suffix.lower() == ".png":
        from statustrack.views.png import svg_to_png
        from statustrack.views.svg import size_of

        svg_to_png(text, size_of(text), out)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as e:
            raise StatustrackError(f"cannot write {out}: {e}") from e
    sys.stdout.write(f"wrote {out}\n")
    return EXIT_OK


@_command(
    "history",
    "Show every value a subject held, run by run, with events and sources.",
    """
    One row per value run: from, to (as the sources date them), the value and the
    events behind it (accounts that differ side by side), and the sources.

    examples:
      statustrack history Kalbajar --aspect control
      statustrack history "President of Artsakh" --format json
      statustrack history Maine --format csv
    """,
    _common,
    _arg("subject", metavar="SUBJECT", help="a place, actor or subject as the output prints it"),
    _aspects,
    _known_at,
    _filters,
)
def _history(args: argparse.Namespace) -> int:
    from statustrack.api.explore import history
    from statustrack.views.explore import render_history

    log = _load(args, indexed=True)
    _note_known_at(log, args)
    result = history(log, args.subject, aspects=args.aspect, known_at=args.known_at, **_filtered(args))
    sys.stdout.write(render_history(log, result, args.format))
    return EXIT_OK


@_command(
    "show",
    "Show one event as recorded: fields, note, sources, the facts it set, its seal.",
    """
    examples:
      statustrack show 2023-09-28-dissolution-decree-signed
      statustrack show 2020-11-08-shusha-captured-by-azerbaijan --format json
    """,
    _common,
    _arg("event", metavar="EVENT_ID", help="the event's id"),
)
def _show(args: argparse.Namespace) -> int:
    from statustrack.api.explore import show
    from statustrack.views.explore import render_show

    log = _load(args)
    sys.stdout.write(render_show(log, show(log, args.event), args.format))
    return EXIT_OK


@_command(
    "why",
    "Explain one fact on a date: the event and sources behind it, and the value before.",
    """
    examples:
      statustrack why control Shusha 2020-11-07
      statustrack why officeholder "President of Artsakh" 2010
      statustrack why recognition "New South Wales" 2012-05-15 --format json
    """,
    _common,
    _arg("aspect", metavar="ASPECT", choices=ASPECTS, help=f"one of: {', '.join(ASPECTS)}"),
    _arg("subject", metavar="SUBJECT", help="a place, actor or subject as the output prints it"),
    _arg("when", metavar="DATE", help="a day, month, year or instant"),
    _known_at,
)
def _why(args: argparse.Namespace) -> int:
    from statustrack.api.explore import why
    from statustrack.views.explore import render_why

    log = _load(args)
    _note_known_at(log, args)
    result = why(log, args.aspect, args.subject, args.when, known_at=args.known_at)
    _note(result.outside)
    sys.stdout.write(render_why(log, result, args.format))
    return EXIT_OK


@_command(
    "subjects",
    "List what --subject can name: places, actors, posts, claims, with aliases.",
    """
    A place or actor with no facts of its own lists its parts' runs (+N parts);
    `--subject` on it gives them.

    examples:
      statustrack subjects --aspect officeholder
      statustrack subjects --format csv
      statustrack subjects --country france
    """,
    _common,
    _aspects,
    _country,
)
def _subjects(args: argparse.Namespace) -> int:
    from statustrack.api.explore import subjects
    from statustrack.views.explore import render_subjects

    sys.stdout.write(render_subjects(subjects(_load(args), aspects=args.aspect, countries=args.country), args.format))
    return EXIT_OK


@_command(
    "countries",
    "Count the facts in force on a date by country: which countries have a body that ...",
    """
    Takes the filters of `at`; each fact counts for the country of the actor it is
    chiefly about (a US state's legislature: the United States; a city: its country).
    Facts whose actor has no country (an international body) are counted apart.

    examples:
      statustrack countries 2020-11-10 --aspect recognition --stance recognizes
      statustrack countries 2024 --aspect relation --format csv
    """,
    _common,
    _query,
    _arg("when", metavar="DATE", help="a day (2020-11-10), month, year or instant"),
)
def _countries(args: argparse.Namespace) -> int:
    from statustrack.api.explore import countries
    from statustrack.views.explore import render_countries

    log = _load(args, indexed=not args.known_at)
    result = countries(
        log, args.when, known_at=args.known_at, aspects=args.aspect, subjects=args.subject, **_filtered(args)
    )
    _note(result.outside)
    sys.stdout.write(render_countries(result, args.format))
    return EXIT_OK


@_command(
    "export",
    "Export the whole replayed history: one row per value run (docs/export.md).",
    """
    CSV and JSON Lines go to standard output without -o; SQLite and Parquet need a
    file. Parquet needs the optional extra: pip install 'statustrack[parquet]'.

    examples:
      statustrack export --format sqlite -o nk.db
      statustrack export --format csv -o nk.csv
      statustrack export --format parquet -o nk.parquet
    """,
    _log,
    _export_format,
    _arg("-o", "--output", metavar="FILE", help="the file to write (with the user's umask, as other programs do)"),
    _arg("--force", action="store_true", help="replace FILE if it exists (whole: never half-written)"),
    _known_at,
    _raw_csv,
)
def _export(args: argparse.Namespace) -> int:
    from statustrack.views.export import export

    to_stdout = args.output in (None, "-")
    if not to_stdout and not args.force and os.path.lexists(args.output):
        msg = f"{args.output} exists: give --force to replace it, or another -o FILE"
        raise StatustrackError(msg)
    log = _load(args)
    _note_known_at(log, args)
    count = export(log, sys.stdout if to_stdout else args.output, args.format, known_at=args.known_at)
    if not to_stdout:
        sys.stderr.write(f"exported {count} rows to {args.output}\n")
    return EXIT_OK


@_command(
    "recorded",
    "List when each event entered the log: record time, event, file, ledger line.",
    """
    An event's record time is its `recorded` stamp (statustrack record sets it);
    events without one count as recorded from the start of the log. --known-at T
    replays what had been recorded by T.

    examples:
      statustrack recorded
      statustrack recorded --since 2026-12-01
      statustrack recorded --until 2026-11-30 --format csv
    """,
    _common,
    _table_format,
    _arg("--since", metavar="DATE", help="only events recorded on or after this date or instant"),
    _arg("--until", metavar="DATE", help="only events recorded on or before this date or instant"),
)
def _recorded(args: argparse.Namespace) -> int:
    from statustrack.api.recorded import recorded
    from statustrack.views.recorded import render_recorded

    log = _load(args)
    sys.stdout.write(render_recorded(recorded(log, since=args.since, until=args.until), args.format, log.name))
    return EXIT_OK


def _note_known_at(log: Source, args: argparse.Namespace) -> None:
    """With --known-at before the log's first record time or on or after its last, say so
    on stderr and in the JSON output (`known_at_note`)."""
    if not args.known_at:
        return
    from statustrack.api.reader import Indexed
    from statustrack.api.recorded import known_at_note
    from statustrack.views.json import add_field

    note = known_at_note(log.load() if isinstance(log, Indexed) else log, args.known_at)
    if note:
        _note(note)
        add_field("known_at_note", note)


#: The shells `completion` writes a script for.
SHELLS = ("bash", "zsh", "fish")
#: Arguments that name a directory, and arguments that name a file, for completion.
_DIRECTORY_ARGS, _FILE_ARGS = {"log"}, {"output", "file", "to"}


@_command(
    "completion",
    "Print a shell completion script (bash, zsh or fish), generated from the parser.",
    """
    Completes commands, options and every choice (aspects, formats, stances,
    levels, table formats), and file names where a command takes a file. Write
    the script once (again after an upgrade):

    examples:
      statustrack completion bash > ~/.statustrack.bash && echo 'source ~/.statustrack.bash' >> ~/.bashrc
      statustrack completion zsh > ~/.zfunc/_statustrack   # with fpath=(~/.zfunc $fpath) before compinit
      statustrack completion fish > ~/.config/fish/completions/statustrack.fish
    """,
    _arg("shell", metavar="SHELL", choices=SHELLS, help=f"the shell: {', '.join(SHELLS)}"),
)
def _completion(args: argparse.Namespace) -> int:
    sys.stdout.write(completion(args.shell))
    return EXIT_OK


def completion(shell: str) -> str:
    """The completion script of the whole command line for `shell` (bash, zsh or fish), by shtab
    (imported only here: it is not on the path of any other command)."""
    import shtab

    parser = _parser()
    for action in _actions(parser):
        if action.dest in _DIRECTORY_ARGS:
            action.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
        elif action.dest in _FILE_ARGS:
            action.complete = shtab.FILE  # type: ignore[attr-defined]
    return str(shtab.complete(parser, shell=shell))


def _actions(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    """Every argument of `parser` and of its commands."""
    for action in parser._actions:
        yield action
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from _actions(sub)


# --- Reading the events `record` takes. ---


def _flag_event(args: argparse.Namespace) -> list[Raw]:
    from statustrack.core.events import KINDS, ref_fields
    from statustrack.log.parse import Raw

    fields: dict[str, object] = {
        k: getattr(args, k)
        for k in ("id", "kind", "date", "effective", "note", "replaces")
        if getattr(args, k) is not None
    }
    lists = {
        name
        for cls in KINDS.values()
        for name, a in ref_fields(cls)  # type: ignore[arg-type]  # mypy#20409
        if a.metadata["holds"] == "actors"
    }
    given: set[str] = set()
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            msg = f"--set takes FIELD=VALUE, got {item!r}"
            raise StatustrackError(msg)
        if name in _OWN_FLAGS:
            own = _OWN_FLAGS[name]
            msg = (
                f"--set {name}=... is refused: give the {name} with {own}"
                if own
                else f"--set {name}=... is refused: statustrack record stamps {name} itself"
            )
            raise StatustrackError(msg)
        if name in given:
            msg = f"--set {name}=... is given twice: give each field once"
            raise StatustrackError(msg)
        given.add(name)
        fields[name] = value.split(",") if name in lists else value
    fields["sources"] = [dict(zip(("id", "at"), s.split("@", 1), strict=False)) for s in args.source]
    return [Raw("event", fields, FLAGS, None)]


def _flag_hint(problem: Problem) -> Problem:
    """`problem` of an event built by flags, its hint in flag syntax (`--date 2020-11-10`,
    `--set place=shusha`) instead of the TOML a file takes; others as they are."""
    if problem.file != FLAGS or problem.fix is None:
        return problem
    field = problem.fix
    own = _OWN_FLAGS.get(field)
    if field == "sources":
        give = [f"--source {n}@WHERE" for n in problem.nearest[:1]] or ["--source ID@WHERE"]
    elif own:
        give = [f"{own} {n}" for n in problem.nearest[:1]] or [f"{own} {field.upper()}"]
    else:
        give = [f"--set {field}={n}" for n in problem.nearest[:1]] or [f"--set {field}=VALUE"]
    near = f"did you mean {' or '.join(repr(n) for n in problem.nearest)}? " if problem.nearest else ""
    if field == "kind":
        from statustrack.core.events import KINDS

        where = f" (one of: {', '.join(KINDS)})"
    elif field == "sources":
        where = " (statustrack sources lists them)"
    else:
        where = " (statustrack subjects lists them)" if problem.nearest else ""
    return attrs.evolve(problem, hint=f"{near}give {give[0]}{where}")


def _input_events(args: argparse.Namespace) -> list[Raw]:
    from statustrack.log.parse import decode, read_text

    if args.file is None:
        return _flag_event(args)
    flags = [
        f"--{k}"
        for k in ("id", "kind", "date", "effective", "note", "replaces", "set", "source")
        if getattr(args, k) not in (None, [])
    ]
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
        raise LogInvalid(
            [
                Problem(
                    name,
                    r.line,
                    None,
                    f"record takes only events, not [[{r.table}]]",
                    "add registry entries by editing the registry files",
                )
                for r in others
            ]
        )
    if not raws:
        raise StatustrackError(f"{name}: no events to record")
    return raws


def _recovered(ids: Sequence[str]) -> None:
    if ids:
        sys.stdout.write(f"recovered: sealed {len(ids)} events an interrupted record had written ({', '.join(ids)})\n")


def _where(given: Sequence[str]) -> str:
    """`at ` when the command line names command `at`, else nothing: what an error line names."""
    return f"{given[0]} " if given and given[0] in _COMMANDS else ""


def _usage_error(e: UsageError) -> None:
    """Print what argparse refused, as one line, with an example of the command."""
    name = f"{e.command}: " if e.command else ""
    help_of = f"statustrack {e.command} --help" if e.command else "statustrack --help"
    example = (
        f"; for example: {_example(e.command)} ({help_of} shows more)" if e.example else f" ({help_of} lists them)"
    )
    sys.stderr.write(printable(f"{ERROR}{name}{e.message}{example}") + "\n")


def _unrecognised(parser: argparse.ArgumentParser, command: str, extra: Sequence[str]) -> None:
    """Refuse arguments no option of `command` takes, naming the nearest option."""
    sub = next(
        a
        for a in parser._subparsers._group_actions  # type: ignore[union-attr]
        if isinstance(a, argparse._SubParsersAction)
    ).choices[command]
    options = [o for a in sub._actions for o in a.option_strings if o.startswith("--")]
    first = extra[0]
    name = first.split("=", 1)[0]
    hint = close_matches(name, options) if name.startswith("-") else ""
    what = "option" if name.startswith("-") else "argument"
    raise UsageError(command, f"unknown {what} {first!r}{hint}", example=not hint)


@contextlib.contextmanager
def _errors_prefixed() -> Iterator[None]:
    """Within the block, every line written to stderr starts with `statustrack: error: `."""
    real = sys.stderr
    buffer = io.StringIO()
    sys.stderr = buffer
    try:
        yield
    finally:
        sys.stderr = real
        for line in buffer.getvalue().splitlines():
            real.write(f"{ERROR}{line}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input or log, 3 internal
    error, 130 interrupted by Ctrl-C)."""
    limit = MAX_PROBLEMS
    try:
        given = list(sys.argv[1:] if argv is None else argv)
        parser = _parser(given[0] if given and given[0] in _COMMANDS else None)
        args, extra = parser.parse_known_args(given)
        if extra:
            _unrecognised(parser, args.command, extra)
        limit = getattr(args, "max_problems", MAX_PROBLEMS)
        _check_args(args)
        with (
            raw_csv(getattr(args, "raw_csv", False)),
            table_format(getattr(args, "table_format", None)),
            document_fields(),
        ):
            return int(args.run(args))
    except KeyboardInterrupt:
        sys.stderr.write(f"{ERROR}interrupted (nothing half-written: a write is whole or not at all)\n")
        return EXIT_INTERRUPTED
    except UsageError as e:
        _usage_error(e)
        return EXIT_INVALID
    except argparse.ArgumentError as e:
        name = "" if e.argument_name in (None, _COMMAND) else f"{_where(given)}{e.argument_name}: "
        sys.stderr.write(printable(f"{ERROR}{name}{e.message}") + "\n")
        return EXIT_INVALID
    except LogInvalid as e:
        with _errors_prefixed():
            _problems(e.problems, "table", limit, sys.stderr)
        return EXIT_INVALID
    except StatustrackError as e:
        sys.stderr.write(f"{ERROR}{printable(clip(str(e), 3 * MAX_QUOTE))}\n")
        return EXIT_INVALID
    except Exception as e:
        if os.environ.get("STATUSTRACK_DEBUG"):
            raise
        sys.stderr.write(
            printable(f"{ERROR}internal error: {type(e).__name__}: {e}")
            + " (rerun with STATUSTRACK_DEBUG=1 for details, and please report it)\n"
        )
        return EXIT_INTERNAL
