"""Position recognition: per-frame rules, the steadying tracker, and the engine judging nothing meanwhile."""

from dataclasses import replace

import numpy as np
import pytest
from conftest import SAMPLE_DIR

from formcheck.analyze import analyze_video
from formcheck.pipeline import Judge, Observation, get_stretch
from formcheck.pose import PoseFrame
from formcheck.positions import WINDOW_S, Position, PositionTracker, positions_in, recognise


def _metrics(trunk, front, back, knees=10.0, gap=0.0, fold=float("nan")):
    return {"trunk_tilt": trunk, "front_thigh_tilt": front, "back_thigh_tilt": back, "knee_flexion": knees,
            "back_knee_drop": gap, "hip_fold": fold}


# Typical values of each position (degrees; thighs from straight down), as the dev clips' holds measure them.
@pytest.mark.parametrize("metrics, expected", [
    (_metrics(72, 12, 16, knees=7), Position.STANDING_HINGE),
    (_metrics(101, 13, 15, knees=6), Position.STANDING_HINGE),  # a deep hinge: trunk past horizontal
    (_metrics(5, 95, 5, knees=90, gap=0.6), Position.HALF_KNEELING),
    (_metrics(-10, 90, -10, knees=90, gap=0.6), Position.HALF_KNEELING),  # leaning back (the arching mistake)
    (_metrics(18, 66, 64, knees=58, gap=0.1), Position.SEATED_FIGURE_4),
    (_metrics(15, 110, 50, knees=100, gap=0.8), Position.SEATED_FIGURE_4),  # crossed leg's knee up
    (_metrics(-95, 88, 87, knees=92, fold=8), Position.LYING_ACROSS_BED),
    (_metrics(-92, 140, 135, knees=100, fold=50), Position.LYING_ON_TOWEL),
    # A deep bent-knee hinge (a deadlift's bottom): trunk level, thighs folded under it. Not lying on a bed.
    (_metrics(85, 64, 64, knees=100, fold=147), Position.OTHER),
    (_metrics(3, 4, 6, knees=5), Position.STANDING_UPRIGHT),
    # One leg raised high while standing (here labelled the back leg): the standing knee is far below the raised one.
    (_metrics(30, 5, 150, knees=20, gap=-0.8), Position.OTHER),
    # A thigh placed behind the body whose knee is higher than the front one is no kneeling leg: MediaPipe places
    # the crossed leg of a figure-4 filmed towards the front like this, and the person is sitting.
    (_metrics(12, 52, -39, knees=60, gap=-0.3), Position.SEATED_FIGURE_4),
    (_metrics(12, 52, -39, knees=60, gap=0.1), Position.STANDING_LUNGE),  # its knee below: a standing split stance
    # The crossed thigh seen pointing straight up, either side of vertical (MediaPipe flickers between the two):
    # still sitting, not a kneeling thigh far behind the body.
    (_metrics(13, 67, 176, knees=60, gap=0.3), Position.SEATED_FIGURE_4),
    (_metrics(13, 67, -178, knees=60, gap=0.3), Position.SEATED_FIGURE_4),
    # Sitting with both legs out straight (the seated hamstring stretch, not judged yet): tall, reaching, folded past
    # level (its hips folded, so not lying).
    (_metrics(5, 90, 88, knees=8, fold=85), Position.SEATED_FOLD),
    (_metrics(50, 92, 90, knees=12, fold=130), Position.SEATED_FOLD),
    (_metrics(105, 88, 86, knees=5, fold=165), Position.SEATED_FOLD),
])
def test_recognise(metrics, expected):
    assert recognise(metrics) == expected


def test_facing_either_way_reads_the_same_thigh_angles():
    assert recognise(_metrics(-95, -88, -87, knees=92, fold=8)) == Position.LYING_ACROSS_BED


def test_nobody_is_no_position():
    assert recognise({}) is None
    assert recognise(_metrics(float("nan"), 10, 10)) is None


