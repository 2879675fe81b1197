"""The honest conclusion of a hold or a session: green only when enough was judged, amber "could not check"
otherwise (see ``formcheck.coverage`` for the threshold), and how many seconds were judged."""

from __future__ import annotations

import streamlit as st

from formcheck.coverage import CHECKED, UNCHECKED, Coverage, judged_line, reason_text, unchecked_text
from formcheck.rules import STRETCHES

from .review_data import Review


def coverage_caption(cov: Coverage) -> None:
    """How many seconds were judged, the good-form seconds, and why the rest was not judged."""
    text = judged_line(cov)
    if cov.not_judged_s:
        text += " Not judged: " + ", ".join(f"{reason_text(reason)} {seconds:.0f} s"
                                            for reason, seconds in cov.not_judged_s.items()) + "."
    st.caption(text)


def conclusion(cov: Coverage, stretch: str, mistakes: int, seen: str | None = None) -> None:
    """Green "no mistakes" when enough was judged, amber "could not check" with the reason when not; nothing
    when mistakes were flagged (the page lists them). ``seen``: the stretch recognised instead, if any."""
    verdict = cov.conclusion(mistakes)
    if verdict == CHECKED:
        st.success(f"No mistakes flagged in the {cov.judged_s:.0f} s that were judged.", icon=":material/check:")
    elif verdict == UNCHECKED:
        st.warning(unchecked_text(cov, STRETCHES[stretch], STRETCHES.get(seen)), icon=":material/help:")


def session_conclusion(review: Review) -> None:
    """For a whole session: any hold that could not be checked is named, with its reason; green only when every
    hold was checked and nothing was flagged."""
    if not review.holds:
        st.warning("Nothing was checked: no hold had started.", icon=":material/help:")
        return
    unchecked = [h for h in review.holds if h.coverage.conclusion(h.flags) == UNCHECKED]
    for hold in unchecked:
        spec = STRETCHES.get(hold.stretch)
        reason = unchecked_text(hold.coverage, spec) if spec else "Could not check your form."
        st.warning(f"**{hold.title}:** {reason}", icon=":material/help:")
    if not unchecked and not review.flags:
        judged = sum(h.coverage.judged_s for h in review.holds)
        st.success(f"No mistakes were flagged in the {judged:.0f} s that were judged.", icon=":material/check:")
