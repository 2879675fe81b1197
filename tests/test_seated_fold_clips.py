"""The seated hamstring stretch on rendered clips (sample_videos_variants/, the dev set its rules were set on):
a correct fold is left alone and a clear rounding after settling is flagged, chosen by name and with
`--stretch auto`, which names the stretch."""

import json
from pathlib import Path

import pytest

from formcheck.analyze import analyze_video

CLIPS = Path(__file__).resolve().parent.parent / "sample_videos_variants"
CORRECT = CLIPS / "sh_correct_01.mp4"
ROUNDED = CLIPS / "sh_round_clear_later_04.mp4"


@pytest.mark.parametrize("stretch", ["seated-hamstring", "auto"])
def test_a_correct_seated_fold_is_left_alone(stretch):
    analysis = analyze_video(CORRECT, stretch)
    assert analysis.events == []
    if stretch == "auto":
        assert [hold["stretch"] for hold in analysis.holds] == ["seated-hamstring"]
    statuses = [frame["status"] for frame in analysis.frames]
    assert statuses.count("good") > 0.5 * len(statuses)


@pytest.mark.parametrize("stretch", ["seated-hamstring", "auto"])
def test_a_clear_rounding_in_the_seated_fold_is_flagged_within_its_interval(stretch):
    truth = json.loads(ROUNDED.with_suffix(".truth.json").read_text())
    ((start, end),) = truth["mistakes"]["rounding"]
    analysis = analyze_video(ROUNDED, stretch)
    assert [event["mistake"] for event in analysis.events] == ["rounding"]
    assert start <= analysis.events[0]["start_s"] <= end
    if stretch == "auto":
        assert [hold["stretch"] for hold in analysis.holds] == ["seated-hamstring"]
