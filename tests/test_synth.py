"""Tests of the synthetic labelled clips (formcheck.synth).

(a) Without the ``render`` extra: every committed clip's truth sidecar follows the
    ``formcheck.truth/1`` contract and is consistent with its mp4 and with itself
    (the mistake intervals show up in the rig's own angles).
(b) With the ``render`` extra installed: a ~10-frame render smoke test.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
CLIP_DIRS = [ROOT / "sample_videos", ROOT / "heldout_videos", ROOT / "heldout_fresh_videos"]
TRUTH_FILES = sorted(p for d in CLIP_DIRS if d.is_dir() for p in d.glob("*.truth.json"))

# the contract with the evaluator
MISTAKES = {
    "hamstring": {"rounding"},
    "hip-flexor": {"arching"},
    "glute": {"twist", "forward_bend"},
    "bed-decompression": {"jerky_pumping"},
    "towel-decompression": {"over_extension"},
}
TOP_KEYS = {
    "schema",
    "clip",
    "split",
    "stretch",
    "side",
    "facing",
    "camera",
    "expected_abstain",
    "body",
    "seed",
    "fps",
    "width",
    "height",
    "n_frames",
    "mistakes",
    "mistake_limits",
    "hold",
    "frames",
}
FRAME_KEYS = {
    "t",
    "lumbar_flexion_deg",
    "trunk_twist_deg",
    "hip_flexion_deg",
    "pelvis_lift_m",
}
ONE_SIDED = {"hip-flexor", "glute"}


def _load(p: Path) -> dict:
    return json.loads(p.read_text())


def _ids(paths):
    return [p.name.replace(".truth.json", "") for p in paths]


def test_there_are_labelled_clips():
    assert TRUTH_FILES, "no committed clips with truth under sample_videos/"
    dev = [p for p in TRUTH_FILES if p.parent.name == "sample_videos"]
    assert dev, "the dev set (sample_videos/) is empty"
    stretches = {_load(p)["stretch"] for p in dev}
    assert "hamstring" in stretches


@pytest.mark.parametrize("path", TRUTH_FILES, ids=_ids(TRUTH_FILES))
def test_truth_schema_and_consistency(path: Path):
    d = _load(path)
    assert TOP_KEYS <= set(d), f"missing keys: {TOP_KEYS - set(d)}"
    assert d["schema"] == "formcheck.truth/1"
    assert d["clip"] == path.name.replace(".truth.json", ".mp4")
    assert (path.parent / d["clip"]).is_file()
    assert d["split"] == ("dev" if path.parent.name == "sample_videos" else "heldout")
    assert d["stretch"] in MISTAKES
    assert d["facing"] in ("left", "right")
    if d["stretch"] in ONE_SIDED:
        assert d["side"] in ("left", "right")
    else:
        assert d["side"] in (None, "left", "right")
    cam = d["camera"]
    assert cam["view"] in ("side", "oblique", "front")
    for k in ("yaw_deg", "height_m", "distance_m"):
        assert isinstance(cam[k], (int, float))
    assert isinstance(d["expected_abstain"], bool)
    assert d["expected_abstain"] == (cam["view"] == "front")
    assert isinstance(d["body"], dict) and isinstance(d["seed"], int)
    assert d["fps"] == 30
    n = d["n_frames"]
    fr = d["frames"]
    assert FRAME_KEYS <= set(fr)
    for k, v in fr.items():
        assert len(v) == n, k
        assert all(np.isfinite(v)), k
    t = np.asarray(fr["t"])
    assert np.allclose(t, np.arange(n) / d["fps"], atol=1e-3)
    duration = t[-1]
    # every mistake of the stretch is listed; intervals are ordered and inside the clip and the hold
    assert set(d["mistakes"]) == MISTAKES[d["stretch"]]
    ((h0, h1),) = d["hold"]
    assert 0 <= h0 < h1 <= duration + 1e-6
    for name, ivs in d["mistakes"].items():
        last = -1.0
        for a, b in ivs:
            assert 0 <= a < b <= duration + 1e-6, (name, a, b)
            assert a >= h0 and a > last
            last = b


@pytest.mark.parametrize("path", TRUTH_FILES, ids=_ids(TRUTH_FILES))
def test_mp4_matches_truth(path: Path):
    av = pytest.importorskip("av")
    d = _load(path)
    with av.open(str(path.parent / d["clip"])) as c:
        s = c.streams.video[0]
        assert (s.codec_context.width, s.codec_context.height) == (
            d["width"],
            d["height"],
        )
        assert s.codec_context.name == "h264"
        assert s.codec_context.pix_fmt == "yuv420p"
        assert abs(float(s.average_rate) - d["fps"]) < 0.01
        n = s.frames or sum(1 for _ in c.decode(video=0))
    assert n == d["n_frames"]


def _split(d: dict, name: str, margin: float = 1.5):
    """Frame masks: inside the mistake intervals, and the correct part of the hold (away from any mistake).

    When the mistake fills the hold (it arrived with the position and was kept, or two episodes leave no gap),
    the correct reference is the time before the person started to move into it."""
    fr = d["frames"]
    t = np.asarray(fr["t"])
    ((h0, _),) = d["hold"]
    inside = np.zeros(len(t), bool)
    near = np.zeros(len(t), bool)
    for ivs in d["mistakes"].values():
        for a, b in ivs:
            near |= (t >= a - margin) & (t <= b + margin)
    for a, b in d["mistakes"][name]:
        inside |= (t >= a) & (t <= b)
    correct = (t >= h0) & ~near
    if correct.sum() <= 30:
        correct = t < min(x["scripted_onset_s"] for x in d["mistake_details"])
    return inside, correct


def _central(d: dict, name: str):
    """Frames in the central half of each interval of ``name``, where the mistake is at its full amplitude."""
    t = np.asarray(d["frames"]["t"])
    mask = np.zeros(len(t), bool)
    for a, b in d["mistakes"][name]:
        q = (b - a) / 4
        mask |= (t >= a + q) & (t <= b - q)
    return mask


@pytest.mark.parametrize("path", TRUTH_FILES, ids=_ids(TRUTH_FILES))
def test_mistakes_show_in_the_rig(path: Path):
    d = _load(path)
    fr = {k: np.asarray(v) for k, v in d["frames"].items()}
    for name, ivs in d["mistakes"].items():
        if not ivs:
            continue
        inside, correct = _split(d, name)
        assert inside.any() and correct.sum() > 30, (
            "need a correct part of the hold to compare with"
        )
        lum, tw, lift = (
            fr["lumbar_flexion_deg"],
            fr["trunk_twist_deg"],
            fr["pelvis_lift_m"],
        )
        # At the ends of an interval the rig is at the mistake's limit from the rule table; inside, past it. The
        # correct part of the hold (1.5 s from any interval) is all but still, so the rig clears it by most of the
        # limit everywhere inside.
        share = 0.8 * d["mistake_limits"][name] if d["mistake_limits"][name] is not None else None
        if name in ("rounding", "forward_bend"):
            # the rig's lumbar flexion during the mistake clearly exceeds the correct part
            assert lum[inside].min() > lum[correct].max() + share
        elif name == "arching":
            assert lum[inside].max() < lum[correct].min() - share
        elif name == "twist":
            base = np.abs(tw[correct]).max()
            assert np.abs(tw[inside]).min() > base + share
        elif name == "over_extension":
            assert lift[inside].min() > lift[correct].max() + 0.02
        elif name == "jerky_pumping":
            tilt = fr["pelvis_tilt_deg"]
            assert np.ptp(tilt[inside]) > 1.5 * np.ptp(tilt[correct])
            # jerky = faster changes
            dt = 1.0 / d["fps"]
            assert (
                np.abs(np.diff(tilt[inside])).max() / dt
                > 2 * np.abs(np.diff(tilt[correct])).max() / dt
            )


@pytest.mark.parametrize("path", TRUTH_FILES, ids=_ids(TRUTH_FILES))
def test_correct_clips_stay_neutral(path: Path):
    """Clean clips (deep hinge, bent knees ...) must not look like a mistake in the rig either."""
    d = _load(path)
    if any(d["mistakes"].values()):
        pytest.skip("clip has scripted mistakes")
    fr = {k: np.asarray(v) for k, v in d["frames"].items()}
    t = fr["t"]
    ((h0, _),) = d["hold"]
    hold = t >= h0
    assert np.abs(fr["lumbar_flexion_deg"][hold]).max() < 10.0
    assert np.abs(fr["trunk_twist_deg"][hold]).max() < 5.0
    if d["stretch"] in ("towel-decompression", "bed-decompression"):
        # a lifted pelvis is a mistake only when lying; in the lunge the hips gliding forward lower it (3.5 cm)
        assert np.abs(fr["pelvis_lift_m"][hold]).max() < 0.03


def test_rounding_twin_comparison():
    """A rounding clip's lumbar flexion during the mistake exceeds any correct hamstring clip's."""
    ham = [_load(p) for p in TRUTH_FILES if _load(p)["stretch"] == "hamstring"]
    correct = [d for d in ham if not d["mistakes"]["rounding"]]
    rounded = [d for d in ham if d["mistakes"]["rounding"]]
    if not correct or not rounded:
        pytest.skip("need both correct and rounding hamstring clips")
    worst_correct = max(max(d["frames"]["lumbar_flexion_deg"]) for d in correct)
    for d in rounded:
        full = _central(d, "rounding")
        assert (
            np.asarray(d["frames"]["lumbar_flexion_deg"])[full].min()
            > worst_correct + 5.0
        ), d["clip"]


# ---------------------------------------------------------------- (b) render smoke test


@pytest.mark.slow
def test_render_smoke(tmp_path):
    # check presence without importing: OpenGL must not be imported before formcheck.synth
    # selects its OSMesa platform (PYOPENGL_PLATFORM)
    for mod in ("body_models", "anny", "pyrender", "OpenGL", "av"):
        if importlib.util.find_spec(mod) is None:
            pytest.skip(f"render extra not installed ({mod} missing)")
    import av

    from formcheck.synth.clips import clip_set
    from formcheck.synth.render import render_clip

    spec = next(s for s in clip_set("dev") if s.stretch == "hamstring" and s.mistakes)
    spec.name = "smoke"
    spec.width, spec.height = 320, 240
    truth = render_clip(spec, tmp_path, max_frames=10, log=lambda m: None)
    assert truth["n_frames"] == 10 and len(truth["frames"]["lumbar_flexion_deg"]) == 10
    saved = json.loads((tmp_path / "smoke.truth.json").read_text())
    assert saved == json.loads(json.dumps(truth))
    with av.open(str(tmp_path / "smoke.mp4")) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert len(frames) == 10
    assert frames[0].shape == (240, 320, 3)
    # something other than the empty room was drawn: the frame is not flat
    assert frames[0].std() > 5
    # same seed -> same truth
    again = render_clip(spec, tmp_path / "again", max_frames=10, log=lambda m: None)
    assert again["frames"] == truth["frames"]


# ---------------------------------------------------------------- (c) generator features, no rendering


def _fake_measure(n: int) -> list[dict]:
    keys = ("pelvis_tilt_deg", "pelvis_y", "lumbar_flexion_deg", "trunk_twist_deg", "hip_flexion_deg", "pelvis_z")
    return [dict.fromkeys(keys, 0.0) for _ in range(n)]


def test_a_mistake_that_arrives_with_the_position_starts_with_the_hold():
    from formcheck.synth.render import build_truth
    from formcheck.synth.spec import ClipSpec
    from formcheck.synth.timeline import Mistake, Settle

    settle = Settle()
    m = Mistake.with_position("rounding", settle, 9.0, "mild", deg=14.0)
    # it grows with the move into the position and is complete on arrival
    for t in (0.0, 1.9, 3.0, 4.5, 6.0, 7.8):
        assert m.envelope(t) == pytest.approx(settle(t))
    # corrected over the 1.2 s before ``offset``
    assert m.amplitude == 14.0 and m.envelope(8.4) == pytest.approx(0.5) and m.envelope(9.0) == 0.0
    spec = ClipSpec("x", "hamstring", seconds=12.0, mistakes=[m])
    times = np.arange(spec.n_frames) / spec.fps
    truth = build_truth(spec, times, _fake_measure(len(times)))
    ((a, b),) = truth["mistakes"]["rounding"]
    assert a == truth["hold"][0][0] == settle.hold_start
    assert b == pytest.approx(8.4, abs=0.04)  # half-way through the correction
    assert truth["mistake_details"][0]["from_hold_start"] is True
    assert truth["mistake_details"][0]["amplitude"] == 14.0


def test_a_mistake_within_the_hold_keeps_its_interval_and_record():
    from formcheck.synth.render import build_truth
    from formcheck.synth.spec import ClipSpec
    from formcheck.synth.timeline import Mistake

    spec = ClipSpec("x", "glute", side="left", seconds=14.0, mistakes=[Mistake("twist", 7.0, 11.0, "mild")])
    times = np.arange(spec.n_frames) / spec.fps
    (detail,) = build_truth(spec, times, _fake_measure(len(times)))["mistake_details"]
    assert set(detail) == {"mistake", "interval", "severity", "amplitude", "ramp_s", "scripted_onset_s",
                           "scripted_offset_s"}
    assert detail["interval"][0] > 7.0 and detail["amplitude"] == 15.0


def test_new_look_and_body_options_are_recorded_only_when_used():
    from formcheck.synth.body import BodyShape
    from formcheck.synth.scene import Look

    plain = Look().to_json()
    assert "loose_m" not in plain and "light_color" not in plain
    dressed = Look(loose_m=0.04, light_color=(1.0, 0.9, 0.7)).to_json()
    assert dressed["loose_m"] == 0.04 and dressed["light_color"] == [1.0, 0.9, 0.7]
    assert "belly_m" not in BodyShape("a").to_json()
    assert BodyShape("b", belly_m=0.05).to_json()["belly_m"] == 0.05


def test_correct_deepening_episode_and_slump_parameters_default_off():
    from formcheck.synth.motions import _deepen

    assert _deepen({}, 8.0) == 0.0
    prm = {"deepen": [10.0, 7.0, 11.0]}
    assert _deepen(prm, 6.9) == 0.0 and _deepen(prm, 9.0) == pytest.approx(10.0) and _deepen(prm, 12.6) == 0.0


def test_from_start_clips_in_the_folders_start_their_mistake_with_the_hold():
    seen = 0
    for p in TRUTH_FILES:
        d = _load(p)
        for x in d.get("mistake_details", []):
            if x.get("from_hold_start"):
                seen += 1
                assert x["interval"][0] == d["hold"][0][0], d["clip"]
    if not seen:
        pytest.skip("no clip starts in its mistake")


@pytest.mark.slow
def test_loose_clothes_move_only_the_clothed_surface(tmp_path):
    for mod in ("body_models", "anny"):
        if importlib.util.find_spec(mod) is None:
            pytest.skip(f"render extra not installed ({mod} missing)")
    from formcheck.synth.clothing import dressed_identity
    from formcheck.synth.render import get_body
    from formcheck.synth.scene import Look
    from formcheck.synth.spec import BODIES

    body = get_body(BODIES["avg_man"])
    assert dressed_identity(body, Look(), 1) is body.identity
    dressed = dressed_identity(body, Look(loose_m=0.04), 1)
    moved = np.linalg.norm(np.asarray(dressed["rest_vertices"]) - np.asarray(body.identity["rest_vertices"]), axis=1)
    assert moved.max() <= 0.04 + 1e-6 and np.median(moved[moved > 1e-4]) > 0.01
    head = body.index["head"]
    dom = np.argmax(body.lbs, axis=1)
    assert moved[dom == head].max() < 0.004  # the head is not clothed (its skin blends into the neck: 1.5 mm)
    assert dressed["rest_skeleton_transforms"] is body.identity["rest_skeleton_transforms"]


def test_the_lumbar_training_set_is_fixed_varied_and_apart_from_the_labelled_sets():
    """The `train` set the lumbar model is fitted on: the same clips on every machine (fixed seeds), bodies and
    cameras over the ranges home filming meets, and no body shared with the dev or held-out clips."""
    from formcheck.synth.clips import clip_set
    from formcheck.synth.spec import BODIES

    specs, again = clip_set("train"), clip_set("train")
    assert [s.name for s in specs] == [s.name for s in again]
    assert [s.body for s in specs] == [s.body for s in again]
    assert {s.split for s in specs} == {"train"}
    assert {s.stretch for s in specs} == {"hamstring", "hip-flexor", "glute"}
    named = {body.vector().tobytes() for body in BODIES.values()}
    assert not any(s.body.vector().tobytes() in named for s in specs)
    assert len({s.body.name for s in specs}) == len(specs)
    yaws = [s.camera.yaw_deg for s in specs]
    heights = [s.camera.height_m for s in specs]
    assert min(yaws) < -20 and max(yaws) > 20 and all(abs(y) <= 30 for y in yaws)
    assert min(heights) < 0.2 and max(heights) > 1.0
    assert any(s.look.loose_m > 0 for s in specs) and any(s.look.loose_m == 0 for s in specs)
    amounts = [m.amplitude for s in specs for m in s.mistakes if m.name in ("rounding", "arching", "forward_bend")]
    assert min(amounts) < 10 and max(amounts) > 30  # mild to gross, not only the dev clips' grades


def test_the_variety_set_is_unseen_and_promises_only_findable_mistakes():
    """The `variety` set checks the rules on bodies no fit has seen: other seeds and bodies than the training set,
    12-s holds, mistakes only of the sizes the rules promise to find, and correct clips among them."""
    from formcheck.synth.clips import clip_set
    from formcheck.synth.training import VARIETY_SIZES

    variety, train = clip_set("variety"), clip_set("train")
    assert {s.split for s in variety} == {"variety"}
    assert not {s.seed for s in variety} & {s.seed for s in train}
    assert not {s.body.vector().tobytes() for s in variety} & {s.body.vector().tobytes() for s in train}
    assert all(s.seconds == 12.0 for s in variety)
    for spec in variety:
        for mistake in spec.mistakes:
            low, high = VARIETY_SIZES[mistake.name]
            assert low <= mistake.amplitude <= high, (spec.name, mistake)
            assert mistake.offset - mistake.onset >= 3.0  # long enough to be found
    assert sum(not s.mistakes for s in variety) >= 10


def test_the_range_step_tucks_tips_and_settles_before_the_hold():
    """The guided range (issue 28): the low back flexes by the person's tuck, extends by their tip, and comes back
    to where they settle, all before the hold starts; the truth file names the step and its two ends."""
    from formcheck.synth.render import build_truth
    from formcheck.synth.spec import ClipSpec
    from formcheck.synth.timeline import Mistake, RangeStep, Settle

    step = RangeStep(9.0, 6.0, settle_deg=1.5)
    settle = Settle(range=step)
    assert settle.hold_start == pytest.approx(settle.arrive + step.duration + settle.extra)
    phases = step.phases(settle.arrive)
    assert settle.range_deg(settle.arrive - 0.1) == 0.0
    assert settle.range_deg(np.mean(phases["tucked"])) == pytest.approx(9.0)
    assert settle.range_deg(np.mean(phases["tipped"])) == pytest.approx(-6.0)
    assert settle.range_deg(settle.hold_start) == pytest.approx(1.5)
    spec = ClipSpec("x", "hamstring", seconds=settle.hold_start + 5, settle=settle,
                    mistakes=[Mistake.with_position("rounding", settle, 99.0, "mild", deg=13.0)])
    times = np.arange(spec.n_frames) / spec.fps
    truth = build_truth(spec, times, _fake_measure(len(times)))
    assert truth["range_step"]["range_step"][1] < truth["hold"][0][0] == pytest.approx(settle.hold_start, abs=1e-4)
    # settling into the mistake instead of the middle: nothing of it before the tip, all of it by the hold
    (mistake,) = spec.mistakes
    assert mistake.envelope(phases["tipped"][1]) == 0.0 and mistake.envelope(settle.hold_start) == 1.0
    assert truth["mistake_details"][0]["from_hold_start"] is True


def test_the_range_sets_are_unseen_and_cover_small_ranges_overshoots_and_each_timeline():
    from formcheck.synth.clips import clip_set
    from formcheck.synth.training import RANGE_TIMELINES

    tuning, held_out, train = clip_set("range"), clip_set("range-heldout"), clip_set("train")
    bodies = {name: {s.body.vector().tobytes() for s in specs}
              for name, specs in (("range", tuning), ("range-heldout", held_out), ("train", train))}
    assert not bodies["range"] & bodies["range-heldout"] and not (bodies["range"] | bodies["range-heldout"]) & \
        bodies["train"]
    for specs in (tuning, held_out):
        assert all(s.settle.range is not None for s in specs)
        assert {next(k for k in RANGE_TIMELINES if s.name.endswith(k)) for s in specs} == set(RANGE_TIMELINES)
        tucks = [s.settle.range.flex_deg for s in specs]
        assert min(tucks) < 4 and max(tucks) > 18  # some barely move, some overshoot


def test_the_twist_step_turns_each_way_and_settles_before_the_hold():
    """The seated figure-4's twist range (issue 28): the chest turns towards the crossed knee by the person's amount,
    the other way by theirs, and comes back to where they settle, all before the hold; after a pelvic range step if
    there is one. A twist held from the start grows as they come back from the far end."""
    from formcheck.synth.render import build_truth
    from formcheck.synth.spec import ClipSpec
    from formcheck.synth.timeline import Mistake, RangeStep, Settle, TwistStep

    step = TwistStep(12.0, 9.0, settle_deg=-1.0)
    for settle in (Settle(twist=step), Settle(range=RangeStep(8.0, 6.0), twist=step)):
        assert settle.twist_start == pytest.approx(settle.arrive + (settle.range.duration if settle.range else 0))
        assert settle.hold_start == pytest.approx(settle.twist_start + step.duration + settle.extra)
        phases = step.phases(settle.twist_start)
        assert settle.twist_deg(settle.twist_start - 0.1) == 0.0
        assert settle.twist_deg(np.mean(phases["toward"])) == pytest.approx(12.0)
        assert settle.twist_deg(np.mean(phases["away"])) == pytest.approx(-9.0)
        assert settle.twist_deg(settle.hold_start) == pytest.approx(-1.0)
        (mistake,) = mistakes = [Mistake.with_position("twist", settle, 99.0, "mild", deg=17.0)]
        assert mistake.envelope(phases["away"][1]) == pytest.approx(0.0) and mistake.envelope(settle.hold_start) == 1.0
        spec = ClipSpec("x", "glute", side="left", seconds=settle.hold_start + 5, settle=settle, mistakes=mistakes)
        times = np.arange(spec.n_frames) / spec.fps
        truth = build_truth(spec, times, _fake_measure(len(times)))
        assert truth["twist_step"]["twist_step"][1] < truth["hold"][0][0]
        assert truth["twist_step"]["toward"] == pytest.approx(phases["toward"], abs=1e-4)
        assert truth["mistake_details"][0]["from_hold_start"] is True


def test_the_twist_range_sets_are_unseen_and_cover_small_turns_overshoots_and_each_timeline():
    from formcheck.synth.clips import clip_set
    from formcheck.synth.training import TWIST_SIZES, TWIST_TIMELINES

    tuning, held_out, *oblique = (clip_set(f"twist-range{part}") for part in ("", "-heldout", "-oblique",
                                                                               "-oblique-heldout"))
    others = {s.body.vector().tobytes() for name in ("train", "range", "range-heldout") for s in clip_set(name)}
    bodies = [{s.body.vector().tobytes() for s in specs} for specs in (tuning, held_out, *oblique)]
    assert len(set().union(*bodies)) == sum(map(len, bodies)) and not set().union(*bodies) & others
    assert all(30 <= s.camera.yaw_deg <= 45 for specs in oblique for s in specs)
    for specs in (tuning, held_out):
        assert all(s.stretch == "glute" and s.settle.twist is not None and s.settle.range is None for s in specs)
        assert {next(k for k in TWIST_TIMELINES if s.name.endswith(k)) for s in specs} == set(TWIST_TIMELINES)
        turns = [s.settle.twist.toward_deg for s in specs]
        assert min(turns) < 6 and max(turns) > 25  # some barely turn, some overshoot
        for spec in specs:
            for mistake in spec.mistakes:
                assert mistake.name == "twist"
                low, high = TWIST_SIZES[mistake.severity if mistake.severity == "mild" else "clear"]
                assert low <= mistake.amplitude <= high
