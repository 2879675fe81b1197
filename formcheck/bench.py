"""`formcheck bench`: what formcheck adds on top of bare pose inference, measured as ratios within one run.

The frames are decoded once into memory, then bare PoseLandmarker inference and the full pipeline run over the
same frames in alternating rounds, so machine noise hits both alike. Warm-up frames are excluded.
"""

from __future__ import annotations

import json
import math
import os
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from fractions import Fraction
from pathlib import Path

import numpy as np

from .analyze import analyze_video
from .parallel import default_workers, pinned_to
from .draw import annotate
from .pipeline import Pipeline, get_stretch
from .pose import PoseEstimator
from .video import H264Writer, VideoReader
from .wording import frame_lines

WARMUP_FRAMES = 15
ROUNDS = 3


def _ms_stats(seconds: list[float]) -> dict[str, float]:
    ms = np.asarray(seconds) * 1000
    return {"median_ms": float(np.median(ms)), "p95_ms": float(np.percentile(ms, 95)), "n": len(ms)}


def decode_frames(video: Path, count: int) -> tuple[list[np.ndarray], float, list[float]]:
    """First ``count`` frames (looping a short clip), its fps, and per-frame decode seconds."""
    frames, decode_s = [], []
    while len(frames) < count:
        with VideoReader(video) as reader:
            fps = reader.info.fps
            iterator = reader.frames()
            while len(frames) < count:
                start = time.perf_counter()
                item = next(iterator, None)
                if item is None:
                    break
                decode_s.append(time.perf_counter() - start)
                frames.append(item[1])
    return frames, fps, decode_s


