"""Fit the absolute lumbar-angle model (formcheck/lumbar.py) on rendered clips whose rig gives the true angle.

    .venv/bin/python -m formcheck.synth generate --set train --out .cache/lumbar_train     # 126 random clips
    PYTHONPATH=tools .venv/bin/python tools/observations.py .cache/lumbar_train sample_videos  # pose + outline
    .venv/bin/python tools/fit_lumbar.py .cache/lumbar_train sample_videos                   # writes the model
    .venv/bin/python tools/fit_lumbar.py --check .cache/lumbar_train sample_videos           # rebuilds, compares

Fitted on the ``train`` set (random bodies, cameras and rooms; formcheck/synth/training.py) together with the dev
clips; the held-out clips are never seen. Ridge regression on standardised features, its strength picked by
leave-one-body-out cross-validation (a body is never both fitted and scored), frames weighted so that every clip
counts alike. The error reported is nested: each body left out in turn, the strength is chosen again on the other
bodies alone, so the body scored never chose it. A position's model ships only when that error beats a constant
guess (the other bodies' mean angle) scored the same way. One model per position, and for a position that
declares a tall posture (``Stretch.tall``) a second one that reads the outline against the person's own tall posture,
found in each clip by the same ``formcheck.tall.TallReference`` the page uses; it is shipped only when it beats the
plain model on those clips, each body left out in turn, for significantly more bodies than not (``SIGN_TEST_P``).
Deterministic (no random draws): the same clips and pose model give the same file. The file records what made it
(the commit, package versions, every clip fitted on with its seed and hashes, the hyper-parameters), and ``--check``
rebuilds it from the same clips and says what differs.

    .venv/bin/python tools/fit_lumbar.py --reference-study .cache/lumbar_train sample_videos  # which posture helps
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import subprocess
import sys
from importlib.metadata import version
from math import comb
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from observations import observations  # noqa: E402

from formcheck.evaluate import find_clips, load_truth  # noqa: E402
from formcheck.filters import default_smoother  # noqa: E402
from formcheck.lumbar import (  # noqa: E402
    FEATURES, MODEL_FILE, SCHEMA, TALL_FEATURES, LumbarModel, features, outline_shape)
from formcheck.metrics import CONTOUR_S  # noqa: E402
from formcheck.model_files import DEFAULT_MODEL, model_path, sha256_of  # noqa: E402
from formcheck.rules import STRETCHES, _Hysteresis, hands_at_back  # noqa: E402  (the engine's own flag timing)
from formcheck.tall import TallPosture, TallReference  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
ALPHAS = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0)
FIT_SPLITS = ("train", "dev")
STRIDE = 2  # every other frame: neighbours at 30 fps add little but weight
# Positions whose low back is read from the outline: side-on, upright to hinged. (The lying positions are judged by
# pelvis lift and thigh swing.)
OUTLINE_STRETCHES = ("hamstring", "hip-flexor", "glute")
POSTURE = ("trunk_tilt", "knee_flexion", "core_visibility")
# The tall-reference reading ships when it beats the plain one, body by body (each left out of the fit), on more
# bodies than chance would give at this one-sided sign-test level.
SIGN_TEST_P = 0.01
# Every rendered clip starts still in its position's tall posture (standing, kneeling or sitting tall; the rig's
# lumbar angle is 0) for at least this long before moving into the hold (formcheck/synth/timeline.py, Settle).
TALL_S = 0.6


def load_set(directory: Path) -> list[dict]:
    """Per outline clip: per-frame outline offsets and posture (from the observation cache) with the rig's truth."""
    clips = []
    for clip, truth_path in find_clips(directory):
        truth = load_truth(truth_path)
        if truth["stretch"] not in OUTLINE_STRETCHES or truth.get("expected_abstain"):
            continue
        true_angle = np.asarray(truth["frames"]["lumbar_flexion_deg"], float)
        seen = observations(clip, truth["stretch"])[: len(true_angle)]
        nan_row = np.full(CONTOUR_S.shape, np.nan)
        arrays = {"offsets": np.array([s.contour.offsets if s.contour is not None else nan_row for s in seen]),
                  "true_lumbar": true_angle[: len(seen)], "t": np.array([s.pose.t for s in seen])}
        for name in POSTURE:
            arrays[name] = np.array([s.metrics.get(name, np.nan) for s in seen], float)
        # The fold the position is read by (the glute's: to the supporting knee), as formcheck.lumbar feeds it.
        arrays["hip_fold"] = np.array([s.metrics.get(STRETCHES[truth["stretch"]].fold, np.nan) for s in seen], float)
        arrays["metrics"] = [s.metrics for s in seen]
        arrays["hands_at_back"] = np.array([hands_at_back(s.metrics) for s in seen], bool)
        clips.append({**arrays, "clip": clip.name, "stretch": truth["stretch"], "split": truth.get("split", "?"),
                      "body": truth["body"]["name"], "yaw": truth["camera"]["yaw_deg"],
                      "hold": truth.get("hold") or [], "seed": truth["seed"],
                      "sha256": sha256_of(clip), "truth_sha256": sha256_of(truth_path)})
    return clips