def test_tracker_needs_a_steady_majority():
    tracker = PositionTracker()
    hinge, upright = _metrics(72, 12, 16), _metrics(3, 4, 6)
    for i in range(30):
        tracker.update(i / 30, hinge)
    assert tracker.current == Position.STANDING_HINGE
    for i in range(30, 45):  # half a window upright: no majority either way
        tracker.update(i / 30, upright if i % 2 else hinge)
    assert tracker.current == Position.STANDING_HINGE
    for i in range(45, 120):
        tracker.update(i / 30, upright)
    assert tracker.current == Position.STANDING_UPRIGHT


def test_positions_in_counts_only_the_given_intervals():
    frames = [(i / 10, _metrics(72, 12, 16)) for i in range(50)]
    seen = positions_in(frames, [[2.0, 3.0]])
    assert sum(seen.values()) == 11 and seen[Position.STANDING_HINGE] == 11


def test_judge_judges_nothing_in_another_stretchs_position():
    judge = Judge(get_stretch("glute"))
    hinge = {**_metrics(72, 12, 16), "core_visibility": 0.9, "shoulder_width_ratio": 0.2, "hip_fold": 86.0}
    verdicts = []
    for i in range(90):
        t = i / 30
        seen = Observation(replace(PoseFrame.empty(t, 64, 48), n_people=1), hinge)
        verdicts.append(judge(seen, None).verdict)
    last = verdicts[-1]
    assert last.status == "wrong_position" and not last.flagged
    assert last.message.startswith("This looks like the hamstring stretch")


MISTAKE_CLIP = SAMPLE_DIR / "ham_round_mild_03.mp4"


@pytest.mark.skipif(not MISTAKE_CLIP.is_file(), reason="no hamstring rounding sample clip")
@pytest.mark.slow
def test_a_hamstring_clip_analysed_as_glute_warns_and_flags_nothing():
    analysis = analyze_video(MISTAKE_CLIP, "glute")
    assert analysis.events == []
    statuses = [f["status"] for f in analysis.frames]
    assert statuses.count("wrong_position") > 0.5 * len(statuses)
    assert not {"good", "mistake", "calibrating"} & set(statuses)
    assert analysis.coverage.conclusion(0) == "unchecked"
    assert analysis.coverage.main_reason == "wrong_position"


@pytest.mark.skipif(not MISTAKE_CLIP.is_file(), reason="no hamstring rounding sample clip")
@pytest.mark.slow
def test_auto_picks_the_hold_s_stretch_and_finds_its_mistake():
    analysis = analyze_video(MISTAKE_CLIP, "auto")
    assert [hold["stretch"] for hold in analysis.holds] == ["hamstring"]
    assert [event["mistake"] for event in analysis.events] == ["rounding"]
    report = analysis.to_json()
    assert report["stretch"] == "auto" and report["holds"][0]["start_s"] < analysis.events[0]["start_s"]


KNEELING_CLIP = SAMPLE_DIR / "hf_arch_mod_start_02.mp4"


@pytest.mark.skipif(not KNEELING_CLIP.is_file(), reason="no hip-flexor sample clip")
@pytest.mark.slow
def test_auto_reads_the_low_back_with_the_recognised_stretch_s_model():
    """Each position has its own lumbar model; auto must not read a kneeling back with the hinge's (it did, and
    flagged correct real lunges as arched)."""
    chosen, auto = analyze_video(KNEELING_CLIP, "hip-flexor"), analyze_video(KNEELING_CLIP, "auto")
    assert [hold["stretch"] for hold in auto.holds] == ["hip-flexor"]
    assert [e["mistake"] for e in auto.events] == [e["mistake"] for e in chosen.events] == ["arching"]
    hold = auto.holds[0]
    pairs = [(a["metrics"].get("lumbar_angle"), c["metrics"].get("lumbar_angle"))
             for a, c in zip(auto.frames, chosen.frames) if hold["start_s"] <= a["t"] <= hold["end_s"]]
    readings = [(a, c) for a, c in pairs if a is not None and c is not None]
    assert len(readings) > 0.8 * len(pairs)
    assert all(a == pytest.approx(c) for a, c in readings)


