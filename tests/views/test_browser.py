"""The HTML explorer in a real browser: Debian's Chromium driven by Playwright.

One browser for the whole module. Without Chromium (or Playwright) these tests skip on a
developer's machine and FAIL in CI (CI=true), so CI cannot pass without running them.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

from statustrack.api.query import at
from statustrack.log.load import load_log
from statustrack.views.facts import fact_json
from statustrack.views.html import html as explorer_page

from ..support import GEO, SCRATCH

#: Where the screenshot goes (a scratch folder: a test run writes nothing into the checkout).
ARTIFACTS = SCRATCH / "artifacts"

#: Where the screenshot is written for review (the merge of the test layers lost its definition).
ARTIFACTS = Path(__file__).parent / "artifacts"

pytestmark = pytest.mark.slow  # a real Chromium
ARTIFACTS = Path(__file__).parent / "artifacts"  # the screenshot, for a reviewer (lost in a merge; as it was)


def _unavailable(why: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run in CI: {why}", pytrace=False)
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Chromium (Debian's package) under Playwright, shared by the module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install '.[test]')")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shipped() -> object:
    """The shipped log."""
    return load_log(None)


@pytest.fixture(scope="module")
def shipped_page_file(tmp_path_factory: pytest.TempPathFactory, shipped) -> Path:
    """The explorer of the shipped log, written to disk."""
    path = tmp_path_factory.mktemp("explorer") / "explorer.html"
    path.write_text(explorer_page(shipped), encoding="utf-8")
    return path


class Page:
    """A loaded explorer page and every request it made."""

    def __init__(self, browser, path: Path, hash_: str = "") -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.url = path.as_uri()
        self.page.goto(self.url + hash_)
        self.page.wait_for_function("window.statustrack !== undefined")

    def js(self, code: str, arg: object = None) -> object:
        return self.page.evaluate(code, arg)

    def control(self, subject: str) -> str | None:
        """The holder of `subject` the facts table shows."""
        row = self.page.query_selector(f"table[data-aspect=control] tr[data-subject='{subject}']")
        return None if row is None else row.query_selector("td.value .t").text_content()

    def conflict(self) -> str:
        row = self.page.query_selector("table[data-aspect=conflict] tr[data-subject='nagorno-karabakh']")
        return row.query_selector("td.value .t").text_content()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def page(browser, shipped_page_file: Path) -> Iterator[Page]:
    """The shipped log's explorer, opened from disk."""
    opened = Page(browser, shipped_page_file)
    yield opened
    assert opened.errors == []
    opened.close()


def _set_box(page: Page, text: str) -> None:
    page.page.fill("#when", text)
    page.page.press("#when", "Enter")


def _set_slider(page: Page, day: str) -> None:
    index = page.js("d => statustrack.dayIndex(d)", day)
    page.page.eval_on_selector(
        "#slider", "(s, i) => { s.value = String(i); s.dispatchEvent(new Event('input')); }", index
    )


def test_ceasefire_night_of_2020_11_09(page: Page, tmp_path: Path) -> None:
    """22:00 Baku on 9 November: war, Shusha Azerbaijan's, Lachin not handed over; on the 10th the ceasefire."""
    _set_box(page, "2020-11-09T22:00+04:00")
    assert page.page.get_attribute("body", "data-when") == "2020-11-09T22:00+04:00"
    assert page.conflict().startswith("war: Second Nagorno-Karabakh War")
    assert "ceasefire" not in page.conflict()
    # issue 19: the Artsakh side's account dates the loss to the 9th, not over yet at 22:00: possible
    assert page.control("shusha").startswith("Azerbaijan; if not yet: ")
    assert "Artsakh" in page.control("lachin")  # disputed since issue 24: Armenia or Artsakh held it from 1992
    _set_slider(page, "2020-11-10")
    assert page.page.input_value("#when") == "2020-11-10"
    assert page.conflict().startswith("ceasefire: trilateral statement")
    assert page.control("shusha") == "Azerbaijan"
    assert "Artsakh" in page.control("lachin")  # disputed since issue 24: Armenia or Artsakh held it from 1992
    changed = page.page.query_selector("table[data-aspect=conflict] tr[data-subject='nagorno-karabakh']")
    assert "changed" in (changed.get_attribute("class") or "")
    assert page.page.url.endswith("#2020-11-10")
    assert page.page.screenshot(path=str(tmp_path / "explorer-2020-11-10.png"))
    assert page.requests == [page.url]


