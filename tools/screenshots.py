"""Screenshots of every page for docs/, at a 1400-px desktop width and a 390-px phone width.

    .venv/bin/python tools/screenshots.py [--out docs]

Starts the app on a free localhost port with a throwaway data folder holding a week of seeded guided routines,
analyses a sample clip with a known mistake in the browser (Debian chromium through Playwright, as the browser
test does), then visits each page. No camera: the live and routine pages show their start state.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
WIDTHS = {"": (1400, 1800), "-phone": (390, 2600)}  # the tallest a page is shot; shorter pages are cut to fit
MIN_HEIGHT = {"": 900, "-phone": 844}  # a laptop screen, an iPhone 12–14 screen


def seed_history(folder: Path) -> None:
    os.environ["FORMCHECK_DATA_DIR"] = str(folder)
    from formcheck.history import FlagRecord, History, HoldRecord, SessionRecord
    from formcheck.pictures import encode_jpeg

    store = History()
    store.set_setting("disclaimer_seen", "yes")
    picture = encode_jpeg(np.full((480, 640, 3), 180, np.uint8))
    now = datetime.now().astimezone()
    for day in range(7):
        for n in range(1 + (day * 5) % 3):
            flags = (day + n) % 2
            series = [(i * 0.2, 0.01 + 0.002 * (i % 7), "good") for i in range(150)]
            holds = [HoldRecord("hamstring", "both", 30.0, 30.0, 38.0, flags, True,
                                [FlagRecord(12.0, "rounding", 0.05, "Keep your low back flat.", picture)] * flags,
                                series),
                     HoldRecord("hip-flexor", "left", 30.0, 30.0, 35.0 + n, 0, True, [], series)]
            store.add_session(SessionRecord("routine", "Guided routine", now - timedelta(days=day, minutes=n * 5),
                                            95.0, holds))
    store.add_session(SessionRecord("practice", "Practice: Glute stretch", now - timedelta(hours=1), 40.0,
                                    [HoldRecord("glute", "left", 30.0, 30.0, 40.0, 0, True)]))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port",
                             str(port), "--server.address", "localhost", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"], cwd=REPO, stdout=log.open("w"),
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the app did not start; see " + str(log))


def settle(page) -> None:
    """Wait for the script run to finish (the "running" widget goes away), then for charts and images to draw."""
    page.wait_for_timeout(500)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=300_000)
    page.wait_for_timeout(2000)


def shoot(page, path: Path, width: int, heights: tuple[int, int], fit_to: str = '[data-testid="stMainBlockContainer"]'
          ) -> None:
    """A screenshot of the page. Streamlit scrolls inside its own container, so instead of shooting the full
    document the window is made as tall as the element ``fit_to`` (the page's content, or an open dialog) reaches,
    within ``heights``."""
    settle(page)
    bottom = page.evaluate("(selector) => { const e = document.querySelector(selector);"
                           " return e ? Math.ceil(e.getBoundingClientRect().bottom) : 0; }", fit_to)
    page.set_viewport_size({"width": width, "height": max(heights[0], min(heights[1], bottom + 40))})
    settle(page)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": heights[1]})
    print("wrote", path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        seed_history(Path(tmp) / "data")
        port = free_port()
        server = start_server(port, Path(tmp) / "server.log")
        url = f"http://localhost:{port}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
                for suffix, (width, height) in WIDTHS.items():
                    page = browser.new_page(viewport={"width": width, "height": height})
                    heights = (MIN_HEIGHT[suffix], height)
                    for name, path, heading in (("routine", "", "Guided routine"), ("live", "live", "Live coaching"),
                                                ("history", "history", "History"),
                                                ("about", "about", "Guidance & about")):
                        page.goto(f"{url}/{path}")
                        page.get_by_role("heading", name=heading).first.wait_for(timeout=120_000)
                        shoot(page, args.out / f"{name}{suffix}.png", width, heights)
                    page.goto(f"{url}/analyze")
                    page.get_by_role("heading", name="Analyze a video").wait_for(timeout=120_000)
                    settle(page)
                    # The sample list: the main area's first select box (the sidebar's pose model box is hidden).
                    page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first.click()
                    page.keyboard.type("rounding (large)")  # the list is long: filter it, then take the match
                    page.keyboard.press("Enter")
                    # the page reruns after a sample is picked; the stretch stays "Recognise automatically"
                    settle(page)
                    page.get_by_role("button", name="Analyze").click()
                    page.get_by_text("Judged", exact=True).first.wait_for(timeout=300_000)
                    shoot(page, args.out / f"analyze{suffix}.png", width, heights)
                    page.get_by_role("link", name="Review flagged frames and the timeline").click()
                    page.get_by_role("heading", name="Flagged moments").wait_for(timeout=120_000)
                    shoot(page, args.out / f"review{suffix}.png", width, heights)
                    page.get_by_role("button", name="Enlarge").first.click()
                    page.get_by_text("Your good form earlier in this hold").wait_for(timeout=120_000)
                    shoot(page, args.out / f"review-enlarged{suffix}.png", width, heights, fit_to='[role="dialog"]')
                    page.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
