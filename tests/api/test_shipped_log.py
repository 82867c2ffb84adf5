"""Key dates of the shipped Nagorno-Karabakh log, pinned: what the sources say, at their precision."""

from __future__ import annotations

import pytest

from statustrack.api.query import at
from statustrack.core.reducers import facts_of
from statustrack.core.replay import counted_events
from statustrack.log.load import load_log

LOG = load_log()


def fact(when: str, aspect: str, subject: str, known_at: str | None = None):
    """The one fact of `aspect` about `subject` (an id) at `when`, as recorded by `known_at`, or None.

    Acts count too: since issue 19 an answer lists them apart from the facts in force
    (`Answer.acts`), and asked for with no window it lists every act on record."""
    answer = at(LOG, when, known_at=known_at, aspects=[aspect], acts_window=None)
    found = [f for f in (*answer.facts, *answer.acts) if f.subject == subject and not f.pending]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize(
    ("when", "aspect", "subject", "value", "certainty"),
    [
        # Two accounts of the 1923 decree since issue 24 (002: the Union's decision; the decree's text:
        # the Azerbaijani CEC).
        (
            "1923-07-08",
            "status",
            "artsakh",
            "autonomous oblast within the Azerbaijan SSR (per 002_fef8a61a0a388da4); "
            "autonomous oblast within the Azerbaijan SSR, centre Khankendi (per web-karabakh99-nkao-decree-1923, "
            "web-rootsofkarabakh-ch14-1923)",
            "certain",
        ),
        ("1991-09-03", "status", "artsakh", "Nagorno-Karabakh Republic proclaimed", "certain"),
        (
            "1991-11-30",
            "status",
            "artsakh/azerbaijan",
            "autonomous oblast abolished by Azerbaijan; area under direct Azerbaijani rule",
            "certain",
        ),
        (
            "1994-05-12",
            "conflict",
            "nagorno-karabakh",
            "ceasefire: 1994 general ceasefire between Armenia and Azerbaijan",
            "certain",
        ),
        (
            "1994-05-12",
            "control",
            "shusha",
            "Armenia (per web-virtualkarabakh-occupation-in-figures, "
            "web-qarabag-lachin-occupation-history); Artsakh (NKAO/NKR) (per web-armenianchurch-liberation-of-shushi, "
            "web-enwiki-battle-of-shusha-1992)",
            "certain",
        ),
        ("1994-05-12", "control", "shahumyan", "Azerbaijan", "certain"),
        ("2020-11-09T23:00+04:00", "conflict", "nagorno-karabakh", "war: Second Nagorno-Karabakh War", "certain"),
        (
            "2020-11-10",
            "conflict",
            "nagorno-karabakh",
            "ceasefire: trilateral statement of Azerbaijan, Armenia and Russia",
            "certain",
        ),
        (
            "2020-11-10T00:30+03:00",
            "conflict",
            "nagorno-karabakh",
            "ceasefire: trilateral statement of Azerbaijan, Armenia and Russia",
            "certain",
        ),
        ("2020-11-10", "control", "shusha", "Azerbaijan", "certain"),
        ("2020-11-10", "control", "hadrut", "Azerbaijan", "certain"),
        (
            "2020-11-10",
            "control",
            "kalbajar",
            "Armenia (per web-virtualkarabakh-occupation-in-figures); "
            "Artsakh (NKAO/NKR) (per web-enwiki-battle-of-kalbajar, web-infokontak-battle-of-kalbajar)",
            "certain",
        ),
        # Two accounts of the 23 July 1993 capture since issue 24 (Azerbaijan's MFA names Armenia).
        (
            "2020-11-10",
            "control",
            "aghdam",
            "Armenia (per web-mfa-az-tallinn-aghdam-26-years, "
            "web-virtualkarabakh-occupation-in-figures); Artsakh (NKAO/NKR) (per web-enwiki-battle-of-aghdam, "
            "web-allinnet-liberation-of-akna)",
            "certain",
        ),
        ("2020-11-20", "control", "aghdam", "Azerbaijan", "certain"),
        ("2020-11-25", "control", "kalbajar", "Azerbaijan", "certain"),
        ("2020-12-01", "control", "lachin", "Azerbaijan", "certain"),
        ("2006-12-31", "recognition", "abkhazia", "recognizes independence", "certain"),
        ("2006-12-01", "recognition", "transnistria", "recognizes independence", "certain"),
        ("2006-11-30", "recognition", "transnistria", "recognizes independence", "possible"),
        ("2012-10-15", "recognition", "new-south-wales", "recognizes independence", "possible"),
        ("2012-11-01", "recognition", "new-south-wales", "recognizes independence", "certain"),
        (
            "2024-01-01",
            "status",
            "artsakh",
            "dissolved by decree: institutions disbanded, republic ceases to exist",
            "certain",
        ),
        # From the source audit of 2026-11-23:
        ("2015-01-01", "recognition", "united-states", "does not recognize independence", "certain"),
        ("2009-06-01", "recognition", "united-states", "affirms Azerbaijan's territorial integrity", "certain"),
        ("2005-01-01", "recognition", "european-union", "does not recognize independence", "certain"),
        (
            "2022-06-01",
            "status",
            "artsakh/armenia",
            "leadership signals it is ready to recognize NK as part of Azerbaijan",
            "possible",
        ),
        ("2019-04-24", "recognition", "colorado-house-of-representatives", "recognizes independence", "certain"),
    ],
)
def test_pinned(when: str, aspect: str, subject: str, value: str, certainty: str) -> None:
    """The shipped log answers as its sources do, with their precision."""
    found = fact(when, aspect, subject)
    assert found is not None, f"no {aspect} fact about {subject} at {when}"
    assert (found.value, found.certainty) == (value, certainty)