def test_shusha_changes_colour_between_7_and_9_november(page: Page) -> None:
    """Shusha's marker (or its entry beside the map, without coordinates) changes holder and colour."""
    _set_box(page, "2020-11-07")
    before = page.page.eval_on_selector(
        "[data-place=shusha]", "e => [e.getAttribute('data-holder'), e.getAttribute('data-colour')]"
    )
    _set_box(page, "2020-11-09")
    after = page.page.eval_on_selector(
        "[data-place=shusha]", "e => [e.getAttribute('data-holder'), e.getAttribute('data-colour')]"
    )
    assert before[0] in ("armenia", "artsakh")
    assert after[0] == "azerbaijan"
    if page.page.query_selector("g.place[data-place=shusha]") is not None:
        assert before[1] != after[1]


def test_a_link_opens_on_its_day(browser, shipped_page_file: Path) -> None:
    """explorer.html#1994-05-12 opens on that day, with the 1994 ceasefire in force."""
    opened = Page(browser, shipped_page_file, "#1994-05-12")
    try:
        assert opened.page.input_value("#when") == "1994-05-12"
        assert opened.conflict().startswith("ceasefire: 1994 general ceasefire")
        assert opened.requests == [opened.url]
    finally:
        opened.close()


def test_keys_step_a_day_and_a_month(page: Page) -> None:
    """Arrow keys step a day, PageDown/PageUp a month; the URL follows."""
    _set_box(page, "2020-01-31")
    page.page.click("h1")
    page.page.keyboard.press("ArrowRight")
    assert page.page.input_value("#when") == "2020-02-01"
    page.page.keyboard.press("PageDown")
    assert page.page.input_value("#when") == "2020-03-01"
    page.page.keyboard.press("ArrowLeft")
    page.page.keyboard.press("PageUp")
    assert page.page.input_value("#when") == "2020-01-29"
    assert page.page.url.endswith("#2020-01-29")


def test_clicking_a_fact_shows_its_events_and_sources(page: Page) -> None:
    """A click on a fact lists its events with notes and linked source titles."""
    _set_box(page, "2020-11-10")
    page.page.click("table[data-aspect=conflict] tr[data-subject='nagorno-karabakh']")
    details = page.page.query_selector("#details")
    assert details.get_attribute("data-showing").startswith("fact:")
    event = details.query_selector(".event[data-event='2020-11-09-trilateral-ceasefire']")
    assert event is not None
    links = event.query_selector_all("a")
    assert links and all(a.get_attribute("href").startswith("http") for a in links)


