"""The live part shared by the Live coaching and Guided routine pages: camera, status panel, controls, saving."""

from __future__ import annotations

import math
from collections.abc import Callable

import streamlit as st
import streamlit_webrtc

from formcheck.coverage import POSSIBLE
from formcheck.rules import STRETCHES
from formcheck.wording import (CAMERA_BOX_WORDS, CAMERA_CHECK_BUTTONS, CAMERA_CHECKING, CAMERA_NOT_READY,
                               CAMERA_SAMPLE_LINK, CAMERA_START, RANGE_TOGGLE, RANGE_TOGGLE_HELP, CameraNote,
                               camera_note)

from formcheck.coaching.autosave import SessionSaver
from formcheck.coaching.coach import PANEL_EVERY_S, Coach, CoachView, KeptRanges, Phase, Step
from formcheck.coaching.range_step import TRIES as RANGE_TRIES
from . import camera_check
from .common import banner, fmt_seconds, history, voice
from .guides import guide_svg
from .latest_frame_relay import install as keep_video_current
from .loopback_link import install as keep_video_link_on_loopback
from .verdict import ending

RTC_CONFIGURATION = {"iceServers": []}  # local only: no STUN/TURN server is contacted
MEDIA_CONSTRAINTS = {"video": {"width": {"ideal": 640}, "height": {"ideal": 480}}, "audio": False}
HELD_BACK = "fc_camera_held_back"  # this page run holds the video box back (no camera API, no camera, blocked)


def coach_for(slot: str, plan_key: tuple, make: Callable[[SessionSaver], Coach], kind: str,
              title: str) -> tuple[Coach, SessionSaver]:
    """This browser session's coach for ``slot`` and the saver that keeps its holds in the history; a new pair
    (the old coach closed, which saves its holds) when the plan changes. ``make`` passes the saver to the coach
    as its checkpoint."""
    state_key = f"fc_coach_{slot}"
    current = st.session_state.get(state_key)
    if current is not None and current[0] == plan_key:
        return current[1], current[2]
    if current is not None:
        current[1].close(timeout=0.5)
    saver = SessionSaver(history(notice=False), kind, title)
    coach = make(saver)
    st.session_state[state_key] = (plan_key, coach, saver)
    return coach, saver


def range_choice(slot: str, steps: list[Step]) -> tuple[bool, KeptRanges]:
    """The range-step toggle for a plan (``steps`` as made with the step on), and the ranges kept from earlier
    sessions that the plan may use instead.
    On by default unless every position with a range step has one kept; a kept range is offered for refreshing
    (the camera moved, other clothes) and is only used where it still fits (``formcheck.tilt_range``)."""
    wanted = {(s.stretch, s.side) for s in steps if s.range_step}
    if not wanted:
        return False, {}
    store = history(notice=False)
    kept = {} if store is None else {
        key: found for key in wanted if (found := store.kept_range(*key)) is not None}
    ranged = st.toggle(RANGE_TOGGLE, not wanted <= set(kept), key=f"fc_range_{slot}", help=RANGE_TOGGLE_HELP)
    if kept and not ranged:
        taken = max(k.taken for k in kept.values())
        st.caption(f"Your own range kept from {taken:%-d %b %Y} is used where it still fits. Turn the range step on "
                   "to take it again after moving the camera or changing clothes.")
    return ranged, {key: k.ends for key, k in kept.items()}


def restart(slot: str) -> None:
    current = st.session_state.pop(f"fc_coach_{slot}", None)
    if current is not None:
        current[1].close(timeout=0.5)