def test_lachin_not_yet_handed_over_on_the_ceasefire_day() -> None:
    """On 2020-11-10 Artsakh still holds Lachin; before the 2026-11-23 retraction the log read 002 as a
    November hand-over."""
    # Since issue 24 the three accounts of the May 1992 capture are one happening (Armenia per
    # Azerbaijani pages, Artsakh per the Armenian page): the Karabakh side's holding is disputed, not Azerbaijan's.
    lachin = fact("2020-11-10", "control", "lachin")
    held = (
        "Armenia (per web-azvision-lachin-occupation, web-qarabag-lachin-occupation-history, "
        "web-virtualkarabakh-occupation-in-figures); "
        "Artsakh (NKAO/NKR) (per web-westernarmeniatv-berdzor-liberated-1992)"
    )
    assert (lachin.value, lachin.certainty, lachin.disputed) == (held, "certain", True)
    before = fact("2020-11-10", "control", "lachin", known_at="2026-11-22")
    assert (before.value, before.certainty, before.otherwise) == ("Azerbaijan", "possible", "Artsakh (NKAO/NKR)")
    assert fact("2020-11-30", "control", "lachin").value == held


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


# From the audit of 004's U.S. table (issue 13, branch data-us):


@pytest.mark.parametrize(
    ("when", "subject", "value", "event"),
    [
        # The six nameless 'rejected a bill recognizing Azerbaijani territorial integrity' entries.
        (
            "2014-02-13",
            "hawaii-house-of-representatives",
            "rejected a territorial-integrity motion",
            "2014-02-12-hawaii-house-committee-rejects-pro-azerbaijan-resolutions",
        ),
        # Idaho's 2016 entry was retracted in issue 24: 004 names no state (test_unidentified_rows_retracted).
        (
            "2014-04-03",
            "mississippi-senate",
            "rejected a territorial-integrity motion",
            "2014-04-02-mississippi-senate-resolution-dies-in-committee",
        ),
        (
            "2014-02-26",
            "south-dakota-house-of-representatives",
            "rejected a territorial-integrity motion",
            "2014-02-24-south-dakota-house-rejects-pro-azerbaijan-resolution",
        ),
        (
            "2014-03-27",
            "tennessee-house-of-representatives",
            "rejected a territorial-integrity motion",
            "2014-03-25-tennessee-house-committee-rejects-pro-azerbaijan-resolution",
        ),
        (
            "2014-03-01",
            "wyoming-house-of-representatives",
            "rejected a territorial-integrity motion",
            "2014-02-wyoming-house-votes-down-pro-azerbaijan-resolution",
        ),
        # The Senate that rejected a recognition bill, and the June 2021 recognition.
        (
            "2016-03-12",
            "hawaii-senate",
            "rejected a recognition motion",
            "2016-03-11-hawaii-senate-rejects-recognition-resolutions",
        ),
        (
            "2021-07-01",
            "new-jersey-senate",
            "recognizes independence",
            "2021-06-30-new-jersey-senate-recognizes-artsakh",
        ),
        # California: 004's May reading for the state; the August vote was the Senate's.
        # (issue 24: the .ajr32 corrections cite a page that names AJR 32)
        ("2014-06-30", "california", "recognizes independence", "2014-05-california-recognizes-per-004.ajr32"),
        (
            "2014-05-09",
            "california-state-assembly",
            "recognizes independence",
            "2014-05-08-california-assembly-recognizes-artsakh.ajr32",
        ),
        (
            "2014-08-28",
            "california-state-senate",
            "recognizes independence",
            "2014-08-27-california-senate-recognizes-artsakh.ajr32",
        ),
        (
            "2016-03-30",
            "hawaii-house-of-representatives",
            "recognizes independence",
            "2016-03-29-hawaii-house-recognizes-artsakh",
        ),
    ],
)
def test_us_table_rows(when: str, subject: str, value: str, event: str) -> None:
    """Each identified row of 004's U.S. table answers with its stance, certain, the day after."""
    found = fact(when, "recognition", subject)
    assert found is not None, f"no recognition fact about {subject} at {when}"
    assert (found.value, found.certainty, found.event) == (value, "certain", event)


