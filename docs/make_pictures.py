"""Regenerate the README's pictures from the shipped log: `python docs/make_pictures.py`.

Writes docs/img/control.svg and .png (control and conflict, 1923-2024, on the broken axis),
control-autumn-2020.svg and .png (control and conflict, September to December 2020),
map-1994-05-12 and map-2020-11-10 (.svg and .png), and explorer-2020-11-10.png (the
explorer at 1400x900, opened from disk at #1994-05-12 and then typed to 2020-11-10, so the
changes box compares the two, in headless Chromium driven by Playwright). Needs Debian's
chromium and the test extra (playwright).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from statustrack.log.load import load_log
from statustrack.views.html import html as explorer_page
from statustrack.views.map import control_map, render_map_svg
from statustrack.views.png import svg_to_png
from statustrack.views.svg import size_of
from statustrack.views.timeline import chart, render_svg

IMG = Path(__file__).resolve().parent / "img"


def _write(name: str, svg: str) -> None:
    (IMG / f"{name}.svg").write_text(svg, encoding="utf-8")
    svg_to_png(svg, size_of(svg), IMG / f"{name}.png")
    print(f"wrote docs/img/{name}.svg and .png")


def main() -> int:
    """Draw every picture; returns the exit status."""
    IMG.mkdir(exist_ok=True)
    log = load_log(None)
    _write("control", render_svg(chart(log, aspects=["control", "conflict"])))
    _write(
        "control-autumn-2020", render_svg(chart(log, aspects=["control", "conflict"], from_="2020-09", to="2020-12"))
    )
    _write("map-1994-05-12", render_map_svg(control_map(log, "1994-05-12")))
    _write("map-2020-11-10", render_map_svg(control_map(log, "2020-11-10")))
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as driver:
        page_file = Path(tmp) / "explorer.html"
        page_file.write_text(explorer_page(log), encoding="utf-8")
        browser = driver.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(page_file.as_uri() + "#1994-05-12")
        page.wait_for_function("window.statustrack !== undefined")
        page.fill("#when", "2020-11-10")
        page.press("#when", "Enter")
        page.click("[data-place=kalbajar]")  # show a place's details, as a reader would
        page.screenshot(path=str(IMG / "explorer-2020-11-10.png"))
        browser.close()
    print("wrote docs/img/explorer-2020-11-10.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
