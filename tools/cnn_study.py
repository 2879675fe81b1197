"""Issue 28 item 6: would a small image model of the trunk read the low back better than the outline reading?

    nice -n 10 .venv/bin/python tools/cnn_study.py extract .cache/lumbar_train sample_videos   # pose + crops, cached
    nice -n 10 .venv/bin/python tools/cnn_study.py study [--mask-only]                       # leave bodies out
    nice -n 10 .venv/bin/python tools/cnn_study.py real-extract && ... cnn_study.py real     # the real footage

A measurement, not a product: nothing here is shipped. ``extract`` runs the pose model (with its segmentation mask)
on the hold frames of each rendered outline clip (hamstring, hip flexor, glute) at a stride, and keeps per frame a
small picture of the trunk: the person's mask and grey picture sampled on a grid laid along the hip→shoulder chord
and its back normal (so the back is always on the same side: left-facing people come out mirrored, and the trunk's
tilt is taken out, given separately as the posture numbers), together with the outline offsets and posture numbers
the shipped reading (``formcheck.lumbar``) is fitted on, and the rig's true lumbar angle. One .npz per clip under
``.cache/cnn_study/``.

``study`` scores, per position and with every body left out of the fit that scores it (``FOLDS`` folds, each
with one of the dev set's six bodies and a sixth of the ``train`` set's random bodies), on the same frames:
the other bodies' mean angle (a constant guess); the outline reading (ridge on ``formcheck.lumbar.features``, as
tools/fit_lumbar.py fits it, strength chosen by leave-one-body-out on the training bodies only); ridge on the crop's
pixels with the posture numbers; and a small convolutional network (numpy, written here: two conv layers on the
mask and grey crop, or the mask alone with ``--mask-only``, the posture numbers joined before the last layer, Adam,
fixed hyper-parameters chosen before any score was seen), trained from three seeds and read as their mean; and the
mean of the outline reading and the network. Frames weigh so that each clip counts alike. It prints, and writes to
``.cache/cnn_study/study_<stretch>[_mask_only].json``, the MAE per reading over all bodies, dev and train bodies,
per dev body, and on how many bodies the network (and the mean) is nearer the rig than the outline reading, with a
one-sided sign test. ``real-extract`` and ``real`` read the real footage's side-view labelled items (validation
only: ``../shared/real-footage``, crops kept in /tmp) with every reading fitted on all the rendered bodies, and print
how well each orders the labelled mistakes against the correct items. Results and the decision: docs/accuracy.md,
"An image model beside the outline reading".
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from math import comb
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CACHE = REPO / ".cache" / "cnn_study"
STRETCHES_READ = ("hamstring", "hip-flexor", "glute")
STRIDE_S = 1 / 6  # every 5th frame at 30 fps, every 3rd at 15 fps
LEAD_S = 1.0  # the pose model and the facing are run from this long before the hold, to settle
SIZE = 48  # crop side, pixels
# The crop in torso lengths: along the hip→shoulder chord, and across it (+ towards the back).
ALONG = (-0.35, 1.25)
ACROSS = (-0.7, 0.9)
POSTURE = ("trunk_tilt", "hip_fold", "knee_flexion")
VERSION = 1


def crop(image: np.ndarray, hip: np.ndarray, chord: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """(SIZE, SIZE) float32 of ``image`` sampled on the trunk grid: rows run from the shoulder end (top) to below
    the hip, columns from the belly side (left) to the back side (right)."""
    import cv2

    length = float(np.linalg.norm(chord))
    along = np.linspace(ALONG[1], ALONG[0], SIZE)
    across = np.linspace(ACROSS[0], ACROSS[1], SIZE)
    points = (hip[None, None, :] + along[:, None, None] * chord[None, None, :]
              + across[None, :, None] * length * normal[None, None, :])
    return cv2.remap(image.astype(np.float32), points[..., 0].astype(np.float32), points[..., 1].astype(np.float32),
                     cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)


def extract_clip(clip: Path, truth: dict) -> dict:
    from formcheck.filters import FacingHold
    from formcheck.metrics import facing_evidence, measure
    from formcheck.pose import PoseEstimator
    from formcheck.rules import STRETCHES, hands_at_back
    from formcheck.video import VideoReader

    fps = float(truth["fps"])
    step = max(1, round(STRIDE_S * fps))
    hold = truth["hold"]
    true_angle = np.asarray(truth["frames"]["lumbar_flexion_deg"], float) if "frames" in truth else np.full(
        10**6, np.nan)
    fold = STRETCHES[truth["stretch"]].fold
    rows: dict[str, list] = {k: [] for k in ("t", "true", "mask", "grey", "offsets", "core_visibility",
                                              "hands_at_back", *POSTURE)}
    facing_hold = FacingHold()
    with VideoReader(clip) as reader, PoseEstimator(masks=True) as estimator:
        for index, (t, frame) in enumerate(reader.decoded()):
            if index % step or index >= len(true_angle):
                continue
            if not any(start - LEAD_S <= t <= end for start, end in hold):
                if t > max(end for _, end in hold):
                    break
                continue
            rgb = reader.to_rgb(frame)
            pose = estimator(rgb, t)
            facing = facing_hold(t, facing_evidence(pose.image[:, :2])) if pose.detected else None
            if not any(start <= t <= end for start, end in hold):
                continue
            metrics, contour = measure(pose, facing)
            if contour is None or pose.mask is None:
                continue
            grey = rgb.astype(np.float32).mean(axis=2) / 255.0
            rows["t"].append(t)
            rows["true"].append(true_angle[index])
            rows["mask"].append(crop(pose.mask, contour.hip, contour.chord, contour.normal))
            rows["grey"].append(crop(grey, contour.hip, contour.chord, contour.normal))
            rows["offsets"].append(contour.offsets)
            rows["core_visibility"].append(metrics.get("core_visibility", np.nan))
            rows["hands_at_back"].append(hands_at_back(metrics))
            for name in POSTURE:
                rows[name].append(metrics.get(fold if name == "hip_fold" else name, np.nan))
    out = {k: np.asarray(v, np.float16 if k in ("mask", "grey") else float) for k, v in rows.items()}
    out["hands_at_back"] = out["hands_at_back"].astype(bool)
    return out


def extract(folders: list[Path], part: int, parts: int, reverse: bool = False) -> None:
    from formcheck.evaluate import find_clips, load_truth

    CACHE.mkdir(parents=True, exist_ok=True)
    todo = []
    for folder in folders:
        for clip, truth_path in find_clips(folder):
            truth = load_truth(truth_path)
            if truth["stretch"] in STRETCHES_READ and not truth.get("expected_abstain") and truth.get("hold") \
                    and truth.get("split") in ("train", "dev"):
                todo.append((clip, truth))
    for clip, truth in todo[part::parts][::-1 if reverse else 1]:
        target = CACHE / f"{clip.stem}.v{VERSION}.npz"
        if target.is_file():
            continue
        start = time.time()
        arrays = extract_clip(clip, truth)
        meta = {"clip": clip.name, "split": truth["split"], "stretch": truth["stretch"],
                "body": truth["body"]["name"], "seed": truth["seed"]}
        np.savez_compressed(target.with_suffix(".tmp.npz"), meta=json.dumps(meta), **arrays)
        target.with_suffix(".tmp.npz").rename(target)
        print(f"{clip.name}: {len(arrays['t'])} frames in {time.time() - start:.0f} s", flush=True)


# --- the study -------------------------------------------------------------------------------------------------

# Six folds: each leaves out one dev body and a sixth of the train set's bodies (one clip each).
FOLDS = 6
NET_SIZE = 24  # the network reads the crop at this side
EPOCHS = 8
# The network is trained on every other stored frame of a dev clip (neighbours 1/6 s apart add little; the machine
# is shared), each clip still weighing alike; every frame is scored.
DEV_THIN = 2
BATCH = 32
LEARNING_RATE = 2e-3
WEIGHT_DECAY = 1e-4
SEEDS = (0, 1, 2)  # the network is trained from three starts; their mean is read
MIN_VISIBILITY = 0.5  # as tools/fit_lumbar.py: frames whose core is seen


def load(stretch: str) -> dict:
    """Every cached frame of one position that all the readings can read, with its clip's weight (each clip counts
    alike, as in tools/fit_lumbar.py)."""
    from formcheck.lumbar import features

    parts: dict[str, list] = {k: [] for k in ("outline", "mask", "grey", "posture", "true", "weight", "body",
                                              "split", "clip")}
    for path in sorted(CACHE.glob(f"*.v{VERSION}.npz")):
        data = np.load(path)
        meta = json.loads(str(data["meta"]))
        if meta["stretch"] != stretch or not len(data["t"]):
            continue
        outline = features(data["offsets"], data["trunk_tilt"], data["hip_fold"], data["knee_flexion"])
        posture = np.column_stack([data[name] for name in POSTURE])
        ok = (np.isfinite(outline).all(axis=1) & np.isfinite(posture).all(axis=1) & np.isfinite(data["true"])
              & (data["core_visibility"] >= MIN_VISIBILITY))
        if not ok.any():
            continue
        n = int(ok.sum())
        parts["outline"].append(outline[ok])
        parts["mask"].append(np.asarray(data["mask"][ok], np.float32))
        parts["grey"].append(np.asarray(data["grey"][ok], np.float32))
        parts["posture"].append(posture[ok])
        parts["true"].append(data["true"][ok])
        parts["weight"].append(np.full(n, 1.0 / n))
        for key in ("body", "split", "clip"):
            parts[key] += [meta[key]] * n
    return {k: (np.array(v) if k in ("body", "split", "clip") else np.concatenate(v)) for k, v in parts.items()}


def folds(data: dict) -> list[np.ndarray]:
    """Boolean masks of the frames left out together: fold k holds the k-th dev body and every FOLDS-th train body
    from the k-th on (a body is in exactly one fold)."""
    dev_bodies = sorted(set(data["body"][data["split"] == "dev"]))
    train_bodies = sorted(set(data["body"][data["split"] == "train"]))
    out = [np.isin(data["body"], dev_bodies[k::FOLDS] + train_bodies[k::FOLDS]) for k in range(FOLDS)]
    return [fold for fold in out if fold.any()]


def mae(err: np.ndarray, w: np.ndarray) -> float:
    return float(np.average(np.abs(err), weights=w))


def outline_reading(data: dict, held: np.ndarray) -> np.ndarray:
    """The shipped reading's way: ridge on the outline features, strength chosen by leave-one-body-out on the
    training bodies alone."""
    from fit_lumbar import best_alpha, fit_ridge

    x, y, w, g = data["outline"], data["true"], data["weight"], data["body"]
    alpha, _ = best_alpha(x[~held], y[~held], w[~held], g[~held])
    return fit_ridge(x[~held], y[~held], w[~held], alpha).predict(x[held])


def pixels(data: dict, side: int = 24) -> np.ndarray:
    """The crop's mask and grey picture at ``side``² (the grey standardised per crop), with the posture numbers."""
    import cv2

    def small(images):
        return np.array([cv2.resize(im, (side, side), interpolation=cv2.INTER_AREA) for im in images]).reshape(
            len(images), -1)
    grey = small(data["grey"])
    grey = (grey - grey.mean(axis=1, keepdims=True)) / (grey.std(axis=1, keepdims=True) + 1e-3)
    return np.column_stack([small(data["mask"]), grey, data["posture"]])


