"""One test per event kind: the facts each reducer sets."""

from __future__ import annotations

from typing import Any

import pytest

from statustrack.core import events as ev
from statustrack.core.dates import parse_edtf
from statustrack.core.events import SourceRef
from statustrack.core.reducers import announced, facts_of
from statustrack.log.load import load_log

from ..support import MINI

REG = load_log(MINI).registry
SRC = (SourceRef("s004", "lead"),)


def make(cls: type[ev.Event], date: str = "2020-11-08", **fields: Any) -> ev.Event:
    """An event of `cls` with a fixed id and source."""
    return cls(id="x", date=parse_edtf(date, "Asia/Baku"), sources=SRC, **fields)


def said(event: ev.Event) -> list[tuple[str, str, str, str]]:
    """The (aspect, subject, subject name, value) of each fact `event` sets."""
    return [(f.aspect, f.subject, f.subject_name, f.value) for f in facts_of(event, REG)]


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            make(ev.Declaration, polity="nkr", status="declared republic"),
            ("status", "nkr", "Artsakh", "declared republic"),
        ),
        (make(ev.Decree, polity="nkr", status="dissolved", issuer="nkr"), ("status", "nkr", "Artsakh", "dissolved")),
        (
            make(ev.Claim, polity="nkr", party="azerbaijan", position="a region of Azerbaijan"),
            ("status", "nkr/azerbaijan", "Artsakh, per Azerbaijan", "a region of Azerbaijan"),
        ),
        (
            make(ev.War, theatre="nagorno-karabakh", name="second war", parties=("azerbaijan", "armenia")),
            ("conflict", "nagorno-karabakh", "Nagorno-Karabakh", "war: second war"),
        ),
        (
            make(ev.Offensive, theatre="nagorno-karabakh", name="one-day offensive", by="azerbaijan"),
            (
                "conflict",
                "nagorno-karabakh:one-day offensive",
                "Nagorno-Karabakh: one-day offensive",
                "offensive by Azerbaijan; end not recorded",
            ),
        ),
        (
            make(ev.Ceasefire, theatre="nagorno-karabakh", ends="w", name="trilateral statement"),
            ("conflict", "nagorno-karabakh", "Nagorno-Karabakh", "ceasefire: trilateral statement"),
        ),
        (
            make(ev.Blockade, place="shusha", by="azerbaijan", state="imposed"),
            ("conflict", "shusha", "Shusha", "blockaded by Azerbaijan"),
        ),
        (
            make(ev.Blockade, place="shusha", by="azerbaijan", state="lifted"),
            ("conflict", "shusha", "Shusha", "blockade by Azerbaijan lifted"),
        ),
        (
            make(ev.Deployment, force="armenia", place="shusha", state="deployed", strength="1,960 troops"),
            ("conflict", "armenia", "Armenia", "deployed in Shusha (1,960 troops)"),
        ),
        (
            make(ev.Deployment, force="armenia", place="shusha", state="withdrawn"),
            ("conflict", "armenia", "Armenia", "withdrawn from Shusha"),
        ),
        (make(ev.Capture, place="shusha", by="azerbaijan", from_="nkr"), ("control", "shusha", "Shusha", "Azerbaijan")),
        (
            make(ev.Handover, place="aghdam", from_="nkr", to="azerbaijan"),
            ("control", "aghdam", "Aghdam", "Azerbaijan"),
        ),
        (
            make(ev.Recognition, actor="new-south-wales", stance="recognizes"),
            ("recognition", "new-south-wales", "New South Wales", "recognizes independence"),
        ),
        (
            make(ev.Resolution, body="un-security-council", ref="822", summary="calls for withdrawal"),
            ("resolution", "un-security-council:822", "UN Security Council 822", "calls for withdrawal"),
        ),
        (
            make(ev.Statement, actor="azerbaijan", summary="no status"),
            ("resolution", "azerbaijan:2020-11-08", "Azerbaijan: 2020-11-08", "no status"),
        ),
        (make(ev.Office, place="paris", state="closed", polity="nkr"), ("office", "paris", "Paris", "closed")),
        (
            make(ev.Officeholder, post="President of Artsakh", person="Bako Sahakyan", polity="nkr"),
            ("officeholder", "President of Artsakh", "President of Artsakh", "Bako Sahakyan"),
        ),
        (
            make(ev.Relation, a="villeurbanne", b="stepanakert", type="friendship", state="established"),
            ("relation", "friendship:villeurbanne~stepanakert", "Villeurbanne ~ Stepanakert", "friendship"),
        ),
        (
            make(ev.Relation, a="villeurbanne", b="stepanakert", type="friendship", state="ended"),
            ("relation", "friendship:villeurbanne~stepanakert", "Villeurbanne ~ Stepanakert", "friendship ended"),
        ),
    ],
    ids=lambda v: v.kind if isinstance(v, ev.Event) else None,
)
def test_kind_sets_its_fact(event: ev.Event, expected: tuple[str, str, str, str]) -> None:
    """Each kind sets exactly one fact, keyed and worded as docs/log-format.md says."""
    assert said(event) == [expected]


def test_every_kind_has_a_reducer() -> None:
    """No kind is left without a reducer (a retraction, dissolution, founding or cessation sets no fact of its own)."""
    for cls in ev.KINDS.values():
        fields = {
            name: ("x",)
            if a.metadata["holds"] == "actors"
            else a.metadata["holds"][0]
            if isinstance(a.metadata["holds"], tuple)
            else "x"
            for name, a in ev.ref_fields(cls)
        }
        fields = {("from_" if k == "from" else k): v for k, v in fields.items()}
        facts = facts_of(make(cls, **fields), REG)
        assert len(facts) == (0 if cls in (ev.Retraction, ev.Dissolution, ev.Founding, ev.Cessation) else 1), cls.KIND


def test_recognition_carries_level_and_stance() -> None:
    """A recognition fact carries the actor's level and the stance code."""
    fact = facts_of(make(ev.Recognition, actor="new-south-wales", stance="calls-for-recognition"), REG)[0]
    assert dict(fact.detail) == {"stance": "calls-for-recognition", "level": "state-region"}


def test_fact_keeps_source_precision_and_provenance() -> None:
    """`since` is the event's effective date text (else its date); the fact names its event and sources."""
    e = ev.Decree(
        id="d",
        date=parse_edtf("2023-09-28", "Asia/Baku"),
        effective=parse_edtf("2024-01-01", "Asia/Baku"),
        sources=SRC,
        polity="nkr",
        status="dissolved",
        issuer="nkr",
    )
    fact = facts_of(e, REG)[0]
    assert (fact.since, fact.event, fact.sources) == ("2024-01-01", "d", SRC)
    pending = announced(e, REG)[0]
    assert (pending.subject, pending.value, pending.since, pending.pending, str(pending.effective)) == (
        "nkr",
        "dissolved",
        "2023-09-28",
        True,
        "2024-01-01",
    )
    assert pending.key != fact.key
