"""Page: practice history — sessions per day against the 2–3×/day aim, streak, per-stretch trends, delete."""

from __future__ import annotations

from datetime import date

import streamlit as st

from formcheck.history import DAILY_AIM, SessionSummary
from formcheck.coaching.coach import ROUTINE_STRETCHES
from formcheck.ui.common import chart, fmt_seconds, history, write_history
from formcheck.ui.nav import page
from formcheck.coaching.review_data import SOURCES, stretch_title
from formcheck.wording import holds_done_text, partial_text

DAYS_SHOWN = 14


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


ROUTINE_ONLY = ("routine",)  # only guided routines count toward the daily aim and the streak (when complete)
TODAY = "Today"


def _daily_chart(counts: dict[date, int]):
    import altair as alt
    import pandas as pd

    data = pd.DataFrame({"day": [_day_label(d) for d in counts], "routines": list(counts.values())})
    data["met"] = data["routines"].map(lambda n: "aim met" if n >= DAILY_AIM[0] else "below aim")
    order = list(data["day"])
    top = max(4, int(data.routines.max()) + 1)
    bars = alt.Chart(data).mark_bar(cornerRadiusTopLeft=3, cornerRadiusTopRight=3).encode(
        # Upright labels need only a line's height each, so all 14 fit even on a phone; at -40° the axis hid
        # every other one, and with 14 days that dropped the last: today.
        x=alt.X("day:O", title=None, sort=order, axis=alt.Axis(labelAngle=-90, labelOverlap="greedy")),
        y=alt.Y("routines:Q", title="guided routines", scale=alt.Scale(domainMin=0, domainMax=top),
                axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("met:N", title=None,
                        scale=alt.Scale(domain=["aim met", "below aim"], range=["#2e9f43", "#9fb3c8"])),
        tooltip=["day:O", "routines:Q"])
    # The aim is a band (2–3 a day), drawn and named, not two bare lines.
    aim = pd.DataFrame({"low": [DAILY_AIM[0]], "high": [DAILY_AIM[1]]})
    band = alt.Chart(aim).mark_rect(color="#2e9f43", opacity=0.12).encode(y="low:Q", y2="high:Q")
    label = alt.Chart(aim).mark_text(align="left", dx=4, dy=-6, color="#1d5e2a").encode(
        x=alt.value(0), y="high:Q", text=alt.value(f"aim: {DAILY_AIM[0]}–{DAILY_AIM[1]} a day"))
    return (band + bars + label).properties(height=140)


def _day_label(day: date) -> str:
    return TODAY if day == date.today() else day.strftime("%a %d %b")


def _trend_charts(stats: list[dict]):
    import altair as alt
    import pandas as pd

    data = pd.DataFrame(stats)
    data["stretch"] = data["stretch"].map(stretch_title)
    color = alt.Color("stretch:N", title="Stretch", sort=[stretch_title(name) for name in ROUTINE_STRETCHES])
    # One bar per day that has data, named by its date: a time axis turns a single day into one wide block
    # with repeated ticks.
    data["label"] = pd.to_datetime(data["day"]).dt.strftime("%d %b")
    order = list(dict.fromkeys(data.sort_values("day")["label"]))
    good = alt.Chart(data).mark_bar().encode(
        x=alt.X("label:O", title=None, sort=order, axis=alt.Axis(labelAngle=-40, labelOverlap="greedy")),
        y=alt.Y("sum(good_s):Q", title="good-form seconds"), color=color,
        tooltip=[alt.Tooltip("label:N", title="day"), "stretch:N",
                 alt.Tooltip("good_s:Q", format=".0f")]).properties(height=160)
    rate = alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("label:O", title=None, sort=order, axis=alt.Axis(labelAngle=-40, labelOverlap="greedy")),
        y=alt.Y("flag_rate:Q", title="holds with a flag", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=color, tooltip=[alt.Tooltip("label:N", title="day"), "stretch:N",
                              alt.Tooltip("flag_rate:Q", format=".0%")]).properties(height=160)
    return good, rate


def _holds_done(s: SessionSummary) -> str:
    """Holds done against the plan, and "stopped early" for a live session that did not get through it; a video
    has no plan (its holds are what was recognised, not measured against the live hold target)."""
    if s.kind == "video":
        return _plural(s.holds, "hold")
    done = holds_done_text(s.completed_holds, s.planned_holds)
    return done if s.complete else f"{done} ({partial_text(s.kind)})"


def render() -> None:
    st.title("History")
    store = history(notice=False)
    if store is None:
        return
    if store.notice:  # a damaged database was replaced: always said here, where the user looks for it
        st.warning(store.notice)
    st.caption(f"Stored on this computer in {store.path.parent}. Only summaries and small pictures of flagged "
               "moments are kept — no video unless you chose to keep one.")
    sessions = store.sessions()
    if not sessions:
        st.info("No sessions yet. Your guided routines, practices and saved analyses will show up here.")
        st.page_link(page("routine.py"), label="Start the guided routine", icon=":material/self_improvement:")
        return

    counts = store.daily_counts(DAYS_SHOWN, kinds=ROUTINE_ONLY, complete_only=True)
    other = sum(store.daily_counts(DAYS_SHOWN, kinds=("practice", "video")).values())
    today = counts[max(counts)]
    cols = st.columns(3)
    cols[0].metric("Guided routines today", f"{today} of {DAILY_AIM[0]}–{DAILY_AIM[1]}",
                   help="The routine works best done two to three times a day. Only guided routines with every "
                        "hold done count.")
    cols[1].metric("Streak", _plural(store.streak(kinds=ROUTINE_ONLY, complete_only=True), "day"),
                   help="Days in a row with at least one guided routine done to the end.")
    cols[2].metric(f"Routines, last {DAYS_SHOWN} days", sum(counts.values()))
    if today < DAILY_AIM[0]:
        st.caption(f"{DAILY_AIM[0] - today} more guided {'routine' if DAILY_AIM[0] - today == 1 else 'routines'} "
                   "today to reach the aim.")
    if other:
        what = "practice or video analysis" if other == 1 else "practices or video analyses"
        st.caption(f"Also {other} {what} in the last {DAYS_SHOWN} days — listed below, not counted toward the aim "
                   "or the streak.")
    chart(_daily_chart(counts))

    stats = store.stretch_stats()
    if stats:
        st.subheader("Per stretch")
        good, rate = _trend_charts(stats)
        left, right = st.columns(2)
        left.markdown("**Good-form seconds per day**")
        chart(good, left)
        right.markdown("**Share of holds with a flag**")
        chart(rate, right)

    st.subheader("Sessions")
    pending = st.session_state.get("hist_delete")
    for s in sessions:
        with st.container(border=True):
            top = st.columns([4, 1, 1])
            source = SOURCES.get(s.kind, s.kind)
            what = source if s.title == source else f"{source} · {s.title}"  # not "Guided routine · Guided routine"
            top[0].markdown(f"**{s.started_at:%a %d %b %Y, %H:%M}** · {what}")
            top[0].caption(f"{_holds_done(s)} · "
                           f"{fmt_seconds(s.good_s)} good form · {_plural(s.flags, 'mistake')} flagged · "
                           f"{_plural(s.frames, 'flagged frame')}" + (" · video kept" if s.video_path else ""))
            if top[1].button("Review", key=f"hist_review_{s.id}"):
                st.session_state["fc_review_focus"] = f"history:{s.id}"
                st.switch_page(page("review.py"))
            if pending == s.id:
                if top[2].button("Confirm delete", key=f"hist_confirm_{s.id}", type="primary"):
                    st.session_state.pop("hist_delete", None)
                    if write_history(lambda store, sid=s.id: store.delete_session(sid)):
                        st.toast("Session deleted.")
                        st.rerun()
            elif top[2].button("Delete", key=f"hist_delete_{s.id}"):
                st.session_state["hist_delete"] = s.id
                st.rerun()


if __name__ == "__main__":
    render()