@contextmanager
def one_core() -> Iterator[None]:
    """Keep this thread, and the threads it starts meanwhile (MediaPipe's, the decoder's), on one core: the
    single-process baseline as it runs when it has a core to itself (unpinned, its threads hop between cores)."""
    with pinned_to(max(os.sched_getaffinity(0))):
        yield


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the pose processes are joined)."""
    return sum(usage.ru_utime + usage.ru_stime
               for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


def time_analyze(video: Path, stretch: str, model: str, workers: int, skip_frames: bool, encode: bool,
                 pinned: bool) -> dict:
    """`analyze` on ``workers`` pose processes: wall and CPU time, and CPU seconds by part per process."""
    with tempfile.TemporaryDirectory() as tmp, one_core() if pinned else nullcontext():
        cpu, started = cpu_seconds(), time.perf_counter()
        analysis = analyze_video(video, stretch, model=model, workers=workers, skip_frames=skip_frames,
                                 annotated=Path(tmp) / "annotated.mp4" if encode else None)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    video_s = len(analysis.frames) / analysis.info.fps
    return {"workers": workers, "pinned": pinned, "skip_frames": skip_frames, "frame_step": analysis.frame_step,
            "seconds": seconds, "video_seconds": video_s, "fps": len(analysis.frames) / seconds,
            "realtime_factor": video_s / seconds, "cpu_s_per_video_s": cpu / video_s,
            "cpu_s_by_part": analysis.cpu_s}


def analyze_lines(analyze: dict) -> list[str]:
    """The `analyze` runs in words: throughput against bare inference, CPU per second of video, and by part."""
    lines = []
    for name, run in analyze["runs"].items():
        how = (f"every {run['frame_step']} frames judged" if run["skip_frames"] else "every frame judged")
        lines.append(f"analyze, {name.replace('_', ' ')} ({run['workers']} pose process"
                     f"{'es' if run['workers'] > 1 else ''}, {how}): {run['throughput_vs_bare']:.2f}× bare "
                     f"inference throughput, {run['realtime_factor']:.2f}× real time, "
                     f"{run['cpu_s_per_video_s']:.2f} CPU s per video s")
        for process, parts in run["cpu_s_by_part"].items():
            lines.append(f"    {process}: " + ", ".join(f"{part} {seconds:.2f} s" for part, seconds in parts.items()))
    ratios = analyze["pool_vs_one_process"]
    lines.append(f"pool / one pinned process: throughput {ratios['throughput']:.2f}×, CPU per video second "
                 f"{ratios['cpu_per_video_s']:.2f}×")
    return lines


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_live(video: Path, stretch: str, model: str, seconds: float, fps: float = 30.0) -> dict:
    """Drive the live page's frame callback from a clip at ``fps`` in real time, as a webcam would.

    Latency is capture → overlay ready (the worker processed that frame); frames the worker had not taken
    before a newer one arrived are dropped on purpose (newest-frame-wins: no queue, no growing lag). A stand-in for
    the page's side panel takes the verdict to show on the panel's schedule, as the page does (the video then paints
    it): "verdict shown" is capture → that verdict taken for the panel, "verdict change shown" the capture of the
    first frame judged with a new status → that status taken (``CoachView.shown_latency_ms``/``change_latency_ms``,
    over the last ``SHOWN_KEPT`` refreshes).
    """
    import av

    from .coaching.coach import PANEL_EVERY_S, Coach, practice_steps

    images, _, _ = decode_frames(video, int(min(seconds, 20) * fps))
    coach = Coach(practice_steps(stretch, target_s=1e9, ready_s=0.0), model)
    callback_s, latencies, rss = [], [], []  # rss: (seconds into the feed, MB), every 10 s
    seen = 0
    panel_due = 0.0  # feed seconds of the panel's next refresh
    start = time.perf_counter()
    try:
        for i in range(int(seconds * fps)):
            delay = start + i / fps - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            frame = av.VideoFrame.from_ndarray(images[i % len(images)], format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, round(fps))
            began = time.perf_counter()
            coach.on_frame(frame)
            callback_s.append(time.perf_counter() - began)
            panel = time.perf_counter() - start >= panel_due
            if panel:
                panel_due += PANEL_EVERY_S
            view = coach.view(shown=panel)
            if view.frames > seen:
                seen = view.frames
                latencies.append((time.perf_counter() - start, view.latency_ms))
            if i % int(fps * 10) == 0:
                rss.append((time.perf_counter() - start, current_rss_mb()))
        view = coach.view()
        submitted = int(seconds * fps)
        rss.append((time.perf_counter() - start, current_rss_mb()))  # still running: the model is loaded
    finally:
        coach.close()
    lat = np.array([ms for _, ms in latencies])
    tenth = max(1, len(lat) // 10)
    shown_p50, shown_p95 = view.shown_latency_ms or (math.nan, math.nan)
    change_p50, change_p95 = view.change_latency_ms or (math.nan, math.nan)
    return {
        "seconds": seconds, "input_fps": fps, "submitted": submitted, "processed": view.frames,
        "processed_fps": view.frames / seconds, "dropped_share": 1 - view.frames / submitted,
        "latency_p50_ms": float(np.median(lat)), "latency_p95_ms": float(np.percentile(lat, 95)),
        # No growing lag: latency in the first and the last tenth of the feed.
        "latency_first_tenth_p50_ms": float(np.median(lat[:tenth])),
        "latency_last_tenth_p50_ms": float(np.median(lat[-tenth:])),
        "verdict_shown_p50_ms": shown_p50, "verdict_shown_p95_ms": shown_p95,
        "verdict_change_shown_p50_ms": change_p50, "verdict_change_shown_p95_ms": change_p95,
        "callback": _ms_stats(callback_s),
        # From the first sample after the worker loaded its model (10 s in) to the end of the feed.
        "rss_start_mb": rss[1][1] if len(rss) > 2 else rss[0][1], "rss_end_mb": rss[-1][1],
        "rss_max_mb": max(mb for _, mb in rss),
        # Flat memory: the growth over the second half of the feed, and the whole curve to see where it levels.
        "rss_second_half_growth_mb": rss[-1][1] - next(mb for t, mb in rss if t >= seconds / 2),
        "rss_mb_every_10s": [round(mb, 1) for _, mb in rss],
    }


def run_long_session(minutes: float, stretch: str = "hamstring", fps: float = 30.0) -> dict:
    """Rules + session over a long simulated hold (a mistake every 20 s): per-frame cost and memory must stay flat.

    Synthetic metrics, no camera or model, so it runs faster than real time.
    """
    from .rules import RuleEngine
    from .session import Session

    spec = get_stretch(stretch)
    engine, session = RuleEngine(spec), Session(spec)
    rgb = np.zeros((480, 640, 3), np.uint8)
    settled = {"core_visibility": 0.9, "shoulder_width_ratio": 0.2, "hip_fold": 80.0, "deeper_hip_fold": 80.0,
               "trunk_tilt": 70.0, "trunk_abs_tilt": 70.0, "front_thigh_tilt": 70.0, "back_knee_drop": 0.6,
               "pelvis_lift": 0.0}
    key = spec.mistakes[0].conditions[0]
    frames = int(minutes * 60 * fps)
    per_frame, rss = [], [current_rss_mb()]
    for i in range(frames):
        t = i / fps
        mistaken = (t % 20) > 14  # 6 s of mistake in every 20 s
        value = key.on * 1.5 if mistaken else 0.0
        metrics = {**settled, key.metric: value + 0.001 * np.sin(t)}
        start = time.perf_counter()
        session.update(engine.update(t, metrics, 1), rgb)
        per_frame.append(time.perf_counter() - start)
        if i % int(fps * 60) == 0:
            rss.append(current_rss_mb())
    minute = int(60 * fps)
    return {"minutes": minutes, "frames": frames, "events": len(session.events),
            "first_minute": _ms_stats(per_frame[:minute]), "last_minute": _ms_stats(per_frame[-minute:]),
            "rss_start_mb": rss[0], "rss_end_mb": current_rss_mb(),
            # Grows while the first MAX_FLAGGED_FRAMES thumbnails are kept, then stays flat.
            "rss_mb_by_minute": [round(mb, 1) for mb in rss]}


def run_bench(video: Path, stretch: str = "hamstring", model: str = "full", frames: int = 300,
              encode: bool = False, live_seconds: float = 0.0, session_minutes: float = 0.0,
              on_step: Callable[[str], None] | None = None) -> dict:
    spec = get_stretch(stretch)
    say = on_step or (lambda _: None)
    say("decoding")
    images, fps, decode_s = decode_frames(video, frames + WARMUP_FRAMES)
    height, width = images[0].shape[:2]

    bare_s: list[float] = []
    stages: dict[str, list[float]] = {k: [] for k in ("pose", "metrics", "rules", "session", "draw", "encode")}
    pipeline_s: list[float] = []
    # On one core, as the single-process baseline below: bare inference is the yardstick of every throughput.
    with tempfile.TemporaryDirectory() as tmp, one_core(), \
            PoseEstimator(model, masks=spec.needs_mask) as bare, Pipeline(stretch, model) as pipeline:
        writer = H264Writer(Path(tmp) / "bench.mp4", fps, width, height) if encode else None
        for i, rgb in enumerate(images[:WARMUP_FRAMES]):
            bare(rgb, i / fps)
            pipeline(rgb, i / fps)
        body = images[WARMUP_FRAMES:]
        chunk = -(-len(body) // ROUNDS)
        for r in range(ROUNDS):
            say(f"round {r + 1}/{ROUNDS}")
            part = range(r * chunk, min(len(body), (r + 1) * chunk))
            for i in part:
                t = (WARMUP_FRAMES + i) / fps
                start = time.perf_counter()
                bare(body[i], t)
                bare_s.append(time.perf_counter() - start)
            for i in part:
                t = (WARMUP_FRAMES + i) / fps
                start = time.perf_counter()
                result = pipeline(body[i], t)
                drawn_at = time.perf_counter()
                picture = annotate(body[i], result, frame_lines(spec, result.metrics, result.verdict.values))
                stages["draw"].append(time.perf_counter() - drawn_at)
                if writer:
                    encode_at = time.perf_counter()
                    writer.write(picture)
                    stages["encode"].append(time.perf_counter() - encode_at)
                pipeline_s.append(time.perf_counter() - start)
                for stage, seconds in pipeline.last_timing.items():
                    stages[stage].append(seconds)
        if writer:
            writer.close()

    workers = default_workers()
    runs = {}
    for name, count, skip, pinned in (("one_pinned_process", 1, False, True), ("pool", workers, False, False),
                                      ("pool_skip_frames", workers, True, False)):
        say(f"analyze: {name.replace('_', ' ')}")
        runs[name] = time_analyze(video, stretch, model, count, skip, encode, pinned)

    overhead = [m + r for m, r in zip(stages["metrics"], stages["rules"])]
    bare_fps = len(bare_s) / sum(bare_s)
    for run in runs.values():
        run["throughput_vs_bare"] = run["fps"] / bare_fps
    alone, pool = runs["one_pinned_process"], runs["pool"]
    pipeline_fps = len(pipeline_s) / sum(pipeline_s)
    live = None
    if live_seconds > 0:
        say(f"live feed ({live_seconds:.0f} s at 30 fps)")
        live = run_live(video, stretch, model, live_seconds)
    long_session = None
    if session_minutes > 0:
        say(f"simulated {session_minutes:.0f}-minute session")
        long_session = run_long_session(session_minutes, stretch)
    return {
        "video": str(video), "stretch": stretch, "model": model, "frames": len(bare_s),
        "size": [width, height], "masks": spec.needs_mask, "encode": encode,
        "machine": {"cpus": os.cpu_count(), "platform": os.uname().machine},
        "decode": _ms_stats(decode_s),
        "bare": {**_ms_stats(bare_s), "fps": bare_fps},
        "pipeline": {**_ms_stats(pipeline_s), "fps": pipeline_fps},
        "stages": {name: _ms_stats(values) for name, values in stages.items() if values},
        "metrics_plus_rules": _ms_stats(overhead),
        "throughput_ratio": pipeline_fps / bare_fps,
        "analyze": {"workers": workers, "annotated": encode, "seconds": pool["seconds"],
                    "clip_seconds": pool["video_seconds"], "realtime_factor": pool["realtime_factor"],
                    "realtime_factor_one_process": alone["realtime_factor"],
                    "realtime_factor_skip_frames": runs["pool_skip_frames"]["realtime_factor"],
                    "frame_step": runs["pool_skip_frames"]["frame_step"],
                    "pool_vs_one_process": {"throughput": pool["fps"] / alone["fps"],
                                            "cpu_per_video_s": pool["cpu_s_per_video_s"] / alone["cpu_s_per_video_s"]},
                    "runs": runs},
        "live": live,
        "long_session": long_session,
        "peak_rss_mb": peak_rss_mb(),
    }


def run_batch_bench(clips: list[Path], model: str = "full", use_ray: bool = True,
                    on_step: Callable[[str], None] | None = None) -> dict:
    """Throughput of a batch of clips, each analysed with its own stretch, in alternative ways on this machine.

    - ``pool``: one whole clip per process, one process per core (the batch's local default);
    - ``ray``: the batch's clips as tasks on a local Ray instance with one CPU per core (started before timing;
      its start-up is reported on its own), right after the pool so that the machine's load varies least between;
    - ``chunked``: the clips one after another, each cut into chunks over one pose process per core (`analyze`);
    - ``pool_skip_frames``: the pool again, judging about 15 frames a second (every frame for bed pumping).

    Figures are real-time factors (seconds of video per second of wall time), compared as ratios within one run.
    """
    from dataclasses import replace

    from .batch import plan_jobs, run_batch, run_clip
    from .samples import truth_of

    say = on_step or (lambda _: None)
    cores = default_workers()
    durations = []
    for clip in clips:
        with VideoReader(clip) as reader:
            durations.append(reader.info.duration_s)
    video_s = float(sum(durations))

    def jobs(folder: Path, skip_frames: bool = False):
        return [plan_jobs([clip], folder, (truth_of(clip) or {}).get("stretch", "hamstring"), model,
                          skip_frames=skip_frames)[0] for clip in clips]

    runs: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)

        def timed(name: str, work: Callable[[], list]) -> list:
            say(f"batch of {len(clips)} clips: {name}")
            started = time.perf_counter()
            results = work()
            seconds = time.perf_counter() - started
            runs[name] = {"seconds": seconds, "realtime_factor": video_s / seconds,
                          "failed": sum(r.failed for r in results)}
            return results

        pool_jobs = jobs(root / "pool")
        timed("pool", lambda: run_batch(pool_jobs, processes=cores, force=True))
        identical = None
        ray_start_s = None
        if use_ray:
            from .batch_ray import ray_connection

            say("starting a local Ray instance")
            started = time.perf_counter()
            with ray_connection():
                ray_start_s = time.perf_counter() - started
                ray_jobs = jobs(root / "ray")
                timed("ray", lambda: run_batch(ray_jobs, use_ray=True, force=True))
            identical = sum(json.loads(Path(a.json_out).read_text()) == json.loads(Path(b.json_out).read_text())
                            for a, b in zip(pool_jobs, ray_jobs))
        chunked_jobs = [replace(job, workers=cores) for job in jobs(root / "chunked")]
        timed("chunked", lambda: [run_clip(job) for job in chunked_jobs])
        skip_jobs = jobs(root / "skip", skip_frames=True)
        timed("pool_skip_frames", lambda: run_batch(skip_jobs, processes=cores, force=True))
    best_local = max(runs["pool"]["realtime_factor"], runs["chunked"]["realtime_factor"])
    return {
        "clips": len(clips), "video_seconds": video_s, "cores": cores, "model": model, "runs": runs,
        "ray_start_seconds": ray_start_s,
        "ray_vs_best_local": runs["ray"]["realtime_factor"] / best_local if use_ray else None,
        "ray_reports_identical_to_pool": identical,
        "skip_frames_vs_every_frame": runs["pool_skip_frames"]["realtime_factor"] / runs["pool"]["realtime_factor"],
    }

