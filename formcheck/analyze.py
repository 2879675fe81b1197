"""Analyse a recorded video (or image) with the frame pipeline; build the versioned JSON report."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from contextlib import ExitStack, closing, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .auto import AUTO, OBSERVE_AS, AutoJudge
from .coverage import MIN_JUDGED_S, UNCHECKED, Coverage, coverage
from .cpu_parts import CpuParts
from .draw import annotate
from .model_files import DEFAULT_MODEL, model_path, sha256_of
from .parallel import SharedObserver, default_workers, stream_cores, worth_sharing
from .pictures import MomentPictures
from .pipeline import FrameResult, Judge, Observer, get_stretch
from .positions import POSITION_STRETCH, STRETCH_POSITION, Position, main_position, positions_in
from .rules import STRETCHES
from .session import FlaggedFrame
from .video import H264Writer, VideoInfo, VideoReader, atomic_output, prefetch
from .wording import (checking_words, could_not_check, fixed_limits, frame_lines, photo_could_not_check, reference_name,
                      tall_reference_text, tilt_range_text)

SCHEMA = "formcheck.analysis/1"
# Holds change slowly: with skip_frames, about JUDGE_FPS frames a second are judged (the live page judges ~15 too)
# and the frames between repeat the last judgement. Bed pumping is judged on every frame: "too jerky" is read from
# the thigh's swing speed, which needs every frame; so is "auto", where any hold may turn out to be bed pumping.
JUDGE_FPS = 15.0
EVERY_FRAME = {"bed-decompression", AUTO}

ProgressFn = Callable[[int, int], None]  # (frames done, frames expected)


@dataclass
class Analysis:
    info: VideoInfo
    stretch: str
    model: str
    frame_step: int = 1  # every frame_step-th frame was judged
    frames: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    possible: list[dict] = field(default_factory=list)  # mistakes possible but not sure (not flags)
    holds: list[dict] = field(default_factory=list)  # with --stretch auto: the stretch picked for each hold
    flagged_frames: list[FlaggedFrame] = field(default_factory=list)
    # CPU seconds by part of the work, per process ("main", then each pose process); for `formcheck bench`.
    cpu_s: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def detection_rate(self) -> float:
        return sum(f["detected"] for f in self.frames) / len(self.frames) if self.frames else 0.0

    @property
    def photo(self) -> bool:
        """A photo, analysed as a still posture (``video.STILL_S`` of its picture)."""
        return self.info.kind == "image"

    @property
    def coverage(self) -> Coverage:
        """Seconds judged, held with good form and not judged (by reason) over the whole clip."""
        return coverage(((f["t"], f["status"]) for f in self.frames), min_judged_s=self._min_judged_s())

    def _min_judged_s(self) -> float:
        """A photo's posture is checked once it was judged at all (the share of the still), but only where its
        stretch has fixed limits: a still picture is its own settled position, so nothing else can be flagged."""
        if not self.photo:
            return MIN_JUDGED_S
        main = self.main_stretch()
        return 0.0 if main and fixed_limits(STRETCHES[main]) else math.inf

    def recognised_position(self, start_s: float = -math.inf, end_s: float = math.inf) -> Position | None:
        """The position the person was steadily in (``positions.main_position``), over the clip or part of it."""
        frames = [(f["t"], {k: math.nan if v is None else v for k, v in f["metrics"].items()}) for f in self.frames]
        return main_position(positions_in(frames, [(start_s, end_s)]))

    def recognised_stretch(self) -> str | None:
        """The stretch whose position the person was steadily in for the most frames."""
        return POSITION_STRETCH.get(self.recognised_position())

    def main_stretch(self) -> str | None:
        """The stretch whose advice applies: the chosen one, or with auto the longest hold's (None: no hold)."""
        if self.stretch != AUTO:
            return self.stretch
        last_t = self.frames[-1]["t"] if self.frames else 0.0
        longest = max(self.holds, key=lambda h: (last_t if h["end_s"] is None else h["end_s"]) - h["start_s"],
                      default=None)
        return longest and longest["stretch"]

    def could_not_check(self) -> str | None:
        """Why the form could not be checked, with the one thing to change; None when it was checked (or a mistake
        was flagged). What the command line and the Analyze page both say."""
        cov = self.coverage
        if cov.conclusion(len(self.events)) != UNCHECKED:
            return None
        main = self.main_stretch()
        # With auto, the position of the hold judged (none: what the person was in instead).
        seen = STRETCH_POSITION.get(main) if self.stretch == AUTO and main else self.recognised_position()
        if self.photo:
            return photo_could_not_check(cov, main, seen)
        return could_not_check(cov, main, seen)

    def tall_reference_s(self) -> float | None:
        """When the low back began to be read against the person's tall posture (None: never)."""
        return next((f["t"] for f in self.frames if f.get("tall_reference")), None)

    def tall_reference_text(self) -> str | None:
        """Whether the low back was read against the person's tall posture (None: the stretch reads none)."""
        main = self.main_stretch()
        return tall_reference_text(STRETCHES[main], self.tall_reference_s()) if main else None

    def tilt_range_s(self) -> float | None:
        """When the low back began to be read against the middle of the person's own range (None: never)."""
        return next((f["t"] for f in self.frames if f.get("tilt_range")), None)

    def tilt_range_text(self) -> str | None:
        """Whether the low back was read against the person's own range (None: the stretch has no range step)."""
        main = self.main_stretch()
        return tilt_range_text(STRETCHES[main], self.tilt_range_s()) if main else None

    def reference_texts(self) -> list[str]:
        """What the low back was read against, in words: the person's own range, their tall posture (each where the
        stretch reads one), else nothing."""
        return [text for text in (self.tilt_range_text(), self.tall_reference_text()) if text]

    def reference(self) -> str:
        """The reference the low back was read against (``wording.reference_name``)."""
        return reference_name(self.tilt_range_s() is not None, self.tall_reference_s() is not None)

    def to_json(self) -> dict:
        info = self.info
        return {
            "schema": SCHEMA,
            "formcheck_version": __version__,
            "input": {"path": info.path, "kind": info.kind, "fps": round(info.fps, 3),
                      "frame_count": len(self.frames), "declared_frame_count": info.frame_count,
                      "width": info.source_width, "height": info.source_height,
                      "analysed_width": info.width, "analysed_height": info.height,
                      "rotation": info.rotation},
            "stretch": self.stretch,
            "model": {"name": self.model, "sha256": sha256_of(model_path(self.model))},
            "frame_step": self.frame_step,
            "summary": {"frames": len(self.frames), "detected_frames": sum(f["detected"] for f in self.frames),
                        "detection_rate": round(self.detection_rate, 4), "events": len(self.events),
                        **self.coverage.as_dict(len(self.events)), "reference": self.reference(),
                        **({"tall_reference_s": self.tall_reference_s()} if self.tall_reference_text() else {}),
                        **({"tilt_range_s": self.tilt_range_s()} if self.tilt_range_text() else {})},
            **({"holds": self.holds} if self.stretch == AUTO else {}),
            "frames": self.frames,
            "possible": self.possible,
            "events": self.events,
        }


