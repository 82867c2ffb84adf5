"""CSV: the one writer every command's CSV goes through, `export` included.

A spreadsheet runs a cell as a formula when it starts with `=`, `+`, `-` or `@` (and,
after a tab or a carriage return, when it trims them), so by default such a text cell
gets a leading `'`, which makes the spreadsheet show it as text (OWASP, "CSV
Injection"). The writer also catches the near misses a spreadsheet may turn into a
formula on import: leading white space before the sign (` =1+1`, which an importer may
trim) and the compatibility forms of the signs (full-width `＝1+1`, which NFKC folds to
`=`). A cell starting with any other character (`;=1+1`) is text to a spreadsheet that
reads the file as the comma-separated file it is. Numbers stay numbers: whether a cell
is text is decided by its Python type, so a negative count is written as `-3`, while
the text `-3` is written `'-3`. `raw_csv()` turns it off.
"""

from __future__ import annotations

import contextlib
import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar

__all__ = ["FORMULA_LEADS", "Cell", "csv_text", "neutralised", "raw_csv"]

#: What a spreadsheet reads as the start of a formula (OWASP's list).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

#: A cell as the writer takes it: text, a number, or None for an empty cell.
Cell = str | int | float | None

_RAW: ContextVar[bool] = ContextVar("raw_csv", default=False)


@contextlib.contextmanager
def raw_csv(raw: bool = True) -> Iterator[None]:
    """Within the block, CSV is written with every cell as it is, formula-leading ones included."""
    token = _RAW.set(raw)
    try:
        yield
    finally:
        _RAW.reset(token)


def _runs_as_formula(text: str) -> bool:
    if text.startswith(FORMULA_LEADS):
        return True
    first = text.lstrip()[:1]
    return bool(first) and unicodedata.normalize("NFKC", first).startswith(FORMULA_LEADS)


def neutralised(cell: Cell) -> Cell:
    """`cell` as a spreadsheet should see it: text that would run as a formula gets a
    leading `'`; numbers, None and other text are returned as they are."""
    if isinstance(cell, str) and _runs_as_formula(cell):
        return "'" + cell
    return cell


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """`rows` under `headers` as CSV text (`\\n` line ends, quoted only where needed),
    every text cell neutralised unless inside `raw_csv()`; None is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if _RAW.get():
        writer.writerow(headers)
        writer.writerows(rows)
    else:
        writer.writerow([neutralised(h) for h in headers])
        writer.writerows([neutralised(c) for c in row] for row in rows)
    return buffer.getvalue()
