"""Does a person's own pelvic-tilt range, taken in the position, read their low back better than the absolute model?

    .venv/bin/python -m formcheck.synth generate --set range --out .cache/range          # bodies never fitted on
    .venv/bin/python tools/observations.py .cache/range                                   # pose + outline, cached
    .venv/bin/python tools/range_study.py .cache/range

Every clip of the ``range`` sets (formcheck/synth/training.py) shows a random body, never in the lumbar model's
fit, arriving in its position, tucking and tipping its pelvis by its own amount (the guided range step), then
settling near the middle or straight into a mild or clear mistake, and holding. The truth file gives the seconds
of the step and of its two ends. For each hold frame this prints the low back read three ways against the rig:

- ``absolute``: the shipped model's reading (``formcheck.lumbar``), which every body's outline offset shifts;
- ``against the middle``: the reading minus the reading at the middle of the person's range (the mean of the two
  ends' medians), scored against the rig's angle minus the rig's middle: what the person's own range cancels;
- ``against the middle, in range units``: the same placed within the range (÷ half its span) and turned into
  degrees by the typical half span, scored the same way: whether the span itself carries the scale.

It also tells correct holds from mild ones by their median reading (absolute and against the middle), and reports
the ends as an oracle (the truth's seconds) and as ``formcheck.tilt_range`` finds them, so the finder's own cost
shows. Each body appears in one clip, so every figure is out of fit. A dev tool; writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fit_lumbar import load_set  # noqa: E402

from formcheck.evaluate import find_clips, load_truth  # noqa: E402
from formcheck.lumbar import features, load_models  # noqa: E402
from formcheck.synth.training import RANGE_TIMELINES  # noqa: E402


def readings(clip: dict) -> np.ndarray:
    """The shipped model's per-frame reading (no tall reference), NaN where it gives none."""
    model = load_models()[clip["stretch"]]
    x = features(clip["offsets"], clip["trunk_tilt"], clip["hip_fold"], clip["knee_flexion"])
    out = model.predict(x)
    out[clip["core_visibility"] < 0.5] = np.nan
    return out


def within_body(clip: dict, step: dict) -> tuple[np.ndarray, np.ndarray] | None:
    """Per frame: the model's inputs and the rig's angle, each minus their value at the middle of the person's range
    (the mean of the medians at the tucked and tipped ends). None when an end cannot be read."""
    x = features(clip["offsets"], clip["trunk_tilt"], clip["hip_fold"], clip["knee_flexion"])
    t, ok = clip["t"], np.isfinite(x).all(axis=1) & (clip["core_visibility"] >= 0.5)
    ends_x, ends_y = [], []
    for name in ("tucked", "tipped"):
        inside = ok & (t >= step[name][0]) & (t <= step[name][1])
        if inside.sum() < 3:
            return None
        ends_x.append(np.median(x[inside], axis=0))
        ends_y.append(np.median(clip["true_lumbar"][inside]))
    x = x - np.mean(ends_x, axis=0)
    x[~ok] = np.nan
    return x, clip["true_lumbar"] - np.mean(ends_y)


def fit_within(xs: list[np.ndarray], ys: list[np.ndarray], alpha: float) -> np.ndarray:
    """Ridge without intercept on within-body differences, each clip weighted alike."""
    rows = [(x[m], y[m], np.full(m.sum(), 1 / m.sum())) for x, y in zip(xs, ys)
            for m in [np.isfinite(x).all(axis=1) & np.isfinite(y)]]
    x, y, w = (np.concatenate(part) for part in zip(*rows))
    scale = np.sqrt(np.average(x ** 2, axis=0, weights=w))
    scale[scale == 0] = 1.0
    sw = np.sqrt(w / w.sum() * len(w))
    a = x / scale * sw[:, None]
    return np.linalg.solve(a.T @ a + alpha * np.eye(x.shape[1]), a.T @ (y * sw)) / scale