def test_us_rows_not_before_their_day() -> None:
    """A chamber's stance does not show before the page's day (or range) begins."""
    assert fact("2014-02-11", "recognition", "hawaii-house-of-representatives") is None
    assert fact("2014-08-26", "recognition", "california-state-senate") is None
    assert fact("2021-06-29", "recognition", "new-jersey-senate") is None
    assert fact("2014-04-30", "recognition", "california") is None
    assert fact("2014-02-24", "recognition", "south-dakota-house-of-representatives").certainty == "possible"


def test_california_august_vote_is_the_senates() -> None:
    """The state-level August 2014 event was corrected to the Senate; the state reads as 004 has it from May."""
    assert fact("2014-09-01", "recognition", "california").event == "2014-05-california-recognizes-per-004.ajr32"
    before = fact("2014-09-01", "recognition", "california", known_at="2026-11-30")
    assert before.event == "2014-08-california-recognizes-per-004"


def test_maine_receded_per_004() -> None:
    """004's Maine row: recognized on 10 April 2013; its 'Receded (30 April 2013)' names no body or
    effect, so its reading as a withdrawal was retracted in issue 24 (it shows only before then)."""
    assert fact("2013-04-20", "recognition", "maine").value == "recognizes independence"
    after = fact("2013-05-01", "recognition", "maine")
    assert (after.value, after.certainty, after.event) == (
        "recognizes independence",
        "certain",
        "2013-04-10-maine-recognizes-per-004.hp987",
    )
    before = fact("2013-05-01", "recognition", "maine", known_at="2026-12-06")
    assert (before.value, before.event) == ("withdrew its recognition", "2013-04-30-maine-recedes-per-004")
    for chamber in ("maine-house-of-representatives", "maine-senate"):
        assert fact("2013-05-01", "recognition", chamber).value == "recognizes independence"


@pytest.mark.parametrize(
    ("when", "subject", "account", "other", "disputed", "since"),
    [
        # (issue 24: the Rhode Island, Massachusetts and Idaho "per 004" accounts were retracted:
        # 004's rows name no state; see test_unidentified_rows_retracted)
        # The Georgia House vote: 2 March (AFA, 004's month) or 3 March (karabakh.it).
        (
            "2016-03-04",
            "georgia-house-of-representatives",
            "2016-03-03-georgia-house-recognizes-per-karabakh-it-account",
            "2016-03-02-georgia-house-recognizes-artsakh",
            False,
            "[2016-03-02,2016-03-03]",
        ),
    ],
)
def test_disagreeing_accounts_both_shown(
    when: str, subject: str, account: str, other: str, disputed: bool, since: str
) -> None:
    """Each account is its own event, linked by account_of; the answer shows both, since the set of their dates."""
    events = {e.id: e for e in LOG.events}
    assert events[account].account_of == other
    assert {s.id for s in events[account].sources} != {s.id for s in events[other].sources}
    found = fact(when, "recognition", subject)
    assert found is not None
    assert found.certainty == "certain"
    assert {found.event} | {s.event for s in found.supports} == {account, other}
    assert (found.disputed, found.since) == (disputed, since)