def _finite(value: float) -> float | None:
    return round(value, 4) if isinstance(value, float) and math.isfinite(value) else None


def frame_record(result: FrameResult) -> dict:
    verdict = result.verdict
    return {
        "t": round(verdict.t, 4),
        "detected": result.pose.detected,
        "status": verdict.status,
        "metrics": {name: _finite(value) for name, value in result.metrics.items()},
        "states": {name: str(state) for name, state in verdict.states.items()},
        # What each mistake's rule compared with its thresholds (relative rules: change from baseline).
        "values": {name: _finite(value) for name, value in verdict.values.items()},
        "flags": verdict.flagged,
        **({} if result.tall_reference is None else {"tall_reference": result.tall_reference == "found"}),
        **({} if result.tilt_range is None else {"tilt_range": result.tilt_range == "found"}),
    }


def frame_step(stretch: str, fps: float, skip_frames: bool) -> int:
    """Judge every n-th frame: about ``JUDGE_FPS`` a second when skipping, except for the EVERY_FRAME stretches."""
    if not skip_frames or stretch in EVERY_FRAME:
        return 1
    return max(1, round(fps / JUDGE_FPS))


def analyze_video(path: str | Path, stretch: str, *, model: str = DEFAULT_MODEL,
                  annotated: str | Path | None = None, progress: ProgressFn | None = None,
                  workers: int | None = None, skip_frames: bool = False) -> Analysis:
    """Run the pipeline over every frame (or, with ``skip_frames``, every ``frame_step``-th, the frames between
    holding the last result); optionally write the annotated H.264 video (atomically).

    Pose + metrics run on ``workers`` processes (default: one per core, see ``formcheck.parallel``) when the clip
    is long enough to share; rules, session, drawing and encoding run here, in frame order. ``stretch`` "auto"
    picks the stretch of each hold from the recognised position (``formcheck.auto``).
    """
    auto = stretch == AUTO
    observe_as = OBSERVE_AS if auto else stretch
    spec = get_stretch(observe_as)
    with ExitStack() as stack:
        # Unwinds in reverse: the encoder is flushed, then the file is moved into place, or deleted if
        # anything failed — no partial output is ever left behind. Entered first so a bad output path fails
        # before the video is opened or the model loaded.
        tmp = stack.enter_context(atomic_output(annotated)) if annotated else None
        reader = stack.enter_context(VideoReader(path))
        info = reader.info
        workers = default_workers() if workers is None else workers
        step = frame_step(stretch, info.fps, skip_frames)
        shared = worth_sharing(info, workers)
        # Entered before the decode thread and the model start, so that their threads keep to this stream's core.
        cores = stack.enter_context(stream_cores(workers) if shared else nullcontext([]))
        cpu = CpuParts(time.thread_time)  # decode on its own thread, judging on this one
        started_cpu = time.process_time()
        frames = prefetch(cpu.timed(reader.frames(), "decode"))
        stack.callback(frames.close)  # on any failure: stop the decode thread (and below, the pose workers) now
        observe = stack.enter_context(closing(SharedObserver(info, observe_as, model, workers, step, cores)
                                              if shared else Observer(spec, model)))
        judge = AutoJudge() if auto else Judge(spec)
        writer = stack.enter_context(H264Writer(tmp, info.fps, info.width, info.height)) if tmp else None
        analysis = Analysis(info, stretch, model, step)
        pictures = MomentPictures()
        for index, (t, rgb) in enumerate(frames):
            if index % step == 0:
                seen = observe(rgb, t)
                if seen.pose.t != t:
                    raise RuntimeError(f"frame {index}: observation {seen.pose.t} for the frame at t={t}")
                with cpu.part("judging"):
                    result = judge(seen, rgb)
                    if auto:
                        _rejudged(analysis.frames, judge.caught_up)
                    pictures.update(rgb, result, judge.session.flagged_frames)
                    analysis.frames.append(frame_record(result))
            else:
                analysis.frames.append({**analysis.frames[-1], "t": round(t, 4), "held": True})
            if writer:
                stretch, verdict = judge.stretch, result.verdict
                lines = frame_lines(stretch, result.metrics, verdict.values) if stretch else []
                checking = checking_words(stretch, verdict.status, result.metrics, verdict.values) if stretch else None
                writer.write(annotate(rgb, result, lines, checking=checking))
            if progress:
                progress(index + 1, max(info.frame_count, index + 1))
        if shared:
            observe.finish()
            cpu.add("ipc", observe.receiving.seconds.get("ipc", 0.0))
        # What this process spent on the rest (chiefly pose inference and metrics, on MediaPipe's threads).
        cpu.add("inference and the rest", time.process_time() - started_cpu - sum(cpu.seconds.values()))
        analysis.cpu_s = {"main": cpu.seconds, **(observe.cpu_s if shared else {})}
        judge.session.finish(analysis.frames[-1]["t"])
        if auto:
            judge.finish(analysis.frames[-1]["t"])
            analysis.holds = [hold.as_dict() for hold in judge.holds]
        analysis.events = [event.as_dict() for event in judge.session.events]
        analysis.possible = [event.as_dict() for event in judge.session.possible]
        analysis.flagged_frames = judge.session.flagged_frames
    return analysis


def _rejudged(frames: list[dict], results: list[FrameResult]) -> None:
    """Replace the records of the frames a new hold caught up on (``AutoJudge.caught_up``, the last frames recorded:
    with auto every frame is judged) with the hold's verdicts on them."""
    start = len(frames) - len(results)
    for index, result in enumerate(results, start):
        if frames[index]["t"] != round(result.verdict.t, 4):
            raise RuntimeError(f"frame {index}: caught up on t={result.verdict.t}, recorded t={frames[index]['t']}")
        frames[index] = frame_record(result)


def write_json(analysis: Analysis, out: str | Path) -> None:
    with atomic_output(out) as tmp:
        tmp.write_text(json.dumps(analysis.to_json(), indent=1))
