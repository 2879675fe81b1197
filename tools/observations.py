"""Cache what the pose model and metrics see in each labelled clip, so rule changes can be replayed in seconds.

    .venv/bin/python tools/observations.py sample_videos heldout_videos     # fill the cache
    .venv/bin/python tools/observations.py --replay sample_videos           # score the rules on the cache
    .venv/bin/python tools/observations.py --replay --skip-frames sample_videos   # as `analyze --skip-frames`

A dev tool for tuning the rules and fitting the lumbar model: the cache key covers the clip, the pose model, the
source of every module that shapes an observation and the versions of the libraries that decode and see the frames,
so a stale cache is never read. The replay gives the frames, events and figures `formcheck eval` gives (which runs
everything afresh; tests/test_replay.py compares the two).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
from functools import cache
from importlib.metadata import version
from pathlib import Path

import numpy as np

from formcheck.analyze import frame_record, frame_step
from formcheck.auto import AutoJudge
from formcheck.evaluate import clip_rows, find_clips, load_truth, score_frames, summarize, truth_definition
from formcheck.model_files import DEFAULT_MODEL, model_path, sha256_of
from formcheck.parallel import default_workers, observe_video
from formcheck.pipeline import Judge, Observation, Observer, get_stretch
from formcheck.video import VideoReader

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_graph import PACKAGE, import_graph, module_paths, reachable  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "observations"
# An observation is made through parallel.py (one process or several), by the Observer in pipeline.py and every
# module they import, except the Judge's: pipeline.py imports these for the Judge, which runs on the replayed
# observations (the lumbar angle too is read then, with the current model), so a rule change keeps the cache.
OBSERVING = "formcheck.parallel"
JUDGING = {f"formcheck.{name}" for name in ("lumbar", "positions", "rules", "session", "tall", "tilt_range")}
# The libraries that decode the frames and see the body.
SHAPING_PACKAGES = ("av", "mediapipe", "numpy")


@cache
def shaping_sources() -> list[Path]:
    """The source files of every module an observation depends on."""
    paths = module_paths(PACKAGE)
    return [paths[name] for name in sorted(reachable(import_graph(PACKAGE), OBSERVING, stop=JUDGING))]


def package_versions() -> dict[str, str]:
    return {name: version(name) for name in SHAPING_PACKAGES}


def cache_key(clip: Path, stretch: str, model: str, step: int) -> str:
    """What the observations of ``clip`` depend on: the clip, whether the stretch reads the segmentation mask,
    the pose model, the frame step, the source of the modules behind an observation and the libraries' versions."""
    digest = hashlib.sha256()
    for part in (sha256_of(clip), f"mask {get_stretch(stretch).needs_mask}", sha256_of(model_path(model)),
                 f"step {step}", *(sha256_of(path) for path in shaping_sources()),
                 *(f"{name} {number}" for name, number in package_versions().items())):
        digest.update(part.encode())
    return digest.hexdigest()[:16]