def test_unidentified_rows_retracted() -> None:
    """Issue 24: 004's nameless U.S. rows read as Rhode Island, Massachusetts and Idaho were retracted;
    the bodies answer with what their own sources say (a call), or nothing (Idaho 2016), and as
    before the retraction when asked with --known-at before it."""
    found = fact("2012-06-01", "recognition", "rhode-island-house-of-representatives")
    assert (found.value, found.disputed) == ("calls for recognition", False)
    assert fact("2012-09-01", "recognition", "massachusetts-house-of-representatives").value == "calls for recognition"
    assert fact("2016-04-01", "recognition", "idaho-house-of-representatives") is None
    before = fact("2012-06-01", "recognition", "rhode-island-house-of-representatives", known_at="2026-12-06")
    assert "recognizes independence" in before.value and "calls for recognition" in before.value


# Officeholders before the holders first recorded, and the foreign leaders 002/004 name
# (issue 13, events/officeholders-audit.toml).


def _holder(when: str, post: str) -> tuple[str, str] | None:
    found = fact(when, "officeholder", post)
    return None if found is None else (found.value, found.certainty)


@pytest.mark.parametrize(
    ("when", "holder"),
    [
        ("1993-01-01", None),
        ("1995-06-01", ("Robert Kocharyan", "certain")),
        ("1997-06-01", ("Leonard Petrosyan (acting)", "certain")),
        ("2000-01-01", ("Arkadi Ghukasyan", "certain")),
        ("2010-01-01", ("Bako Sahakyan", "certain")),
    ],
)
def test_president_of_artsakh(when: str, holder: tuple[str, str] | None) -> None:
    """Who was president in 1995 is answered; before December 1994 there was no president."""
    assert _holder(when, "President of Artsakh") == holder


@pytest.mark.parametrize(
    ("when", "holder"),
    [
        ("1993-07-01", None),
        ("1995-01-01", ("Arkadi Ghukasyan", "certain")),
        ("1997-10-01", ("Naira Melkumian", "possible")),
        ("2000-01-01", ("Naira Melkumian", "certain")),
        ("2003-06-01", ("Ashot Ghulyan", "certain")),
        ("2005-01-01", ("Arman Melikyan", "certain")),
        ("2006-06-01", ("Georgi Petrosian", "possible")),  # one account says 2005, the infobox's 2007 (issue 19)
        ("2008-01-01", ("Georgi Petrosian", "certain")),
        ("2011-12-31", ("Vasily Atajanyan (acting)", "certain")),
        ("2013-01-01", ("Karen Mirzoyan", "certain")),
    ],
)
def test_foreign_minister_of_artsakh_before_2017(when: str, holder: tuple[str, str] | None) -> None:
    """The foreign ministers from the ministry's founding (23 July 1993) to Mirzoyan, at the pages' precision."""
    assert _holder(when, "Minister of Foreign Affairs of Artsakh") == holder


@pytest.mark.parametrize(
    ("when", "holder"),
    [
        ("1991-10-01", None),  # issue 24: the 1991-09-12 reading was retracted (no Supreme Council until 28 Dec 1991)
        ("1992-02-01", ("Artur Mkrtchyan", "certain")),
        ("1992-04-14", ("vacant (Artur Mkrtchyan killed)", "certain")),
        ("1993-01-01", ("Georgi Petrosian (acting)", "certain")),
        ("1994-01-01", ("Karen Baburyan", "certain")),
        ("1997-01-01", ("Artur Tovmasyan", "certain")),
        ("2000-01-01", ("Oleg Yesayan", "certain")),
        ("2010-01-01", ("Ashot Ghulyan", "certain")),
    ],
)
def test_chair_of_the_supreme_council_and_national_assembly(when: str, holder: tuple[str, str] | None) -> None:
    """The chair (Supreme Council until 1995) is answered from 1991; in 1992-1994 its holder was the head of state."""
    assert _holder(when, "Chairman of the National Assembly of Artsakh") == holder


