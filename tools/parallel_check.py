"""Does `analyze` on several pose processes give the events of one process, clip by clip?

    .venv/bin/python tools/parallel_check.py sample_videos [--workers 2] [--skip-frames] [--only ham_,gl_]
                                             [--reference DIR]

Each clip is observed by one process and by the pose processes `analyze` uses (``formcheck.parallel``), and both
observations are judged with the clip's stretch by the same rules. Prints, per clip, the events of each and the
largest landmark gap after the first span; exit code 1 if any clip's events differ (mistake, start or end).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from contextlib import closing
from pathlib import Path

import numpy as np

from formcheck.analyze import frame_step
from formcheck.evaluate import find_clips, load_truth
from formcheck.parallel import default_workers, observe_video, span_starts
from formcheck.pipeline import Judge, Observation, Observer, get_stretch
from formcheck.video import VideoReader


def one_process(clip: Path, stretch: str, step: int, keep: Path | None) -> list[Observation]:
    """One process's observations; kept in ``keep`` (if given) for the next run, which compares other settings of
    the pose processes (only they change: the reference must be made afresh when the Observer changes)."""
    kept = keep / f"{clip.stem}-{stretch}-{step}.pkl" if keep else None
    if kept and kept.is_file():
        return pickle.loads(kept.read_bytes())
    with closing(Observer(get_stretch(stretch))) as observer, VideoReader(clip) as reader:
        seen = [observer(rgb, t) for index, (t, rgb) in enumerate(reader.frames()) if index % step == 0]
    if kept:
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_bytes(pickle.dumps(seen))
    return seen


def events(seen: list[Observation], stretch: str) -> list[tuple[str, float, float]]:
    judge = Judge(get_stretch(stretch))
    blank = np.zeros((48, 64, 3), np.uint8)
    for one in seen:
        judge(one, blank)
    judge.session.finish(seen[-1].pose.t)
    return [tuple(e.as_dict()[k] for k in ("mistake", "start_s", "end_s")) for e in judge.session.events]


def largest_gap_px(alone: list[Observation], shared: list[Observation]) -> float:
    gaps = [np.nanmax(np.abs(a.pose.image[:, :2] - b.pose.image[:, :2]))
            for a, b in zip(alone, shared) if a.pose.detected and b.pose.detected]
    return float(max(gaps, default=np.nan))  # nan: nobody seen by both


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=max(2, default_workers()))
    parser.add_argument("--skip-frames", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated name prefixes")
    parser.add_argument("--reference", type=Path, help="keep one process's observations in this folder")
    args = parser.parse_args()
    differ = 0
    clips = [(clip, load_truth(truth)) for clip, truth in find_clips(args.folder)
             if not args.only or any(clip.name.startswith(p) for p in args.only.split(","))]
    for clip, truth in clips:
        stretch = truth["stretch"]
        step = frame_step(stretch, truth["fps"], args.skip_frames)
        with VideoReader(clip) as reader:
            info = reader.info
        alone = one_process(clip, stretch, step, args.reference)
        shared = list(observe_video(info, stretch, "full", args.workers, step))
        same_detection = [a.pose.detected for a in alone] == [b.pose.detected for b in shared]
        first = span_starts(info.frame_count, args.workers, step)[1] // step
        ours, theirs = events(alone, stretch), events(shared, stretch)
        differ += ours != theirs
        print(f"{clip.name:36s} {'same' if ours == theirs else 'DIFFERENT':9s} one process {ours} | shared "
              f"{theirs} | detection {'same' if same_detection else 'differs'}; largest landmark gap "
              f"{largest_gap_px(alone[first:], shared[first:]):.1f} px (first span identical: "
              f"{largest_gap_px(alone[:first], shared[:first]) == 0})", flush=True)
    print(f"{len(clips) - differ} of {len(clips)} clips have the same events")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