def test_page_facts_equal_at_json(page: Page, shipped) -> None:
    """For 50 random days, every day of November 2020 and some instants, the page's facts are `at --format json`."""
    rng = random.Random(11)
    first, last = pendulum.date(1923, 1, 1), pendulum.date(2024, 12, 31)
    span = (last - first).days
    days = {first.add(days=rng.randrange(span + 1)).to_date_string() for _ in range(50)}
    days |= {pendulum.date(2020, 11, d).to_date_string() for d in range(1, 31)}
    days |= {
        "1923-07-07",
        "1988",
        "2012-05",
        "2023-09-20T12:59+04:00",
        "2023-09-20T13:00+04:00",
        "2020-11-09T20:59:59.999999Z",
        "2020-11-09T21:00Z",
        "2024-01-01",
        "2024-12-31",
    }
    ordered = sorted(days)
    shown = page.js("ds => ds.map(d => statustrack.factsAt(d))", ordered)
    for day, facts in zip(ordered, shown, strict=True):
        want = json.loads(json.dumps([fact_json(f) for f in at(shipped, day).facts]))
        assert facts == want, day
    for day in ("2020-11-10", "2012-05-15", "1994-05-12"):  # and the rendered page: the same rows
        _set_box(page, day)
        assert page.js("() => statustrack.facts()") == json.loads(
            json.dumps([fact_json(f) for f in at(shipped, day).facts])
        )
        page.js("() => document.querySelectorAll('details.aspect').forEach(d => { d.open = true; })")
        page.page.wait_for_function(
            "n => document.querySelectorAll('tr.fact').length === n", arg=len(at(shipped, day).facts)
        )
        rows = page.page.query_selector_all("tr.fact")
        possible = [r.get_attribute("data-subject") for r in rows if "possible" in (r.get_attribute("class") or "")]
        assert possible == [f.subject for f in at(shipped, day).facts if f.certainty == "possible"]


def test_geo_map_markers_and_possible_ring(browser, tmp_path: Path) -> None:
    """With coordinates: markers in the holder's colour, a possible capture ringed, The Hill listed."""
    log = load_log(GEO)
    path = tmp_path / "geo.html"
    path.write_text(explorer_page(log), encoding="utf-8")
    opened = Page(browser, path, "#2001-05-20")
    try:
        north = opened.js("() => statustrack.marker('north-town')")
        assert north["certainty"] == "possible" and north["holder"] == "blue"
        ring = opened.page.get_attribute("g.place[data-place=north-town] .possible-ring", "stroke")
        fill = opened.page.get_attribute("g.place[data-place=north-town] .marker", "fill")
        assert ring != "none" and fill != ring
        south_before = opened.page.get_attribute("g.place[data-place=south-town] .marker", "fill")
        _set_box(opened, "2001-06-15")
        south_after = opened.page.get_attribute("g.place[data-place=south-town] .marker", "fill")
        assert south_before == fill and south_after == ring  # red, then blue
        assert opened.page.get_attribute("g.place[data-place=hill]", "data-parent") == "region"
        opened.page.click("g.place[data-place=south-town]")
        assert opened.page.get_attribute("#details", "data-showing") == "place:south-town"
        assert opened.requests == [opened.url]
    finally:
        opened.close()


def test_injected_markup_stays_text(browser, evil_log: Path, tmp_path: Path) -> None:
    """Names, notes, values and titles holding script and markup render as text and run nothing."""
    path = tmp_path / "evil.html"
    path.write_text(explorer_page(load_log(evil_log)), encoding="utf-8")
    opened = Page(browser, path, "#2001-05-20")
    try:
        page = opened.page
        page.click("table[data-aspect=control] tr[data-subject='north-town']")
        page.click("table[data-aspect=conflict] tr")
        _set_box(opened, "2001-12-31")
        page.click("table[data-aspect=control] tr[data-subject='north-town']")
        body = page.text_content("body")
        assert "North <script>window.__pwned=1</script>" in body
        assert '"><img src=x onerror="window.__pwned=2">' in body
        assert page.evaluate("() => window.__pwned") is None
        assert page.query_selector_all("img") == []
        assert page.evaluate("() => document.querySelectorAll('script').length") == 2
        hrefs = page.eval_on_selector_all("a", "as => as.map(a => a.getAttribute('href'))")
        assert not [h for h in hrefs if not h.startswith("https://")]
        assert opened.requests == [opened.url]
        assert opened.errors == []
    finally:
        opened.close()


# --- issue 21: disputes drawn as disputes, one legend for every colour, a page you can steer ---

