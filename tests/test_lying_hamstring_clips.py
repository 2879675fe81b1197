"""The lying hamstring stretch on rendered clips (sample_videos_lying/, the dev set its rules were set on): a correct
hold is left alone and a clear curl of the pelvis after settling is flagged, chosen by name and with `--stretch
auto`, which names the stretch once the leg is up (lying flat before it, both legs level, reads as lying across a
bed, as it always has)."""

import json
from pathlib import Path

import pytest

from formcheck.analyze import analyze_video

CLIPS = Path(__file__).resolve().parent.parent / "sample_videos_lying"
CORRECT = CLIPS / "lh_correct_01.mp4"
CURLED = CLIPS / "lh_curl_clear_later_05.mp4"


def _named_by_auto(analysis, clip):
    """The last hold is the lying hamstring stretch, started by the time the truth's hold starts."""
    truth = json.loads(clip.with_suffix(".truth.json").read_text())
    last = analysis.holds[-1]
    assert last["stretch"] == "lying-hamstring" and last["start_s"] <= truth["hold"][0][0]


@pytest.mark.parametrize("stretch", ["lying-hamstring", "auto"])
def test_a_correct_lying_hamstring_stretch_is_left_alone(stretch):
    analysis = analyze_video(CORRECT, stretch)
    assert analysis.events == []
    if stretch == "auto":
        _named_by_auto(analysis, CORRECT)
    statuses = [frame["status"] for frame in analysis.frames]
    assert statuses.count("good") > 0.5 * len(statuses)


@pytest.mark.parametrize("stretch", ["lying-hamstring", "auto"])
def test_a_clear_pelvis_curl_is_flagged_within_its_interval(stretch):
    truth = json.loads(CURLED.with_suffix(".truth.json").read_text())
    ((start, end),) = truth["mistakes"]["pelvis_curl"]
    analysis = analyze_video(CURLED, stretch)
    assert [event["mistake"] for event in analysis.events] == ["pelvis_curl"]
    assert start <= analysis.events[0]["start_s"] <= end
    if stretch == "auto":
        _named_by_auto(analysis, CURLED)
