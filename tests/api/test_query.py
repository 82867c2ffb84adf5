"""Queries beyond the laws: what a possible fact says holds otherwise, subjects by alias."""

from __future__ import annotations

from statustrack.api.query import at
from statustrack.core import events as ev
from statustrack.core.dates import parse_edtf

from ..support.strategies import SOURCES, TZ, log_of


def capture(ident: str, date: str, by: str) -> ev.Capture:
    """A capture of Shusha."""
    return ev.Capture(id=ident, date=parse_edtf(date, TZ), sources=(SOURCES[0],), place="shusha", by=by)


def test_possible_fact_names_what_holds_otherwise() -> None:
    """A month-precise capture, asked about mid-month, is possible and names the settled holder before it."""
    log = log_of([capture("a", "2019-01-01", "nkr"), capture("b", "2020-05", "azerbaijan")])
    (fact,) = at(log, "2020-05-15").facts
    assert (fact.value, fact.certainty, fact.otherwise, fact.otherwise_event) == (
        "Azerbaijan",
        "possible",
        "Artsakh",
        "a",
    )
    (fact,) = at(log, "2020-05-31").facts
    assert (fact.certainty, fact.otherwise) == ("certain", None)


def test_otherwise_skips_facts_that_are_themselves_possible() -> None:
    """`otherwise` is the latest earlier fact that is certain, not another possible one."""
    log = log_of(
        [capture("a", "2019-01-01", "nkr"), capture("b", "2020", "armenia"), capture("c", "2020-05", "azerbaijan")]
    )
    (fact,) = at(log, "2020-05-15").facts
    assert (fact.event, fact.otherwise_event) == ("c", "a")


def test_subject_by_any_spelling() -> None:
    """--subject accepts an alias in any script, case- and accent-insensitively."""
    log = log_of([capture("a", "2019-01-01", "nkr")])
    for spelling in ("Shushi", "舒沙", "SUSA", "şuşa", "shusha"):
        assert [f.subject for f in at(log, "2020-01-01", subjects=[spelling]).facts] == ["shusha"]
