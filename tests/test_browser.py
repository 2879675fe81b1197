"""The live page in a real browser: Debian's chromium with a fake camera playing a sample clip that contains a known
mistake (low-back rounding in a hamstring stretch). The flag banner must appear while the clip shows the mistake,
and the Review page must then show the flagged frames.

The app server is started as ``streamlit run`` starts it, and chromium with its usual network settings: the app
keeps the video link on loopback itself (tests/test_issue29_local.py lists its sockets).

Set ``FORMCHECK_SCREENSHOTS=<folder>`` to keep screenshots of the live and review pages.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from formcheck import history
from formcheck.rules import STRETCHES
from formcheck.wording import RANGE_TOGGLE

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
WEBRTC_FRAME = 'iframe[title="streamlit_webrtc.component.webrtc_streamer"]'

pytestmark = [pytest.mark.slow,  # the app in chromium
              pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (apt-get install chromium)")]


def _sample_clip() -> tuple[Path, dict]:
    """A hamstring sample clip with a clear rounding mistake (see its truth file)."""
    candidates = []
    for truth_path in sorted((REPO / "sample_videos").glob("*.truth.json")):
        truth = json.loads(truth_path.read_text())
        video = truth_path.with_name(truth_path.name.replace(".truth.json", ".mp4"))
        clear = any(d.get("severity") in ("moderate", "gross") for d in truth.get("mistake_details") or [])
        if truth.get("stretch") == "hamstring" and clear and not truth.get("expected_abstain") and video.is_file():
            candidates.append((truth.get("n_frames", 10**6), video.name, video, truth))
    if not candidates:
        pytest.skip("no hamstring sample clip with a known mistake in sample_videos/")
    _, _, video, truth = min(candidates)
    return video, truth


def _write_y4m(source: Path, target: Path, every: int = 2) -> None:
    """The fake camera's input: the clip as raw YUV4MPEG at half the frame rate (chromium loops it)."""
    import av

    with av.open(str(source)) as inp:
        stream = inp.streams.video[0]
        rate = max(1, round(float(stream.average_rate or 30)) // every)
        with av.open(str(target), "w", format="yuv4mpegpipe") as out:
            video = out.add_stream("rawvideo", rate=rate)
            video.width, video.height, video.pix_fmt = (stream.codec_context.width, stream.codec_context.height,
                                                        "yuv420p")
            for i, frame in enumerate(inp.decode(stream)):
                if i % every == 0:
                    frame = frame.reformat(format="yuv420p")
                    frame.pts = None
                    out.mux(video.encode(frame))
            out.mux(video.encode(None))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = dict(os.environ, **{history.DATA_DIR_ENV: str(tmp_path / "data")})
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port),
         "--server.address", "localhost", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the app server did not start:\n" + (tmp_path / "server.log").read_text()[-3000:])
        time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _start_camera(page) -> None:
    """Press START; press it once more if no frame has been analysed after a while (a known, rare race in
    streamlit-webrtc's connect reruns can put the component back to START)."""
    camera = page.frame_locator(WEBRTC_FRAME)
    for attempt in range(2):
        camera.get_by_role("button", name="START").click()
        try:
            # The frame rate line sits in the (closed) "Advanced" expander: present once frames are analysed.
            page.get_by_text("frames/s", exact=False).first.wait_for(state="attached", timeout=20_000)
            return
        except Exception:
            if attempt:
                raise
            if camera.get_by_role("button", name="STOP").count():
                camera.get_by_role("button", name="STOP").click()


