"""Our own small Streamlit component that asks the browser about its camera before START, without turning it on:
is the camera API there (a secure context), how many video inputs it lists, whether the camera is allowed, blocked
or not asked yet; and, on "Test the camera", whether the camera starts (the error name if not). Its frontend is the
static ``camera_check/index.html`` next to this file (plain JavaScript speaking Streamlit's component protocol by
postMessage; no build step). ``formcheck.wording.camera_note`` turns the answer into words."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from formcheck.wording import CAMERA_CHECK_BUTTONS, camera_note

FRONTEND = Path(__file__).resolve().parent / "camera_check"


def ask_browser(key: str) -> dict | None:
    """The browser's answer (a dict, see ``camera_note``), or ``None`` before the component has answered (the first
    run of the page, or AppTest). Offers "Check again" while the last answer holds the video box back."""
    # Declared on each call, in the script run, so the running app has it registered whoever imported this module.
    component = components.declare_component("camera_check", path=str(FRONTEND))
    note = camera_note(st.session_state.get(key))
    answer = component(words=CAMERA_CHECK_BUTTONS, again=bool(note and note.blocks), key=key, default=None)
    return answer if isinstance(answer, dict) else None