def tall_reference(clip: dict, posture: TallPosture) -> np.ndarray | None:
    """The clip's tall-posture outline shape as the page finds it (None: no tall posture followed by the move)."""
    reference = TallReference(posture)
    shapes = outline_shape(clip["offsets"])
    stretch = STRETCHES[clip["stretch"]]
    for t, metrics, shape, visible in zip(clip["t"], clip["metrics"], shapes, clip["core_visibility"]):
        if metrics and visible >= 0.5:
            reference.update(t, metrics, shape, stretch.shows_tall_posture(metrics))
    return reference.value


def window_shape(clip: dict, window: np.ndarray) -> np.ndarray | None:
    """Median outline shape over the frames of ``window`` that can be read (None: under 3 of them)."""
    shapes = outline_shape(clip["offsets"])
    window = window & np.isfinite(shapes).all(axis=1) & (clip["core_visibility"] >= 0.5)
    return np.median(shapes[window], axis=0) if window.sum() >= 3 else None


def design(clips: list[dict], reference=None, hands_clear_only: bool = False) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Rows of (features, true angle, weight, body, split) over every frame with a reading. With
    ``reference(clip)`` (an outline shape, or None to leave the clip out), the tall-reference model's features, on
    the frames it reads (no hand at the low back, as ``hands_clear_only``)."""
    xs, ys, ws, groups, splits, names = [], [], [], [], [], []
    for clip in clips:
        tall = reference(clip) if reference is not None else None
        if reference is not None and tall is None:
            continue
        x = features(clip["offsets"], clip["trunk_tilt"], clip["hip_fold"], clip["knee_flexion"], tall)[::STRIDE]
        y, visible = clip["true_lumbar"][::STRIDE], clip["core_visibility"][::STRIDE]
        ok = np.isfinite(x).all(axis=1) & np.isfinite(y) & (visible >= 0.5)
        if reference is not None or hands_clear_only:
            ok &= ~clip["hands_at_back"][::STRIDE]
        if not ok.any():
            continue
        xs.append(x[ok])
        ys.append(y[ok])
        ws.append(np.full(ok.sum(), 1.0 / ok.sum()))
        groups += [clip["body"]] * int(ok.sum())
        splits += [clip["split"]] * int(ok.sum())
        names.append(clip["clip"])
    return np.vstack(xs), np.concatenate(ys), np.concatenate(ws), np.array(groups), np.array(splits), names


def fit_ridge(x: np.ndarray, y: np.ndarray, w: np.ndarray, alpha: float) -> LumbarModel:
    mean = np.average(x, axis=0, weights=w)
    scale = np.sqrt(np.average((x - mean) ** 2, axis=0, weights=w))
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    intercept = np.average(y, weights=w)
    sw = np.sqrt(w / w.sum() * len(w))
    a = z * sw[:, None]
    b = (y - intercept) * sw
    coef = np.linalg.solve(a.T @ a + alpha * np.eye(z.shape[1]), a.T @ b)
    return LumbarModel(mean, scale, coef, float(intercept), {"hip_fold": [-90.0, 180.0]})


def leave_one_body_out(x, y, w, groups, alpha) -> np.ndarray:
    """Each frame's error when its body was left out of the fit."""
    err = np.full(len(y), np.nan)
    for body in np.unique(groups):
        held = groups == body
        err[held] = fit_ridge(x[~held], y[~held], w[~held], alpha).predict(x[held]) - y[held]
    return err


