"""Page: the guided routine — all five positions in order with countdowns, good-form holds and transitions."""

from __future__ import annotations

import streamlit as st

from formcheck.positions import LABELS, STRETCH_POSITION
from formcheck.rules import STRETCHES
from formcheck.coaching.coach import ROUTINE_CHOICES, Coach, plan_minutes, routine_steps
from formcheck.ui.common import disclaimer_once, history, model_name
from formcheck.ui.guides import guide_svg
from formcheck.ui.live_view import camera, coach_for, controls, range_choice, status_panel

BEFORE = """
- **Loosen up first (optional):** a few minutes with a massage gun, or a warm shower, on the muscles that feel tight
  (buttocks, back of the thighs, either side of the low back — not on the spine itself).
- **Set up:** a clear floor space, a sturdy chair or box for the glute stretch, a bed you can lie across for the
  bed decompression, and a bath towel rolled up (about the thickness of your wrist) for the towel decompression.
- **Camera:** landscape, side-on, far enough back that your whole body is in the picture. Each step shows where to
  put it.
"""

AFTER = """
- **Ice or contrast bathing (optional):** after the routine, cold (a wrapped ice pack for 10–15 minutes) can calm
  irritated tissue around the nerves; alternating warm and cold (contrast bathing) is another option.
- **Make it a habit:** the benefit builds up — the routine is meant for two to three times a day, more on bad days.
  History shows how you are doing.
- **Long term:** stretching gives relief, but it is not rehabilitation on its own. Pair it with strengthening work
  for the trunk and hips, ideally guided by a professional.
"""

CHOICE_SETTING = "routine-variant:{place}"  # the variant a person does in a place of the routine, kept for next time
CHOICE_HELP = ("Each version stretches the same muscles; choose the one you can do comfortably (e.g. sitting if "
               "standing on a hinge hurts your back or your balance). formcheck checks the version you choose.")


def variant_label(name: str) -> str:
    return f"{STRETCHES[name].title} ({LABELS[STRETCH_POSITION[name]]})"


def variant_choice() -> dict[str, str]:
    """The version of each stretch the person does where the routine offers more than one, remembered in History."""
    store = history(notice=False)
    chosen = {}
    for place, names in ROUTINE_CHOICES.items():
        if len(names) < 2:
            continue
        setting = CHOICE_SETTING.format(place=place)
        kept = store.get_setting(setting) if store is not None else None
        name = st.selectbox(f"Your {STRETCHES[place].title.lower()}", names,
                            index=names.index(kept) if kept in names else 0, format_func=variant_label,
                            key=f"fc_variant_{place}", help=CHOICE_HELP)
        if store is not None and name != kept:
            store.set_setting(setting, name)
        chosen[place] = name
    return chosen


def render() -> None:
    st.title("Guided routine")
    disclaimer_once()
    slower = st.toggle("More time between stretches", key="routine_slower",
                       help="Longer get-ready countdowns (×1.5), e.g. when getting onto the floor takes a while.")
    chosen = variant_choice()
    ranged, kept = range_choice("routine", routine_steps(chosen=chosen))
    steps = routine_steps(1.5 if slower else 1.0, ranged, chosen)
    st.caption(f"Five positions, about {plan_minutes(steps)} minutes in all. The app counts down, times each "
               "hold — only seconds with good form count — and moves on by itself. Do it two to three times a day.")

    with st.expander("Before you start (optional)"):
        st.markdown(BEFORE)
    with st.expander("The plan", expanded=False):
        for i, step in enumerate(steps, 1):
            ranging = ", range step about 8 s" if step.range_step else ""
            st.markdown(f"{i}. **{step.title}** — get ready {step.ready_s:.0f} s{ranging}, "
                        f"hold {step.target_s:.0f} s")
        names = list(dict.fromkeys(step.stretch for step in steps))  # each position of the plan once
        pictures = st.columns(len(names))
        for col, name in zip(pictures, names, strict=True):
            col.image(guide_svg(name), caption=STRETCHES[name].title)

    plan = (slower, ranged, tuple(chosen.items()), model_name())
    coach, saver = coach_for("routine", plan, lambda saver: Coach(steps, model_name(), checkpoint=saver,
                                                                  kept_ranges=kept),
                             "routine", "Guided routine")
    video, panel = st.columns([3, 2])
    with video:
        camera(coach, "routine-camera")
    with panel:
        status_panel(coach, saver, "routine")
    controls(coach, saver, "routine")

    with st.expander("After the routine (optional)"):
        st.markdown(AFTER)


if __name__ == "__main__":
    render()
