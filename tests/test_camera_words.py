"""No camera, a blocked camera, a browser without the camera API: the video box says so in plain words where
streamlit-webrtc lets the page choose them (its ``translations``: the camera list and the permission prompt), and the
page explains the browser's own error that the box prints after START."""

from __future__ import annotations

import typing

import pytest
from streamlit_webrtc.config import Translations
from test_app import PAGE, _ack_disclaimer, _app, data_dir, webrtc  # noqa: F401
from browser_support import CHROMIUM, WEBRTC_FRAME, server  # noqa: F401

from formcheck.wording import CAMERA_BOX_WORDS, CAMERA_HELP

EXCEPTION_NAMES = ("Error", "Exception", "NotFound", "NotAllowed", "NotReadable", "Overconstrained")


def test_the_video_box_gets_plain_words_for_every_camera_problem_it_can_word(webrtc):  # noqa: F811
    _ack_disclaimer()
    at = _app()
    at.switch_page(PAGE.format("live")).run()
    words = webrtc.call_args.kwargs["translations"]
    assert words == CAMERA_BOX_WORDS
    assert set(words) <= set(typing.get_type_hints(Translations))  # keys the component reads
    assert {"device_not_available", "device_access_denied", "media_api_not_available"} <= set(words)
    assert not any(name in text for text in words.values() for name in EXCEPTION_NAMES)
    assert "The camera does not start?" in [e.label for e in at.expander]  # the error after START, explained


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (apt-get install chromium)")
def test_with_no_camera_the_camera_list_says_so_in_plain_words(server):  # noqa: F811
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        # Permission granted by itself, and no fake camera: the browser finds no device.
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--use-fake-ui-for-media-stream", "--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1300})
            page.goto(server + "/live")
            page.get_by_role("heading", name="Live coaching").wait_for(timeout=30_000)
            box = page.frame_locator(WEBRTC_FRAME)
            box.get_by_role("button", name="START").click()
            # After START the box prints the browser's error as it is; the page says what it means beside it.
            box.get_by_text("Requested device not found", exact=False).first.wait_for(timeout=20_000)
            print("the box after START:", box.locator("body").inner_text())
            page.get_by_text("The camera does not start?").wait_for(timeout=10_000)
            page.get_by_text("The camera does not start?").click()
            page.get_by_text(next(iter(CAMERA_HELP)), exact=False).wait_for(timeout=10_000)
            box.get_by_role("button", name="SELECT DEVICE").click()
            box.get_by_text(CAMERA_BOX_WORDS["device_not_available"], exact=False).wait_for(timeout=20_000)
            print("the camera list:", box.locator("body").inner_text())
        finally:
            browser.close()