def ridge(x: np.ndarray, y: np.ndarray, w: np.ndarray, alpha: float):
    """Weighted ridge on centred (not rescaled: pixels share one unit) columns; returns the predictor."""
    mean = np.average(x, axis=0, weights=w)
    intercept = np.average(y, weights=w)
    sw = np.sqrt(w / w.mean())[:, None]
    a = (x - mean) * sw
    coef = np.linalg.solve(a.T @ a + alpha * np.eye(x.shape[1]), a.T @ ((y - intercept) * sw[:, 0]))
    return lambda new: (new - mean) @ coef + intercept


def pixel_ridge(data: dict, x: np.ndarray, held: np.ndarray) -> np.ndarray:
    """Ridge on the pixels and the posture numbers (standardised on the training bodies), its strength chosen by
    grouped cross-validation (3 groups of bodies) on the training bodies alone."""
    y, w, g = data["true"], data["weight"], data["body"]
    posture = x[:, -len(POSTURE):]
    x = np.column_stack([x[:, :-len(POSTURE)], (posture - posture[~held].mean(axis=0)) / posture[~held].std(axis=0)])
    bodies = sorted(set(g[~held]))
    inner = [np.isin(g, bodies[k::3]) & ~held for k in range(3)]
    scores = {}
    for alpha in (1.0, 10.0, 100.0, 1000.0, 10000.0):
        err = [ridge(x[~held & ~f], y[~held & ~f], w[~held & ~f], alpha)(x[f]) - y[f] for f in inner]
        scores[alpha] = mae(np.concatenate(err), np.concatenate([w[f] for f in inner]))
    alpha = min(scores, key=scores.get)
    return ridge(x[~held], y[~held], w[~held], alpha)(x[held])