@contextmanager
def fake_camera_browser(tmp_path: Path):
    """Debian's chromium whose camera plays the hamstring sample clip with a known mistake, looped; yields
    (browser, the clip's truth)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    clip, truth = _sample_clip()
    y4m = tmp_path / "camera.y4m"
    _write_y4m(clip, y4m)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={y4m}", "--no-sandbox"])
        try:
            yield browser, truth
        finally:
            browser.close()


def open_live_practice(browser, url: str):
    """The Live coaching page set to go straight into the hold (no countdown, and no range step: the sample clip has
    none), camera started; returns the page."""
    page = browser.new_page(viewport={"width": 1400, "height": 1300})
    page.goto(url + "/live")
    page.get_by_role("heading", name="Live coaching").wait_for(timeout=30_000)
    countdown = page.get_by_role("spinbutton", name="Get ready (s)")
    countdown.fill("0")
    countdown.press("Enter")
    page.get_by_text(RANGE_TOGGLE).click()
    page.wait_for_timeout(1000)
    _start_camera(page)
    return page


def test_live_flag_banner_then_review_shows_flagged_frames(server, tmp_path):
    label = STRETCHES["hamstring"].mistakes[0].label
    shots = os.environ.get("FORMCHECK_SCREENSHOTS")

    with fake_camera_browser(tmp_path) as (browser, truth):
        page = open_live_practice(browser, server)  # straight into the hold, where cues are spoken
        started = time.monotonic()

        # Before the mistake the person is settling into the hinge: no flag yet.
        banner = page.locator(".fc-banner").first
        banner.wait_for(timeout=20_000)
        assert "fc-mistake" not in (banner.get_attribute("class") or "")

        # The clip loops; each pass shows the mistake once, so the flag must show within two passes.
        loop_s = truth["n_frames"] / truth["fps"]
        flag = page.locator(".fc-banner.fc-mistake").first
        flag.wait_for(timeout=(2 * loop_s + 10) * 1000)
        assert label in flag.inner_text()
        # The cue is handed to the browser's speech synthesis (the page records the last one it spoke).
        cue = STRETCHES["hamstring"].mistakes[0].cue
        page.wait_for_function("text => (document.body.dataset.fcLastCue || '') === text", arg=cue, timeout=5000)
        if shots:
            page.screenshot(path=str(Path(shots) / "live.png"))
        # It clears again once the clip is past the mistake (the flag is not stuck).
        page.locator(".fc-banner:not(.fc-mistake)").first.wait_for(timeout=loop_s * 1000)
        print(f"flag shown {time.monotonic() - started:.1f} s after the camera started")

        page.get_by_role("link", name="Review").first.click()
        page.get_by_role("heading", name="Flagged moments").wait_for(timeout=20_000)
        gallery = page.locator("[data-testid='stImage']")
        gallery.first.wait_for(timeout=20_000)  # thumbnails arrive after the heading
        assert gallery.count() >= 1
        assert page.get_by_text(label, exact=False).count() >= 1
        assert page.get_by_text("No mistakes were flagged").count() == 0
        if shots:
            page.screenshot(path=str(Path(shots) / "review-live.png"))


# The progress bar must move early: the first chunk is analysed in the server process while the pose processes
# start. Timed on a shared machine, so a share of the whole analysis within the same run rather than seconds; before
# the fix the first tick came at 56 % of the analysis (25.8 s of 46 s with load 16 on 2 cores), after it at 9 %.
FIRST_TICK_SHARE = 0.25


def test_analyze_page_ticks_at_once_and_the_server_logs_no_warnings(server, tmp_path):
    """On a fresh server: press Analyze on the default sample clip; the progress bar moves early (see
    FIRST_TICK_SHARE), the result appears, and the server log holds no warning (pose processes used to re-run the app:
    ~60 "missing ScriptRunContext" warnings per analysis)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1300})
            page.goto(server + "/analyze")
            page.get_by_role("heading", name="Analyze a video").wait_for(timeout=30_000)
            pressed = time.monotonic()
            page.get_by_role("button", name="Analyze").click()
            page.get_by_text("Analysing frame", exact=False).first.wait_for(timeout=60_000)
            first_tick = time.monotonic() - pressed
            page.get_by_text("Judged", exact=True).first.wait_for(timeout=240_000)
            whole = time.monotonic() - pressed
            print(f"first progress tick {first_tick:.1f} s after pressing Analyze; result after {whole:.1f} s")
        finally:
            browser.close()
    log = (tmp_path / "server.log").read_text()
    assert "WARNING" not in log and "ScriptRunContext" not in log, log[-3000:]
    assert first_tick <= FIRST_TICK_SHARE * whole
