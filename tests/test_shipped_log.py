"""Key dates of the shipped Nagorno-Karabakh log, pinned: what the sources say, at their precision."""

from __future__ import annotations

import pytest

from statustrack.log import load_log
from statustrack.query import at, counted_events
from statustrack.reducers import facts_of

LOG = load_log()


def fact(when: str, aspect: str, subject: str, known_at: str | None = None):  # noqa: ANN201
    """The one fact of `aspect` about `subject` (an id) at `when`, as recorded by `known_at`, or None."""
    found = [f for f in at(LOG, when, known_at=known_at, aspects=[aspect]).facts
             if f.subject == subject and not f.pending]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize(("when", "aspect", "subject", "value", "certainty"), [
    ("1923-07-08", "status", "artsakh", "autonomous oblast within the Azerbaijan SSR, centre Khankendi", "certain"),
    ("1991-09-03", "status", "artsakh", "Nagorno-Karabakh Republic proclaimed", "certain"),
    ("1991-11-30", "status", "artsakh/azerbaijan",
     "autonomous oblast abolished by Azerbaijan; area under direct Azerbaijani rule", "certain"),
    ("1994-05-12", "conflict", "nagorno-karabakh", "ceasefire: 1994 general ceasefire between Armenia and Azerbaijan",
     "certain"),
    ("1994-05-12", "control", "shusha", "Armenia (per web-virtualkarabakh-occupation-in-figures, "
     "web-qarabag-lachin-occupation-history); Artsakh (NKAO/NKR) (per web-armenianchurch-liberation-of-shushi, "
     "web-enwiki-battle-of-shusha-1992)", "certain"),
    ("1994-05-12", "control", "shahumyan", "Azerbaijan", "certain"),
    ("2020-11-09T23:00+04:00", "conflict", "nagorno-karabakh", "war: Second Nagorno-Karabakh War", "certain"),
    ("2020-11-10", "conflict", "nagorno-karabakh", "ceasefire: trilateral statement of Azerbaijan, Armenia and Russia",
     "certain"),
    ("2020-11-10T00:30+03:00", "conflict", "nagorno-karabakh",
     "ceasefire: trilateral statement of Azerbaijan, Armenia and Russia", "certain"),
    ("2020-11-10", "control", "shusha", "Azerbaijan", "certain"),
    ("2020-11-10", "control", "hadrut", "Azerbaijan", "certain"),
    ("2020-11-10", "control", "kalbajar", "Armenia (per web-virtualkarabakh-occupation-in-figures); "
     "Artsakh (NKAO/NKR) (per web-enwiki-battle-of-kalbajar, web-infokontak-battle-of-kalbajar)", "certain"),
    ("2020-11-10", "control", "aghdam", "Artsakh (NKAO/NKR)", "certain"),
    ("2020-11-20", "control", "aghdam", "Azerbaijan", "certain"),
    ("2020-11-25", "control", "kalbajar", "Azerbaijan", "certain"),
    ("2020-12-01", "control", "lachin", "Azerbaijan", "certain"),
    ("2006-12-31", "recognition", "abkhazia", "recognizes independence", "certain"),
    ("2006-12-01", "recognition", "transnistria", "recognizes independence", "certain"),
    ("2006-11-30", "recognition", "transnistria", "recognizes independence", "possible"),
    ("2012-10-15", "recognition", "new-south-wales", "recognizes independence", "possible"),
    ("2012-11-01", "recognition", "new-south-wales", "recognizes independence", "certain"),
    ("2024-01-01", "status", "artsakh", "dissolved by decree: institutions disbanded, republic ceases to exist",
     "certain"),
    # From the source audit of 2026-11-23:
    ("2015-01-01", "recognition", "united-states", "does not recognize independence", "certain"),
    ("2009-06-01", "recognition", "united-states", "affirms Azerbaijan's territorial integrity", "certain"),
    ("2005-01-01", "recognition", "european-union", "does not recognize independence", "certain"),
    ("2022-06-01", "status", "artsakh/armenia",
     "leadership signals it is ready to recognize NK as part of Azerbaijan", "possible"),
    ("2019-04-24", "recognition", "colorado-house-of-representatives", "recognizes independence", "certain"),
])
def test_pinned(when: str, aspect: str, subject: str, value: str, certainty: str) -> None:
    """The shipped log answers as its sources do, with their precision."""
    found = fact(when, aspect, subject)
    assert found is not None, f"no {aspect} fact about {subject} at {when}"
    assert (found.value, found.certainty) == (value, certainty)


def test_lachin_not_yet_handed_over_on_the_ceasefire_day() -> None:
    """On 2020-11-10 Artsakh still holds Lachin; before the 2026-11-23 retraction the log read 002 as a November hand-over."""
    lachin = fact("2020-11-10", "control", "lachin")
    assert (lachin.value, lachin.certainty) == ("Artsakh (NKAO/NKR)", "certain")
    before = fact("2020-11-10", "control", "lachin", known_at="2026-11-22")
    assert (before.value, before.certainty, before.otherwise) == ("Azerbaijan", "possible", "Artsakh (NKAO/NKR)")
    assert fact("2020-11-30", "control", "lachin").value == "Artsakh (NKAO/NKR)"


