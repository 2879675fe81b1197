"""The live part shared by the Live coaching and Guided routine pages: camera, status panel, controls, saving."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import streamlit as st
import streamlit_webrtc

from .coach import Coach, Phase
from .common import banner, fmt_seconds, voice, write_history
from .guides import guide_svg
from .review_data import from_holds, to_session_record

RTC_CONFIGURATION = {"iceServers": []}  # local only: no STUN/TURN server is contacted
MEDIA_CONSTRAINTS = {"video": {"width": {"ideal": 640}, "height": {"ideal": 480}}, "audio": False}


def coach_for(slot: str, plan_key: tuple, make: Callable[[], Coach]) -> Coach:
    """This browser session's coach for ``slot``; a new one (the old one closed) when the plan changes."""
    state_key = f"fc_coach_{slot}"
    current = st.session_state.get(state_key)
    if current is not None and current[0] == plan_key:
        return current[1]
    if current is not None:
        current[1].close(timeout=0.5)
    coach = make()
    st.session_state[state_key] = (plan_key, coach)
    return coach


def restart(slot: str) -> None:
    current = st.session_state.pop(f"fc_coach_{slot}", None)
    if current is not None:
        current[1].close(timeout=0.5)


def camera(coach: Coach, key: str):
    """The browser camera through streamlit-webrtc; frames go to ``coach.on_frame`` (called via the module so
    tests can patch ``streamlit_webrtc.webrtc_streamer``)."""
    return streamlit_webrtc.webrtc_streamer(
        key=key,
        mode=streamlit_webrtc.WebRtcMode.SENDRECV,
        rtc_configuration=RTC_CONFIGURATION,
        media_stream_constraints=MEDIA_CONSTRAINTS,
        video_frame_callback=coach.on_frame,
        async_processing=True,
    )


def save(coach: Coach, slot: str, kind: str, title: str) -> int | None:
    """Store the coach's holds in the history once; returns the session id (None if nothing to store)."""
    saved = st.session_state.setdefault("fc_saved", {})
    if slot in saved and saved[slot][0] is coach:
        return saved[slot][1]
    logs = coach.holds()
    if not logs:
        return None
    review = from_holds(logs, kind, title, datetime.fromtimestamp(coach.started_wall).astimezone())
    session_id = write_history(lambda store: store.add_session(to_session_record(review)))
    if session_id is None:
        return None
    saved[slot] = (coach, session_id)
    return session_id


def status_panel(coach: Coach, slot: str, kind: str, title: str, show_guide: bool = True) -> None:
    """Refreshes twice a second: step, countdown, good-form hold time, the flag banner, voice cues."""

    @st.fragment(run_every=0.5)
    def panel() -> None:
        view = coach.view()
        if view.frames:
            st.session_state["fc_review_focus"] = f"coach:{slot}"
        if view.error:
            st.error(f"Live analysis stopped: {view.error}. Press “Start over” to try again.")
        step = view.step
        if view.phase is Phase.DONE:
            st.success("All done — well done! Your session is saved in History.")
            if save(coach, slot, kind, title) is not None:
                st.page_link(_review_page(), label="See the flagged moments in Review", icon=":material/photo_library:")
        elif step is not None:
            st.markdown(f"**Step {view.step_index + 1} of {len(view.steps)} · {step.title}**")
            if view.phase is Phase.WAITING:
                st.info("Press **START** under the video to turn on your camera. Nothing is recorded or sent anywhere.")
            elif view.phase is Phase.READY:
                st.html(f'<div class="fc-count">{view.countdown_s or 0:.0f}</div>')
                st.caption("Get ready — " + _hint(step.stretch))
                if show_guide:
                    st.image(guide_svg(step.stretch), width="stretch")
            else:
                done = min(view.good_s, view.target_s)
                st.progress(done / view.target_s if view.target_s else 1.0,
                            text=f"{fmt_seconds(done)} of {fmt_seconds(view.target_s)} held with good form")
            if view.phase is not Phase.WAITING:
                banner(view.status, view.message, view.flagged)
            if view.next_step is not None:
                st.caption(f"Next: {view.next_step.title}")
        if view.frames:
            lag = "" if view.last_frame_age_s is None or view.last_frame_age_s < 2 else " · camera paused"
            st.caption(f"Analysing {view.fps:.0f} frames/s · {view.latency_ms:.0f} ms behind live · "
                       f"{view.dropped} older frames skipped{lag}")
        voice(slot, view.cue_id, view.cue, view.alert_id)

    panel()


def controls(coach: Coach, slot: str, kind: str, title: str) -> None:
    cols = st.columns(3)
    if cols[0].button("Skip to next step", key=f"fc_skip_{slot}", width="stretch"):
        coach.skip()
    if cols[1].button("Finish and save", key=f"fc_finish_{slot}", width="stretch"):
        coach.finish()
        session_id = save(coach, slot, kind, title)
        if session_id is None:
            st.info("Nothing to save yet — start the camera first.")
        else:
            st.success("Saved to History.")
            st.page_link(_review_page(), label="Review this session", icon=":material/photo_library:")
    if cols[2].button("Start over", key=f"fc_restart_{slot}", width="stretch"):
        restart(slot)
        st.rerun()


def _hint(stretch: str) -> str:
    from formcheck.rules import STRETCHES

    spec = STRETCHES[stretch]
    return f"{spec.position_hint} {spec.camera_guide}"


def _review_page():
    from .nav import page

    return page("review.py")
