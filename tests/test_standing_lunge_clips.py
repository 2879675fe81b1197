"""The standing split-stance lunge on rendered clips (sample_videos_variants/, the dev set its rule was set on): a
correct lunge is left alone and a clear arch that leans the trunk back is flagged, chosen by name and with
`--stretch auto`, which names the stretch."""

import json
from pathlib import Path

import pytest

from formcheck.analyze import analyze_video

CLIPS = Path(__file__).resolve().parent.parent / "sample_videos_variants"
CORRECT = CLIPS / "sl_correct_01.mp4"
ARCHED = CLIPS / "sl_arch_clear_later_05.mp4"


@pytest.mark.parametrize("stretch", ["standing-hip-flexor", "auto"])
def test_a_correct_standing_lunge_is_left_alone(stretch):
    analysis = analyze_video(CORRECT, stretch)
    assert analysis.events == []
    if stretch == "auto":
        assert [hold["stretch"] for hold in analysis.holds] == ["standing-hip-flexor"]
    statuses = [frame["status"] for frame in analysis.frames]
    assert statuses.count("good") > 0.5 * len(statuses)


@pytest.mark.parametrize("stretch", ["standing-hip-flexor", "auto"])
def test_a_clear_arch_in_the_standing_lunge_is_flagged_within_its_interval(stretch):
    truth = json.loads(ARCHED.with_suffix(".truth.json").read_text())
    ((start, end),) = truth["mistakes"]["arching"]
    analysis = analyze_video(ARCHED, stretch)
    assert [event["mistake"] for event in analysis.events] == ["arching"]
    assert start <= analysis.events[0]["start_s"] <= end
    if stretch == "auto":
        assert [hold["stretch"] for hold in analysis.holds] == ["standing-hip-flexor"]