def window_median(t: np.ndarray, values: np.ndarray, window) -> float:
    inside = (t >= window[0]) & (t <= window[1]) & np.isfinite(values)
    return float(np.median(values[inside])) if inside.sum() >= 3 else np.nan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+")
    args = parser.parse_args()
    rows = []
    for folder in args.folders:
        truths = {clip.name: load_truth(path) for clip, path in find_clips(folder)}
        for clip in load_set(folder):
            truth = truths[clip["clip"]]
            step = truth.get("range_step")
            if step is None:
                continue
            t, true = clip["t"], clip["true_lumbar"]
            read = readings(clip)
            ends_read = [window_median(t, read, step[k]) for k in ("tucked", "tipped")]
            ends_true = [window_median(t, true, step[k]) for k in ("tucked", "tipped")]
            hold = (t >= clip["hold"][0][0] + 0.5) & np.isfinite(read)
            mistake = truth["mistake_details"][0] if truth["mistake_details"] else None
            diff = within_body(clip, step)
            rows.append({
                "within_x": None if diff is None else diff[0], "within_y": None if diff is None else diff[1],
                "hold": hold, "body": clip["body"],
                "clip": clip["clip"], "stretch": clip["stretch"], "t": t[hold], "read": read[hold], "true": true[hold],
                "mid_read": np.mean(ends_read), "mid_true": np.mean(ends_true),
                "span_read": ends_read[0] - ends_read[1], "span_true": ends_true[0] - ends_true[1],
                "mistake": mistake, "kind": next(k for k in RANGE_TIMELINES if Path(clip["clip"]).stem.endswith(k)),
            })
    for stretch in sorted({r["stretch"] for r in rows}):
        group = [r for r in rows if r["stretch"] == stretch and np.isfinite(r["mid_read"])]
        if not group:
            continue
        typical_half = np.median([r["span_true"] / 2 for r in group])
        err = {"absolute": [], "against the middle": [], "in range units": []}
        for r in group:
            err["absolute"].append(r["read"] - r["true"])
            rel_true = r["true"] - r["mid_true"]
            err["against the middle"].append(r["read"] - r["mid_read"] - rel_true)
            if r["span_read"] > 1.0:
                err["in range units"].append((r["read"] - r["mid_read"]) / (r["span_read"] / 2) * typical_half
                                             - rel_true)
        print(f"{stretch}: {len(group)} clips; true span median {np.median([r['span_true'] for r in group]):.1f}°, "
              f"read span median {np.median([r['span_read'] for r in group]):.1f}° "
              f"(gain read/true: {np.median([r['span_read'] / r['span_true'] for r in group]):.2f})")
        fitted = [r for r in group if r["within_x"] is not None]
        for alpha in (1.0, 10.0, 100.0):
            parts = []
            for r in fitted:
                others = [o for o in fitted if o["body"] != r["body"]]
                coef = fit_within([o["within_x"] for o in others], [o["within_y"] for o in others], alpha)
                parts.append((r["within_x"] @ coef - r["within_y"])[r["hold"]])
                r[f"within_{alpha:g}"] = float(np.nanmedian((r["within_x"] @ coef)[r["hold"]]))
            err[f"within-body fit a={alpha:g}"] = parts
        for name, parts in err.items():
            e = np.concatenate(parts) if parts else np.array([np.nan])
            per_clip = [float(np.median(p)) for p in parts]
            print(f"  {name:22s} MAE {np.nanmean(np.abs(e)):5.1f}°  bias {np.nanmean(e):+5.1f}°  "
                  f"per-clip median error sd {np.std(per_clip):4.1f}°")
        print("  per clip: kind, mistake°, hold median: true-vs-neutral | absolute | against middle (true-vs-middle)")
        for r in sorted(group, key=lambda r: r["kind"]):
            size = r["mistake"]["amplitude"] if r["mistake"] else 0.0
            print(f"    {r['kind']:18s} {size:5.1f}  abs true {np.median(r['true']):+6.1f} read "
                  f"{np.median(r['read']):+6.1f} | mid: read {np.median(r['read']) - r['mid_read']:+6.1f} true "
                  f"{np.median(r['true']) - r['mid_true']:+6.1f} | span read {r['span_read']:5.1f} true "
                  f"{r['span_true']:5.1f} | within-body fit (a=10) {r.get('within_10', np.nan):+6.1f}")


if __name__ == "__main__":
    main()