def test_mkrtchyan_election_day_kept_as_three_accounts() -> None:
    """6, 7 and 8 January 1992 are each recorded, the later-recorded two as accounts of the 8 January event."""
    by_id = {e.id: e for e in LOG.events}
    first = "1992-01-08-mkrtchyan-assembly-chairman"
    for other in (
        "1992-01-07-mkrtchyan-assembly-chairman-per-wikipedia",
        "1992-01-06-mkrtchyan-assembly-chairman-per-nankr",
    ):
        assert by_id[other].account_of == first
        assert by_id[other].person == by_id[first].person
    assert _holder("1992-01-09", "Chairman of the National Assembly of Artsakh") == ("Artur Mkrtchyan", "certain")


@pytest.mark.parametrize(
    ("when", "post", "holder"),
    [
        ("2020-11-10", "President of Azerbaijan", "Ilham Aliyev"),
        ("2020-11-10", "President of Russia", "Vladimir Putin"),
        ("2020-11-10", "Prime Minister of Armenia", "Nikol Pashinyan"),
        ("2020-11-10", "President of Armenia", "Armen Sarkissian"),
        ("2010-10-01", "President of Armenia", "Serzh Sargsyan"),
        ("2010-10-01", "President of Russia", "Dmitry Medvedev"),
        ("2021-06-01", "Prime Minister of Armenia", "Nikol Pashinyan (acting)"),
        ("2023-09-20", "President of Armenia", "Vahagn Khachaturyan"),
        ("2023-09-20", "Prime Minister of Armenia", "Nikol Pashinyan"),
    ],
)
def test_foreign_leaders_the_sources_name(when: str, post: str, holder: str) -> None:
    """The signatories of the November 2020 statement, and the 2010 president of Armenia
    (not 004's 'Armen Sarkissian')."""
    assert _holder(when, post) == (holder, "certain")


# --- Coordinates and addresses (issue 13) ----------------------------------------------

# The region's box: Nagorno-Karabakh, the seven districts around it and the old Shahumyan
# district all lie within it (their seats run from 39.07N Zangilan to 40.42N Shaumyanovsk
# and from 46.04E Kalbajar to 47.14E Fuzuli).
REGION_BOX = ((38.8, 40.6), (45.5, 47.6))
# Places abroad: the cities that hosted Artsakh's representative offices.
ABROAD = {"yerevan", "sydney", "berlin", "paris", "moscow", "beirut", "washington-dc", "armenia-country"}
# Places no page gives a point for (docs/known-gaps-data-geo.md): never a made-up one.
WITHOUT_COORDINATES = {"martakert-east", "martuni-east"}


def _inside(place, box) -> bool:
    (south, north), (west, east) = box
    return south <= place.lat <= north and west <= place.lon <= east


def test_every_place_has_sourced_coordinates_in_its_box() -> None:
    """Region places lie in the region's box, places abroad outside it, each point from a registered page."""
    import math
    from pathlib import Path

    places = LOG.registry.places
    assert set(places) >= ABROAD
    missing = {p.id for p in places.values() if p.lat is None or p.lon is None}
    assert missing == WITHOUT_COORDINATES
    gaps = (Path(__file__).parents[2] / "docs" / "known-gaps-data-geo.md").read_text(encoding="utf-8")
    assert all(ident in gaps for ident in WITHOUT_COORDINATES)
    for place in places.values():
        if place.id in WITHOUT_COORDINATES:
            assert place.located is None, place.id
            continue
        assert math.isfinite(place.lat) and math.isfinite(place.lon), place.id
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180, place.id
        assert _inside(place, REGION_BOX) != (place.id in ABROAD), place.id
        assert place.located is not None, place.id
        source = LOG.registry.sources.get(place.located.id)
        assert source is not None and source.url.strip(), (place.id, place.located.id)
        assert place.located.at.strip(), place.id


