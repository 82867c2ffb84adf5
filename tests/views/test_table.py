"""The table writer writes what tabulate's "simple" format writes, and the wrapper what
textwrap writes: the exact-output tests of the CLI depend on both."""

from __future__ import annotations

import textwrap

from hypothesis import given
from hypothesis import strategies as st
from tabulate import tabulate

from statustrack.views.table import simple_table, wrap_cell

# What a cell can hold: printable text of any script, spaces and line breaks (text fields
# refuse other control characters).
CELL = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")) | st.sampled_from(" \n"), max_size=40)


@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda n: st.tuples(
            st.lists(
                st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=12)
                .map(str.strip)
                .filter(bool),
                min_size=n,
                max_size=n,
            ),
            st.lists(st.lists(CELL, min_size=n, max_size=n), min_size=1, max_size=5),
        )
    )
)
def test_simple_table_is_tabulates_simple_format(case: tuple[list[str], list[list[str]]]) -> None:
    """Any headers and cells (several lines, spaces at the ends, any script): the same text."""
    headers, rows = case
    assert simple_table(rows, headers) == tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)


@given(CELL | st.text(max_size=60), st.integers(min_value=4, max_value=40))
def test_wrap_is_textwrap_line_by_line(text: str, width: int) -> None:
    """Wrapping with the shortcut for lines that fit gives what textwrap gives."""
    expected = "\n".join(
        line
        for part in text.split("\n")
        for line in (textwrap.wrap(part, width, break_long_words=True, break_on_hyphens=True) or [""])
    )
    assert wrap_cell(text, width) == expected


def test_table_formats_are_tabulates() -> None:
    """--table-format's choices, written out so that naming them imports nothing, are tabulate's formats."""
    from tabulate import tabulate_formats

    from statustrack.views.table import TABLE_FORMATS

    assert sorted(TABLE_FORMATS) == sorted(tabulate_formats)


def test_table_format_markdown_joins_a_cells_lines() -> None:
    """Within table_format("github") a table is tabulate's, a cell's lines joined by a space, cells unwrapped."""
    from statustrack.views.table import table_format

    with table_format("github"):
        text = simple_table([[wrap_cell("a long value", 4), "x\n(e1)"]], ["subject", "value"])
    assert text == ("| subject      | value   |\n|--------------|---------|\n| a long value | x (e1)  |")
    assert simple_table([["a", "b"]], ["h", "i"]) == tabulate([["a", "b"]], headers=["h", "i"], tablefmt="simple")
