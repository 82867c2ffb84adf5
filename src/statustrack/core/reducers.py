"""One small pure function per event kind: the facts an event sets.

A reducer never reads the state: what an event says does not depend on what came
before, so a state is a fold that lets each event's facts replace older facts with the
same key. Reducers receive the registry only to name things.
"""

from __future__ import annotations

import functools

import attrs

from statustrack.core.events import (
    Blockade,
    Capture,
    Ceasefire,
    Cessation,
    Claim,
    Declaration,
    Decree,
    Deployment,
    Dissolution,
    Event,
    Founding,
    Handover,
    Offensive,
    Office,
    Officeholder,
    Recognition,
    Relation,
    Resolution,
    Retraction,
    Statement,
    War,
)
from statustrack.core.facts import ID_ROLES, Fact
from statustrack.core.registry import Registry
from statustrack.core.standing import is_act

__all__ = ["ENDED", "END_NOT_RECORDED", "ID_ROLES", "STANCE_LABELS", "announced", "facts_of", "stance_label"]

#: What an ended fact reads, per aspect (a dissolution's summary follows).
ENDED = {"office": "closed", "officeholder": "vacant", "relation": "ended"}


#: How a recognition fact reads each stance (see `stance_label` for the claimant's name).
STANCE_LABELS = {
    "recognizes": "recognizes independence",
    "calls-for-recognition": "calls for recognition",
    "supports-self-determination": "supports self-determination",
    "affirms-territorial-integrity": "affirms territorial integrity",
    "rejected-recognition": "rejected a recognition motion",
    "rejected-territorial-integrity": "rejected a territorial-integrity motion",
    "does-not-recognize": "does not recognize independence",
    "withdrew-recognition": "withdrew its recognition",
}


def stance_label(stance: str, reg: Registry) -> str:
    """How a recognition fact reads `stance`: an affirmed territorial integrity is the
    log's claimant's (`affirms Ruritania's territorial integrity`) when the log names one."""
    if stance == "affirms-territorial-integrity" and reg.claimant is not None:
        return f"affirms {reg.name(reg.claimant)}'s territorial integrity"
    return STANCE_LABELS[stance]


@attrs.frozen
class _Says:
    aspect: str
    subject: str
    subject_name: str
    value: str
    detail: tuple[tuple[str, str], ...] = ()
    about: tuple[tuple[str, str], ...] = ()
    ended: bool = False


@functools.singledispatch
def _says(event: Event, reg: Registry) -> tuple[_Says, ...]:
    msg = f"no reducer for event kind {type(event).__name__}"
    raise TypeError(msg)


@_says.register
def _(e: Declaration, reg: Registry) -> tuple[_Says, ...]:
    detail = (("by", e.by),) if e.by else ()
    return (_Says("status", e.polity, reg.name(e.polity), e.status, detail, (("polity", e.polity),)),)


@_says.register
def _(e: Decree, reg: Registry) -> tuple[_Says, ...]:
    detail = (("issuer", e.issuer),) + ((("annuls", e.annuls),) if e.annuls else ())
    return (_Says("status", e.polity, reg.name(e.polity), e.status, detail, (("polity", e.polity),)),)


@_says.register
def _(e: Claim, reg: Registry) -> tuple[_Says, ...]:
    name = f"{reg.name(e.polity)}, per {reg.name(e.party)}"
    return (
        _Says(
            "status",
            f"{e.polity}/{e.party}",
            name,
            e.position,
            (("party", e.party),),
            (("polity", e.polity), ("party", e.party)),
        ),
    )


@_says.register
def _(e: War, reg: Registry) -> tuple[_Says, ...]:
    parties = ", ".join(e.parties)
    return (
        _Says(
            "conflict",
            e.theatre,
            reg.name(e.theatre),
            f"war: {e.name}",
            (("parties", parties),),
            (("theatre", e.theatre), *(("parties", p) for p in e.parties)),
        ),
    )


#: What an offensive's fact reads when no source gives its end (docs/claims.md, "Conflicts nest").
END_NOT_RECORDED = "end not recorded"


@_says.register
def _(e: Offensive, reg: Registry) -> tuple[_Says, ...]:
    # Its own fact beside the theatre's war, never replacing it (docs/claims.md, "Conflicts nest").
    value = f"offensive by {reg.name(e.by)}"
    detail: tuple[tuple[str, str], ...] = (("by", e.by), ("theatre", e.theatre))
    if not e.date.is_span:
        value = f"{value}; {END_NOT_RECORDED}"
        detail += (("end", "not-recorded"),)
    return (
        _Says(
            "conflict",
            f"{e.theatre}:{e.name}",
            f"{reg.name(e.theatre)}: {e.name}",
            value,
            detail,
            (("theatre", e.theatre), ("by", e.by), ("operation", e.name)),
        ),
    )


@_says.register
def _(e: Ceasefire, reg: Registry) -> tuple[_Says, ...]:
    value = f"ceasefire: {e.name}"
    return (_Says("conflict", e.theatre, reg.name(e.theatre), value, (("ends", e.ends),), (("theatre", e.theatre),)),)


@_says.register
def _(e: Blockade, reg: Registry) -> tuple[_Says, ...]:
    value = f"blockaded by {reg.name(e.by)}" if e.state == "imposed" else f"blockade by {reg.name(e.by)} lifted"
    return (
        _Says(
            "conflict",
            e.place,
            reg.name(e.place),
            value,
            (("by", e.by), ("state", e.state)),
            (("place", e.place), ("by", e.by)),
        ),
    )


