"""How long one slider step takes to redraw the explorer, in headless Chromium.

    python bench/bench_explorer.py                      # the shipped log and a generated 1e4-event log
    python bench/bench_explorer.py --steps 500 --generated /tmp/log-1e4

For each log the explorer is written to a temporary file and opened at 1400x900; then the
slider is stepped a day at a time (an `input` event, as a drag or a key gives), `--steps`
times from the start of the log's busiest stretch. Two figures per step: the page's own
performance marks around its redraw (`statustrack-redraw-start` / `-end`: the facts,
changes, summary, map and cursor rebuilt in script), and that plus the style and layout
the browser then owes (forced by reading a layout property), which is what a user waits
for before the next frame. Prints median and p90 of each and whether the target is met:
16 ms median for the shipped log (one frame at 60 Hz), 50 ms for 1e4 events.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from statustrack.log.load import load_log
from statustrack.views.html import html as explorer

HERE = Path(__file__).resolve().parent

STEP = """([first, steps]) => {
  const slider = document.getElementById("slider");
  const script = [], total = [];
  for (let i = 0; i < steps; i++) {
    performance.clearMarks();
    const t0 = performance.now();
    slider.value = String(first + i);
    slider.dispatchEvent(new Event("input"));
    void document.body.offsetHeight;  // the style and layout the step owes
    total.push(performance.now() - t0);
    const m = performance.measure("redraw", "statustrack-redraw-start", "statustrack-redraw-end");
    script.push(m.duration);
  }
  return [script, total];
}"""


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


def measure(browser: object, page_file: Path, start: str, steps: int) -> tuple[list[float], list[float]]:
    """Per-step durations (script redraw, redraw plus layout) in ms, stepping a day from `start`."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(page_file.as_uri() + "#" + start)
    page.wait_for_function("window.statustrack !== undefined")
    first = page.evaluate("d => statustrack.dayIndex(d)", start)
    page.evaluate(STEP, [first - 40, 40])  # warm up the JIT
    script, total = page.evaluate(STEP, [first, steps])
    page.close()
    return script, total


def report(name: str, script: list[float], total: list[float], target: float) -> None:
    """Print one log's figures."""
    median = statistics.median(total)
    print(
        f"{name}: {len(total)} steps; script redraw median {statistics.median(script):.2f} ms, "
        f"p90 {_p90(script):.2f} ms; with layout median {median:.2f} ms, p90 {_p90(total):.2f} ms; "
        f"target <= {target:g} ms median: {'met' if median <= target else 'NOT met'}"
    )


def main(argv: list[str] | None = None) -> int:
    """Measure the shipped log and a generated one."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument(
        "--generated",
        type=Path,
        default=None,
        help="a generated log directory (default: make a 1e4-event one with bench/generate.py)",
    )
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="statustrack-bench-") as tmp:
        generated = args.generated
        if generated is None:
            generated = Path(tmp) / "log-1e4"
            subprocess.run(
                [sys.executable, str(HERE / "generate.py"), "--n", "1e4", "--out", str(generated)],
                check=True,
                capture_output=True,
            )
        logs = [
            ("shipped log", load_log(None), "2020-06-01", 16.0),
            (f"generated log ({generated.name})", load_log(generated), "2020-06-01", 50.0),
        ]
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
            for name, log, start, target in logs:
                page_file = Path(tmp) / "explorer.html"
                page_file.write_text(explorer(log), encoding="utf-8")
                script, total = measure(browser, page_file, start, args.steps)
                report(name, script, total, target)
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
