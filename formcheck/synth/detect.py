"""Check that MediaPipe finds the person in rendered clips (a dev tool, not used by the app).

    python -m formcheck.synth.detect [--model models/pose_landmarker_full.task] CLIP.mp4 ...

Runs the PoseLandmarker in VIDEO mode over every frame and prints the fraction of
frames with a detected person and the mean landmark visibility.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def detection_rate(path: Path, model: Path) -> dict:
    import av
    import mediapipe as mp
    import numpy as np
    from mediapipe.tasks.python import BaseOptions, vision

    opts = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
    )
    n = hit = 0
    vis = []
    with (
        vision.PoseLandmarker.create_from_options(opts) as det,
        av.open(str(path)) as c,
    ):
        fps = float(c.streams.video[0].average_rate or 30)
        for i, fr in enumerate(c.decode(video=0)):
            img = np.ascontiguousarray(fr.to_ndarray(format="rgb24"))
            res = det.detect_for_video(
                mp.Image(image_format=mp.ImageFormat.SRGB, data=img),
                int(i * 1000 / fps),
            )
            n += 1
            if res.pose_landmarks:
                hit += 1
                vis.append(
                    float(np.mean([lm.visibility for lm in res.pose_landmarks[0]]))
                )
    return {
        "clip": Path(path).name,
        "frames": n,
        "detected": hit,
        "rate": hit / max(n, 1),
        "mean_visibility": float(np.mean(vis)) if vis else 0.0,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("clips", nargs="+")
    ap.add_argument(
        "--model",
        default=str(
            Path(__file__).resolve().parents[2] / "models" / "pose_landmarker_full.task"
        ),
    )
    ap.add_argument("--json", help="also write the results to this JSON file")
    a = ap.parse_args(argv)
    out = []
    for c in a.clips:
        r = detection_rate(Path(c), Path(a.model))
        out.append(r)
        print(
            f"{r['clip']:34s} {r['detected']:4d}/{r['frames']:4d} = {r['rate']:.3f}  vis {r['mean_visibility']:.2f}",
            flush=True,
        )
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