def test_representative_points_follow_their_seats() -> None:
    """A district stands at its seat and the Kashatagh province at its capital, Berdzor (Lachin town)."""
    places = LOG.registry.places
    lachin_town = (places["lachin-town"].lat, places["lachin-town"].lon)
    assert (places["lachin"].lat, places["lachin"].lon) == lachin_town
    assert (places["kashatagh"].lat, places["kashatagh"].lon) == lachin_town
    assert abs(places["lachin-corridor"].lat - lachin_town[0]) < 0.05
    assert (places["nagorno-karabakh"].lat, places["nagorno-karabakh"].lon) == (
        places["stepanakert"].lat,
        places["stepanakert"].lon,
    )


def test_kashatagh_is_a_province_not_lachin() -> None:
    """'Kashatagh' names Artsakh's province (Lachin, Qubadli, Zangilan), no longer Lachin district;
    Berdzor stays Lachin's."""
    assert LOG.registry.resolve("Kashatagh") == {"kashatagh"}
    assert LOG.registry.resolve("Քաշաթաղ") == {"kashatagh"}
    assert LOG.registry.resolve("Кашатаг") == {"kashatagh"}
    assert LOG.registry.places["kashatagh"].kind == "province"
    assert "lachin" in LOG.registry.resolve("Berdzor")
    assert "kashatagh" not in LOG.registry.resolve("Lachin")


def test_every_cited_source_has_an_address() -> None:
    """Every source any event cites is in the registry with a non-empty url."""
    for event in LOG.events:
        for ref in event.sources:
            source = LOG.registry.sources.get(ref.id)
            assert source is not None, (event.id, ref.id)
            assert source.url.strip(), (event.id, ref.id)


def test_the_republic_existed_from_proclamation_to_dissolution() -> None:
    """Artsakh's existed span runs from the 1991-09-02 proclamation to 2024-01-01 (002, 004), and no
    open-start event names the actor: its floor would wrongly move an oblast-era event past 1991."""
    import tomllib
    from pathlib import Path

    existed = LOG.registry.actors["artsakh"].existed
    assert existed is not None
    assert existed.is_span and existed.until is not None
    assert (
        existed.start.in_tz("Asia/Baku").date().isoformat(),
        existed.until.start.in_tz("Asia/Baku").date().isoformat(),
    ) == ("1991-09-02", "2024-01-01")
    root = Path(__file__).parents[2] / "events"
    for path in root.glob("*.toml"):
        for raw in tomllib.loads(path.read_text(encoding="utf-8")).get("event", []):
            if str(raw.get("date", "")).startswith(("[..", "../")):
                named = [v for v in raw.values() if v == "artsakh" or (isinstance(v, list) and "artsakh" in v)]
                assert not named, (path.name, raw["id"])


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


@pytest.mark.parametrize(
    ("when", "subject", "value", "certainty"),
    [
        # Issue 19: an offensive is its own fact beside the war (conflicts nest), keyed by theatre and name.
        ("1991-05-01", "nagorno-karabakh:Operation Ring", "offensive by Soviet Union; end not recorded", "certain"),
        ("1991-11-15", "stepanakert", "blockaded by Azerbaijan", "possible"),
        ("1992-01-01", "stepanakert", "blockaded by Azerbaijan", "certain"),
        ("1992-05-09", "stepanakert", "blockade by Azerbaijan lifted", "certain"),
        ("1990-01-01", "armenia-country", "blockaded by Azerbaijan", "certain"),
        ("1993-04-30", "armenia-country", "blockaded by Turkey", "certain"),
    ],
)
def test_conflict_events_named_by_004(when: str, subject: str, value: str, certainty: str) -> None:
    """Operation Ring, the siege of Stepanakert and the blockade of Armenia, at their pages' dates."""
    found = fact(when, "conflict", subject)
    assert (found.value, found.certainty) == (value, certainty)


@pytest.mark.parametrize(
    ("when", "subject", "certainty"),
    [
        (
            "2015-06-16",
            "european-court-of-human-rights:Chiragov and Others v. Armenia (13216/05), Grand Chamber",
            "certain",
        ),
        ("2003-04-01", "council-of-europe:2003 background paper, seminar 'Youth and Conflict Resolution'", "possible"),
        ("2003-04-02", "council-of-europe:2003 background paper, seminar 'Youth and Conflict Resolution'", "certain"),
        ("2012-11-13", "ruben-martinez-huelmo:2012-11 remark in Stepanakert on Uruguay recognizing NK", "certain"),
    ],
)
def test_statements_and_rulings(when: str, subject: str, certainty: str) -> None:
    """The 2015 Chiragov judgment (not 2005), the 2003 background paper, Uruguay's 2012 remark."""
    found = fact(when, "resolution", subject)
    assert found is not None and found.certainty == certainty
    assert (
        fact(
            "2015-06-15",
            "resolution",
            "european-court-of-human-rights:Chiragov and Others v. Armenia (13216/05), Grand Chamber",
        )
        is None
    )


