"""The summary that opens `at` counts what the full answer holds: a law on random logs (with
accounts that disagree) and on the shipped log, shown failing on a broken summary."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statustrack.api import summary as summary_module
from statustrack.core import events as ev
from statustrack.core import shape as shape_module
from statustrack.core.facts import Fact
from statustrack.log.load import load_log

from ..support import laws
from ..support.laws import breaks
from ..support.strategies import log_of, logs_with_accounts, query_dates

SHIPPED = load_log()


@pytest.mark.slow
@given(logs_with_accounts(), query_dates())
def test_summary_counts_equal_the_answer(items: list[ev.Event], when: str) -> None:
    """The summary's counts equal counts over the full answer at the same instant."""
    laws.check_summary_counts(log_of(items), when)


@pytest.mark.parametrize(
    "when",
    [
        "1923-12-31",
        "1988-02-20",
        "1991-12-01",
        "1992-05-09",
        "1993-04-02",
        "1994-05-12",
        "2008-04-30",
        "2016-04-05",
        "2020-11-10",
        "2023-09-28",
        "2024-01-01",
    ],
)
def test_summary_counts_equal_the_answer_in_the_shipped_log(when: str) -> None:
    """The same law on the shipped log, on dates with disputed accounts among them."""
    laws.check_summary_counts(SHIPPED, when)


@pytest.mark.slow
def test_summary_law_catches_counting_one_account(monkeypatch: pytest.MonkeyPatch) -> None:
    """A summary that reads a disputed fact's holder from its first account alone (ignoring
    the others) counts the place under one holder, and the law finds it."""

    def first_account(fact: Fact, name: str) -> str:
        return dict(fact.detail).get(name, "")

    monkeypatch.setattr(shape_module, "field", first_account)
    breaks(laws.check_summary_counts, st.tuples(logs_with_accounts(4).map(log_of), query_dates()))


@pytest.mark.slow
def test_summary_law_catches_a_dropped_pending_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """A summary that counts pending facts as if in force breaks the law."""
    original = summary_module.summarise

    def counts_pending(answer: object, registry: object) -> object:
        found = original(answer, registry)  # type: ignore[arg-type]
        return found._replace(facts=found.facts + found.pending, pending=0)

    monkeypatch.setattr(summary_module, "summarise", counts_pending)
    breaks(laws.check_summary_counts, st.tuples(logs_with_accounts(4).map(log_of), query_dates()))
