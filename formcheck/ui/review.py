"""Page: review a session — a gallery of flagged frames and the key metric over each hold."""

from __future__ import annotations

import math
from datetime import datetime

import streamlit as st

from formcheck.coverage import judged_seconds
from formcheck.rules import STRETCHES
from formcheck.ui.common import chart, fmt_seconds, history
from formcheck.ui.nav import page
from formcheck.coaching.review_data import (SOURCES, Review, ReviewShot, from_history, from_holds, timeline_chart,
                                      video_frame_png)
from formcheck.ui.verdict import coverage_caption, hold_possible, session_conclusion

LIVE_SLOTS = {"routine": ("routine", "Guided routine"), "live": ("practice", "Live practice")}
GALLERY_COLUMNS = 3


@st.cache_data(max_entries=32, show_spinner=False)
def _frame_from_video(path: str, t: float) -> bytes | None:
    return video_frame_png(path, t)


def _options(store) -> dict[str, str]:
    options: dict[str, str] = {}
    for slot, (_, label) in LIVE_SLOTS.items():
        current = st.session_state.get(f"fc_coach_{slot}")
        if current is not None and current[1].holds():
            options[f"coach:{slot}"] = f"{label} — this visit"
    analysis = st.session_state.get("fc_analysis")
    if analysis:
        options["analysis"] = f"Video analysis: {analysis['name']} — this visit"
    if store is not None:
        for s in store.sessions(limit=50):
            options[f"history:{s.id}"] = (f"Saved {s.started_at:%a %d %b %H:%M} · {s.title} · "
                                          f"{s.flags} {'mistake' if s.flags == 1 else 'mistakes'} flagged")
    return options


def _load(key: str, store) -> Review | None:
    kind, _, ref = key.partition(":")
    if kind == "coach":
        current = st.session_state.get(f"fc_coach_{ref}")
        if current is None:
            return None
        coach = current[1]
        source, label = LIVE_SLOTS[ref]
        return from_holds(coach.holds(), source, label, datetime.fromtimestamp(coach.started_wall).astimezone(),
                          len(coach.steps))
    if kind == "analysis":
        analysis = st.session_state.get("fc_analysis")
        return analysis["review"] if analysis else None
    if kind == "history" and store is not None:
        record = store.session(int(ref))
        return from_history(record) if record else None
    return None


@st.dialog("Flagged moment", width="large")
def _enlarge(shot: ReviewShot, video_path: str | None) -> None:
    picture = shot.large
    if picture is None and video_path:
        picture = _frame_from_video(video_path, shot.t)
    if shot.good:  # side by side (stacked on a phone): what went wrong and the person's own good form
        flagged, good = st.columns(2)
        flagged.image(picture or shot.thumb, width="stretch", caption=f"{shot.label} at {shot.t:.1f} s")
        good.image(shot.good, width="stretch", caption="Your good form earlier in this hold")
    else:
        st.image(picture or shot.thumb, width="stretch")
    _describe(shot)


def _describe(shot: ReviewShot) -> None:
    st.markdown(f"**{shot.label}** at {shot.t:.1f} s  \n{shot.hold}")
    st.caption(f"What to do: {shot.cue}")
    if shot.value is not None and math.isfinite(shot.value):
        with st.expander("Advanced"):
            st.caption(f"Value the rule compared with its limits: {shot.value:.3g} (for rules relative to your "
                       "starting position, the change from it)")


def render() -> None:
    st.title("Review")
    store = history()
    options = _options(store)
    if not options:
        st.info("Nothing to review yet. Practise live, follow the guided routine, or analyse a video — flagged "
                "moments then show up here.")
        st.page_link(page("analyze_page.py"), label="Analyze a sample video", icon=":material/movie:")
        return
    keys = list(options)
    focus = st.session_state.get("fc_review_focus")  # the most recent activity: live, routine or analysis
    if st.session_state.get("rv_last_focus") != focus and focus in options:
        st.session_state["rv_pick"] = focus
    st.session_state["rv_last_focus"] = focus
    if st.session_state.get("rv_pick") not in options:
        st.session_state["rv_pick"] = focus if focus in options else keys[0]
    key = st.selectbox("Session", keys, format_func=options.get, key="rv_pick")
    review = _load(key, store)
    if review is None:
        st.warning("That session is no longer available.")
        return

    st.caption(f"{SOURCES.get(review.kind, review.kind)} · {review.started_at:%A %d %B %Y, %H:%M}")
    cols = st.columns(4)
    cols[0].metric("Holds", len(review.holds))
    # Rounded down, as each hold's "Judged … of …" line below reads it (coverage.judged_seconds).
    cols[1].metric("Judged", judged_seconds(sum(h.coverage.judged_s for h in review.holds)))
    cols[2].metric("Good-form time", fmt_seconds(review.good_s))
    cols[3].metric("Mistakes flagged", review.flags)
    if len(review.holds) == 1 and not review.holds[0].other_stretch_seen:  # a mismatch is a warning below
        st.caption(review.holds[0].position_text)
    session_conclusion(review)

    st.subheader("Flagged moments")
    shots = review.shots
    if not shots:
        st.caption("No flagged moments.")
    for row_start in range(0, len(shots), GALLERY_COLUMNS):
        columns = st.columns(GALLERY_COLUMNS)
        for offset, (column, shot) in enumerate(zip(columns, shots[row_start:row_start + GALLERY_COLUMNS],
                                                    strict=False)):
            with column.container(border=True):
                st.image(shot.thumb, caption=f"{shot.t:.1f} s · {shot.label}", width="stretch")
                st.caption(shot.cue)
                if st.button("Enlarge", key=f"rv_enlarge_{key}_{row_start + offset}", icon=":material/zoom_in:"):
                    _enlarge(shot, review.video_path)

    st.subheader("Over time")
    st.caption("The line is the measure formcheck judges the stretch by; shaded red spans are the flagged moments. "
               "Bands show good form (green), near the limit (amber) and the mistake zone (red).")
    for hold in review.holds:
        timeline = timeline_chart(hold)
        possible = hold_possible(hold)
        unsure = f" · {possible} possible" if possible else ""
        if hold.stretch in STRETCHES and hold.reference_s is None:  # a recorded video: no live hold target
            summary = (f"{hold.title}: {fmt_seconds(hold.good_s)} held with good form in "
                       f"{fmt_seconds(hold.duration_s)} of video · {hold.flags} flagged{unsure}")
        elif hold.stretch in STRETCHES:  # the live hold timer counts possible seconds: not called good form then
            summary = (f"{hold.title}: {fmt_seconds(hold.good_s)} of {fmt_seconds(hold.target_s)} held"
                       f"{'' if possible else ' with good form'}{' ✓' if hold.completed else ''} · "
                       f"{hold.flags} flagged{unsure}")
        else:
            summary = f"{hold.title}: nothing was judged"
        st.markdown(summary)
        if len(review.holds) > 1:
            st.caption(hold.position_text)
        coverage_caption(hold.coverage)
        if timeline is None:
            st.caption("No key-metric readings for this hold (the person was not in position or not visible).")
        else:
            chart(timeline)


if __name__ == "__main__":
    render()
