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
CLIP_DIRS = [ROOT / "sample_videos", ROOT / "heldout_videos"]
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
    """Frame masks: inside the mistake intervals, and the correct part of the hold (away from any mistake)."""
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
    return inside, correct


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
        if name in ("rounding", "forward_bend"):
            # the rig's lumbar flexion during the mistake clearly exceeds the correct part
            assert lum[inside].min() > lum[correct].max() + 8.0
        elif name == "arching":
            assert lum[inside].max() < lum[correct].min() - 5.0
        elif name == "twist":
            base = np.abs(tw[correct]).max()
            assert np.abs(tw[inside]).min() > base + 6.0
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
        inside, _ = _split(d, "rounding")
        assert (
            np.asarray(d["frames"]["lumbar_flexion_deg"])[inside].min()
            > worst_correct + 5.0
        ), d["clip"]


# ---------------------------------------------------------------- (b) render smoke test


def test_render_smoke(tmp_path):
    # check presence without importing: OpenGL must not be imported before formcheck.synth
    # selects its OSMesa platform (PYOPENGL_PLATFORM)
    for mod in ("body_models", "anny", "pyrender", "OpenGL", "av"):
        if importlib.util.find_spec(mod) is None:
            pytest.skip(f"render extra not installed ({mod} missing)")
    import av

    from formcheck.synth.clips import dev_clips
    from formcheck.synth.render import render_clip

    spec = next(s for s in dev_clips() if s.stretch == "hamstring" and s.mistakes)
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