def camera(coach: Coach, key: str):
    """The browser camera through streamlit-webrtc; frames go to ``coach.on_frame`` (called via the module so
    tests can patch ``streamlit_webrtc.webrtc_streamer``).
    Above it, our camera check (``camera_check``, via the module so tests can patch ``ask_browser``) with the page's
    start button: the video box has no START of its own (the page drives it, ``desired_playing_state``), so the
    camera is turned on only after the check has turned it on and off again itself. A camera in use, blocked or
    missing is then said in words, never as the browser's error name, which the box would print. With no camera API,
    no camera or the camera blocked, the video box is not offered until the check finds it fixed, nor before its
    first answer. Returns the box's context, or ``None`` when it is held back."""
    # Always there and first (the words, then the check's buttons they name, then the box), so the check and the box
    # keep their places (the box its connection) as the note changes.
    words = st.container()
    on_key, pressed_key = f"{key}-on", f"{key}-pressed"
    answer = camera_check.ask_browser(f"{key}-check", on=bool(st.session_state.get(on_key)))
    note = camera_note(answer)
    held_back = bool(note and note.blocks)
    st.session_state[HELD_BACK] = held_back  # for the side panel, which this page run draws after the video
    press = (answer or {}).get("instance"), (answer or {}).get("look")
    if answer and answer.get("action") and st.session_state.get(pressed_key) != press:
        st.session_state[pressed_key] = press  # each press acts once, though the answer stays until the next
        st.session_state[on_key] = answer["action"] == "start"
    # No box while held back, nor before the check's first answer (the page's first run, a moment): a box there would
    # show and vanish if the check then finds no camera.
    if held_back or answer is None:
        st.session_state[on_key] = False
        with words:
            if held_back:
                _camera_note(note)
            else:
                st.caption(CAMERA_CHECKING)
        return None
    keep_video_link_on_loopback()
    keep_video_current()
    box = streamlit_webrtc.webrtc_streamer(
        key=key,
        mode=streamlit_webrtc.WebRtcMode.SENDRECV,
        rtc_configuration=RTC_CONFIGURATION,
        media_stream_constraints=MEDIA_CONSTRAINTS,
        desired_playing_state=bool(st.session_state.get(on_key)),
        video_frame_callback=coach.on_frame,
        async_processing=True,
        translations=CAMERA_BOX_WORDS,
    )
    if note is not None and not st.session_state.get(on_key):  # a camera turned on outdates "works" or "in use"
        with words:
            _camera_note(note)
    return box


def _camera_note(note: CameraNote) -> None:
    """What the camera check found, in words: what happened and what to do; while the video box is held back, a
    way to use the app without a camera."""
    show = {"error": st.error, "warning": st.warning, "success": st.success}[note.level]
    show(f"**{note.what}** {note.do}")
    if note.blocks:
        from .nav import page

        st.page_link(page("analyze_page.py"), label=CAMERA_SAMPLE_LINK, icon=":material/movie:")


def save(coach: Coach, saver: SessionSaver) -> int | None:
    """Save the coach's holds now (the same history session its autosaves use); says so if that failed."""
    session_id = saver(coach)
    if saver.error:
        st.error(saver.error)
    return session_id


