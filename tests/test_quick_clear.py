"""A flag clears on the rolling median as soon as the smoothed reading would (``RuleEngine._judge``): the One Euro
stage lags a correction, while the raise still needs ``RAISE_S`` of the smoothed reading and one stray frame can
neither clear a held mistake nor raise one."""

from __future__ import annotations

import pytest
from test_rules import CASES, flagged_seconds, run

from formcheck.filters import MEDIAN_WINDOW_S
from formcheck.rules import CLEAR_S

FPS = 30


@pytest.mark.parametrize(("stretch", "good", "bad", "mistake"), CASES)
def test_a_flag_clears_within_the_median_window_and_the_clear_time_after_a_correction(stretch, good, bad, mistake):
    verdicts = run(stretch, [(6, good), (5, {**good, **bad}), (5, good)])
    flagged = flagged_seconds(verdicts, mistake)
    assert flagged and flagged[0] < 11
    # The median turns at its middle sample; a frame or two of slack for the frame grid.
    assert flagged[-1] - 11 <= MEDIAN_WINDOW_S / 2 + CLEAR_S + 2 / FPS


@pytest.mark.parametrize("every", [3, 4, 5])
@pytest.mark.parametrize(("stretch", "good", "bad", "mistake"), CASES)
def test_single_frames_of_good_form_inside_a_held_mistake_do_not_clear_it(stretch, good, bad, mistake, every):
    held = [(1 / FPS, good if i % every == 0 else {**good, **bad}) for i in range(5 * FPS)]
    verdicts = run(stretch, [(6, good), (3, {**good, **bad}), *held])
    flagged = flagged_seconds(verdicts, mistake)
    assert flagged and flagged[0] < 9
    assert [v.t for v in verdicts if v.t >= flagged[0] and v.t not in set(flagged)] == []
