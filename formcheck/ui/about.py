"""Page: guidance and about — the disclaimer, the routine, camera set-up for each stretch, privacy."""

from __future__ import annotations

import streamlit as st

from formcheck import __version__
from formcheck.rules import STRETCHES
from formcheck.coaching.coach import ROUTINE_CHOICES, ROUTINE_STRETCHES, plan_minutes, routine_steps
from formcheck.ui.common import DISCLAIMER
from formcheck.ui.guides import guide_svg
from formcheck.ui.routine import AFTER, BEFORE


def render() -> None:
    st.title("Guidance & about")
    st.warning(DISCLAIMER)

    st.subheader("The routine")
    st.markdown(
        f"About {plan_minutes(routine_steps())} minutes, two to three times a day (more often on bad days): the "
        "benefit builds up over time.\n\n"
        "1. **Hip mobility** — hamstring, hip flexor and glute stretches, 30 seconds each (each side where the "
        "stretch is one-sided), relaxing into the stretch.\n"
        "2. **Low-back decompression** — lying across a bed with the legs hanging, then lying on a rolled towel.\n\n"
        "The common thread: let the **hips** do the moving and keep the low back in its natural position. When the "
        "low back rounds, arches or twists instead, the stretch moves into the lowest joints of the spine — the "
        "usual sources of pain — rather than into the hips.")
    for name in ROUTINE_STRETCHES:
        spec = STRETCHES[name]
        # A place of the routine is named by its own stretch; any other stretch is a variant done there.
        with st.expander(("" if name in ROUTINE_CHOICES else "Or: ") + f"{spec.title} — hold {spec.hold_s:.0f} s"
                         + (" per side" if len(spec.sides) > 1 else "")):
            left, right = st.columns([3, 2])
            left.image(guide_svg(name))
            right.markdown(f"**Position:** {spec.position_hint}\n\n**Camera:** {spec.camera_guide}")
            right.markdown("**Watched for:**\n" + "\n".join(f"- {m.label}: {m.cue}" for m in spec.mistakes))
    st.caption("A stretch marked \"Or\" works the same muscles from another position; choose it in the Guided "
               "routine, or practise it in Live coaching.")

    st.subheader("Before and after")
    st.markdown("**Before**" + BEFORE)
    st.markdown("**After**" + AFTER)

    st.subheader("How formcheck judges your form")
    st.markdown(
        "- A pose model finds your joints in each frame, and for the bending stretches the outline of your back.\n"
        "- Each stretch has its own rules. A mistake is flagged only after it lasts about 1.5 seconds, and cleared "
        "as soon as your form is good again; spoken cues wait until you have settled and are not repeated more "
        "than every few seconds.\n"
        "- Some checks compare you with **your own starting position**, learned in the first seconds of each hold — "
        "so settle into a good position first. A mild mistake you start the hold in is learned as your normal and "
        "not flagged. From the first second, only fixed limits judge, and only for: "
        f"{_judged_from_the_start()}.\n"
        "- When the camera cannot see you well (wrong angle, part of you hidden, two people in view), formcheck says "
        "so instead of guessing.")

    st.subheader("Privacy")
    st.markdown(
        "Everything runs on this computer. The camera picture goes from your browser to the app on this machine and "
        "nowhere else; no account, no upload, no tracking. History keeps summaries and small pictures of flagged "
        "moments in a local database, and you can delete any session.")
    st.caption(f"formcheck {__version__}")


def _judged_from_the_start() -> str:
    """The mistakes with a fixed limit in the rule table (no baseline needed), e.g. "low back rounding (hamstring
    stretch)"."""
    specs = [STRETCHES[name] for name in ROUTINE_STRETCHES]
    return ", ".join(f"{m.label.lower()} ({spec.title.lower()})" for spec in specs for m in spec.mistakes
                     if any(not c.relative for c in m.conditions))


if __name__ == "__main__":
    render()