def _mae_bias(err: np.ndarray, w: np.ndarray) -> dict:
    ok = np.isfinite(err)
    return {"mae_deg": round(float(np.average(np.abs(err[ok]), weights=w[ok])), 2),
            "bias_deg": round(float(np.average(err[ok], weights=w[ok])), 2)}


def best_alpha(x, y, w, groups) -> tuple[float, np.ndarray]:
    """The ridge strength with the lowest leave-one-body-out error, and that error per frame."""
    errors = {alpha: leave_one_body_out(x, y, w, groups, alpha) for alpha in ALPHAS}
    alpha = min(errors, key=lambda a: _mae_bias(errors[a], w)["mae_deg"])
    return alpha, errors[alpha]


def nested_leave_one_body_out(x, y, w, groups) -> tuple[np.ndarray, dict[float, int]]:
    """Each frame's error when its body was left out of both the fit and the choice of the ridge strength (chosen
    by leave-one-body-out on the other bodies alone), and how often each strength was chosen."""
    err = np.full(len(y), np.nan)
    chosen: dict[float, int] = {}
    for body in np.unique(groups):
        held = groups == body
        alpha, _ = best_alpha(x[~held], y[~held], w[~held], groups[~held])
        chosen[alpha] = chosen.get(alpha, 0) + 1
        err[held] = fit_ridge(x[~held], y[~held], w[~held], alpha).predict(x[held]) - y[held]
    return err, dict(sorted(chosen.items()))


def constant_guess_errors(y, w, groups) -> np.ndarray:
    """Each frame's error when guessed as the other bodies' mean angle: what a model must beat out of fit."""
    err = np.full(len(y), np.nan)
    for body in np.unique(groups):
        held = groups == body
        err[held] = np.average(y[~held], weights=w[~held]) - y[held]
    return err


def reference_study(clips: list[dict]) -> None:
    """Would a person's own tall posture (a neutral reference the page films before the lunge) help the reading?
    Leave-one-body-out error per position, relative to the clip's opening tall posture and relative to the first
    second of the hold (what the reading would be anchored to if the hold itself were taken as the reference), each
    next to the plain model's on the same frames (those without a hand at the low back)."""
    references = {"tall posture": lambda c: window_shape(c, c["t"] < TALL_S),
                  "hold's first second": lambda c: window_shape(c, (c["t"] >= c["hold"][0][0] + 0.5)
                                                                & (c["t"] < c["hold"][0][0] + 1.5))}
    for stretch in OUTLINE_STRETCHES:
        position = [c for c in clips if c["stretch"] == stretch]
        for name, reference in references.items():
            with_reference = design(position, reference)
            plain = design([c for c in position if c["clip"] in with_reference[5]], hands_clear_only=True)
            figures = [_mae_bias(best_alpha(x, y, w, groups)[1], w)
                       for x, y, w, groups, _, _ in (plain, with_reference)]
            print(f"{stretch:10s} against the {name:20s} {len(with_reference[5]):3d} clips, leave-one-body-out MAE "
                  f"{figures[0]['mae_deg']:.2f}° without, {figures[1]['mae_deg']:.2f}° with it (bias "
                  f"{figures[1]['bias_deg']:+.2f}°)")


def _left_out_readings(clips: list[dict], references: dict | None) -> dict[str, np.ndarray]:
    """Every frame's reading with its body left out of the fit (plain model, or against ``references``)."""
    reference = None if references is None else (lambda c: references[c["clip"]])
    x, y, w, groups, _, _ = design(clips, reference)
    alpha, _ = best_alpha(x, y, w, groups)
    readings = {}
    for body in sorted({c["body"] for c in clips}):
        model = fit_ridge(*design([c for c in clips if c["body"] != body], reference)[:3], alpha)
        for clip in (c for c in clips if c["body"] == body):
            tall = None if references is None else references[clip["clip"]]
            readings[clip["clip"]] = model.predict(
                features(clip["offsets"], clip["trunk_tilt"], clip["hip_fold"], clip["knee_flexion"], tall))
    return readings