def test_auto_judge_starts_a_new_hold_when_the_position_changes():
    from formcheck.auto import AutoJudge

    judge = AutoJudge()
    base = {"core_visibility": 0.9, "shoulder_width_ratio": 0.2}
    hinge = {**base, **_metrics(72, 12, 16), "hip_fold": 86.0}
    kneel = {**base, **_metrics(5, 95, 5, knees=90, gap=0.6), "hip_fold": 10.0}
    statuses = []
    for i in range(300):  # 4 s hinge, then 6 s half-kneeling, at 30 fps
        t = i / 30
        seen = Observation(replace(PoseFrame.empty(t, 64, 48), n_people=1), hinge if t < 4 else kneel)
        statuses.append(judge(seen, None).verdict.status)
    judge.finish(299 / 30)
    assert [h.stretch for h in judge.holds] == ["hamstring", "hip-flexor"]
    first, second = judge.holds
    # A hold starts where its position was first steadily seen, not SWITCH_S later when the switch is decided.
    assert first.start_s == pytest.approx(0.0, abs=0.1) and first.end_s == second.start_s
    assert 4 < second.start_s <= 4 + WINDOW_S  # within the tracker's window of the change
    assert statuses[0] == "not_in_position" and "wrong_position" in statuses  # hamstring rules, while kneeling


@pytest.mark.parametrize("rounded_from_s", [0.0, 1.0])
def test_auto_judges_a_mistake_made_with_the_position_from_the_hold_s_start(rounded_from_s):
    """The stretch is only known SWITCH_S after the position is steady; the hold's rules catch up on what came
    before, so a back rounded from the start is flagged as soon as with the stretch chosen up front."""
    from formcheck.auto import SWITCH_S, AutoJudge
    from formcheck.rules import RAISE_S, STRETCHES

    base = {"core_visibility": 0.9, "shoulder_width_ratio": 0.2}
    hinge = {**base, **_metrics(72, 12, 16), "hip_fold": 86.0}
    auto, chosen = AutoJudge(), Judge(STRETCHES["hamstring"])
    for i in range(240):  # 8 s hinged, the low back reading 30° of rounding from rounded_from_s
        t = i / 30
        seen = Observation(replace(PoseFrame.empty(t, 64, 48), n_people=1),
                           {**hinge, "lumbar_angle": 30.0 if t >= rounded_from_s else 0.0})
        auto(seen, np.zeros((48, 64, 3), np.uint8))
        chosen(seen, np.zeros((48, 64, 3), np.uint8))
    auto.finish(8.0)
    chosen.session.finish(8.0)
    [event], [expected] = auto.session.events, chosen.session.events
    assert event.start_s == pytest.approx(expected.start_s, abs=0.1)
    assert event.start_s < SWITCH_S + RAISE_S  # without catching up it could not rise before this
    assert [shot.mistake for shot in auto.session.flagged_frames] == ["rounding"]  # pictured once, live


@pytest.mark.parametrize("n_people, shoulder_width, expected", [
    (1, 1.0, "wrong_view"),  # facing the camera: turning side-on is the first thing to change
    (1, 0.7, "wrong_view"),  # 45° off the side: only the seated figure-4 may be filmed so, and none is seen
    (1, 0.2, "not_in_position"),  # side-on, standing upright
    (0, 0.2, "no_person"),
    (2, 0.2, "two_people"),
])
def test_auto_says_why_nothing_is_judged_before_the_first_hold(n_people, shoulder_width, expected):
    from formcheck.auto import AutoJudge

    judge = AutoJudge()
    upright = {"core_visibility": 0.9, "shoulder_width_ratio": shoulder_width, **_metrics(2, 3, 3), "hip_fold": 3.0}
    for i in range(30):
        seen = Observation(replace(PoseFrame.empty(i / 30, 64, 48), n_people=n_people), upright if n_people else {})
        result = judge(seen, None)
    assert result.verdict.status == expected and not judge.holds


def test_auto_accepts_the_glute_stretch_s_oblique_view_once_it_sees_the_figure_4():
    from formcheck.auto import AutoJudge

    judge = AutoJudge()
    seated = {"core_visibility": 0.9, "shoulder_width_ratio": 0.7, **_metrics(18, 66, 64, knees=58, gap=0.1),
              "hip_fold": 90.0}
    for i in range(30):  # one second: the position is seen, the hold has not started yet
        result = judge(Observation(replace(PoseFrame.empty(i / 30, 64, 48), n_people=1), seated), None)
    assert result.verdict.status == "not_in_position" and not judge.holds
