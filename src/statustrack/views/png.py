"""PNG output: the SVG drawn by headless Chromium (Debian's `chromium`), so PNG and SVG
are the same picture and no plotting library is needed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from statustrack.errors import StatustrackError

__all__ = ["chromium", "svg_to_png"]

ENV = "STATUSTRACK_CHROMIUM"


def chromium() -> str:
    """The Chromium executable: $STATUSTRACK_CHROMIUM, else `chromium` or `chromium-browser` on PATH."""
    found = os.environ.get(ENV) or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        msg = f"PNG output needs Chromium: install it (apt-get install chromium) or set ${ENV}; or write .svg instead"
        raise StatustrackError(msg)
    return found


def svg_to_png(svg: str, size: tuple[int, int], out: Path, scale: float = 1.0) -> None:
    """Write `svg` (of `size` pixels) as a PNG to `out` with headless Chromium."""
    width, height = size
    with tempfile.TemporaryDirectory(prefix="statustrack-png-") as tmp:
        page = Path(tmp) / "picture.svg"
        page.write_text(svg, encoding="utf-8")
        shot = Path(tmp) / "picture.png"
        command = [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--metrics-recording-only",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--force-device-scale-factor={scale}",
            f"--window-size={width},{height}",
            f"--screenshot={shot}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            msg = f"Chromium could not draw the PNG: {e}"
            raise StatustrackError(msg) from e
        if done.returncode != 0 or not shot.exists():
            tail = (done.stderr or "").strip().splitlines()[-3:]
            msg = f"Chromium could not draw the PNG (exit {done.returncode}): {' | '.join(tail)}"
            raise StatustrackError(msg)
        try:
            shutil.copyfile(shot, out)
        except OSError as e:
            msg = f"cannot write {out}: {e}"
            raise StatustrackError(msg) from e