def rule_study(clips: list[dict], stretch: str) -> None:
    """The position's lumbar rule (its limits from the rule table, the engine's smoother and hysteresis) run on
    each body's readings with that body left out of the fit: mistakes of at least the rule's limit held over 2 s
    that it flags, and the share of correct hold time (rig within 3° of neutral) it keeps flagged. On the clips
    where the tall posture is found: the plain reading, the tall-reference one and the mean of both; on all clips:
    the plain reading, and the readings as the page makes them (the mean where the posture is found)."""
    cond = next(c for m in STRETCHES[stretch].mistakes for c in m.conditions if c.metric == "lumbar_angle")
    posture = STRETCHES[stretch].tall
    position = [c for c in clips if c["stretch"] == stretch]
    references = {c["clip"]: tall_reference(c, posture) for c in position}
    found = [c for c in position if references[c["clip"]] is not None]
    plain = _left_out_readings(position, None)  # the plain model is fitted on every clip, as shipped
    tall = _left_out_readings(found, references)
    tall = {c["clip"]: np.where(c["hands_at_back"], plain[c["clip"]], tall[c["clip"]]) for c in found}
    mean = {name: (plain[name] + reading) / 2 for name, reading in tall.items()}
    studies = {f"{len(found)} clips with {posture.name} found": (found, {
                   "plain": plain, f"against {posture.name}": tall, "mean of both": mean}),
               f"all {len(position)} clips": (position, {"plain": plain, "as the page reads": {**plain, **mean}})}
    for subset, (chosen, readings) in studies.items():
        for name, reading in readings.items():
            mistakes = flagged_mistakes = 0
            correct_s = flagged_correct_s = 0.0
            for clip in chosen:
                t, truth = clip["t"], clip["true_lumbar"]
                hold = np.zeros(len(t), bool)
                for start, end in clip["hold"]:
                    hold |= (t >= start) & (t <= end)
                smoother, flag = default_smoother(), _Hysteresis()
                flags = np.zeros(len(t), bool)
                for i in np.flatnonzero(hold):
                    value = smoother(t[i], reading[clip["clip"]][i])
                    flags[i] = flag.update(t[i], bool(value * cond.direction >= cond.on * cond.direction),
                                           bool(value * cond.direction < cond.off * cond.direction))
                dt = np.gradient(t)
                mistake = hold & (truth * cond.direction >= cond.on * cond.direction)
                if dt[mistake].sum() > 2.0:
                    mistakes += 1
                    half_way = hold & (truth * cond.direction >= cond.on / 2 * cond.direction)
                    flagged_mistakes += bool((flags & half_way).any())
                correct = hold & (np.abs(truth) <= 3.0)
                correct_s += dt[correct].sum()
                flagged_correct_s += dt[correct & flags].sum()
            print(f"{stretch} rule, {subset}, {name:22s}: {flagged_mistakes} of {mistakes} mistakes flagged, "
                  f"{100 * flagged_correct_s / correct_s:.1f} % of {correct_s:.0f} s of correct hold flagged")


def fit_position(clips: list[dict], fold_metric: str) -> tuple[LumbarModel, dict]:
    """One position's model (ridge strength by leave-one-body-out) and the figures that chose it and judge it: the
    nested leave-one-body-out error over all bodies and over each split's bodies on their own, and whether it beats
    the constant guess (``shipped``)."""
    x, y, w, groups, splits, names = design(clips)
    alpha, selection_error = best_alpha(x, y, w, groups)
    error, alphas_chosen = nested_leave_one_body_out(x, y, w, groups)
    constant = _mae_bias(constant_guess_errors(y, w, groups), w)
    model = fit_ridge(x, y, w, alpha)
    folds = x[:, FEATURES.index("hip_fold")] * 90.0
    valid = {"hip_fold": [round(float(np.percentile(folds, 0.5)) - 5, 1),
                          round(float(np.percentile(folds, 99.5)) + 5, 1)]}
    report = {
        "clips": len(names), "bodies": len(set(groups)), "frames": int(len(y)), "ridge_alpha": alpha,
        "leave_one_body_out_choosing_alpha": _mae_bias(selection_error, w),
        "nested_alphas_chosen": {str(a): n for a, n in alphas_chosen.items()},
        "leave_one_body_out": _mae_bias(error, w),
        "leave_one_body_out_per_split": {split: _mae_bias(error[splits == split], w[splits == split])
                                         for split in sorted(set(splits))},
        "constant_guess_out_of_fit": constant,
    }
    report["shipped"] = report["leave_one_body_out"]["mae_deg"] < constant["mae_deg"]
    return LumbarModel(model.mean, model.scale, model.coef, model.intercept, valid, fold_metric), report