LEGEND_COLOURS = """() => {
  // The colours behind paints (a pattern stands for its stripes), read from the SVG DOM.
  const colours = (paints) => {
    const out = new Set();
    for (const paint of paints) {
      if (!paint || paint === "none") continue;
      const ref = /^url\\(#(.+)\\)$/.exec(paint);
      if (ref) document.getElementById(ref[1]).querySelectorAll("rect").forEach(r => out.add(r.getAttribute("fill")));
      else out.add(paint);
    }
    return [...out];
  };
  const used = colours([...document.querySelectorAll("#map .marker")].map(c => c.getAttribute("fill"))
    .concat([...document.querySelectorAll("#map .possible-ring")].map(c => c.getAttribute("stroke"))));
  const shown = colours([...document.querySelectorAll("#map-legend circle")].map(c => c.getAttribute("fill")));
  return [used, shown];
}"""


@pytest.mark.parametrize(
    ("day", "disputed"),
    [("1994-05-12", {"aghdam", "kalbajar", "lachin", "shusha"}), ("2020-11-10", {"aghdam", "kalbajar", "lachin"})],
)
def test_explorer_draws_disputed_places_as_disputed(page: Page, day: str, disputed: set[str]) -> None:
    """Kalbajar (and Shusha in 1994) are striped on the explorer's map, as on the CLI map, and the
    legend holds every colour the map uses."""
    _set_box(page, day)
    striped = page.js(
        "() => [...document.querySelectorAll('#map g.place[data-disputed=true]')]"
        ".map(g => g.getAttribute('data-place'))"
    )
    assert set(striped) == disputed
    for place in disputed:
        assert (
            page.page.get_attribute(f"g.place[data-place={place}] .marker", "fill") == "url(#disputed-armenia_artsakh)"
        )
    used, shown = page.js(LEGEND_COLOURS)
    assert used and set(used) <= set(shown)


def test_timeline_in_the_explorer_has_every_colour_in_its_legend(page: Page) -> None:
    """Each bar's and mark's colour in the explorer's timeline is a legend entry's (read from the DOM)."""
    used, shown = page.js("""() => {
      const svg = document.querySelector("#timeline svg");
      const colours = (nodes) => { const out = new Set(); nodes.forEach(n => { const p = n.getAttribute("fill");
        const ref = /^url\\(#(.+)\\)$/.exec(p || "");
        if (ref) svg.querySelectorAll("[id='" + ref[1] + "'] rect").forEach(r => out.add(r.getAttribute("fill")));
        else if (p) out.add(p); }); return [...out]; };
      return [colours(svg.querySelectorAll(".run, .band, .act, .pending")),
              colours(svg.querySelectorAll(".legend [fill]"))];
    }""")
    assert used and set(used) <= set(shown)


def test_changes_after_a_typed_jump_compare_with_the_date_left(page: Page, shipped) -> None:
    """From 1994-05-12 to 2020-11-10 by typing: the box lists what differs between them, never an unchanged value."""
    _set_box(page, "1994-05-12")
    _set_box(page, "2020-11-10")
    assert page.page.get_attribute("#changes", "data-from") == "1994-05-12"
    items = page.js("() => [...document.querySelectorAll('#changes li')].map(li => li.textContent)")
    assert any(i.startswith("control · Shusha:") for i in items)
    assert any(i.startswith("conflict · Nagorno-Karabakh:") for i in items)
    for item in items:
        if " → " in item:
            before, after = item.split(": ", 1)[1].split(" → ")
            assert before != after, item
    before = {(f.aspect, f.subject) for f in at(shipped, "1994-05-12").facts}
    after = {(f.aspect, f.subject) for f in at(shipped, "2020-11-10").facts}
    added = len([i for i in items if ": now " in i])
    assert added == len(after - before)
    assert page.page.text_content("#address") == "#2020-11-10"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2020-13-01", "no month 13"),
        ("2021-02-30", "has no day 30"),
        ("yesterday", "is not a date"),
        ("1800-01-01", "outside the log's span"),
    ],
)
def test_a_bad_date_says_why_next_to_the_box(page: Page, text: str, why: str) -> None:
    """A date the page cannot go to leaves the page where it was and says why, in words, beside the box."""
    _set_box(page, "2020-11-10")
    _set_box(page, text)
    assert why in page.page.text_content("#when-error")
    assert page.page.get_attribute("body", "data-when") == "2020-11-10"
    _set_box(page, "2020-11-11")
    assert page.page.text_content("#when-error") == ""


