"""Judged coverage: seconds per outcome and a conclusion that never reassures on too little."""

import json
from pathlib import Path

import pytest
from builders import status_stream

import formcheck
from formcheck.coverage import (CHECKED, FLAGGED, GET_READY, MIN_JUDGED_S, REASONS, UNCHECKED, coverage, judged_line,
                                unchecked_text)
from formcheck.evaluate import JUDGED_STATUSES, UNSURE_STATUSES
from formcheck.rule_words import STATUS_TEXT
from formcheck.rules import STRETCHES
from formcheck.wording import could_not_check




@pytest.mark.parametrize("parts, mistakes, expected", [
    ([("good", 20)], 0, CHECKED),
    ([("calibrating", 1.5), ("good", 9)], 0, CHECKED),  # 10.5 s judged of 10.5 s
    ([("good", 9.5)], 0, UNCHECKED),  # all judged, but under MIN_JUDGED_S
    ([("wrong_view", 18), ("good", 2)], 0, UNCHECKED),  # the front-view clip of the issue
    ([("no_person", 25)], 0, UNCHECKED),  # an empty room
    ([("good", 5), ("not_in_position", 12), ("good", 6)], 0, UNCHECKED),  # 11 s judged, under half of 23 s
    ([("not_in_position", 12), ("good", 11)], 0, CHECKED),  # the walk-in is not part of the hold: 11 s of 11 s
    ([("wrong_view", 18), ("mistake", 2)], 1, FLAGGED),  # a flag that was seen is reported whatever the coverage
])
def test_conclusion(parts, mistakes, expected):
    assert coverage(status_stream(*parts)).conclusion(mistakes) == expected


def test_seconds_per_reason_largest_first():
    cov = coverage(status_stream(("wrong_view", 6), ("good", 4), ("no_person", 2), ("mistake", 3),
                                 ("tracking_lost", 1)))
    assert cov.total_s == pytest.approx(16.0, abs=0.01)
    assert cov.judged_s == pytest.approx(7.0, abs=0.01) and cov.good_s == pytest.approx(4.0, abs=0.01)
    assert list(cov.not_judged_s) == ["wrong_view", "no_person", "tracking_lost"]
    assert cov.not_judged_s["wrong_view"] == pytest.approx(6.0, abs=0.01)
    assert cov.main_reason == "wrong_view"


def test_gaps_count_at_most_half_a_second_and_the_countdown_not_at_all():
    cov = coverage([(0.0, GET_READY), (5.0, "good"), (5.1, "good"), (9.0, "good"), (9.1, "good")])
    # 5.0→5.1, 5.1→9.0 capped, 9.0→9.1, and the last sample as long as the one before it
    assert cov.total_s == pytest.approx(0.1 + 0.5 + 0.1 + 0.1, abs=1e-9)


def test_a_live_hold_is_measured_against_its_target():
    # 12 s judged in a 12-s stretch of frames would be "all of it", but the hold's target is 30 s.
    assert coverage(status_stream(("good", 12)), reference_s=30.0).conclusion(0) == UNCHECKED
    assert coverage(status_stream(("good", 16)), reference_s=30.0).conclusion(0) == CHECKED


def test_a_single_picture_is_never_called_fine():
    assert coverage([(0.0, "good")]).conclusion(0) == UNCHECKED


def test_texts_name_the_seconds_the_reason_and_the_fix():
    spec = STRETCHES["hamstring"]
    cov = coverage(status_stream(("wrong_view", 18), ("good", 2)))
    assert judged_line(cov) == "Judged 2 s of 20 s (10%); good form 2 s."
    text = unchecked_text(cov, spec)
    assert text.startswith("Could not check your form: only 2 s could be judged")
    assert f"at least {MIN_JUDGED_S:.0f} s" in text
    assert "filmed from the wrong angle (18 s)" in text and "Turn side-on to the camera." in text
    not_in_position = coverage(status_stream(("not_in_position", 20)))
    assert spec.position_hint in unchecked_text(not_in_position, spec)


def test_every_reason_not_to_judge_is_explained_scored_and_in_the_report_schema():
    schema = json.loads((Path(formcheck.__file__).parent / "analysis.schema.json").read_text())
    statuses = set(schema["properties"]["frames"]["items"]["properties"]["status"]["enum"])
    for status in STATUS_TEXT:  # the engine's own reasons (the fix to say) ...
        assert status in REASONS and status in UNSURE_STATUSES and status in statuses, status
    # ... and every reported status is either judged or has words for why it was not.
    assert statuses <= set(REASONS) | JUDGED_STATUSES


@pytest.mark.parametrize("parts, says", [
    ([("wrong_view", 18), ("not_in_position", 2)], "The main reason: filmed from the wrong angle (18 s). Turn side-on"),
    ([("no_person", 5)], "The main reason: nobody in view (5 s). Step into the frame"),
    ([("not_in_position", 20)], "Get into the position of one of the routine's stretches"),
])
def test_when_no_stretch_was_recognised_the_page_says_what_to_change_first(parts, says):
    text = could_not_check(coverage(status_stream(*parts)), stretch=None, seen=None)
    assert text.startswith("Could not check your form: none of the routine's positions was recognised.")
    assert says in text
