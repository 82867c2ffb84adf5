"""Text tables and wrapping: the one table writer of every command's table output.

By default tables are written by `simple_table`, tabulate's "simple" format without
tabulate. Within `table_format(name)` (`--table-format`), tables are written by tabulate
in that format (github, grid, rst, latex, html, tsv, ...), imported only then, as
sqlite-utils does with `--fmt`; cells are not wrapped (such a table is for pasting
elsewhere, not for an 80-column terminal), and in the formats that cannot hold a line
break in a cell (Markdown, HTML, LaTeX, TSV, ...) a cell's lines are joined by a space.
"""

from __future__ import annotations

import contextlib
import re
import textwrap
from collections.abc import Iterator, Sequence
from contextvars import ContextVar

__all__ = ["TABLE_FORMATS", "simple_table", "table_format", "wrap", "wrap_cell"]

#: tabulate's table formats (`tabulate.tabulate_formats`, written out so that naming them,
#: for --table-format's choices and completion, does not import tabulate).
TABLE_FORMATS = (
    "asciidoc",
    "colon_grid",
    "double_grid",
    "double_outline",
    "fancy_grid",
    "fancy_outline",
    "github",
    "grid",
    "heavy_grid",
    "heavy_outline",
    "html",
    "jira",
    "latex",
    "latex_booktabs",
    "latex_longtable",
    "latex_raw",
    "mediawiki",
    "mixed_grid",
    "mixed_outline",
    "moinmoin",
    "orgtbl",
    "outline",
    "pipe",
    "plain",
    "presto",
    "pretty",
    "psql",
    "rounded_grid",
    "rounded_outline",
    "rst",
    "simple",
    "simple_grid",
    "simple_outline",
    "textile",
    "tsv",
    "unsafehtml",
    "youtrack",
)

#: The formats whose drawing holds a cell of several lines (text pictures); in the others a
#: cell's lines are joined by a space.
_MULTILINE = frozenset(
    {
        "plain",
        "simple",
        "grid",
        "simple_grid",
        "rounded_grid",
        "heavy_grid",
        "mixed_grid",
        "double_grid",
        "fancy_grid",
        "colon_grid",
        "outline",
        "simple_outline",
        "rounded_outline",
        "heavy_outline",
        "mixed_outline",
        "double_outline",
        "fancy_outline",
        "psql",
        "pretty",
        "presto",
        "rst",
    }
)

_FORMAT: ContextVar[str | None] = ContextVar("table_format", default=None)


@contextlib.contextmanager
def table_format(name: str | None) -> Iterator[None]:
    """Within the block, tables are written by tabulate in format `name` (None: the built-in
    simple table)."""
    if name is not None and name not in TABLE_FORMATS:
        msg = f"unknown table format {name!r}; use one of: {', '.join(TABLE_FORMATS)}"
        raise ValueError(msg)
    token = _FORMAT.set(name)
    try:
        yield
    finally:
        _FORMAT.reset(token)


def _tabulated(rows: Sequence[Sequence[str]], headers: Sequence[str], name: str) -> str:
    from tabulate import tabulate

    if name not in _MULTILINE:
        rows = [[" ".join(c.split("\n")) for c in row] for row in rows]
    return str(tabulate(rows, headers=list(headers), tablefmt=name, disable_numparse=True))


_SPACES = re.compile(r"[\t\n\x0b\x0c\r]|  ")


def simple_table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    """Rows under headers as tabulate's "simple" format writes them (cells trimmed, a cell
    may hold several lines, columns two spaces apart, a header at least two wider than its
    text, each line without trailing spaces), in a fraction of its time. Within
    `table_format(name)`, tabulate's format `name`."""
    if (name := _FORMAT.get()) is not None:
        return _tabulated(rows, headers, name)
    if any("\n" in c or "\r" in c for row in rows for c in row):
        cells = [[c.strip().splitlines() for c in row] for row in rows]  # an empty cell has no line
    else:
        cells = [[[c.strip()] for c in row] for row in rows]
    widths = [len(h) + 2 for h in headers]
    for row in cells:
        for column, lines in enumerate(row):
            widths[column] = max(widths[column], 0, *map(len, lines))
    out = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    for row in cells:
        for depth in range(max(map(len, row), default=0)):
            out.append(
                "  ".join(
                    (lines[depth] if depth < len(lines) else "").ljust(w) for lines, w in zip(row, widths, strict=True)
                ).rstrip()
            )
    return "\n".join(out)


def wrap_cell(text: str, width: int) -> str:
    """`text` wrapped to `width` columns line by line, long words broken (what tabulate's
    maxcolwidths does, faster): a table cell. Within `table_format`, `text` as it is."""
    if _FORMAT.get() is not None:
        return text
    return "\n".join(line for part in text.split("\n") for line in _wrapped(part, width))


def _wrapped(part: str, width: int) -> list[str]:
    if len(part) <= width and part == part.strip() and not _SPACES.search(part):
        return [part]  # what textwrap would return, without its work
    return textwrap.wrap(part, width, break_long_words=True, break_on_hyphens=True) or [""]


def wrap(text: str, indent: str, width: int = 80, hang: str = "") -> list[str]:
    """`text` wrapped to `width` at spaces only (ids and addresses stay whole), indented;
    continuation lines get `hang` more: a line of prose output."""
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent + hang,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent.rstrip()]