def status_panel(coach: Coach, saver: SessionSaver, slot: str, show_guide: bool = True) -> None:
    """Refreshes twice a second: step, countdown, good-form hold time, the flag banner, voice cues. The view taken
    here (``Coach.view(shown=True)``) is the one whose verdict the video has been painting just before this refresh,
    so the two change together."""

    @st.fragment(run_every=PANEL_EVERY_S)
    def panel() -> None:
        view = coach.view(shown=True)
        if view.frames:
            st.session_state["fc_review_focus"] = f"coach:{slot}"
        if view.error:
            st.error(f"Live analysis stopped: {view.error}. Press “Start over” to try again.")
        step = view.step
        if view.phase is Phase.DONE:
            saved = save(coach, saver)
            _finished(coach)
            if saved is not None:
                st.caption("Your session is saved in History.")
                st.page_link(_review_page(), label="See the flagged moments in Review", icon=":material/photo_library:")
        elif step is not None:
            # "Step 1 of 1" says nothing: the step is named alone when the plan has one.
            numbered = f"Step {view.step_index + 1} of {len(view.steps)} · " if len(view.steps) > 1 else ""
            st.markdown(f"**{numbered}{step.title}**")
            if view.phase is Phase.WAITING and st.session_state.get(HELD_BACK):
                st.info(CAMERA_NOT_READY)
            elif view.phase is Phase.WAITING:
                st.info(CAMERA_START)
            elif view.camera_lost:
                _camera_lost(view)
            elif view.phase is Phase.READY:
                if view.countdown_s is None:
                    st.caption("Connecting to the camera…")
                elif view.countdown_s > 0:
                    st.html(f'<div class="fc-count">{math.ceil(view.countdown_s)}</div>')
                else:  # the countdown is over; the hold starts once the person is in view and in position
                    st.html('<div class="fc-count fc-waiting">Waiting for you</div>')
                st.caption("Get ready — " + _hint(step.stretch))
                if show_guide:
                    st.image(guide_svg(step.stretch), width="stretch")
            elif view.phase is Phase.RANGE:
                st.caption(f"Finding your own range (try {view.range_try} of {RANGE_TRIES}): small and gentle, never "
                           "forced. Your low back is then judged against it.")
                if st.button("Skip the range step", key=f"fc_skip_range_{slot}", help="Hold without it, e.g. if "
                             "it hurts: slight mistakes can then only be called possible."):
                    coach.skip_range()
            else:
                done = min(view.good_s, view.target_s)
                # A possible mistake does not stop the hold's count, but it is not called good form.
                quality = " — a slight mistake possible now" if view.status == POSSIBLE else " with good form"
                st.progress(done / view.target_s if view.target_s else 1.0,
                            text=f"{fmt_seconds(done)} of {fmt_seconds(view.target_s)} held{quality}")
            if view.phase is not Phase.WAITING and not view.camera_lost:
                banner(view.status, view.message, view.flagged)
                if view.reference:
                    st.caption(view.reference)
            if view.next_step is not None:
                st.caption(f"Next: {view.next_step.title}")
        if view.frames and not view.camera_lost:
            with st.expander("Advanced"):  # for the curious; nothing a patient needs to act on
                st.caption(f"Analysing {view.fps:.0f} frames/s · {view.latency_ms:.0f} ms behind live · "
                           f"{view.dropped} older frames skipped · pose model {coach.model}")
                if view.shown_latency_ms is not None:
                    p50, p95 = view.shown_latency_ms
                    change = "" if view.change_latency_ms is None else (
                        " · a change of verdict {:.0f} ms (p95 {:.0f} ms)".format(*view.change_latency_ms))
                    st.caption(f"Verdict on screen {p50:.0f} ms after the camera frame (p95 {p95:.0f} ms){change}")
        if saver.error and view.phase is not Phase.DONE:  # an autosave failed (DONE shows it above)
            st.error(saver.error)
        voice(slot, view.cue_id, view.cue, view.alert_id)

    panel()


def _finished(coach: Coach) -> None:
    """The end screen: what was judged, what went well and what was flagged; praise only when earned."""
    from datetime import datetime

    from formcheck.coaching.review_data import from_holds

    ending(from_holds(coach.holds(), "", "", datetime.now(), len(coach.steps)))


def _camera_lost(view: CoachView) -> None:
    """Frames stopped mid-plan: say so plainly instead of showing the last verdict as if it were current."""
    what = "hold" if view.phase is Phase.HOLD else "countdown"
    # With the box held back (the camera check finds no camera now, e.g. unplugged) there is no button to press.
    fix = ("Plug the camera back in: the note where the video was says when it is found again."
           if st.session_state.get(HELD_BACK) else
           "Check that the camera is plugged in and that the browser still allows it; if the picture does not come "
           f"back, press “{CAMERA_CHECK_BUTTONS['stop']}” and then “{CAMERA_CHECK_BUTTONS['start']}”.")
    st.warning(f"The camera stopped sending pictures {view.last_frame_age_s:.0f} s ago, so the {what} is paused "
               f"and nothing is being counted. {fix} The holds you finished are saved.")


def controls(coach: Coach, saver: SessionSaver, slot: str) -> None:
    cols = st.columns(3)
    # Offered only while there is a next step to skip to (never beside "Step 1 of 1" or on the last step).
    if coach.view().next_step is not None and cols[0].button("Skip to next step", key=f"fc_skip_{slot}",
                                                             width="stretch"):
        coach.skip()
    if cols[1].button("Finish and save", key=f"fc_finish_{slot}", width="stretch"):
        coach.finish()
        if save(coach, saver) is not None:
            st.success("Saved to History.")
            st.page_link(_review_page(), label="Review this session", icon=":material/photo_library:")
        elif not saver.error:
            st.info("Nothing to save yet — no second of a hold so far.")
    if cols[2].button("Start over", key=f"fc_restart_{slot}", width="stretch"):
        restart(slot)
        st.rerun()


def _hint(stretch: str) -> str:
    spec = STRETCHES[stretch]
    return f"{spec.position_hint} {spec.camera_guide}"


def _review_page():
    from .nav import page

    return page("review.py")