@pytest.mark.parametrize("hash_", ["#%", "#%E0%A4%A"])
def test_a_malformed_address_says_why_and_throws_nothing(browser, shipped_page_file: Path, hash_: str) -> None:
    """A malformed %-escape in the address is a message, not an uncaught URIError."""
    opened = Page(browser, shipped_page_file, hash_)
    try:
        assert "malformed" in opened.page.text_content("#when-error")
        assert opened.errors == []
    finally:
        opened.close()


def test_a_slider_step_lands_on_the_next_day(page: Page) -> None:
    """A key step on the slider moves one day, over the whole span and in a narrowed window; shift a month."""
    _set_box(page, "2020-11-10")
    page.page.focus("#slider")
    page.page.keyboard.press("ArrowRight")
    assert page.page.input_value("#when") == "2020-11-11"
    page.page.select_option("#period", "year")
    assert page.page.get_attribute("#slider", "min") == str(page.js("() => statustrack.dayIndex('2020-01-01')"))
    page.page.focus("#slider")
    page.page.keyboard.press("ArrowLeft")
    assert page.page.input_value("#when") == "2020-11-10"
    page.page.keyboard.press("Shift+ArrowRight")
    assert page.page.input_value("#when") == "2020-12-10"
    ticks = page.js("() => document.querySelectorAll('#strip .event-tick').length")
    assert ticks > 0


def test_the_page_fits_1400_by_900(page: Page, tmp_path: Path) -> None:
    """At 1400x900 the date control, the summary and the map are in view without scrolling."""
    _set_box(page, "2020-11-10")
    boxes = page.js("""() => ["#when", "#slider", "#summary", "#map svg", "#map-legend svg"].map(s => {
      const r = document.querySelector(s).getBoundingClientRect(); return [s, r.top, r.bottom, r.left, r.right]; })""")
    for name, top, bottom, left, right in boxes:
        assert top >= 0 and bottom <= 900 and left >= 0 and right <= 1400, name
    assert page.js("() => document.scrollingElement.scrollHeight") <= 900
    assert page.page.screenshot(path=str(tmp_path / "explorer-1400x900.png"))


def test_the_summary_is_at_s_summary(page: Page, shipped) -> None:
    """At 2020-11-10 the summary names the ceasefire, Shusha's new holder and the President of
    Artsakh's holder, and counts the places per holder as `at`'s summary does."""
    from statustrack.api.summary import summarise

    _set_box(page, "2020-11-10")
    want = summarise(at(shipped, "2020-11-10"), shipped.registry)
    part = lambda name: page.page.text_content(f"#summary [data-part={name}]")  # noqa: E731
    assert "ceasefire: trilateral statement" in part("conflict")
    assert "Shusha: Azerbaijan" in part("control")
    president = next(i for i in want.officeholders if i.label == "President of Artsakh")
    assert f"President of Artsakh: {president.value}" in part("posts")
    shown = page.js(
        """() => [...document.querySelectorAll("#summary [data-part=control] .tally")]
          .map(t => [t.getAttribute("data-key"), Number(t.getAttribute("data-count"))])"""
    )
    assert shown == [[t.key, t.count] for t in want.control]
    stances = page.js(
        """() => [...document.querySelectorAll("#summary [data-part=recognition] [data-stance]")]
          .map(t => [t.getAttribute("data-stance"), Number(t.getAttribute("data-count"))])"""
    )
    assert stances == [[t.stance, t.count] for t in want.recognition][: len(stances)] and stances
    assert f"{want.facts} facts in force" in part("counts")
    assert "innerHTML" not in (Path(__file__).parents[2] / "src/statustrack/views/explorer.js").read_text()
