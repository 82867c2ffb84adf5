"""Who exists, when; acts and standing positions; conflicts nest; correction chains (issue 19)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import pytest

from statustrack.api.explore import history, why
from statustrack.api.query import at, diff
from statustrack.core import events as ev
from statustrack.core.dates import parse_edtf
from statustrack.core.events import SourceRef
from statustrack.core.facts import Lapse
from statustrack.core.replay import Replay, apply, counted_events, replay
from statustrack.core.standing import STANDING, Standing, holders, standing_of
from statustrack.errors import LogInvalid, ProblemCode
from statustrack.log.load import load_log
from statustrack.log.write import to_toml

from ..support import MINI
from ..support.strategies import log_of

SRC = (SourceRef("s004", "lead"),)


def make(cls: type[ev.Event], ident: str, date: str, **fields: Any) -> ev.Event:
    """An event of `cls` with a source."""
    return cls(id=ident, date=parse_edtf(date, "Asia/Baku"), sources=SRC, **fields)


CLAIM = make(ev.Claim, "claim", "2019-03-01", polity="nkr", party="azerbaijan", position="a region")
CEASES = make(ev.Cessation, "ceases", "2020-02-01", actor="azerbaijan", how="superseded", successor="armenia")


def test_every_kind_is_an_act_or_a_position() -> None:
    """The one table declares every kind of the vocabulary, and stances where they differ."""
    assert set(STANDING) == set(ev.KINDS)
    assert standing_of("statement") is Standing.ACT
    assert standing_of("recognition", "recognizes") is Standing.POSITION
    assert standing_of("recognition", "rejected-recognition") is Standing.ACT


def test_a_cessation_ends_the_positions_of_its_holder() -> None:
    """The claim ends when its party ceases to exist: not in `at` after, in history and why with the reason."""
    log = log_of([CLAIM, CEASES])
    assert [f.event for f in at(log, "2020-01-31").facts] == ["claim"]
    assert at(log, "2020-02-01").facts == ()
    runs = history(log, "Azerbaijan").periods
    assert [(p.fact.value, p.fact.event) for p in runs] == [
        ("a region", "claim"),
        ("ended: Azerbaijan ceased to exist (superseded; succeeded by Armenia)", "ceases"),
    ]
    assert runs[-1].fact.lapsed is Lapse.HOLDER_CEASED
    reason = why(log, "status", "Artsakh, per Azerbaijan", "2021-01-01").reasons[0]
    assert (reason.event.id, reason.before.fact.event) == ("ceases", "claim")
    change = diff(log, "2020-01-01", "2020-03-01").changes[0]
    assert (change.kind, change.events) == ("ended", ("ceases",))


def test_a_successor_inherits_nothing() -> None:
    """Armenia, the successor, holds no position of Azerbaijan's."""
    log = log_of([CLAIM, CEASES])
    assert at(log, "2021-01-01", subjects=["Armenia"]).facts == ()


def test_disputing_claims_outlive_the_cessation() -> None:
    """A claim that disputes the cessation is not ended by it, and the ended positions show it."""
    other = make(ev.Claim, "other", "2019-04-01", polity="azerbaijan", party="azerbaijan", position="exists still")
    ceases = make(ev.Cessation, "ceases", "2020-02-01", actor="azerbaijan", how="dissolved", disputed_by=("other",))
    log = log_of([CLAIM, other, ceases])
    assert [f.event for f in at(log, "2021-01-01").facts] == ["other"]
    ended = history(log, "Artsakh, per Azerbaijan").periods[-1].fact
    assert (ended.disputed, [s.event for s in ended.supports]) == (True, ["other"])


def test_a_position_outside_its_holders_existence_is_a_problem(tmp_path: Path) -> None:
    """Validation names both events: the position and the cessation (or founding) it contradicts."""
    late = make(ev.Claim, "late", "2020-05-01", polity="nkr", party="azerbaijan", position="late")
    founded = make(ev.Founding, "founded", "2019-06-01", actor="armenia")
    early = make(ev.Recognition, "early", "2019-01-01", actor="armenia", stance="recognizes")
    root = tmp_path / "log"
    (root / "registry").mkdir(parents=True)
    for name in ("log.toml", "registry/registry.toml"):
        (root / name).write_text((MINI / name).read_text(encoding="utf-8"), encoding="utf-8")
    (root / "e.toml").write_text(to_toml([CLAIM, CEASES, late, founded, early]), encoding="utf-8")
    with pytest.raises(LogInvalid) as caught:
        load_log(root)
    found = {(p.event, p.code) for p in caught.value.problems}
    assert found == {("late", ProblemCode.HOLDER_NOT_EXISTING), ("early", ProblemCode.HOLDER_NOT_EXISTING)}
    messages = {p.event: p.message for p in caught.value.problems}
    assert "'ceases'" in messages["late"] and "after its holder 'azerbaijan' ceased" in messages["late"]
    assert "'founded'" in messages["early"] and "before its holder 'armenia' was founded" in messages["early"]


