"""A long live session: the Guided routine page in Debian's chromium, its fake camera looping a sample clip, for
``--minutes``; the server's memory and the live verdict lag sampled every 10 s, the page reloaded half way.

    .venv/bin/python tools/soak.py --minutes 30

Prints one line per sample and a summary: memory (resident, server and its children) against its level after the
first minute, lag ("ms behind live", the coach's camera frame → verdict) p50/p95 per half, and whether every hold
finished before the reload is still in History afterwards. Exit status 1 when memory grew over 10 % or a finished
hold was lost. Not part of the test suite: it takes as long as it is told to.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser_support import CHROMIUM, free_port, sample_clip, start_camera, write_y4m  # noqa: E402

from formcheck import history  # noqa: E402

SAMPLE_S = 10.0
MEMORY_GROWTH = 0.10
LAG = re.compile(r"(\d+) ms behind live")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, MB."""
    out = subprocess.run(["ps", "-o", "pid=,ppid=,rss=", "-A"], capture_output=True, text=True, check=True).stdout
    rows = [tuple(int(x) for x in line.split()) for line in out.splitlines() if line.strip()]
    children: dict[int, list[int]] = {}
    for child, parent, _ in rows:
        children.setdefault(parent, []).append(child)
    rss = {child: kb for child, _, kb in rows}
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total / 1024


def finished_holds(data: Path) -> int:
    store = history.History(data / history.DB_NAME)
    return sum(s.completed_holds for s in store.sessions())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="formcheck-soak-"))
    clip, _ = sample_clip()
    y4m = work / "camera.y4m"
    write_y4m(clip, y4m)
    port = free_port()
    env = dict(os.environ, **{history.DATA_DIR_ENV: str(work / "data")})
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port),
         "--server.address", "localhost", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=(work / "server.log").open("w"), stderr=subprocess.STDOUT)
    samples: list[tuple[float, float, float | None]] = []  # (minutes, MB, lag ms)
    lost = False
    try:
        time.sleep(8)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={y4m}", "--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1300})

            def open_routine() -> None:
                page.goto(f"http://localhost:{port}/")  # the Guided routine is the main page
                page.get_by_role("heading", name="Guided routine").wait_for(timeout=60_000)
                start_camera(page)

            open_routine()
            start, reloaded, before_reload = time.monotonic(), False, 0
            while (elapsed := time.monotonic() - start) < args.minutes * 60:
                if not reloaded and elapsed >= args.minutes * 30:
                    before_reload = finished_holds(work / "data")
                    page.reload()
                    page.get_by_role("heading", name="Guided routine").wait_for(timeout=60_000)
                    lost = finished_holds(work / "data") < before_reload
                    start_camera(page)
                    reloaded = True
                lag = None
                advanced = page.get_by_text("ms behind live", exact=False)
                if advanced.count():
                    found = LAG.search(advanced.first.text_content() or "")
                    lag = float(found.group(1)) if found else None
                samples.append((elapsed / 60, rss_mb(server.pid), lag))
                print(f"{elapsed / 60:5.1f} min  {samples[-1][1]:7.0f} MB  lag {lag} ms", flush=True)
                page.wait_for_timeout(SAMPLE_S * 1000)
            browser.close()
    finally:
        server.terminate()
        server.wait(20)

    after_first = [mb for minute, mb, _ in samples if minute >= 1.0]
    growth = (max(after_first[-6:]) / after_first[0] - 1) if after_first else float("nan")
    halves = [[lag for minute, _, lag in samples if lag is not None and (minute < args.minutes / 2) == first]
              for first in (True, False)]
    for name, lags in zip(("first half", "second half"), halves, strict=True):
        if lags:
            print(f"lag {name}: p50 {np.percentile(lags, 50):.0f} ms, p95 {np.percentile(lags, 95):.0f} ms "
                  f"({len(lags)} samples)")
    print(f"memory: {after_first[0] if after_first else float('nan'):.0f} MB after the first minute, "
          f"{growth:+.1%} at the end; finished holds before the reload {before_reload}, "
          f"{'one lost' if lost else 'all kept'}")
    return 1 if lost or not growth <= MEMORY_GROWTH else 0


if __name__ == "__main__":
    raise SystemExit(main())
