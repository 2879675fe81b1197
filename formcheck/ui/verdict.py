"""The honest conclusion of a hold or a session: green only when enough was judged, amber "could not check"
otherwise (see ``formcheck.coverage`` for the threshold), and how many seconds were judged."""

from __future__ import annotations

import streamlit as st

from formcheck.coverage import CHECKED, UNCHECKED, Coverage, judged_line, reason_text
from formcheck.wording import could_not_check

from .review_data import Review, ReviewHold


def coverage_caption(cov: Coverage) -> None:
    """How many seconds were judged, the good-form seconds, and why the rest was not judged."""
    text = judged_line(cov)
    if cov.not_judged_s:
        text += " Not judged: " + ", ".join(f"{reason_text(reason)} {seconds:.0f} s"
                                            for reason, seconds in cov.not_judged_s.items()) + "."
    st.caption(text)


def conclusion(cov: Coverage, mistakes: int, could_not_check: str | None) -> None:
    """Green "no mistakes" only when enough was judged; amber with ``could_not_check`` (the reason and the one thing
    to change, ``Analysis.could_not_check``) when not; nothing when mistakes were flagged (the page lists them)."""
    if could_not_check:
        st.warning(could_not_check, icon=":material/help:")
    elif cov.conclusion(mistakes) == CHECKED:
        st.success(f"No mistakes flagged in the {cov.judged_s:.0f} s that were judged.", icon=":material/check:")


def hold_unchecked_text(hold: ReviewHold) -> str:
    """Why a hold could not be checked (``wording.could_not_check``)."""
    return could_not_check(hold.coverage, hold.stretch, hold.seen_position)


def session_conclusion(review: Review) -> None:
    """For a whole session: any hold that could not be checked is named, with its reason, and so is any hold whose
    position looked like another stretch's; green only when every hold was checked, in its own position, and
    nothing was flagged."""
    if not review.holds:
        st.warning("Nothing was checked: no hold had started.", icon=":material/help:")
        return
    doubtful = False  # a hold not checked, or done in another stretch's position: no green for the session
    for hold in review.holds:
        if hold.coverage.conclusion(hold.flags) == UNCHECKED:
            doubtful = True
            st.warning(f"**{hold.title}:** {hold_unchecked_text(hold)}", icon=":material/help:")
        elif hold.other_stretch_seen:
            doubtful = True
            st.warning(f"**{hold.title}:** {hold.position_text}", icon=":material/help:")
    if not doubtful and not review.flags:
        judged = sum(h.coverage.judged_s for h in review.holds)
        st.success(f"No mistakes were flagged in the {judged:.0f} s that were judged.", icon=":material/check:")