def test_uruguay_2012_is_a_statement_not_a_recognition() -> None:
    """Uruguay itself holds no recognition stance; its November 2012 remark is one legislator's statement."""
    assert fact("2013-01-01", "recognition", "uruguay") is None
    montevideo = fact("2020-11-13", "recognition", "montevideo-department-legislature")
    assert (montevideo.value, montevideo.event) == (
        "recognizes independence",
        "2020-11-13-montevideo-legislature-recognizes-artsakh-renoted",
    )


@pytest.mark.parametrize(
    ("first", "second", "day_before", "after_both", "disputed"),
    [
        ("1988-02-first-karabakh-war-per-002", "1991-first-karabakh-war-per-004", "1988-01-31", "1991-03-01", False),
        # Issue 19: the petitioners cease to exist on 1987-12-01 (a one-time group ends with its act), which
        # ends their claim that day, so both accounts are asked about the day before.
        (
            "1987-08-karabakh-armenian-petition-per-002",
            "1987-12-01-karabakh-petition-delivered-per-kocharyan",
            "1987-07-31",
            "1987-11-30",
            True,
        ),
        (
            "2014-10-14-ep-friendship-group-announced-per-003",
            "2014-10-15-ep-nk-group-presented-per-horizonweekly",
            "2014-10-13",
            "2014-10-16",
            True,
        ),
    ],
)
def test_disagreeing_accounts_each_recorded(
    first: str, second: str, day_before: str, after_both: str, disputed: bool
) -> None:
    """Each source's account is its own event, linked by account_of, citing only its own source; the answer shows
    both accounts, each with its sources, since the set of their dates (issue 19)."""
    events = {e.id: e for e in counted_events(LOG.events)}
    one, two = events[first], events[second]
    assert two.account_of == first
    assert {s.id for s in one.sources}.isdisjoint({s.id for s in two.sources})
    (aspect, subject) = {(f.aspect, f.subject) for f in facts_of(one, LOG.registry)}.pop()
    assert fact(day_before, aspect, subject) is None
    found = fact(after_both, aspect, subject)
    assert (found.event, found.since, found.disputed) == (first, f"[{one.date.edtf},{two.date.edtf}]", disputed)
    assert found.interval.end == max(one.date.end, two.date.end)
    accounts = {a.event: {s.id for s in a.sources} for a in found.supports if a.role == "account"}
    assert accounts == {first: {s.id for s in one.sources}, second: {s.id for s in two.sources}}


def test_1988_war_no_longer_cites_004() -> None:
    """002's 1988 war cites 002 only (004 gives no 1988 date); 004's own account says 1991; the 1994 ceasefire ends
    the replacing event."""
    war = fact("1990-06-01", "conflict", "nagorno-karabakh")
    assert (war.event, war.since, war.certainty) == ("1988-02-first-karabakh-war-per-002", "[1988-02,1991]", "possible")
    by_event = {a.event: a for a in war.supports}
    assert {s.id for s in by_event["1988-02-first-karabakh-war-per-002"].sources} == {"002_fef8a61a0a388da4"}
    assert by_event["1991-first-karabakh-war-per-004"].since == "1991"
    assert "1988-02-first-karabakh-war" not in {e.id for e in counted_events(LOG.events)}
    ceasefire = fact("1994-05-12", "conflict", "nagorno-karabakh")
    assert (ceasefire.event, dict(ceasefire.detail)["ends"]) == (
        "1994-05-12-ceasefire-ends-war-per-002",
        "1988-02-first-karabakh-war-per-002",
    )


def test_kashatagh_is_the_province_not_the_lachin_district() -> None:
    """Kashatagh names the Artsakh province (Lachin, Qubadli, Zangilan districts), no longer the Lachin district."""
    assert LOG.registry.resolve("Kashatagh") == frozenset({"kashatagh"})
    assert LOG.registry.resolve("Berdzor") == frozenset({"lachin"})


