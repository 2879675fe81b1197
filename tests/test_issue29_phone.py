"""Issue 29 #12: every page at a phone's width (390 px) in Debian's chromium: no text is cut or runs out of its box,
and chart legends sit under the plot. Text burned into a video is at least 14 px tall when the video is shown 390 px
wide, and wraps within the frame.

For every element of the page's main area that holds text itself, the test measures, with the browser's layout:
whether the text runs past the right edge of the screen, and whether a box between it and the page that clips its
content (overflow other than visible) is narrower than what it holds (scrollWidth > clientWidth) or ends before the
text does. A metric label shortened to "Good-form …" or "Mistakes fl…" is such a case.

The History page is seeded with a week of routines (as tools/screenshots.py does), the Analyze and Review pages
show the analysis of a sample clip with a known mistake, and Review's dialog of a flagged moment is measured too.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from formcheck import history
from formcheck.draw import annotate
from formcheck.pipeline import FrameResult
from formcheck.pose import PoseFrame
from formcheck.rules import Verdict
from browser_support import CHROMIUM, REPO, sample_clip, start_camera, write_y4m
from browser_support import server as app_server  # noqa: F401 (a fixture, asked for by name below)

PHONE = {"width": 390, "height": 844}  # an iPhone 12–14 screen, in CSS pixels

# Every element of an area of the page (the main one, or a dialog) that holds text of its own, and what cuts it (see
# the module docstring).
MAIN, DIALOG = '[data-testid="stMain"]', '[role="dialog"]'
CUT_TEXT = """(area) => {
  const main = document.querySelector(area);
  const screenRight = document.documentElement.clientWidth;
  const found = [];
  for (const el of main.querySelectorAll('*')) {
    const ownText = [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!ownText || box.width === 0 || box.height === 0) continue;
    let cut = box.right > screenRight + 1 ? 'past the screen edge' : null;
    for (let box_el = el; !cut && box_el && box_el !== main; box_el = box_el.parentElement) {
      if (getComputedStyle(box_el).overflowX === 'visible') continue;
      const clip = box_el.getBoundingClientRect();
      if (box_el.scrollWidth > box_el.clientWidth + 1) cut = 'wider than its clipping box';
      else if (box.right > clip.right + 1 || box.left < clip.left - 1 || box.top < clip.top - 1
               || box.bottom > clip.bottom + 1) cut = 'outside its clipping box';
    }
    if (cut) {
      const testid = el.closest('[data-testid]');
      found.push(`${el.textContent.trim().slice(0, 50)} | ${cut} | ${testid ? testid.dataset.testid : el.tagName}`);
    }
  }
  return found;
}"""

# Every chart (Vega's SVG) whose legend sits beside the plot rather than under it, or whose plot area takes less
# than PLOT_SHARE of the chart's width or is less than MIN_PLOT_PX tall.
PLOT_SHARE, MIN_PLOT_PX = 0.6, 80
SQUEEZED_CHARTS = """([share, minHeight]) => [
    ...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg')].flatMap(svg => {
  const chart = svg.getBoundingClientRect();
  const plot = svg.querySelector('.mark-group.root > g > path.background').getBoundingClientRect();
  const beside = [...svg.querySelectorAll('.role-legend')].some(l => l.getBoundingClientRect().top < plot.bottom);
  const title = svg.querySelector('.role-title, .role-axis-title');
  const name = title ? title.textContent.slice(0, 40) : '';
  return beside || plot.width < share * chart.width || plot.height < minHeight
    ? [`${name} | plot ${Math.round(plot.width)} of ${Math.round(chart.width)} px wide, ${Math.round(plot.height)} px `
       + `tall${beside ? ', legend beside it' : ''}`]
    : [];
})"""


def _seed_history(data: str, monkeypatch) -> None:
    monkeypatch.setenv(history.DATA_DIR_ENV, data)  # seed_history sets it too: restored after the test
    monkeypatch.syspath_prepend(str(REPO / "tools"))
    from screenshots import seed_history

    seed_history(data)


def _settled(page) -> None:
    """The script run has finished and charts and images have drawn."""
    page.wait_for_timeout(500)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=300_000)
    page.wait_for_timeout(1500)


@pytest.mark.slow  # the app in chromium, with an analysis
@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (apt-get install chromium)")
def test_no_text_is_cut_or_overflows_and_legends_fit_at_390_px(request, tmp_path, monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    url = request.getfixturevalue("app_server")
    _seed_history(str(tmp_path / "data"), monkeypatch)
    cut = {}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport=PHONE)
            for path, heading in (("", "Guided routine"), ("live", "Live coaching"), ("history", "History"),
                                  ("about", "Guidance & about")):
                page.goto(f"{url}/{path}")
                page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
                _settled(page)
                cut[heading] = page.evaluate(CUT_TEXT, MAIN) + page.evaluate(SQUEEZED_CHARTS, [PLOT_SHARE, MIN_PLOT_PX])
            page.goto(f"{url}/analyze")
            page.get_by_role("heading", name="Analyze a video").wait_for(timeout=60_000)
            _settled(page)
            # A sample with a flagged moment, so that Review shows its picture and its Enlarge dialog.
            page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first.click()
            page.keyboard.type("rounding (large)")
            page.keyboard.press("Enter")
            _settled(page)
            page.get_by_role("button", name="Analyze").click()
            page.get_by_text("Judged", exact=True).first.wait_for(timeout=300_000)
            _settled(page)
            cut["Analyze a video"] = page.evaluate(CUT_TEXT, MAIN)
            page.get_by_role("link", name="Review flagged frames and the timeline").click()
            page.get_by_role("heading", name="Flagged moments").wait_for(timeout=60_000)
            _settled(page)
            cut["Review"] = page.evaluate(CUT_TEXT, MAIN) + page.evaluate(SQUEEZED_CHARTS, [PLOT_SHARE, MIN_PLOT_PX])
            page.get_by_role("button", name="Enlarge").first.click()
            page.get_by_text("Your good form earlier in this hold").wait_for(timeout=60_000)
            _settled(page)
            cut["Review, a flagged moment enlarged"] = page.evaluate(CUT_TEXT, DIALOG)
        finally:
            browser.close()
    print("\n".join(f"{name}: {line}" for name, lines in cut.items() for line in lines), file=sys.stderr)
    assert {name: lines for name, lines in cut.items() if lines} == {}


def _drawn(width: int, height: int, message: str, lines: list[str]) -> np.ndarray:
    """The white text pixels of a mid-grey frame annotated with a good-form ``message`` and ``lines``."""
    frame = np.full((height, width, 3), 128, np.uint8)
    verdict = Verdict(0.0, "good", message, {}, {}, True)
    out = annotate(frame, FrameResult(PoseFrame.empty(0.0, width, height), {}, verdict, None), lines)
    return (out > 200).all(axis=2)


def _runs(rows: np.ndarray) -> list[np.ndarray]:
    """Runs of consecutive row numbers: one per line of text."""
    return np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1) if len(rows) else []


@pytest.mark.parametrize("size", [(640, 480), (1280, 720), (720, 1280), (320, 240)])
def test_text_burned_into_a_video_is_14_px_tall_when_shown_390_px_wide(size):
    width, height = size
    white = _drawn(width, height, "HHH", ["HHH", "HHH"])  # capitals only: a line's ink is a capital's height
    lines = _runs(np.flatnonzero(white.any(axis=1)))
    assert len(lines) == 3  # the banner and two lines under it, apart
    tall = [len(line) * PHONE["width"] / width for line in lines]
    assert min(tall) >= 14, tall


@pytest.mark.parametrize("size", [(640, 480), (720, 1280)])
def test_a_long_banner_wraps_inside_the_frame(size):
    width, height = size
    cue = "Keep your low back flat — hinge from the hips, don't reach for your toes."
    white = _drawn(width, height, cue, [])
    assert not white[:, -2:].any()  # nothing runs off the right edge
    assert len(_runs(np.flatnonzero(white.any(axis=1)))) >= 2  # wrapped onto more lines


@pytest.mark.slow  # the app in chromium, with a fake camera
@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (apt-get install chromium)")
def test_a_live_practice_at_390_px_cuts_no_text(request, tmp_path):
    """The Live page while a practice runs (a fake camera plays a sample clip): the panel is measured every 2 s for
    10 s, then the ending after "Finish and save"."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    url = request.getfixturevalue("app_server")
    y4m = tmp_path / "camera.y4m"
    write_y4m(sample_clip()[0], y4m)
    cut = set()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={y4m}", "--no-sandbox"])
        try:
            page = browser.new_page(viewport=PHONE)
            page.goto(url + "/live")
            page.get_by_role("heading", name="Live coaching").wait_for(timeout=60_000)
            start_camera(page)
            page.locator(".fc-banner").first.wait_for(timeout=30_000)
            for _ in range(5):
                cut |= {f"during: {line}" for line in page.evaluate(CUT_TEXT, MAIN)}
                page.wait_for_timeout(2000)
            page.get_by_role("button", name="Finish and save").click()
            _settled(page)
            cut |= {f"ending: {line}" for line in page.evaluate(CUT_TEXT, MAIN)}
        finally:
            browser.close()
    assert sorted(cut) == []