def test_dissolution_pending_between_decree_and_effect() -> None:
    """The 2023-09-28 decree shows as pending until it takes effect on 2024-01-01."""
    pending = [f for f in at(LOG, "2023-10-01", aspects=["status"]).facts if f.pending]
    assert "2023-09-28-shahramanyan-dissolution-decree.account" in {e for f in pending for e in f.events}
    assert {f.subject for f in pending} == {"artsakh"}
    assert not [f for f in at(LOG, "2024-01-01", aspects=["status"]).facts if f.pending]


def test_unsc_resolutions_on_record() -> None:
    """The four 1993 Security Council resolutions are on record by the end of 1993."""
    subjects = {f.subject for f in at(LOG, "1993-12-31", aspects=["resolution"]).facts}
    assert {f"un-security-council:{n}" for n in ("822", "853", "874", "884")} <= subjects


def test_every_event_has_a_known_source() -> None:
    """No event lacks a source, and every source it cites is in the registry."""
    for event in LOG.events:
        assert event.sources, event.id
        assert all(s.id in LOG.registry.sources for s in event.sources), event.id


def test_any_spelling_finds_stepanakert() -> None:
    """Stepanakert answers to Khankendi and its Chinese name."""
    for name in ("Khankendi", "斯捷潘納克特", "Stepanakert"):
        assert [f.subject for f in at(LOG, "2020-11-10", aspects=["control"], subjects=[name]).facts] == ["stepanakert"]


# --- Issue 13, December 2026 audit (events/audit-2026-12.toml) ------------------------


def test_abkhazia_visa_free_not_in_force_in_2016() -> None:
    """The 2016 visa-free agreement was only being drafted: no tie on 1 April 2016, the plan on record, the 2017
    memorandum a cooperation tie, and 001's undated account possible only after it."""
    assert fact("2016-04-02", "relation", "visa-free:abkhazia~artsakh") is None
    old = fact("2016-04-02", "relation", "visa-free:abkhazia~artsakh", known_at="2026-11-30")
    assert (old.value, old.certainty) == ("visa-free", "certain")
    plan = fact("2016-02-24", "resolution", "abkhazia:2016-02 draft visa-free agreements with NK and Transnistria")
    assert plan is not None and plan.certainty == "certain"
    memo = fact("2017-08-28", "relation", "cooperation:abkhazia~artsakh")
    assert (memo.value, memo.certainty) == ("cooperation", "certain")
    assert fact("2017-08-27", "relation", "visa-free:abkhazia~artsakh") is None
    later = fact("2019-01-01", "relation", "visa-free:abkhazia~artsakh")
    assert (later.certainty, later.event) == ("possible", "2017-2023-abkhazia-artsakh-visa-free-per-001")


def test_lithuania_circle_is_not_the_state() -> None:
    """The 2017 circle of friendship is its own parliament-level actor, not Lithuania; the Seimas group keeps 2013."""
    assert fact("2017-07-06", "relation", "friendship-group:lithuania~artsakh") is None
    circle = fact("2017-07-05", "relation", "friendship-group:lithuania-artsakh-circle-of-friendship~artsakh")
    assert (circle.value, circle.certainty) == ("friendship-group", "certain")
    assert LOG.registry.actors["lithuania-artsakh-circle-of-friendship"].level == "parliament"
    seimas = fact("2013-02-26", "relation", "friendship-group:seimas-of-lithuania~artsakh")
    assert seimas.event == "2013-02-26-lithuanian-seimas-friendship-group-renoted"
    assert "not a separate event" not in next(e for e in LOG.events if e.id == seimas.event).note


def test_shusha_passes_from_the_ssr_to_azerbaijan_at_independence() -> None:
    """Shusha's holder is the Azerbaijan SSR until 18 October 1991, then the Republic of Azerbaijan until May 1992;
    no control fact names the SSR after that day."""
    assert fact("1991-10-17", "control", "shusha").value == "Azerbaijan SSR"
    shusha = fact("1991-10-18", "control", "shusha")
    assert (shusha.value, shusha.certainty, shusha.since) == ("Azerbaijan", "certain", "1991-10-18")
    assert fact("1992-05-07", "control", "shusha").value == "Azerbaijan"
    for when in ("1991-10-18", "1991-12-31", "1992-05-07", "1993-06-01", "1994-05-12"):
        assert not [f for f in at(LOG, when, aspects=["control"]).facts if f.value == "Azerbaijan SSR"], when


