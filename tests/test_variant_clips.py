"""Each variant of a routine stretch on rendered clips of its dev set (the set its rules were set on): a correct hold
is left alone and a clear mistake after settling is flagged within its truth interval, chosen by name and with
`--stretch auto`, which names the stretch. Lying down with the legs out straight before the lying hamstring stretch
is lying flat (no stretch), so `auto` starts that stretch's hold alone; hook-lying with the ankle crossed before the
figure-4's thigh is drawn in reads as lying on the towel, so there `auto` names it from the last hold, started by the
truth's hold start."""

import json
from pathlib import Path

import pytest

from formcheck.analyze import analyze_video

REPO = Path(__file__).resolve().parent.parent
# stretch, its dev folder, a correct clip, a clip with a clear mistake after settling, that mistake, and whether a
# hold of another position may come first with `auto`.
VARIANTS = [
    ("seated-hamstring", "sample_videos_variants", "sh_correct_01", "sh_round_clear_later_04", "rounding", False),
    ("standing-hip-flexor", "sample_videos_variants", "sl_correct_01", "sl_arch_clear_later_05", "arching", False),
    ("lying-hamstring", "sample_videos_lying", "lh_correct_01", "lh_curl_clear_later_05", "pelvis_curl", False),
    ("lying-glute", "sample_videos_lying", "lg_correct_01", "lg_lift_clear_later_05", "low_back_lift", True),
    ("lying-glute", "sample_videos_lying", "lg_correct_loose_06", "lg_roll_clear_later_08", "pelvis_roll", True),
]
# (the clip, whether it holds the mistake) for each; each chosen by name and with auto.
CASES = [(name, folder, clip, mistake if wrong else None, lead_in, chosen)
         for name, folder, correct_clip, mistake_clip, mistake, lead_in in VARIANTS
         for clip, wrong in ((correct_clip, False), (mistake_clip, True)) for chosen in (name, "auto")]


def _truth(clip: Path) -> dict:
    return json.loads(clip.with_suffix(".truth.json").read_text())


def _named_by_auto(analysis, clip: Path, name: str, lead_in: bool) -> None:
    if not lead_in:
        assert [hold["stretch"] for hold in analysis.holds] == [name]
        return
    last = analysis.holds[-1]
    assert last["stretch"] == name and last["start_s"] <= _truth(clip)["hold"][0][0]


@pytest.mark.parametrize(("name", "folder", "clip", "mistake", "lead_in", "chosen"), CASES,
                         ids=[f"{clip}-{chosen}" for _, _, clip, _, _, chosen in CASES])
def test_a_correct_hold_is_left_alone_and_a_clear_mistake_is_flagged_within_its_interval(
        name, folder, clip, mistake, lead_in, chosen):
    path = REPO / folder / f"{clip}.mp4"
    analysis = analyze_video(path, chosen)
    if mistake is None:
        assert analysis.events == []
        statuses = [frame["status"] for frame in analysis.frames]
        assert statuses.count("good") > 0.5 * len(statuses)
    else:
        ((start, end),) = _truth(path)["mistakes"][mistake]
        assert [event["mistake"] for event in analysis.events] == [mistake]
        assert start <= analysis.events[0]["start_s"] <= end
    if chosen == "auto":
        _named_by_auto(analysis, path, name, lead_in)
