"""Key dates of the shipped Nagorno-Karabakh log, pinned: what the sources say, at their precision."""

from __future__ import annotations

import pytest

from statustrack.log import load_log
from statustrack.query import at

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


# Officeholders before the holders first recorded, and the foreign leaders 002/004 name
# (issue 13, events/officeholders-audit.toml).

def _holder(when: str, post: str) -> tuple[str, str] | None:
    found = fact(when, "officeholder", post)
    return None if found is None else (found.value, found.certainty)


@pytest.mark.parametrize(("when", "holder"), [
    ("1993-01-01", None),
    ("1995-06-01", ("Robert Kocharyan", "certain")),
    ("1997-06-01", ("Leonard Petrosyan (acting)", "certain")),
    ("2000-01-01", ("Arkadi Ghukasyan", "certain")),
    ("2010-01-01", ("Bako Sahakyan", "certain")),
])
def test_president_of_artsakh(when: str, holder: tuple[str, str] | None) -> None:
    """Who was president in 1995 is answered; before December 1994 there was no president."""
    assert _holder(when, "President of Artsakh") == holder


@pytest.mark.parametrize(("when", "holder"), [
    ("1993-07-01", None),
    ("1995-01-01", ("Arkadi Ghukasyan", "certain")),
    ("1997-10-01", ("Naira Melkumian", "possible")),
    ("2000-01-01", ("Naira Melkumian", "certain")),
    ("2003-06-01", ("Ashot Ghulyan", "certain")),
    ("2005-01-01", ("Arman Melikyan", "certain")),
    ("2006-06-01", ("Georgi Petrosian", "certain")),
    ("2011-12-31", ("Vasily Atajanyan (acting)", "certain")),
    ("2013-01-01", ("Karen Mirzoyan", "certain")),
])
def test_foreign_minister_of_artsakh_before_2017(when: str, holder: tuple[str, str] | None) -> None:
    """The foreign ministers from the ministry's founding (23 July 1993) to Mirzoyan, at the pages' precision."""
    assert _holder(when, "Minister of Foreign Affairs of Artsakh") == holder


@pytest.mark.parametrize(("when", "holder"), [
    ("1991-10-01", ("Leonard Petrosyan", "certain")),
    ("1992-02-01", ("Artur Mkrtchyan", "certain")),
    ("1992-04-14", ("vacant (Artur Mkrtchyan killed)", "certain")),
    ("1993-01-01", ("Georgi Petrosian (acting)", "certain")),
    ("1994-01-01", ("Karen Baburyan", "certain")),
    ("1997-01-01", ("Artur Tovmasyan", "certain")),
    ("2000-01-01", ("Oleg Yesayan", "certain")),
    ("2010-01-01", ("Ashot Ghulyan", "certain")),
])
def test_chair_of_the_supreme_council_and_national_assembly(when: str, holder: tuple[str, str]) -> None:
    """The chair (Supreme Council until 1995) is answered from 1991; in 1992-1994 its holder was the head of state."""
    assert _holder(when, "Chairman of the National Assembly of Artsakh") == holder


def test_mkrtchyan_election_day_kept_as_three_accounts() -> None:
    """6, 7 and 8 January 1992 are each recorded, the later-recorded two as accounts of the 8 January event."""
    by_id = {e.id: e for e in LOG.events}
    first = "1992-01-08-mkrtchyan-assembly-chairman"
    for other in ("1992-01-07-mkrtchyan-assembly-chairman-per-wikipedia", "1992-01-06-mkrtchyan-assembly-chairman-per-nankr"):
        assert by_id[other].account_of == first
        assert by_id[other].person == by_id[first].person
    assert _holder("1992-01-09", "Chairman of the National Assembly of Artsakh") == ("Artur Mkrtchyan", "certain")


@pytest.mark.parametrize(("when", "post", "holder"), [
    ("2020-11-10", "President of Azerbaijan", "Ilham Aliyev"),
    ("2020-11-10", "President of Russia", "Vladimir Putin"),
    ("2020-11-10", "Prime Minister of Armenia", "Nikol Pashinyan"),
    ("2020-11-10", "President of Armenia", "Armen Sarkissian"),
    ("2010-10-01", "President of Armenia", "Serzh Sargsyan"),
    ("2010-10-01", "President of Russia", "Dmitry Medvedev"),
    ("2021-06-01", "Prime Minister of Armenia", "Nikol Pashinyan (acting)"),
    ("2023-09-20", "President of Armenia", "Vahagn Khachaturyan"),
    ("2023-09-20", "Prime Minister of Armenia", "Nikol Pashinyan"),
])
def test_foreign_leaders_the_sources_name(when: str, post: str, holder: str) -> None:
    """The signatories of the November 2020 statement, and the 2010 president of Armenia (not 004's 'Armen Sarkissian')."""
    assert _holder(when, post) == (holder, "certain")

# --- Coordinates and addresses (issue 13) ----------------------------------------------

# The region's box: Nagorno-Karabakh, the seven districts around it and the old Shahumyan
# district all lie within it (their seats run from 39.07N Zangilan to 40.42N Shaumyanovsk
# and from 46.04E Kalbajar to 47.14E Fuzuli).
REGION_BOX = ((38.8, 40.6), (45.5, 47.6))
# Places abroad: the cities that hosted Artsakh's representative offices.
ABROAD = {"yerevan", "sydney", "berlin", "paris", "moscow", "beirut", "washington-dc"}
# Places no page gives a point for (docs/known-gaps-data-geo.md): never a made-up one.
WITHOUT_COORDINATES = {"martakert-east", "martuni-east"}


def _inside(place, box) -> bool:  # noqa: ANN001
    (south, north), (west, east) = box
    return south <= place.lat <= north and west <= place.lon <= east


def test_every_place_has_sourced_coordinates_in_its_box() -> None:
    """Region places lie in the region's box, places abroad outside it, each point from a registered page."""
    import math
    from pathlib import Path

    places = LOG.registry.places
    assert ABROAD <= set(places)
    missing = {p.id for p in places.values() if p.lat is None or p.lon is None}
    assert missing == WITHOUT_COORDINATES
    gaps = (Path(__file__).parent.parent / "docs" / "known-gaps-data-geo.md").read_text(encoding="utf-8")
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
        places["stepanakert"].lat, places["stepanakert"].lon)


def test_kashatagh_is_a_province_not_lachin() -> None:
    """'Kashatagh' names Artsakh's province (Lachin, Qubadli, Zangilan), no longer Lachin district; Berdzor stays Lachin's."""
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
    assert (existed.start.in_tz("Asia/Baku").date().isoformat(),
            existed.until.start.in_tz("Asia/Baku").date().isoformat()) == ("1991-09-02", "2024-01-01")
    root = Path(__file__).parent.parent / "events"
    for path in root.glob("*.toml"):
        for raw in tomllib.loads(path.read_text(encoding="utf-8")).get("event", []):
            if str(raw.get("date", "")).startswith(("[..", "../")):
                named = [v for v in raw.values() if v == "artsakh" or (isinstance(v, list) and "artsakh" in v)]
                assert not named, (path.name, raw["id"])
