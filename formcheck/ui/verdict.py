"""The honest conclusion of a hold or a session: green only when enough was judged, amber "could not check"
otherwise (see ``formcheck.coverage`` for the threshold), and how many seconds were judged; the end screen of a
live practice or routine."""

from __future__ import annotations

import streamlit as st

from formcheck.coverage import CHECKED, POSSIBLE, UNCHECKED, Coverage, judged_line, judged_seconds, not_judged_text
from formcheck.wording import (NOTHING_STARTED, POSSIBLE_CONCLUSION, could_not_check, ending_headline,
                               hold_ending_line, possible_words)

from formcheck.coaching.review_data import Review, ReviewHold


def coverage_caption(cov: Coverage) -> None:
    """How many seconds were judged, the good-form seconds, and why the rest was not judged."""
    text = judged_line(cov)
    if cov.not_judged_s:
        text += f" Not judged: {not_judged_text(cov)}."
    st.caption(text)


def conclusion(cov: Coverage, mistakes: int, could_not_check: str | None) -> None:
    """Green "no mistakes" only when enough was judged; amber with ``could_not_check`` (the reason and the one thing
    to change, ``Analysis.could_not_check``) when not; nothing when mistakes were flagged (the page lists them)."""
    if could_not_check:
        st.warning(could_not_check, icon=":material/help:")
    elif cov.conclusion(mistakes) == POSSIBLE:
        st.warning(POSSIBLE_CONCLUSION, icon=":material/help:")
    elif cov.conclusion(mistakes) == CHECKED:
        st.success(f"No mistakes flagged in the {judged_seconds(cov.judged_s)} that were judged.",
                   icon=":material/check:")


def hold_unchecked_text(hold: ReviewHold) -> str:
    """Why a hold could not be checked (``wording.could_not_check``)."""
    return could_not_check(hold.coverage, hold.stretch, hold.seen_position)


def session_conclusion(review: Review) -> None:
    """For a whole session: any hold that could not be checked is named, with its reason, and so is any hold whose
    position looked like another stretch's; green only when every hold was checked, in its own position, and
    nothing was flagged."""
    if not review.holds:
        st.warning(NOTHING_STARTED, icon=":material/help:")
        return
    doubtful = _doubts(review)  # a hold not checked, or in another stretch's position: no green for the session
    if not review.flags and any(h.coverage.conclusion(h.flags) == POSSIBLE for h in review.holds):
        st.warning(POSSIBLE_CONCLUSION, icon=":material/help:")
    elif not doubtful and not review.flags:
        judged = sum(h.coverage.judged_s for h in review.holds)
        st.success(f"No mistakes were flagged in the {judged:.0f} s that were judged.", icon=":material/check:")


ENDING_PICTURES = 6  # flagged moments pictured on the end screen; Review has them all
PICTURES_PER_ROW = 3


def _checked(hold: ReviewHold) -> bool:
    return hold.coverage.conclusion(hold.flags) != UNCHECKED


def _doubts(review: Review) -> bool:
    """Names each hold that could not be checked, or whose position looked like another stretch's; True if any."""
    for hold in review.holds:
        if not _checked(hold):
            st.warning(f"**{hold.title}:** {hold_unchecked_text(hold)}", icon=":material/help:")
        elif hold.other_stretch_seen:
            st.warning(f"**{hold.title}:** {hold.position_text}", icon=":material/help:")
    return any(not _checked(h) or h.other_stretch_seen for h in review.holds)


def ending(review: Review) -> None:
    """The end of a live practice or routine: holds done against the plan, then per hold what was judged, what went
    well and what was flagged, with the pictures of the flagged moments. "Well done" only when every hold of the
    plan was done and checked with no mistake flagged."""
    if not review.holds:
        st.warning(NOTHING_STARTED, icon=":material/help:")
        return
    flagged: dict[str, int] = {}
    for hold in review.holds:
        for label, n in hold.flagged_counts.items():
            flagged[label] = flagged.get(label, 0) + n
    all_checked = all(_checked(h) and not h.other_stretch_seen for h in review.holds)
    possible = tuple(dict.fromkeys(p for p in map(hold_possible, review.holds) if p))
    earned, headline = ending_headline(review.completed_holds, review.holds_planned, flagged, all_checked, possible)
    if earned:
        st.success(headline, icon=":material/check:")
    else:
        st.info(headline)
    st.markdown("\n".join(f"- {_ending_line(hold)}" for hold in review.holds))
    _doubts(review)
    if possible and not any(flagged.values()):
        st.warning(POSSIBLE_CONCLUSION, icon=":material/help:")
    shots = review.shots[:ENDING_PICTURES]
    for row in range(0, len(shots), PICTURES_PER_ROW):
        for column, shot in zip(st.columns(PICTURES_PER_ROW), shots[row:row + PICTURES_PER_ROW], strict=False):
            column.image(shot.large or shot.thumb, width="stretch",
                         caption=f"{shot.hold}, {shot.t:.0f} s: {shot.label} — {shot.cue}")


def hold_possible(hold: ReviewHold) -> str | None:
    """``possible_words`` for a hold that flagged nothing but had a slight mistake possible, else None."""
    return possible_words(hold.stretch) if hold.coverage.conclusion(hold.flags) == POSSIBLE else None


def _ending_line(hold: ReviewHold) -> str:
    return hold_ending_line(hold.title, hold.good_s, hold.target_s, hold.completed, hold.coverage.judged_s,
                            _checked(hold), hold.flagged_counts, hold.range_step, hold_possible(hold))
