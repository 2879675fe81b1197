"""No camera, a blocked camera, a browser without the camera API: the video box says so in plain words where
streamlit-webrtc lets the page choose them (its ``translations``: the camera list and the permission prompt). Its own
START, which would print the browser's error as it is, is not offered (tests/test_camera_check.py)."""

from __future__ import annotations

import typing

from streamlit_webrtc.config import Translations
from test_app import PAGE, _ack_disclaimer, _app, data_dir, webrtc  # noqa: F401

from formcheck.wording import CAMERA_BOX_WORDS

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
    assert webrtc.call_args.kwargs["desired_playing_state"] is False  # no START of its own: the page starts it


# With no camera the box is no longer offered at all: the camera check says so in words before any start
# (tests/test_camera_check.py, in chromium with no camera, a blocked one and a fake one).