@pytest.mark.parametrize(("when", "subject", "value", "certainty"), [
    ("1991-05-01", "nagorno-karabakh", "offensive by Soviet Union: Operation Ring", "certain"),
    ("1991-11-15", "stepanakert", "blockaded by Azerbaijan", "possible"),
    ("1992-01-01", "stepanakert", "blockaded by Azerbaijan", "certain"),
    ("1992-05-09", "stepanakert", "blockade by Azerbaijan lifted", "certain"),
    ("1990-01-01", "armenia-country", "blockaded by Azerbaijan", "certain"),
    ("1993-04-30", "armenia-country", "blockaded by Turkey", "certain"),
])
def test_conflict_events_named_by_004(when: str, subject: str, value: str, certainty: str) -> None:
    """Operation Ring, the siege of Stepanakert and the blockade of Armenia, at their pages' dates."""
    found = fact(when, "conflict", subject)
    assert (found.value, found.certainty) == (value, certainty)


@pytest.mark.parametrize(("when", "subject", "certainty"), [
    ("2015-06-16", "european-court-of-human-rights:Chiragov and Others v. Armenia (13216/05), Grand Chamber",
     "certain"),
    ("2003-04-01", "council-of-europe:2003 background paper, seminar 'Youth and Conflict Resolution'", "possible"),
    ("2003-04-02", "council-of-europe:2003 background paper, seminar 'Youth and Conflict Resolution'", "certain"),
    ("2012-11-13", "ruben-martinez-huelmo:2012-11 remark in Stepanakert on Uruguay recognizing NK", "certain"),
])
def test_statements_and_rulings(when: str, subject: str, certainty: str) -> None:
    """The 2015 Chiragov judgment (not 2005), the 2003 background paper, Uruguay's 2012 remark."""
    found = fact(when, "resolution", subject)
    assert found is not None and found.certainty == certainty
    assert fact("2015-06-15", "resolution",
                "european-court-of-human-rights:Chiragov and Others v. Armenia (13216/05), Grand Chamber") is None


def test_uruguay_2012_is_a_statement_not_a_recognition() -> None:
    """Uruguay itself holds no recognition stance; its November 2012 remark is one legislator's statement."""
    assert fact("2013-01-01", "recognition", "uruguay") is None
    montevideo = fact("2020-11-13", "recognition", "montevideo-department-legislature")
    assert (montevideo.value, montevideo.event) == (
        "recognizes independence", "2020-11-13-montevideo-legislature-recognizes-artsakh-renoted")


@pytest.mark.parametrize(("first", "second", "day_before", "after_both", "disputed"), [
    ("1988-02-first-karabakh-war-per-002", "1991-first-karabakh-war-per-004", "1988-01-31", "1991-03-01", False),
    ("1987-08-karabakh-armenian-petition-per-002", "1987-12-01-karabakh-petition-delivered-per-kocharyan",
     "1987-07-31", "1987-12-02", True),
    ("2014-10-14-ep-friendship-group-announced-per-003", "2014-10-15-ep-nk-group-presented-per-horizonweekly",
     "2014-10-13", "2014-10-16", True),
])
def test_disagreeing_accounts_each_recorded(first: str, second: str, day_before: str, after_both: str,
                                            disputed: bool) -> None:
    """Each source's account is its own event, linked by account_of, citing only its own source; the answer shows
    both accounts, each with its sources, since the earliest."""
    events = {e.id: e for e in counted_events(LOG.events)}
    one, two = events[first], events[second]
    assert two.account_of == first
    assert {s.id for s in one.sources}.isdisjoint({s.id for s in two.sources})
    (aspect, subject) = {(f.aspect, f.subject) for f in facts_of(one, LOG.registry)}.pop()
    assert fact(day_before, aspect, subject) is None
    found = fact(after_both, aspect, subject)
    assert (found.event, found.since, found.disputed) == (first, one.date.text, disputed)
    accounts = {a.event: {s.id for s in a.sources} for a in found.supports if a.role == "account"}
    assert accounts == {first: {s.id for s in one.sources}, second: {s.id for s in two.sources}}


def test_1988_war_no_longer_cites_004() -> None:
    """002's 1988 war cites 002 only (004 gives no 1988 date); 004's own account says 1991; the 1994 ceasefire ends
    the replacing event."""
    war = fact("1990-06-01", "conflict", "nagorno-karabakh")
    assert (war.event, war.since) == ("1988-02-first-karabakh-war-per-002", "1988-02")
    by_event = {a.event: a for a in war.supports}
    assert {s.id for s in by_event["1988-02-first-karabakh-war-per-002"].sources} == {"002_fef8a61a0a388da4"}
    assert by_event["1991-first-karabakh-war-per-004"].since == "1991"
    assert "1988-02-first-karabakh-war" not in {e.id for e in counted_events(LOG.events)}
    ceasefire = fact("1994-05-12", "conflict", "nagorno-karabakh")
    assert (ceasefire.event, dict(ceasefire.detail)["ends"]) == (
        "1994-05-12-ceasefire-ends-war-per-002", "1988-02-first-karabakh-war-per-002")


def test_kashatagh_is_the_province_not_the_lachin_district() -> None:
    """Kashatagh names the Artsakh province (Lachin, Qubadli, Zangilan districts), no longer the Lachin district."""
    assert LOG.registry.resolve("Kashatagh") == frozenset({"kashatagh"})
    assert LOG.registry.resolve("Berdzor") == frozenset({"lachin"})