def fit_tall(clips: list[dict], posture: TallPosture) -> tuple[LumbarModel | None, dict]:
    """The model reading the outline against the tall posture, fitted on the clips where the page would find one,
    and the figures that decided whether to ship it (both models scored on those clips, each body left out)."""
    references = {c["clip"]: tall_reference(c, posture) for c in clips}
    found = [c for c in clips if references[c["clip"]] is not None]
    x, y, w, groups, _, names = design(found, lambda c: references[c["clip"]])
    alpha, _ = best_alpha(x, y, w, groups)
    error, _ = nested_leave_one_body_out(x, y, w, groups)
    px, py, pw, pgroups, _, _ = design(found, hands_clear_only=True)
    plain_error, _ = nested_leave_one_body_out(px, py, pw, pgroups)
    # The page reads the mean of both models once it has the reference (formcheck.lumbar.lumbar_angle); both
    # designs keep the same frames (the reference adds columns, not gaps), so their errors pair up row by row.
    report = {"posture": posture.name, "clips_with_reference": len(names), "clips": len(clips), "ridge_alpha": alpha,
              "leave_one_body_out": _mae_bias(error, w), "plain_model_same_clips": _mae_bias(plain_error, pw),
              "mean_of_both": _mae_bias((error + plain_error) / 2, w)}
    per_body = [np.average(np.abs(((error + plain_error) / 2)[held]), weights=w[held])
                < np.average(np.abs(plain_error[held]), weights=w[held]) for held in (groups == b for b in set(groups))]
    better, bodies = sum(per_body), len(per_body)
    report["bodies_better"] = f"{better} of {bodies}"
    report["sign_test_p"] = sum(comb(bodies, k) for k in range(better, bodies + 1)) / 2**bodies
    report["shipped"] = bool(report["sign_test_p"] < SIGN_TEST_P)
    return (fit_ridge(x, y, w, alpha) if report["shipped"] else None), report


def _rounded(model: LumbarModel) -> dict:
    return {"mean": [round(v, 6) for v in model.mean], "scale": [round(v, 6) for v in model.scale],
            "coef": [round(v, 6) for v in model.coef], "intercept": round(model.intercept, 6)}


