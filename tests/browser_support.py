"""What the real-browser tests (and tools/soak.py) share: Debian's chromium with a fake camera playing a sample clip,
the app served on a free local port, and the live page opened and started."""

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
from formcheck.wording import CAMERA_CHECK_BUTTONS, RANGE_TOGGLE

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
WEBRTC_FRAME = 'iframe[title="streamlit_webrtc.component.webrtc_streamer"]'
CHECK_FRAME = 'iframe[title="formcheck.ui.camera_check.camera_check"]'  # the camera check, with the start button

def sample_clip() -> tuple[Path, dict]:
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


def write_y4m(source: Path, target: Path, every: int = 2) -> None:
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
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


def start_camera(page) -> None:
    """Press the page's "Start the camera" (the camera check's button above the video box); press "Stop the camera"
    and start it once more if no frame has been analysed after a while (a rare race in streamlit-webrtc's connect
    reruns)."""
    check = page.frame_locator(CHECK_FRAME)
    for attempt in range(2):
        check.get_by_role("button", name=CAMERA_CHECK_BUTTONS["start"]).click()
        try:
            # The frame rate line sits in the (closed) "Advanced" expander: present once frames are analysed.
            page.get_by_text("frames/s", exact=False).first.wait_for(state="attached", timeout=20_000)
            return
        except Exception:
            if attempt:
                raise
            if check.get_by_role("button", name=CAMERA_CHECK_BUTTONS["stop"]).count():
                check.get_by_role("button", name=CAMERA_CHECK_BUTTONS["stop"]).click()
                page.wait_for_timeout(1000)


@contextmanager
def fake_camera_browser(tmp_path: Path):
    """Debian's chromium whose camera plays the hamstring sample clip with a known mistake, looped; yields
    (browser, the clip's truth)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    clip, truth = sample_clip()
    y4m = tmp_path / "camera.y4m"
    write_y4m(clip, y4m)
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
    start_camera(page)
    return page