def test_an_act_given_an_end_is_refused(tmp_path: Path) -> None:
    """A statement dated as a span is refused, with the reason: an act has no end."""
    root = tmp_path / "log"
    (root / "registry").mkdir(parents=True)
    for name in ("log.toml", "registry/registry.toml"):
        (root / name).write_text((MINI / name).read_text(encoding="utf-8"), encoding="utf-8")
    settings = (root / "log.toml").read_text(encoding="utf-8").replace("format = 1", "format = 2")
    (root / "log.toml").write_text(settings, encoding="utf-8")
    (root / "e.toml").write_text(
        '[[event]]\nid = "said"\nkind = "statement"\ndate = "2020-01-01/2020-02-01"\n'
        'actor = "azerbaijan"\nsummary = "x"\nsources = [{ id = "s004" }]\n',
        encoding="utf-8",
    )
    with pytest.raises(LogInvalid) as caught:
        load_log(root)
    (problem,) = caught.value.problems
    assert problem.event == "said" and "a statement is an act" in problem.message and "no end" in problem.message


def test_acts_are_listed_apart_and_only_when_recent() -> None:
    """A statement is a recent act for a year (the default window), then only in history; never a fact in force."""
    said = make(ev.Statement, "said", "2019-03-01", actor="azerbaijan", summary="no status")
    log = log_of([said, CLAIM])
    answer = at(log, "2019-06-01")
    assert ([f.event for f in answer.facts], [f.event for f in answer.acts]) == (["claim"], ["said"])
    assert at(log, "2020-06-01").acts == ()
    assert [f.event for f in at(log, "2020-06-01", acts_window=500).acts] == ["said"]
    assert [p.fact.event for p in history(log, "Azerbaijan", aspects=["resolution"]).periods] == ["said"]


def test_a_repeated_act_is_its_own_happening() -> None:
    """Two votes that rejected a motion are two acts: the second does not join the first's run."""
    one = make(ev.Recognition, "one", "2019-01-01", actor="new-south-wales", stance="rejected-recognition")
    two = make(ev.Recognition, "two", "2020-01-01", actor="new-south-wales", stance="rejected-recognition")
    assert [f.event for f in at(log_of([one, two]), "2020-02-01").acts] == ["two"]


def test_an_offensive_stands_beside_its_war_until_the_theatres_next_state() -> None:
    """An offensive is its own fact beside the war; without a recorded end it stops at the next war or ceasefire."""
    war = make(ev.War, "war", "2019-01-01", theatre="nagorno-karabakh", name="the war", parties=("armenia",))
    push = make(ev.Offensive, "push", "2019-05-01", theatre="nagorno-karabakh", name="the push", by="azerbaijan")
    truce = make(ev.Ceasefire, "truce", "2019-09-01", theatre="nagorno-karabakh", ends="war", name="truce")
    log = log_of([war, push, truce])
    assert [f.event for f in at(log, "2019-06-01").facts] == ["war", "push"]
    assert [f.event for f in at(log, "2019-10-01").facts] == ["truce"]
    assert holders(at(log, "2019-06-01").facts[1]) == frozenset()


def test_a_war_stops_every_open_offensive_of_its_theatre_in_the_states_order() -> None:
    """A war's step looks only at the keys it may close (`Step.closing`), yet stops every open
    offensive of its theatre, those begun before an earlier truce never again, and reports
    them in the state's order whatever the order of its candidates (the index's changes
    rows keep that order)."""
    war = make(ev.War, "war", "2019-01-01", theatre="nagorno-karabakh", name="the war", parties=("armenia",))
    early = make(ev.Offensive, "early", "2019-02-01", theatre="nagorno-karabakh", name="early", by="azerbaijan")
    truce = make(ev.Ceasefire, "truce", "2019-03-01", theatre="nagorno-karabakh", ends="war", name="truce")
    first = make(ev.Offensive, "first", "2019-05-01", theatre="nagorno-karabakh", name="one", by="azerbaijan")
    second = make(ev.Offensive, "second", "2019-06-01", theatre="nagorno-karabakh", name="two", by="armenia")
    again = make(ev.War, "again", "2019-09-01", theatre="nagorno-karabakh", name="the war again", parties=("armenia",))
    log = log_of([war, early, truce, first, second, again])
    assert [f.event for f in at(log, "2019-07-01").facts] == ["truce", "first", "second"]
    assert [f.event for f in at(log, "2019-10-01").facts] == ["again"]
    steps = Replay.of(log).steps()
    closing = [s for s in steps if s.closes is not None]
    assert [[k.subject for k in s.closing] for s in closing] == [
        [],
        ["nagorno-karabakh:early"],
        ["nagorno-karabakh:one", "nagorno-karabakh:two"],
    ]
    facts = dict(replay(steps, closing[2].instant - dt.timedelta(days=1)).facts)
    backwards = attrs.evolve(closing[2], closing=closing[2].closing[::-1])
    assert [k.subject for k in apply(facts, backwards)] == [
        "nagorno-karabakh",
        "nagorno-karabakh:one",
        "nagorno-karabakh:two",
    ]


def test_the_head_of_a_correction_chain_replaces_every_earlier_link() -> None:
    """Correcting a correction never makes the original count again."""
    first = make(ev.Claim, "first", "2019-03-01", polity="nkr", party="azerbaijan", position="one")
    second = make(ev.Claim, "second", "2019-03-01", polity="nkr", party="azerbaijan", position="two", replaces="first")
    third = make(ev.Claim, "third", "2019-03-01", polity="nkr", party="azerbaijan", position="three", replaces="second")
    assert [e.id for e in counted_events([first, second, third])] == ["third"]
    retract = ev.Retraction(id="r", date=parse_edtf("2024", "Asia/Baku"), sources=SRC, retracts="third", reason="x")
    assert [e.id for e in counted_events([first, second, third, retract])] == ["second"]
