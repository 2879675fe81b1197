"""Page: live coaching of a single stretch (practice mode) through the browser camera."""

from __future__ import annotations

import streamlit as st

from formcheck.rules import STRETCHES
from formcheck.coaching.coach import ROUTINE_STRETCHES, Coach, practice_steps
from formcheck.coaching.review_data import stretch_title
from formcheck.ui.common import disclaimer_once, model_name
from formcheck.ui.guides import guide_svg
from formcheck.ui.live_view import camera, coach_for, controls, range_choice, status_panel

SIDE_CHOICES = {"all": "Both sides, one after the other", "left": "Left side only", "right": "Right side only"}


def render() -> None:
    st.title("Live coaching")
    st.caption("Practise one stretch with feedback on your form. The camera picture stays on this computer.")
    disclaimer_once()

    names = list(ROUTINE_STRETCHES)
    settings = st.columns([2, 2, 1, 1])
    stretch = settings[0].selectbox("Stretch", names, format_func=stretch_title, key="live_stretch")
    spec = STRETCHES[stretch]
    if len(spec.sides) > 1:
        side = settings[1].radio("Side", list(SIDE_CHOICES), format_func=SIDE_CHOICES.get, key="live_side")
    else:
        side = "all"
        settings[1].caption("Both sides work together in this stretch.")
    target = settings[2].number_input("Hold (s)", 10, 300, int(spec.hold_s), step=5, key=f"live_target_{stretch}",
                                      help="Only seconds with good form count towards the hold.")
    ready = settings[3].number_input("Get ready (s)", 0, 60, 10, step=1, key="live_ready",
                                     help="Countdown before the hold starts, to get into position.")

    ranged, kept = range_choice("live", practice_steps(stretch, side, float(target), float(ready)))
    plan = (stretch, side, float(target), float(ready), ranged, model_name())
    steps = practice_steps(stretch, side, float(target), float(ready), ranged)
    coach, saver = coach_for("live", plan, lambda saver: Coach(steps, model_name(), checkpoint=saver,
                                                               kept_ranges=kept),
                             "practice", f"Practice: {spec.title}")

    video, panel = st.columns([3, 2])
    with video:
        camera(coach, "live-camera")
        st.caption(spec.camera_guide)
    with panel:
        status_panel(coach, saver, "live", show_guide=False)
    controls(coach, saver, "live")

    with st.expander("Camera placement", expanded=False):
        st.image(guide_svg(stretch))
        st.markdown(f"- {spec.camera_guide}\n- {spec.position_hint}\n"
                    "- Good light from the front or side, a plain background, one person in view.")
    with st.expander("What formcheck watches for"):
        for mistake in spec.mistakes:
            st.markdown(f"- **{mistake.label}** — {mistake.cue}")


if __name__ == "__main__":
    render()
