"""Our own small Streamlit component that asks the browser about its camera, without turning it on: is the camera API
there (a secure context), how many video inputs it lists, whether the camera is allowed, blocked or not asked yet.
It holds the page's "Start the camera" button: pressed, it turns the camera on and off again first, and only if that
worked asks the page to start the video (else the answer carries the browser's error name). Its frontend is the
static ``camera_check/index.html`` next to this file (plain JavaScript speaking Streamlit's component protocol by
postMessage; no build step). ``formcheck.wording.camera_note`` turns the answer into words."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from formcheck.wording import CAMERA_CHECK_BUTTONS, camera_note

FRONTEND = Path(__file__).resolve().parent / "camera_check"


def ask_browser(key: str, on: bool = False) -> dict | None:
    """The browser's answer (a dict, see ``camera_note``; with ``action`` "start" or "stop" and the ``instance`` and
    ``look`` that make it one press), or ``None`` before the component has answered (the first run of the page, or
    AppTest). Offers "Check again" beside the start button while the last answer holds the video box back, and
    "Stop the camera" instead while the video is ``on``."""
    # Declared on each call, in the script run, so the running app has it registered whoever imported this module.
    component = components.declare_component("camera_check", path=str(FRONTEND))
    note = camera_note(st.session_state.get(key))
    answer = component(words=CAMERA_CHECK_BUTTONS, again=bool(note and note.blocks), on=on, key=key, default=None)
    return answer if isinstance(answer, dict) else None