def git_commit() -> dict:
    """The commit the fit ran at, and whether the package or the tools differed from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    return {"commit": git("rev-parse", "HEAD"),
            "uncommitted_changes": bool(git("status", "--porcelain", "--", "formcheck", "tools", "models"))}


def provenance(clips: list[dict], reports: dict) -> dict:
    """What made the model: code, libraries, pose model, every clip fitted on (with its seed and hashes), the
    hyper-parameters tried and chosen, and the figures that chose them."""
    return {"script": "tools/fit_lumbar.py", **git_commit(),
            "packages": {"python": platform.python_version(),
                         **{name: version(name) for name in ("numpy", "mediapipe", "av")}},
            "pose_model": {"name": DEFAULT_MODEL, "sha256": sha256_of(model_path(DEFAULT_MODEL))},
            "hyper_parameters": {"ridge_alphas_tried": list(ALPHAS), "frame_stride": STRIDE,
                                 "sign_test_p": SIGN_TEST_P, "tall_s": TALL_S,
                                 "ridge_alpha": {name: report["ridge_alpha"] for name, report in reports.items()}},
            "clip_sets": sorted({c["split"] for c in clips}),
            "clips": [{key: c[key] for key in ("clip", "split", "stretch", "body", "seed", "sha256", "truth_sha256")}
                      for c in sorted(clips, key=lambda c: (c["split"], c["clip"]))],
            "fits": reports}


def build(clips: list[dict]) -> dict:
    """The model file's content: one model per position that beats the constant guess out of fit, with its
    tall-reference model where one ships."""
    models, reports = {}, {}
    for stretch in OUTLINE_STRETCHES:
        position = [c for c in clips if c["stretch"] == stretch]
        model, reports[stretch] = fit_position(position, STRETCHES[stretch].fold)
        figures = reports[stretch]
        per_split = ", ".join(f"{split} bodies {row['mae_deg']:.2f}° ({row['bias_deg']:+.2f}°)"
                              for split, row in figures["leave_one_body_out_per_split"].items())
        print(f"{stretch}: {figures['clips']} clips, {figures['bodies']} bodies, {figures['frames']} frames, alpha "
              f"{figures['ridge_alpha']}; nested leave-one-body-out MAE {figures['leave_one_body_out']['mae_deg']:.2f}°"
              f" (bias {figures['leave_one_body_out']['bias_deg']:+.2f}°; {per_split}); a constant guess: "
              f"{figures['constant_guess_out_of_fit']['mae_deg']:.2f}°: "
              f"{'shipped' if figures['shipped'] else 'not shipped (no better than the guess)'}")
        if not figures["shipped"]:
            continue
        models[stretch] = {**_rounded(model), "valid": model.valid, "fold_metric": model.fold_metric}
        posture = STRETCHES[stretch].tall
        if posture is not None:
            tall_model, figures["with_tall"] = fit_tall(position, posture)
            if tall_model is not None:
                models[stretch]["with_tall"] = _rounded(tall_model)
            tall = figures["with_tall"]
            print(f"  against {posture.name}: found in {tall['clips_with_reference']} of {tall['clips']} clips; there, "
                  f"nested leave-one-body-out MAE {tall['plain_model_same_clips']['mae_deg']:.2f}° without it, "
                  f"{tall['leave_one_body_out']['mae_deg']:.2f}° with it, {tall['mean_of_both']['mae_deg']:.2f}° "
                  f"(bias {tall['mean_of_both']['bias_deg']:+.2f}°) for their mean, better for "
                  f"{tall['bodies_better']} bodies (sign test p={tall['sign_test_p']:.1g}): "
                  f"{'shipped' if tall['shipped'] else 'not shipped'}")
    return {"schema": SCHEMA, "features": list(FEATURES), "tall_features": list(TALL_FEATURES), "models": models,
            "provenance": provenance(clips, reports)}


# Where a rebuild may differ from the file without the model differing: it runs at a later commit.
NOT_COMPARED = {"provenance.commit", "provenance.uncommitted_changes"}


def differences(recorded, rebuilt, where: str = "") -> list[str]:
    """Where two model files differ, as dotted paths (the commit they were made at aside)."""
    if where in NOT_COMPARED:
        return []
    if isinstance(recorded, dict) and isinstance(rebuilt, dict):
        return [path for key in sorted(set(recorded) | set(rebuilt), key=str)
                for path in (differences(recorded[key], rebuilt[key], f"{where}.{key}".lstrip("."))
                             if key in recorded and key in rebuilt else [f"{where}.{key}".lstrip(".")])]
    if isinstance(recorded, list) and isinstance(rebuilt, list) and len(recorded) == len(rebuilt):
        return [path for i, (a, b) in enumerate(zip(recorded, rebuilt)) for path in differences(a, b, f"{where}[{i}]")]
    return [] if recorded == rebuilt else [where]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+", help="rendered clips: the synth `train` set and the dev set")
    parser.add_argument("--out", type=Path, default=REPO / "models" / MODEL_FILE)
    parser.add_argument("--reference-study", action="store_true",
                        help="print how a tall-posture reference would change each position's error; write nothing")
    parser.add_argument("--check", action="store_true",
                        help="rebuild the model from these clips and compare it with --out; write nothing")
    args = parser.parse_args()

    clips = [clip for folder in args.folders for clip in load_set(folder)]
    if any(c["split"] not in FIT_SPLITS for c in clips):
        sys.exit("fit_lumbar: only the train and dev sets may be fitted on (the held-out clips measure the result)")
    if args.reference_study:
        reference_study(clips)
        for stretch in (s for s in OUTLINE_STRETCHES if STRETCHES[s].tall is not None):
            rule_study(clips, stretch)
        return
    # Through JSON, so the rebuilt model compares with the file as it would be written (tuples become lists).
    data = json.loads(json.dumps(build(clips)))
    if args.check:
        differ = differences(json.loads(args.out.read_text()), data)
        if differ:
            sys.exit(f"fit_lumbar --check: {args.out.name} differs from its rebuild at " + ", ".join(differ))
        print(f"{args.out.name} is what these clips rebuild")
        return
    text = json.dumps(data, indent=1) + "\n"
    args.out.write_text(text)
    sums = args.out.parent / "SHA256SUMS"
    lines = [line for line in sums.read_text().splitlines() if line.strip() and not line.endswith(MODEL_FILE)]
    lines.append(f"{hashlib.sha256(text.encode()).hexdigest()}  {MODEL_FILE}")
    sums.write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