# The second audit (issue 24, events/audit-2026-12b.toml).


def test_operation_ring_ends() -> None:
    """Operation Ring is under way beside the war from 30 April 1991 (conflicts nest, issue 19) and
    no longer by December 1991: the war restated on 15 May 1991 (with accounts of June and August)
    is the theatre's next recorded state, which stops an operation whose end no source gives. The
    war runs on from 1988 throughout: the restatement joins its run."""
    during = fact("1991-05-10", "conflict", "nagorno-karabakh:Operation Ring")
    assert during.value == "offensive by Soviet Union; end not recorded"
    assert fact("1991-05-10", "conflict", "nagorno-karabakh").value == "war: First Nagorno-Karabakh War"
    assert fact("1991-12-01", "conflict", "nagorno-karabakh:Operation Ring") is None
    after = fact("1991-12-01", "conflict", "nagorno-karabakh")
    assert (after.value, after.certainty, after.event) == (
        "war: First Nagorno-Karabakh War",
        "certain",
        "1988-02-first-karabakh-war-per-002",
    )
    assert {
        "1991-05-15-operation-ring-over-war-goes-on",
        "1991-06-operation-ring-over-per-allinnet",
        "1991-08-operation-ring-over-per-artsakh-pages",
    } <= {s.event for s in after.supports}


def test_no_counted_event_is_never_in_force() -> None:
    """Every counted event that sets a fact is in force at some time, as the fact or one of its
    accounts or corroborations: none is hidden by a same-instant neighbour later in the file."""
    from statustrack.core.events import Dissolution, Retraction
    from statustrack.core.history import versions
    from statustrack.core.replay import timeline

    counted = counted_events(LOG.events)
    seen: set[str] = set()
    for version in versions(timeline(counted, LOG.registry)):
        seen.add(version.fact.event)
        seen.update(s.event for s in version.fact.supports)
    never = [
        e.id
        for e in counted
        if not isinstance(e, Retraction | Dissolution) and facts_of(e, LOG.registry) and e.id not in seen
    ]
    assert never == []


# --- Issue 19: who existed when, acts, nested conflicts ---------------------------------------


def test_positions_of_bodies_that_no_longer_existed_are_not_in_force_in_2020() -> None:
    """At 2020-11-10 none of the Azerbaijan SSR's, the NKAO Soviet's, the 1987 petitioners' or the
    CPSU Central Committee's positions is in force (the first three ended with their holders; the
    last is a statement, an act of 1988)."""
    answer = at(LOG, "2020-11-10")
    gone = {"azerbaijan-ssr", "nkao-soviet", "karabakh-armenian-petitioners-1987", "cpsu-central-committee", "ussr"}
    shown = [f for f in (*answer.facts, *answer.acts) if {v for _, v in f.about} & gone]
    assert shown == []


def test_the_azerbaijan_ssr_stance_holds_until_the_ssr_ends() -> None:
    """The SSR's 1989 stance is in force at the end of 1989 and ends on 1991-10-18 with its holder."""
    held = fact("1989-12-31", "status", "artsakh/azerbaijan-ssr")
    assert held.event == "1989-12-06-azerbaijan-ssr-rejects-reunification"
    assert fact("1991-10-18", "status", "artsakh/azerbaijan-ssr") is None


def test_the_exile_presidency_claims_outlive_the_cessation() -> None:
    """The claims that dispute the 2024 cessations stay in force as the exile presidency's position."""
    events = {f.event for f in at(LOG, "2024-06-01", aspects=["status"]).facts}
    assert "2023-10-decree-659n-annuls-dissolution" in events


def test_the_war_and_the_december_1993_offensive_side_by_side() -> None:
    """At 1993-12-20 the theatre is at war and the December 1993 offensive is under way beside it."""
    values = {f.subject: f.value for f in at(LOG, "1993-12-20", aspects=["conflict"]).facts}
    assert values["nagorno-karabakh"].startswith("war: First Nagorno-Karabakh War")
    assert values["nagorno-karabakh:Azerbaijani offensive of December 1993"] == (
        "offensive by Azerbaijan; end not recorded"
    )