@_says.register
def _(e: Deployment, reg: Registry) -> tuple[_Says, ...]:
    where = reg.name(e.place)
    value = f"deployed in {where}" if e.state == "deployed" else f"withdrawn from {where}"
    if e.strength:
        value = f"{value} ({e.strength})"
    return (
        _Says(
            "conflict",
            e.force,
            reg.name(e.force),
            value,
            (("place", e.place), ("state", e.state)),
            (("force", e.force), ("place", e.place)),
        ),
    )


@_says.register
def _(e: Capture, reg: Registry) -> tuple[_Says, ...]:
    detail = (("holder", e.by), ("how", "capture")) + ((("from", e.from_),) if e.from_ else ())
    return (_Says("control", e.place, reg.name(e.place), reg.name(e.by), detail, (("place", e.place),)),)


@_says.register
def _(e: Handover, reg: Registry) -> tuple[_Says, ...]:
    detail = (("holder", e.to), ("how", "handover"), ("from", e.from_))
    return (_Says("control", e.place, reg.name(e.place), reg.name(e.to), detail, (("place", e.place),)),)


@_says.register
def _(e: Recognition, reg: Registry) -> tuple[_Says, ...]:
    detail: tuple[tuple[str, str], ...] = (("stance", e.stance), ("level", reg.level(e.actor) or ""))
    if e.instrument:
        detail += (("instrument", e.instrument),)
    return (
        _Says("recognition", e.actor, reg.name(e.actor), stance_label(e.stance, reg), detail, (("actor", e.actor),)),
    )


@_says.register
def _(e: Resolution, reg: Registry) -> tuple[_Says, ...]:
    name = f"{reg.name(e.body)} {e.ref}"
    return (
        _Says(
            "resolution", f"{e.body}:{e.ref}", name, e.summary, (("body", e.body),), (("body", e.body), ("ref", e.ref))
        ),
    )


@_says.register
def _(e: Statement, reg: Registry) -> tuple[_Says, ...]:
    ref = e.ref or e.date.text
    name = f"{reg.name(e.actor)}: {ref}"
    return (
        _Says(
            "resolution", f"{e.actor}:{ref}", name, e.summary, (("actor", e.actor),), (("actor", e.actor), ("ref", ref))
        ),
    )


@_says.register
def _(e: Office, reg: Registry) -> tuple[_Says, ...]:
    return (
        _Says(
            "office",
            e.place,
            reg.name(e.place),
            e.state,
            (("polity", e.polity),),
            (("place", e.place), ("polity", e.polity)),
            ended=e.state == "closed",
        ),
    )


@_says.register
def _(e: Officeholder, reg: Registry) -> tuple[_Says, ...]:
    return (
        _Says(
            "officeholder",
            e.post,
            e.post,
            e.person,
            (("polity", e.polity),),
            (("post", e.post), ("polity", e.polity)),
            ended=e.vacant,
        ),
    )


@_says.register
def _(e: Relation, reg: Registry) -> tuple[_Says, ...]:
    name = f"{reg.name(e.a)} ~ {reg.name(e.b)}"
    value = e.type if e.state == "established" else f"{e.type} ended"
    detail = (("type", e.type), ("state", e.state))
    return (
        _Says(
            "relation",
            f"{e.type}:{e.a}~{e.b}",
            name,
            value,
            detail,
            (("type", e.type), ("a", e.a), ("b", e.b)),
            ended=e.state == "ended",
        ),
    )


@_says.register
def _(e: Retraction, reg: Registry) -> tuple[_Says, ...]:
    return ()


@_says.register
def _(e: Dissolution, reg: Registry) -> tuple[_Says, ...]:
    return ()


@_says.register
def _(e: Founding, reg: Registry) -> tuple[_Says, ...]:
    return ()


@_says.register
def _(e: Cessation, reg: Registry) -> tuple[_Says, ...]:
    return ()


def _refs(about: tuple[tuple[str, str], ...], reg: Registry) -> frozenset[str]:
    return reg.lineages(tuple(value for role, value in about if role in ID_ROLES))


@functools.lru_cache(maxsize=1 << 16)
def _shared(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """`pairs`, or an equal tuple made before: the facts about one subject share one."""
    return pairs


def facts_of(event: Event, reg: Registry) -> tuple[Fact, ...]:
    """The facts `event` sets once it takes effect."""
    when = event.takes_effect
    act = is_act(event.kind, getattr(event, "stance", None))
    return tuple(
        Fact(
            s.aspect,
            s.subject,
            s.subject_name,
            s.value,
            str(when),
            when,
            event.id,
            event.sources,
            _shared(s.detail),
            _shared(s.about),
            _refs(s.about, reg),
            ended=s.ended,
            act=act,
        )
        for s in _says(event, reg)
    )


def announced(event: Event, reg: Registry) -> tuple[Fact, ...]:
    """The pending facts an event with a later `effective` sets from its `date`: the facts
    it will set, under their real subjects, marked pending and carrying when they take effect."""
    assert event.effective is not None
    act = is_act(event.kind, getattr(event, "stance", None))
    return tuple(
        Fact(
            s.aspect,
            s.subject,
            s.subject_name,
            s.value,
            str(event.date),
            event.date,
            event.id,
            event.sources,
            _shared(s.detail),
            _shared(s.about),
            _refs(s.about, reg),
            pending=True,
            effective=event.effective,
            ended=s.ended,
            act=act,
        )
        for s in _says(event, reg)
    )
