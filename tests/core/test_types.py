"""Meanings are values: endings, accounts, sort keys and the claimant's name are read from
typed fields, never from display text (issue 18, item 4)."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from statustrack.api.query import at, wanted
from statustrack.core import events as ev
from statustrack.core.dates import parse_edtf
from statustrack.core.facts import Fact, Support, SupportRole, accounts_value, rank
from statustrack.core.reducers import facts_of, stance_label
from statustrack.core.registry import SourceRef
from statustrack.core.replay import apply, timeline
from statustrack.index.codec import decode, encode
from statustrack.log.load import load_log

from ..support import MARENZA

LOG = load_log(MARENZA)
REG = LOG.registry
TZ = LOG.timezone
SRC = (SourceRef("chronicle", "test"),)


def make(cls: type[ev.Event], date: str = "1990-01-01", ident: str = "x", **fields: Any) -> ev.Event:
    """An event of `cls` on the invented log's registry."""
    return cls(id=ident, date=parse_edtf(date, TZ), sources=SRC, **fields)


def only(event: ev.Event) -> Fact:
    """The one fact `event` sets."""
    (fact,) = facts_of(event, REG)
    return fact


@pytest.mark.parametrize(
    ("event", "ended"),
    [
        (make(ev.Office, place="norhaven", state="closed", polity="upper-marenza"), True),
        (make(ev.Office, place="norhaven", state="open", polity="upper-marenza"), False),
        (make(ev.Officeholder, post="President", person="vacant (resigned)", polity="upper-marenza"), True),
        (make(ev.Officeholder, post="President", person="Ilse Varga", polity="upper-marenza"), False),
        (make(ev.Relation, a="port-aldo", b="norhaven", type="twinning", state="ended"), True),
        (make(ev.Relation, a="port-aldo", b="norhaven", type="twinning", state="established"), False),
    ],
)
def test_reducers_say_whether_a_fact_records_an_ending(event: ev.Event, ended: bool) -> None:
    """An office closed, a post vacant or a tie ended is marked `ended` by its reducer."""
    assert only(event).ended is ended


def test_a_dissolution_reads_the_ended_field_not_the_value_text() -> None:
    """A dissolution ends a fact not marked ended, whatever its value reads, and passes over one marked ended."""
    office = attrs.evolve(
        only(make(ev.Office, place="norhaven", state="open", polity="upper-marenza")), value="closed, as the text says"
    )
    post = attrs.evolve(
        only(make(ev.Officeholder, post="President", person="Ilse Varga", polity="upper-marenza")), ended=True
    )
    dissolution = make(
        ev.Dissolution, "2003-09-01", "d", polity="upper-marenza", ends=("office", "officeholder"), summary="dissolved"
    )
    facts = {office.key: office, post.key: post}
    (step,) = timeline([dissolution], REG)
    assert apply(facts, step) == [office.key]
    assert (facts[office.key].value, facts[office.key].ended) == ("closed: dissolved", True)
    assert facts[post.key] is post


def test_accounts_are_kept_as_data_and_joined_in_one_place() -> None:
    """Disagreeing accounts stay on the fact with their own fields; only `accounts_value` joins them."""
    (valley,) = at(LOG, "1990-01-01", subjects=["Valle Oscuro"]).facts
    assert [(a.role, a.value, dict(a.detail)["holder"]) for a in valley.accounts] == [
        (SupportRole.ACCOUNT, "Upper Marenza", "upper-marenza"),
        (SupportRole.ACCOUNT, "Dalmaris", "dalmaris"),
    ]
    assert valley.disputed
    assert valley.value == accounts_value(valley.accounts) == "Upper Marenza (per chronicle); Dalmaris (per gazette)"
    assert accounts_value(valley.accounts[:1]) == "Upper Marenza"


def test_the_stance_filter_reads_each_account_not_the_value() -> None:
    """`--stance` keeps a fact one of whose accounts takes the stance, though no value text says so."""
    (tarvik,) = at(LOG, "1972-06-01", subjects=["Tarvik"]).facts
    unreadable = attrs.evolve(
        tarvik, value="(withheld)", supports=tuple(attrs.evolve(s, value="(withheld)") for s in tarvik.supports)
    )
    assert wanted(LOG, None, None, stances=["recognizes"])(unreadable)
    assert wanted(LOG, None, None, stances=["calls-for-recognition"])(unreadable)
    assert not wanted(LOG, None, None, stances=["withdrew-recognition"])(unreadable)


def test_the_claimant_is_named_by_the_log() -> None:
    """'affirms territorial integrity' names the log's claimant, and no country when the log names none."""
    assert stance_label("affirms-territorial-integrity", REG) == "affirms Kestrovia's territorial integrity"
    assert stance_label("affirms-territorial-integrity", attrs.evolve(REG, claimant=None)) == (
        "affirms territorial integrity"
    )
    assert stance_label("recognizes", REG) == "recognizes independence"


def test_rank_is_a_tuple_in_answer_order() -> None:
    """Answers sort by aspect order, pending last, then subject name case-folded: a tuple, not a joined string."""
    office = only(make(ev.Office, place="norhaven", state="open", polity="upper-marenza"))
    status = only(make(ev.Declaration, polity="upper-marenza", status="declared republic"))
    pending = attrs.evolve(status, pending=True)
    lower = attrs.evolve(status, subject="a", subject_name="aardvark")
    assert isinstance(rank(status), tuple)
    assert sorted([office, pending, status, lower], key=rank) == [lower, status, pending, office]


def test_the_index_codec_keeps_endings_and_accounts() -> None:
    """Every fact of the invented log, endings and accounts included, survives the index's codec."""
    facts = at(LOG, "2005-01-01").facts + at(LOG, "1972-06-01").facts
    assert any(f.ended for f in facts) and any(f.accounts for f in facts)
    for fact in facts:
        fact = attrs.evolve(fact, certainty="certain", otherwise=None, otherwise_event=None)
        again = decode(encode(fact))
        assert again == fact
        assert all(type(s.role) is SupportRole for s in again.supports)


def test_a_support_role_is_an_enum_that_reads_as_its_text() -> None:
    """A support's role is a SupportRole, written in JSON and the index as its plain text."""
    support = Support("account", "e", "v", "2000", parse_edtf("2000", TZ), SRC)
    assert support.role is SupportRole.ACCOUNT and support.role == "account"