def observations(clip: Path, stretch: str, model: str = DEFAULT_MODEL, step: int = 1,
                 log=print) -> list[Observation]:
    """What the pose model saw in every ``step``-th frame (it sees only those, as in ``analyze --skip-frames``)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"{clip.stem}-{cache_key(clip, stretch, model, step)}.pkl"
    if cached.is_file():
        return pickle.loads(cached.read_bytes())
    log(f"observing {clip.name}" + (f" (every {step} frames)" if step > 1 else ""))
    with VideoReader(clip) as reader:
        info = reader.info
    workers = default_workers()
    if workers > 1:
        seen = list(observe_video(info, stretch, model, workers, step))
    else:
        observer = Observer(get_stretch(stretch), model)
        with VideoReader(clip) as reader:
            seen = [observer(rgb, t) for index, (t, rgb) in enumerate(reader.frames()) if index % step == 0]
        observer.close()
    cached.write_bytes(pickle.dumps(seen))
    return seen


def frame_times(clip: Path) -> list[float]:
    with VideoReader(clip) as reader:
        return [t for t, _ in reader.frames()]


def replay(clip: Path, truth: dict, skip_frames: bool = False, auto: bool = False) -> tuple[list[dict], list[dict]]:
    """Frames and events as `formcheck analyze` would report them (with the clip's stretch, or ``--stretch auto``),
    from cached observations."""
    stretch = truth["stretch"]
    step = frame_step(stretch, truth["fps"], skip_frames)
    judge = AutoJudge() if auto else Judge(get_stretch(stretch))
    blank = np.zeros((48, 64, 3), np.uint8)
    seen = observations(clip, stretch, step=step)
    judged = iter(seen)
    frames = []
    for index, t in enumerate(frame_times(clip) if step > 1 else [one.pose.t for one in seen]):
        if index % step == 0:
            frames.append(frame_record(judge(next(judged), blank)))
        else:  # as analyze does: the frames between repeat the last judgement
            frames.append({**frames[-1], "t": round(t, 4), "held": True})
    judge.session.finish(frames[-1]["t"])
    return frames, [event.as_dict() for event in judge.session.events]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--replay", action="store_true", help="score the current rules on the cached observations")
    parser.add_argument("--skip-frames", action="store_true", help="observe (and judge) only the frames that "
                        "`analyze --skip-frames` judges")
    parser.add_argument("--only", default="", help="comma-separated name prefixes")
    parser.add_argument("--auto", action="store_true", help="replay as --stretch auto (the stretch recognised)")
    parser.add_argument("--json", type=Path, help="with --replay: write per-clip figures here, as `formcheck eval "
                        "--json` does (one folder only)")
    args = parser.parse_args()
    for folder in args.folders:
        scores = []
        for clip, truth_path in find_clips(folder):
            if args.only and not any(clip.name.startswith(p) for p in args.only.split(",")):
                continue
            truth = load_truth(truth_path)
            if not args.replay:
                observations(clip, truth["stretch"], step=frame_step(truth["stretch"], truth["fps"], args.skip_frames))
                continue
            frames, events = replay(clip, truth, args.skip_frames, args.auto)
            score = score_frames(clip.name, truth, frames, events)
            scores.append(score)
            got = ", ".join(f"{e['mistake']} {e['start_s']:.1f}-{e['end_s']:.1f}" for e in events) or "-"
            want = ", ".join(f"{m} {a:.1f}-{b:.1f}" for m, ivs in truth["mistakes"].items() for a, b in ivs) or "-"
            print(f"{clip.name:40s} truth: {want:40s} flagged: {got}")
        if scores:
            summary = summarize(scores)
            if args.json:
                args.json.write_text(json.dumps({"summary": summary, "clips": clip_rows(scores)}, indent=1))
            print(f"  {truth_definition(summary)}")
            for mistake, row in summary["per_mistake"].items():
                print(f"  {mistake:16s} true {row['true_intervals']} found {row['matched']} "
                      f"false {row['false_alarms']} F1 {row['f1']:.2f} ttf p90 {row['time_to_flag_p90_s']:.1f}")
            print(f"  false alarms/min correct hold {summary['false_alarms_per_min_correct_hold']:.2f}; flagged while "
                  f"correct {summary['flagged_while_correct_share']:.1%}; time to clear p50/p90 "
                  f"{summary['time_to_clear']['median_s']:.1f}/{summary['time_to_clear']['p90_s']:.1f} s; mistake time "
                  f"called good {summary['mistake_called_good_share']:.1%}, possible "
                  f"{summary['mistake_called_possible_share']:.1%}; correct time called possible "
                  f"{summary['correct_called_possible_share']:.1%}; start in "
                  f"mistake: time to flag p90 {summary['start_in_mistake_time_to_flag']['p90_s']:.1f} s "
                  f"(n={summary['start_in_mistake_time_to_flag']['n']})")
            for group, row in summary["lumbar_angle_per_stretch"].items():
                print(f"  lumbar angle {group}: MAE {row['mae_deg']:.1f}, bias {row['bias_deg']:+.1f} "
                      f"(neutral guess {row['neutral_guess_mae_deg']:.1f}), {row['frames']} frames")


if __name__ == "__main__":
    main()