# A small convolutional network in numpy (NHWC): conv 5×5 → 8, ReLU, max-pool 2; conv 3×3 → 16, ReLU, max-pool 2;
# the posture numbers joined; dense 32, ReLU; dense 1.

def _windows(x: np.ndarray, k: int) -> np.ndarray:
    pad = k // 2
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    n, h, w, c = x.shape
    return np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(1, 2)).reshape(n * h * w, c * k * k)


def _unwindows(dcols: np.ndarray, shape: tuple, k: int) -> np.ndarray:
    n, h, w, c = shape
    pad = k // 2
    dcols = dcols.reshape(n, h, w, c, k, k)
    dxp = np.zeros((n, h + 2 * pad, w + 2 * pad, c), dcols.dtype)
    for i in range(k):
        for j in range(k):
            dxp[:, i:i + h, j:j + w, :] += dcols[..., i, j]
    return dxp[:, pad:pad + h, pad:pad + w, :]


def _pool(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n, h, w, c = x.shape
    blocks = x.reshape(n, h // 2, 2, w // 2, 2, c)
    out = blocks.max(axis=(2, 4))
    return out, blocks == out[:, :, None, :, None, :]


def _unpool(dout: np.ndarray, where: np.ndarray) -> np.ndarray:
    n, h2, w2, c = dout.shape
    return (where * dout[:, :, None, :, None, :]).reshape(n, h2 * 2, w2 * 2, c)


class SmallCNN:
    def __init__(self, channels: int, extra: int, side: int, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)

        def he(fan_in, shape):
            return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)
        flat = (side // 4) ** 2 * 16
        self.p = {"w1": he(channels * 25, (channels * 25, 8)), "b1": np.zeros(8, np.float32),
                  "w2": he(8 * 9, (8 * 9, 16)), "b2": np.zeros(16, np.float32),
                  "w3": he(flat + extra, (flat + extra, 32)), "b3": np.zeros(32, np.float32),
                  "w4": he(32, (32, 1)) * 0.1, "b4": np.zeros(1, np.float32)}

    def forward(self, x: np.ndarray, extra: np.ndarray, keep: bool = False):
        p, n = self.p, len(x)
        c1 = _windows(x, 5)
        a1 = np.maximum(c1 @ p["w1"] + p["b1"], 0).reshape(n, x.shape[1], x.shape[2], 8)
        h1, where1 = _pool(a1)
        c2 = _windows(h1, 3)
        a2 = np.maximum(c2 @ p["w2"] + p["b2"], 0).reshape(n, h1.shape[1], h1.shape[2], 16)
        h2, where2 = _pool(a2)
        z = np.concatenate([h2.reshape(n, -1), extra], axis=1)
        a3 = np.maximum(z @ p["w3"] + p["b3"], 0)
        out = (a3 @ p["w4"] + p["b4"])[:, 0]
        return (out, (c1, a1, where1, h1, c2, a2, where2, h2, z, a3)) if keep else out

    def gradients(self, x, extra, y, w) -> tuple[float, dict]:
        """Weighted mean squared error and its gradient."""
        p = self.p
        out, (c1, a1, where1, h1, c2, a2, where2, h2, z, a3) = self.forward(x, extra, keep=True)
        w = w / w.sum()
        loss = float(np.sum(w * (out - y) ** 2))
        dout = (2 * w * (out - y))[:, None].astype(np.float32)
        g = {"w4": a3.T @ dout, "b4": dout.sum(axis=0)}
        da3 = (dout @ p["w4"].T) * (a3 > 0)
        g["w3"], g["b3"] = z.T @ da3, da3.sum(axis=0)
        dh2 = (da3 @ p["w3"].T)[:, :h2[0].size].reshape(h2.shape)
        da2 = (_unpool(dh2, where2) * (a2 > 0)).reshape(-1, 16)
        g["w2"], g["b2"] = c2.T @ da2, da2.sum(axis=0)
        dh1 = _unwindows(da2 @ p["w2"].T, h1.shape, 3)
        da1 = (_unpool(dh1, where1) * (a1 > 0)).reshape(-1, 8)
        g["w1"], g["b1"] = c1.T @ da1, da1.sum(axis=0)
        return loss, g

    def fit(self, x, extra, y, w, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        m = {k: np.zeros_like(v) for k, v in self.p.items()}
        v = {k: np.zeros_like(val) for k, val in self.p.items()}
        step = 0
        for _ in range(EPOCHS):
            order = rng.permutation(len(x))
            for start in range(0, len(x), BATCH):
                batch = order[start:start + BATCH]
                _, g = self.gradients(x[batch], extra[batch], y[batch], w[batch])
                step += 1
                for k in self.p:
                    grad = g[k] + (WEIGHT_DECAY * self.p[k] if k.startswith("w") else 0)
                    m[k] = 0.9 * m[k] + 0.1 * grad
                    v[k] = 0.999 * v[k] + 0.001 * grad ** 2
                    self.p[k] -= (LEARNING_RATE * (m[k] / (1 - 0.9 ** step))
                                  / (np.sqrt(v[k] / (1 - 0.999 ** step)) + 1e-8)).astype(np.float32)

    def predict(self, x, extra) -> np.ndarray:
        return np.concatenate([self.forward(x[i:i + 256], extra[i:i + 256]) for i in range(0, len(x), 256)])


def net_inputs(data: dict, grey_too: bool = True) -> np.ndarray:
    import cv2

    def small(images):
        return np.array([cv2.resize(im, (NET_SIZE, NET_SIZE), interpolation=cv2.INTER_AREA) for im in images])
    grey = small(data["grey"])
    grey = (grey - grey.mean(axis=(1, 2), keepdims=True)) / (grey.std(axis=(1, 2), keepdims=True) + 1e-3)
    return np.stack([small(data["mask"]), grey] if grey_too else [small(data["mask"])], axis=-1).astype(np.float32)


def cnn_reading(data: dict, images: np.ndarray, held: np.ndarray, seed: int = 0) -> np.ndarray:
    """The network fitted on the training bodies (targets and posture numbers standardised on them; each clip's
    frames weighted alike), read on the bodies left out."""
    dev = data["split"] == "dev"
    thin = ~dev | (np.arange(len(held)) % DEV_THIN == 0)
    train = ~held & thin
    posture = data["posture"]
    p_mean, p_scale = posture[train].mean(axis=0), posture[train].std(axis=0) + 1e-6
    extra = ((posture - p_mean) / p_scale).astype(np.float32)
    y = data["true"]
    y_mean, y_scale = y[train].mean(), y[train].std() + 1e-6
    w = np.where(dev, data["weight"] * DEV_THIN, data["weight"])[train]
    w = w / w.mean()
    net = SmallCNN(images.shape[-1], extra.shape[1], NET_SIZE, seed)
    net.fit(images[train], extra[train], ((y[train] - y_mean) / y_scale).astype(np.float32), w.astype(np.float32),
            seed)
    return net.predict(images[held], extra[held]) * y_scale + y_mean


def study_position(stretch: str, grey_too: bool = True) -> dict:
    data = load(stretch)
    y, w = data["true"], data["weight"]
    x_pixels = pixels(data)
    images = net_inputs(data, grey_too)
    nets = [f"cnn seed {seed}" for seed in SEEDS]
    readings = {name: np.full(len(y), np.nan) for name in ("mean guess", "outline", "pixel ridge", *nets)}
    for held in folds(data):
        start = time.time()
        readings["mean guess"][held] = np.average(y[~held], weights=w[~held])
        readings["outline"][held] = outline_reading(data, held)
        readings["pixel ridge"][held] = pixel_ridge(data, x_pixels, held)
        for seed, name in zip(SEEDS, nets):
            readings[name][held] = cnn_reading(data, images, held, seed)
        print(f"  {stretch}: left out {sorted(set(data['body'][held]))[:2]}… ({held.sum()} frames) in "
              f"{time.time() - start:.0f} s", flush=True)
    readings["cnn"] = np.mean([readings[name] for name in nets], axis=0)  # the seeds' mean
    readings["mean of outline and cnn"] = (readings["outline"] + readings["cnn"]) / 2
    report = {"frames": int(len(y)), "clips": len(set(data["clip"])), "bodies": len(set(data["body"])),
              "dev_bodies": len(set(data["body"][data["split"] == "dev"])),
              "train_bodies": len(set(data["body"][data["split"] == "train"]))}
    for name, reading in readings.items():
        err = reading - y
        report[name] = {"all": round(mae(err, w), 2),
                        **{split: round(mae(err[data["split"] == split], w[data["split"] == split]), 2)
                           for split in ("dev", "train") if (data["split"] == split).any()},
                        "bias": round(float(np.average(err, weights=w)), 2)}
        dev = data["split"] == "dev"
        report[name]["per_dev_body"] = {body: round(mae(err[data["body"] == body], w[data["body"] == body]), 2)
                                        for body in sorted(set(data["body"][dev]))}
    # Body by body (all bodies, each scored out of fit): where is the network, or the mean, nearer the rig?
    bodies = sorted(set(data["body"]))
    for name in ("cnn", "mean of outline and cnn"):
        better = sum(mae(readings[name][data["body"] == b] - y[data["body"] == b], w[data["body"] == b])
                     < mae(readings["outline"][data["body"] == b] - y[data["body"] == b], w[data["body"] == b])
                     for b in bodies)
        report[name]["bodies_better_than_outline"] = f"{better} of {len(bodies)}"
        report[name]["sign_test_p"] = round(sum(comb(len(bodies), k) for k in range(better, len(bodies) + 1))
                                            / 2 ** len(bodies), 4)
    return report


def study(stretches: list[str], grey_too: bool = True) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    for stretch in stretches:
        report = study_position(stretch, grey_too)
        print(json.dumps({stretch: report}), flush=True)
        name = f"study_{stretch}{'' if grey_too else '_mask_only'}.json"
        (CACHE / name).write_text(json.dumps(report, indent=1) + "\n")


# --- the real footage (validation only: read from ../shared/real-footage, nothing kept in the repository) ---------

REAL = REPO.parent / "shared" / "real-footage"
REAL_CACHE = Path("/tmp/formcheck_cnn_real")
REAL_STRIDE_S = 0.5
# A lumbar mistake of each position and the sign it reads with.
REAL_MISTAKES = {"hamstring": ({"rounding", "lumbar_rounding"}, 1), "hip-flexor": ({"arching", "lumbar_arching"}, -1)}


def real_items() -> list[dict]:
    """Side-view, unambiguous labelled items of the positions read, with the seconds to read: the labelled
    intervals for a mistake, else the whole item less its abstain intervals."""
    from formcheck.video import VideoReader

    labels = []
    for group in ("real", "real2"):
        labels += [{**e, "group": group, "path": REAL / group / e["file"]}
                   for e in json.loads((REAL / group / "labels.json").read_text())]
    for group in ("stills", "stills2"):
        for path in sorted((REAL / group).glob("still_*.json")):
            e = json.loads(path.read_text())
            labels.append({**e, "group": group, "path": path.with_suffix(".mp4")})
    items = []
    for e in labels:
        stretch = e["stretch"].replace("_", "-")
        if stretch not in REAL_MISTAKES or e["view"] != "side" or e.get("ambiguous") or e.get("scored") is False:
            continue
        if e["mistake"] is not None and e["mistake"] not in REAL_MISTAKES[stretch][0]:
            continue
        with VideoReader(e["path"]) as reader:
            info = reader.info
        if e["mistake"]:
            hold = e["intervals"]
        else:
            hold = [[0.0, info.duration_s]]
            for start, end in e.get("abstain_intervals") or []:
                hold = [part for a, b in hold for part in ([[a, min(b, start)]] if a < start else [])
                        + ([[max(a, end), b]] if b > end else [])]
        items.append({"name": f"{e['group']}/{e['path'].name}", "path": e["path"], "stretch": stretch,
                      "mistake": bool(e["mistake"]), "hold": hold, "fps": info.fps})
    return items


def real_extract(part: int, parts: int) -> None:
    REAL_CACHE.mkdir(parents=True, exist_ok=True)
    global STRIDE_S, LEAD_S
    STRIDE_S, LEAD_S = REAL_STRIDE_S, 0.0
    for item in real_items()[part::parts]:
        target = REAL_CACHE / (item["name"].replace("/", "__") + ".npz")
        if target.is_file():
            continue
        arrays = extract_clip(item["path"], {"fps": item["fps"], "hold": item["hold"], "stretch": item["stretch"]})
        np.savez_compressed(target, **arrays)
        print(f"{item['name']}: {len(arrays['t'])} frames", flush=True)


def auc(high: list[float], low: list[float]) -> float:
    """Share of (mistake, correct) pairs in which the mistake reads further in its direction (ties half)."""
    pairs = [(h > lo) + 0.5 * (h == lo) for h in high for lo in low]
    return float(np.mean(pairs)) if pairs else float("nan")


def real_study() -> None:
    """Fit each reading on every rendered body, read each real item (median over its frames), and say how well the
    readings order the labelled mistakes against the correct items (AUC) and where each group lies."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from fit_lumbar import best_alpha, fit_ridge

    from formcheck.lumbar import features, load_models

    shipped = load_models()
    items = real_items()
    for stretch, (_, sign) in REAL_MISTAKES.items():
        data = load(stretch)
        x, y, w, g = data["outline"], data["true"], data["weight"], data["body"]
        outline = fit_ridge(x, y, w, best_alpha(x, y, w, g)[0])
        images = net_inputs(data, grey_too=False)
        posture = data["posture"]
        p_mean, p_scale = posture.mean(axis=0), posture.std(axis=0) + 1e-6
        dev = data["split"] == "dev"
        thin = ~dev | (np.arange(len(y)) % DEV_THIN == 0)
        wt = np.where(dev, w * DEV_THIN, w)[thin]
        y_mean, y_scale = y.mean(), y.std()
        nets = []
        for seed in SEEDS:
            net = SmallCNN(1, len(POSTURE), NET_SIZE, seed)
            net.fit(images[thin], ((posture[thin] - p_mean) / p_scale).astype(np.float32),
                    ((y[thin] - y_mean) / y_scale).astype(np.float32), (wt / wt.mean()).astype(np.float32), seed)
            nets.append(net)
        rows = []
        for item in (i for i in items if i["stretch"] == stretch):
            path = REAL_CACHE / (item["name"].replace("/", "__") + ".npz")
            if not path.is_file():
                continue
            arrays = dict(np.load(path))
            if not len(arrays["t"]):
                rows.append((item, None))
                continue
            feats = features(arrays["offsets"], arrays["trunk_tilt"], arrays["hip_fold"], arrays["knee_flexion"])
            post = np.column_stack([arrays[name] for name in POSTURE])
            ok = (np.isfinite(feats).all(axis=1) & np.isfinite(post).all(axis=1)
                  & (arrays["core_visibility"] >= MIN_VISIBILITY))
            if not ok.any():
                rows.append((item, None))
                continue
            masks = {"mask": np.asarray(arrays["mask"][ok], np.float32), "grey": np.asarray(arrays["grey"][ok],
                                                                                           np.float32)}
            ims = net_inputs(masks, grey_too=False)
            extra = ((post[ok] - p_mean) / p_scale).astype(np.float32)
            cnn = np.mean([net.predict(ims, extra) for net in nets], axis=0) * y_scale + y_mean
            read = {"shipped outline": shipped[stretch].predict(feats[ok]), "outline refit": outline.predict(feats[ok]),
                    "cnn (mask)": cnn}
            read["mean of refit and cnn"] = (read["outline refit"] + cnn) / 2
            rows.append((item, {k: float(np.nanmedian(v)) if np.isfinite(v).any() else float("nan")
                                for k, v in read.items()} | {"frames": int(ok.sum())}))
        read_rows = [(i, r) for i, r in rows if r is not None]
        print(f"{stretch}: {len(rows)} side-view items, {len(read_rows)} read "
              f"({sum(i['mistake'] for i, _ in read_rows)} mistakes, {sum(not i['mistake'] for i, _ in read_rows)} "
              f"correct)")
        for name in ("shipped outline", "outline refit", "cnn (mask)", "mean of refit and cnn"):
            high = [sign * r[name] for i, r in read_rows if i["mistake"] and np.isfinite(r[name])]
            low = [sign * r[name] for i, r in read_rows if not i["mistake"] and np.isfinite(r[name])]
            print(f"  {name:22s} AUC {auc(high, low):.2f}; median mistake {sign * np.median(high):+.1f}°, "
                  f"correct {sign * np.median(low):+.1f}° ({len(high)} / {len(low)} read)")
        for item, r in rows:
            print(f"    {item['name']:28s} {'mistake' if item['mistake'] else 'correct':8s} "
                  + ("unread" if r is None else " ".join(f"{v:+6.1f}" for k, v in r.items() if k != "frames")
                     + f" ({r['frames']} frames)"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract")
    ex.add_argument("folders", type=Path, nargs="+")
    ex.add_argument("--part", type=int, default=0)
    ex.add_argument("--parts", type=int, default=1)
    ex.add_argument("--reverse", action="store_true", help="from the last clip (a helper process)")
    st = sub.add_parser("study")
    st.add_argument("--stretch", nargs="+", default=list(STRETCHES_READ))
    st.add_argument("--mask-only", action="store_true", help="the network reads the mask alone, not the picture")
    rx = sub.add_parser("real-extract", help="pose + crops of the real footage's side-view items, to /tmp")
    rx.add_argument("--part", type=int, default=0)
    rx.add_argument("--parts", type=int, default=1)
    sub.add_parser("real", help="fit on every rendered body, read the real footage")
    args = parser.parse_args()
    if args.command == "real-extract":
        real_extract(args.part, args.parts)
    elif args.command == "real":
        real_study()
    elif args.command == "extract":
        extract(args.folders, args.part, args.parts, args.reverse)
    else:
        study(args.stretch, not args.mask_only)


if __name__ == "__main__":
    main()
