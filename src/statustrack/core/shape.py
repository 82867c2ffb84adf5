"""A fact as answers show it: its JSON object (`fact_json`, from the instant-free `fact_base`
completed by `core.shown.seen_json`) and its summary row (`row_of`). The index stores both
per version (`index.light`), so an answer read from it shows exactly what this module
makes of the fact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from statustrack.core.dates import iso
from statustrack.core.shown import DISPUTED, OTHERWISE, PLACEMENT, Row, micros_of, seen_json

if TYPE_CHECKING:
    import pendulum

    from statustrack.core.facts import Fact, Support
    from statustrack.core.registry import Registry

__all__ = ["account_json", "fact_base", "fact_json", "field", "row_of", "support_json"]


def support_json(support: Support) -> dict[str, Any]:
    """One support of a fact (an account, a corroboration, a dispute) as a JSON object."""
    return {
        "role": support.role,
        "event": support.event,
        "value": support.value,
        "since": support.since,
        "since_start": iso(support.interval.start),
        "since_end": iso(support.interval.end),
        "sources": [{"id": s.id, "at": s.at} for s in support.sources],
    }


def _account_base(account: Support) -> dict[str, Any]:
    out: dict[str, Any] = {
        "value": account.value,
        "since": account.since,
        "since_start": iso(account.interval.start),
        "since_end": iso(account.interval.end),
        "certainty": None,
        "event": account.event,
        "sources": [{"id": s.id, "at": s.at} for s in account.sources],
    }
    for key, value in account.detail:
        out.setdefault(key, value)
    return out


def account_json(account: Support, instant: pendulum.DateTime | None) -> dict[str, Any]:
    """One account of a fact as a JSON object: what it says, when, how certain at `instant`
    (None when no instant is asked about, as in `history`), and on whose word."""
    certainty = None if instant is None else "certain" if account.certain_by(instant) else "possible"
    return {**_account_base(account), "certainty": certainty}


def fact_base(fact: Fact, registry: Registry | None = None) -> dict[str, Any]:
    """Every field of `fact_json` that does not depend on the instant, in order, with
    placeholders for what does (see `core.shown.seen_json`)."""
    out: dict[str, Any] = {
        "aspect": fact.aspect,
        "subject": fact.subject,
        "subject_name": fact.subject_name,
        "value": fact.agreed,
        "display": fact.value,
        "since": fact.since,
        "since_start": iso(fact.interval.start),
        "since_end": iso(fact.interval.end),
        "certainty": None,
        "event": fact.event,
        "events": list(fact.events),
        "sources": [{"id": s.id, "at": s.at} for s in fact.sources],
        "subject_fields": dict(fact.about),
        "pending": fact.pending,
    }
    if fact.pending and fact.effective is not None:
        out["effective"] = str(fact.effective)
        out["effective_at"] = iso(fact.effective.start)
    if fact.interval.qualifier:
        out["qualifier"] = fact.interval.qualifier
    out["disputed"] = fact.disputed
    if fact.accounts:
        out["dates_differ"] = fact.dates_differ
        out["accounts"] = [_account_base(a) for a in fact.accounts]
    if fact.supports:
        out["supports"] = [support_json(s) for s in fact.supports]
    out[OTHERWISE] = None
    if fact.act:
        out["act"] = True
    if fact.lapsed is not None:
        out["lapsed"] = fact.lapsed.value
    for key, value in fact.detail:
        out.setdefault(key, value)
    if registry is not None and (principal := registry.principal(fact.about)) is not None:
        country, part_of = PLACEMENT
        out.setdefault(country, registry.country(principal))
        out.setdefault(part_of, list(registry.chain(principal)))
    return out


def fact_json(fact: Fact, instant: pendulum.DateTime | None = None, registry: Registry | None = None) -> dict[str, Any]:
    """A fact as a JSON object: the public fields, then the aspect's own fields; with
    `registry`, the `country` and `part_of` chain of the place or actor it is chiefly about.

    `value` is what every account says (null when they differ), `display` the readable line
    (the accounts joined, each with its sources); `accounts` lists them as data, each certain
    or possible at `instant`, when the fact has more than one."""
    accounts: list[str | None] = [
        None if instant is None else "certain" if a.certain_by(instant) else "possible" for a in fact.accounts
    ]
    return seen_json(fact_base(fact, registry), fact.certainty, accounts, (fact.otherwise, fact.otherwise_event))


def field(fact: Fact, name: str) -> str:
    """The fact's own field `name`, or DISPUTED when its accounts give different ones."""
    found = {dict(fact.detail).get(name, "")} | {dict(a.detail).get(name, "") for a in fact.accounts}
    return found.pop() if len(found) == 1 else DISPUTED


def row_of(fact: Fact, registry: Registry) -> Row:
    """`fact` as the summary counts it (its certainty as `fact` says)."""
    holder = field(fact, "holder")
    party = dict(fact.about).get("party")
    return Row(
        fact.aspect,
        fact.subject,
        fact.subject_name,
        fact.value,
        fact.since,
        fact.certainty,
        fact.event,
        fact.pending,
        micros_of(fact.interval.start),
        fact.ended,
        fact.agreed,
        holder,
        registry.name(holder) if holder and holder != DISPUTED else "",
        field(fact, "stance"),
        field(fact, "level"),
        f"per {registry.name(party)}" if party else fact.subject_name,
    )
