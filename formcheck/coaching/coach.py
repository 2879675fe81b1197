"""Live coaching without lag: the webrtc callback hands over the newest frame, one worker thread runs the pipeline.

- ``Coach.on_frame`` (webrtc's thread) converts the frame, puts it in a one-frame slot (replacing any frame the
  worker has not taken yet — older frames are dropped, never queued) and paints the overlay on it.
- The worker thread owns the ``Pipeline`` (one per hold: MediaPipe graphs are not thread-safe, so the graph is
  created, used and closed in that thread) and runs the plan: for each ``Step`` a get-ready countdown, the guided
  range step where the position has one (``formcheck.coaching.range_step``), then a hold that ends when the step's
  target of *good-form* seconds (the Session's hold timer) is reached.
- Everything the page reads goes through ``Coach.view()`` / ``Coach.holds()``, taken under one lock.
- One verdict per moment: the video paints the verdict (banner, colours, countdown or hold time) of the view the
  side panel shows (``view(shown=True)``) over the newest skeleton, outline and readings. A painted frame reaches the
  screen later than the panel's change, so ``PICTURE_LEAD_S`` before the panel's next refresh is due the coach takes
  the view that refresh is to show, and the video paints it from then on. Each refresh also records how long after
  its camera frame's arrival the verdict it shows was judged and shown.
- Whenever a hold's pipeline is released (the hold ended, the plan finished, the camera stopped, the coach was
  closed) the worker calls ``checkpoint``, which saves the holds so far: a closed browser tab loses nothing.

Time is the arrival time of each frame on ``clock`` (monotonic), so a stalled camera pauses the routine.
"""

from __future__ import annotations

import copy
import math
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

import cv2
import numpy as np

from formcheck.coverage import GET_READY, POSSIBLE, coverage
from formcheck.pictures import GoodFrames, encode_jpeg, encode_png, moment_picture
from formcheck.pipeline import FrameResult, Pipeline, get_stretch
from formcheck.rules import STRETCHES, State
from formcheck.session import THUMB_WIDTH
from formcheck.wording import (RANGE_FOUND, RANGE_KEPT_UNFIT, RANGE_RETRY, RANGE_SKIPPED, RANGE_WITHOUT,
                               get_ready_text, hold_end_cue, mistake_counts, plan_end_cue, possible_words,
                               reference_text, tall_cue)

from .overlay import Overlay, build_overlay, key_reading, paint, with_verdict_of
from .range_step import SETTLE_S, TRIES, RangeTry

# The routine's five places in order, each with the stretches a person may do there, the routine's own first: a
# variant works the same muscles from a position someone with knee pain or poor balance can take.
ROUTINE_CHOICES: dict[str, tuple[str, ...]] = {
    "hamstring": ("hamstring", "seated-hamstring", "lying-hamstring"),
    "hip-flexor": ("hip-flexor", "standing-hip-flexor"),
    "glute": ("glute", "lying-glute"),
    "bed-decompression": ("bed-decompression",),
    "towel-decompression": ("towel-decompression",),
}
ROUTINE_ORDER = tuple(ROUTINE_CHOICES)
# Every stretch formcheck judges, in the routine's order with each variant beside its place (as pages list them).
ROUTINE_STRETCHES = tuple(name for names in ROUTINE_CHOICES.values() for name in names)

# Get-ready countdowns (seconds) before a hold.
READY_FIRST_S = 10.0  # the first position: walk back from the screen
READY_SWITCH_S = 8.0  # same position, other side
READY_MOVE_S = 15.0  # a new standing/kneeling/seated position
READY_DOWN_S = 25.0  # getting down onto the floor or across the bed
ON_THE_FLOOR = ("seated-hamstring", "lying-hamstring", "lying-glute", "bed-decompression",
                "towel-decompression")  # or a bed

DEFAULT_MAX_FPS = 15.0  # plenty for holds; leaves CPU for the video encoder on a small laptop
IDLE_EXIT_S = 30.0  # camera stopped this long: release the pipeline, save, and end the worker thread
CAMERA_LOST_S = 2.0  # no frame for this long: the camera was unplugged, blocked or the stream ended
MAX_SHOTS_PER_HOLD = 40
SERIES_EVERY_S = 0.2  # the key-metric series is kept at 5 Hz
RANGE_STATUS = "range_step"  # the verdict status shown during the range step (its banner gives the prompt)
PANEL_EVERY_S = 0.5  # the side panel's refresh
# A painted frame reaches the screen about this long after a panel change made at the same moment (median 0.26 s of
# 16 changes, 0.1–0.8 s, in chromium at load 13 on 2 cores: the frame callback's one-frame hand-over, encoding, the
# browser's jitter buffer), so the video starts painting a refresh's verdict this long before the refresh is due.
PICTURE_LEAD_S = 0.25
# No panel refresh for this long means no page shows the panel now (a background tab): the video then paints the
# newest verdict rather than freeze on the last one shown.
SHOWN_FRESH_S = 4 * PANEL_EVERY_S
SHOWN_KEPT = 600  # latencies kept for p50/p95: the last 5 minutes of panel refreshes


@dataclass(frozen=True)
class Step:
    stretch: str
    side: str  # "both", "left" or "right"
    ready_s: float
    target_s: float
    range_step: bool = False  # the guided range step (tuck, tip, settle) comes before the hold

    @property
    def title(self) -> str:
        title = STRETCHES[self.stretch].title
        return f"{title} — {self.side} side" if self.side in ("left", "right") else title


def routine_steps(ready_scale: float = 1.0, range_step: bool = True,
                  chosen: Mapping[str, str] | None = None) -> list[Step]:
    """The whole routine in order: each one-sided stretch on both sides, then the two decompressions; the range
    step before each hold whose position has one, unless ``range_step`` is off (a person in pain may skip it).
    ``chosen`` maps a place of the routine to the variant done there (``ROUTINE_CHOICES``)."""
    chosen = chosen or {}
    steps: list[Step] = []
    for place in ROUTINE_ORDER:
        name = chosen.get(place, place)
        if name not in ROUTINE_CHOICES[place]:
            raise ValueError(f"{name!r} is not done in the routine's place of the {place} stretch")
        spec = STRETCHES[name]
        for i, side in enumerate(spec.sides):
            if i > 0:
                ready = READY_SWITCH_S
            elif name in ON_THE_FLOOR:
                ready = READY_DOWN_S
            elif not steps:
                ready = READY_FIRST_S
            else:
                ready = READY_MOVE_S
            steps.append(Step(name, side, ready * ready_scale, spec.hold_s, range_step and spec.tilt_range is not None))
    return steps


def practice_steps(stretch: str, side: str = "all", target_s: float | None = None,
                   ready_s: float = READY_FIRST_S, range_step: bool = True) -> list[Step]:
    """Single-stretch practice: one hold, or one per side (``side="all"``) for a one-sided stretch."""
    spec = get_stretch(stretch)
    sides = spec.sides if side == "all" else (side,)
    target = spec.hold_s if target_s is None else float(target_s)
    ranged = range_step and spec.tilt_range is not None
    return [Step(stretch, s, ready_s if i == 0 else READY_SWITCH_S, target, ranged) for i, s in enumerate(sides)]


def plan_seconds(steps: list[Step]) -> float:
    """Shortest time the plan can take (countdowns plus holds)."""
    return sum(s.ready_s + s.target_s for s in steps)


SETTLING_S = 120.0  # getting into each position takes a little longer than the countdowns


def plan_minutes(steps: list[Step]) -> int:
    """What the routine takes in whole minutes, as the pages say it ("about 8 minutes")."""
    return round((plan_seconds(steps) + SETTLING_S) / 60)


class Phase(StrEnum):
    WAITING = "waiting"  # no frame yet
    READY = "ready"  # get-ready countdown
    RANGE = "range"  # the guided range step: tuck, tip, settle
    HOLD = "hold"  # counting good-form seconds
    DONE = "done"  # plan finished (or stopped by the user)


@dataclass
class Shot:
    """One flagged moment: a PNG thumbnail, a larger JPEG (``pictures.moment_picture``: skeleton and back outline, at
    least 640 px wide; what history stores) and the hold's last good-form frame before it, drawn the same way."""

    t: float  # seconds since the hold's step began
    mistake: str
    label: str
    value: float
    cue: str
    thumb_png: bytes
    large_jpeg: bytes | None
    good_jpeg: bytes | None = None


@dataclass
class HoldLog:
    """What happened during one step; mutated by the worker under the coach's lock, copied for readers."""

    index: int
    step: Step
    started_t: float
    good_s: float = 0.0
    duration_s: float = 0.0
    frames: int = 0
    completed: bool = False
    events: list[dict] = field(default_factory=list)  # Event.as_dict(), times since the step began
    # The range step: "found", "not found" (tried, held without it), "skipped", "kept" (an earlier session's range
    # fitted), "kept, did not fit"; None when the step has none.
    range_step: str | None = None
    range_ends: tuple[float, float] | None = None  # (tucked, tipped) when found in this hold, to keep for later
    shots: list[Shot] = field(default_factory=list)
    series: list[tuple[float, float | None, str]] = field(default_factory=list)  # (t, key value, status)
    positions: Counter = field(default_factory=Counter)  # frames of the hold per recognised position


def _was_possible(log: HoldLog) -> bool:
    """Nothing flagged in the hold, but a slight mistake was possible long enough to say so (as the end screen)."""
    return coverage((t, status) for t, _, status in log.series).conclusion(len(log.events)) == POSSIBLE


@dataclass(frozen=True)
class CoachView:
    """A consistent snapshot for the page."""

    phase: Phase
    step_index: int
    steps: tuple[Step, ...]
    countdown_s: float | None
    good_s: float
    status: str | None
    message: str | None
    flagged: tuple[str, ...]  # mistake labels flagged now
    cue_id: int
    cue: str | None
    alert_id: int  # goes up by one each time a new mistake is flagged
    fps: float
    latency_ms: float
    frames: int
    dropped: int
    last_frame_age_s: float | None
    error: str | None
    reference: str | None = None  # what the form is judged against now (during a hold)
    range_try: int = 0  # during the range step: which try (1 or 2)
    # p50 and p95 (ms) of camera frame's arrival → its verdict shown by the panel, over recent panel refreshes …
    shown_latency_ms: tuple[float, float] | None = None
    # … and of the first frame judged with a new status (good → mistake, …) → that status shown: the above plus the
    # wait for the panel's next refresh
    change_latency_ms: tuple[float, float] | None = None

    @property
    def step(self) -> Step | None:
        return self.steps[self.step_index] if self.step_index < len(self.steps) else None

    @property
    def next_step(self) -> Step | None:
        return self.steps[self.step_index + 1] if self.step_index + 1 < len(self.steps) else None

    @property
    def target_s(self) -> float:
        return self.step.target_s if self.step else 0.0

    @property
    def camera_lost(self) -> bool:
        """Frames came, then stopped, before the plan was done (nothing is judged or counted meanwhile)."""
        return (self.phase is not Phase.DONE and self.last_frame_age_s is not None
                and self.last_frame_age_s >= CAMERA_LOST_S)


@dataclass(frozen=True)
class Taken:
    """A view taken for the panel, with the overlay the video paints its verdict from."""

    view: CoachView
    overlay: Overlay | None
    at: float  # clock time it was taken
    judged_t: float | None  # coach time of the judged frame it shows
    status_since: float | None  # coach time of the first frame judged with its status


PipelineFactory = Callable[[str, str, str], Pipeline]  # (stretch, model, side)
KeptRanges = dict[tuple[str, str], tuple[float, float]]  # (stretch, side) → (tucked, tipped) from earlier sessions
Checkpoint = Callable[["Coach"], object]  # saves the coach's holds so far (see formcheck.coaching.autosave)


class Coach:
    """Runs a plan of holds on live frames. One per browser session and plan; ``close()`` when replaced."""

    def __init__(self, steps: list[Step], model: str = "full", *, max_fps: float = DEFAULT_MAX_FPS,
                 clock: Callable[[], float] = time.monotonic, idle_exit_s: float = IDLE_EXIT_S,
                 pipeline_factory: PipelineFactory | None = None, checkpoint: Checkpoint | None = None,
                 kept_ranges: KeptRanges | None = None) -> None:
        if not steps:
            raise ValueError("a coach needs at least one step")
        self.steps = tuple(steps)
        self.model = model
        self.max_fps = max_fps
        self.idle_exit_s = idle_exit_s
        self.started_wall = time.time()
        self._clock = clock
        self._factory = pipeline_factory or (lambda stretch, model_name, side: Pipeline(stretch, model_name, side))
        self._checkpoint = checkpoint
        self.kept_ranges = dict(kept_ranges or {})  # used by steps without the range step
        self._lock = threading.Condition()
        # Shared state (always under self._lock).
        self._pending: tuple[np.ndarray, float] | None = None
        self._overlay: Overlay | None = None
        self._shown: Overlay | None = None  # the overlay of the judged frame the panel showed last …
        self._shown_at: float | None = None  # … at its refresh at this clock time
        self._shown_t: float | None = None  # coach time of that judged frame
        self._upcoming: Taken | None = None  # what the panel's next refresh is to show (taken PICTURE_LEAD_S early)
        self._shown_latency: deque[float] = deque(maxlen=SHOWN_KEPT)  # seconds, one per newly shown frame
        self._shown_status: str | None = None  # the verdict status the panel showed last
        self._status_since: float | None = None  # coach time of the first frame judged with the newest status
        self._change_latency: deque[float] = deque(maxlen=SHOWN_KEPT)  # seconds, one per status change shown
        self._phase = Phase.WAITING
        self._index = 0
        self._phase_t = 0.0  # coach time the current phase began
        self._last_t: float | None = None  # coach time of the newest processed frame
        self._last_arrival: float | None = None
        self._logs: list[HoldLog] = []
        self._verdict_status: str | None = None
        self._in_position = False  # the newest frame's verdict: in view and in the step's position
        self._verdict_message: str | None = None
        self._reference: str | None = None
        self._flagged: tuple[str, ...] = ()
        self._cue_id = 0
        self._cue: str | None = None
        self._alert_id = 0
        self._fps = 0.0
        self._latency_ms = 0.0
        self._frames = 0
        self._dropped = 0
        self._error: str | None = None
        self._closing = False
        self._revision = 0  # goes up whenever a hold log changes (savers skip unchanged holds)
        self._thread: threading.Thread | None = None
        self._t0: float | None = None
        # Worker-only state.
        self._pipeline: Pipeline | None = None
        self._pipeline_index: int | None = None
        self._hold_base: float | None = None
        self._events_base: list[dict] = []  # events of earlier pipelines of the same hold (after an idle pause)
        self._series_t = -math.inf
        self._next_due = 0.0
        self._good_frames = GoodFrames()  # this hold's recent good-form frames
        self._seen_t = -math.inf  # time of the newest frame whose flags and events were taken
        self._range: RangeTry | None = None  # the range step's current try (under the lock)
        self._range_since: float | None = None  # when the range step began …
        self._range_until: float | None = None  # … and ended: the flags it raised are withdrawn once they clear
        self._range_restart = False  # the judge's range finder is to look afresh (a new try was prompted)

    # -- producer side (webrtc callback thread) -------------------------------------------------------------------

    def on_frame(self, frame):
        """streamlit-webrtc ``video_frame_callback``: hand over the frame, return it with the overlay painted."""
        import av

        rgb = frame.to_ndarray(format="rgb24")
        overlay = self.submit(rgb)
        out = av.VideoFrame.from_ndarray(paint(rgb, overlay), format="rgb24")
        out.pts, out.time_base = frame.pts, frame.time_base
        return out

    def submit(self, rgb: np.ndarray, arrival: float | None = None) -> Overlay | None:
        """Offer a frame to the worker (replacing an unprocessed one); returns the overlay to paint: the newest
        frame's, with the verdict the panel shows now (see ``view``)."""
        now = self._clock() if arrival is None else arrival
        with self._lock:
            if self._closing:
                return self._overlay
            if self._t0 is None:
                self._t0 = now
            if self._pending is not None:
                self._dropped += 1
            self._pending = (rgb, now - self._t0)
            self._last_arrival = now
            self._lock.notify()
            overlay = self._painted()
            start = self._thread is None or not self._thread.is_alive()
            if start:
                self._thread = threading.Thread(target=self._run, name="formcheck-coach", daemon=True)
        if start:
            self._thread.start()
        return overlay

    # -- consumer side (worker thread) ----------------------------------------------------------------------------

    def _run(self) -> None:
        """Worker loop: take the newest frame (at most ``max_fps``), process it; stop when closed, and release
        the pipeline and exit when no frame came for ``idle_exit_s`` (the next frame starts a new worker)."""
        while True:
            idle = False
            with self._lock:
                while not self._closing:
                    now = self._clock()
                    if self._pending is not None and now >= self._next_due:
                        break
                    if self._pending is None and now - (self._last_arrival or now) > self.idle_exit_s:
                        idle = True
                        break
                    self._lock.wait(timeout=0.5 if self._pending is None else self._next_due - now)
                if not self._closing and not idle:
                    rgb, t = self._pending
                    self._pending = None
            if self._closing:
                self._close_pipeline()
                return
            if idle:
                self._close_pipeline()
                with self._lock:
                    if self._pending is None or self._closing:
                        self._thread = None  # a later frame starts a new worker; nothing of this one is left running
                        return
                continue
            self._next_due = self._clock() + 1.0 / self.max_fps
            started = time.perf_counter()
            try:
                self.process(rgb, t)
            except Exception as err:  # keep the camera running and say what went wrong
                with self._lock:
                    self._error = f"{type(err).__name__}: {err}".splitlines()[0]
                    self._closing = True
                self._close_pipeline()
                return
            spent = time.perf_counter() - started
            with self._lock:
                self._latency_ms = 1000 * (self._clock() - self._t0 - t)
                rate = 1.0 / max(spent, 1.0 / self.max_fps)
                self._fps = rate if self._fps == 0 else 0.9 * self._fps + 0.1 * rate

    def process(self, rgb: np.ndarray, t: float) -> None:
        """Process one frame taken at coach time ``t`` (seconds). Worker thread only (or a test)."""
        with self._lock:
            self._advance(t)
            phase, index = self._phase, self._index
        if phase is Phase.DONE:
            self._close_pipeline()
            with self._lock:
                self._overlay = Overlay(None, (), hud="Done")  # praise, if earned, is said and shown by the page
                self._last_t = t
            return
        step = self.steps[index]
        if self._pipeline_index != index:
            self._close_pipeline()
            self._pipeline = self._factory(step.stretch, self.model, step.side)
            self._pipeline_index = index
            kept = None if step.range_step else self.kept_ranges.get((step.stretch, step.side))
            if kept is not None:
                self._pipeline.judge.use_kept_range(kept)
            self._seen_t = -math.inf
            self._series_t = -math.inf
            self._good_frames.clear()
            with self._lock:
                resumed = self._logs[-1] if self._logs and self._logs[-1].index == index else None
                if resumed is None:  # a new step
                    self._logs.append(HoldLog(index, step, t))
                    self._events_base, self._hold_base = [], None
                else:  # the same step after an idle pause: the new pipeline's timer adds to what was held
                    self._events_base = list(resumed.events)
                    self._hold_base = -resumed.good_s if self._phase is Phase.HOLD else None
        pipeline = self._pipeline
        session = pipeline.session
        if self._range_restart:
            self._range_restart = False
            if pipeline.judge.tilt_range.state != "found":  # a range the person already showed is kept
                pipeline.judge.start_range()
        good_before = session.timer.good_s.get(step.side, 0.0)
        result = pipeline(rgb, t)
        good_after = session.timer.good_s.get(step.side, 0.0)
        spec = pipeline.stretch
        with self._lock:
            if self._phase is Phase.RANGE:
                self._range_update(t, result)
            elif self._range_since is not None and self._range_until is None:
                self._range_until = t
            if self._phase is Phase.HOLD and self._logs[-1].range_step is None and not step.range_step and (
                    step.stretch, step.side) in self.kept_ranges:
                self._kept_range_update()
            range_settled = self._range_until is not None and t >= self._range_until + SETTLE_S
        if range_settled:
            self._end_range(session, t)

        # Pictures of newly flagged moments (done here, outside the lock: encoding takes a few ms).
        new_shots = []
        labels = {m.name: m.label for m in spec.mistakes}
        with self._lock:
            log = self._logs[-1]
        # Times, not list positions, say what is new: flags of the range step are withdrawn from the session's lists.
        # The range step's tuck is asked for, not a mistake: no picture, no alert (its flags are withdrawn after it).
        for flagged in [f for f in session.flagged_frames if f.t > self._seen_t and phase is not Phase.RANGE]:
            if len(log.shots) + len(new_shots) >= MAX_SHOTS_PER_HOLD:
                break
            # The skeleton and the back outline drawn, as in an analysis's pictures (the overlay's text would cover
            # a third of the picture).
            large = moment_picture(rgb, result)
            height, width = large.shape[:2]
            thumb = cv2.resize(large, (THUMB_WIDTH, max(1, round(height * THUMB_WIDTH / width))),
                               interpolation=cv2.INTER_AREA)
            good = None
            before = self._good_frames.before(flagged.t)
            if before is not None:
                good_rgb, good_result = before
                good = encode_jpeg(moment_picture(good_rgb, good_result))
            label = labels.get(flagged.mistake, flagged.mistake)
            new_shots.append(Shot(flagged.t - log.started_t, flagged.mistake, label, float(flagged.value), flagged.cue,
                                  encode_png(thumb), encode_jpeg(large), good))
        self._good_frames.update(rgb, result)
        events = self._events_base + [_shift(e.as_dict(), log.started_t) for e in session.events]
        new_alert = phase is not Phase.RANGE and any(e.start_s > self._seen_t for e in session.events)
        self._seen_t = t
        reading = key_reading(spec, result)

        with self._lock:
            self._revision += 1
            log.frames += 1
            log.duration_s = t - log.started_t
            log.events = events
            log.shots.extend(new_shots)
            if t - self._series_t >= SERIES_EVERY_S:
                self._series_t = t
                status = result.verdict.status if self._phase is Phase.HOLD else GET_READY
                log.series.append((round(t - log.started_t, 3), None if reading is None else reading.value, status))
            if self._phase is Phase.HOLD:
                if result.position is not None:
                    log.positions[result.position] += 1
                if self._hold_base is None:
                    self._hold_base = good_before
                log.good_s = max(0.0, good_after - self._hold_base)
            verdict = result.verdict
            self._in_position = verdict.in_position
            if self._phase is Phase.RANGE:  # the banner gives the step's prompt; nothing is judged meanwhile
                verdict = replace(verdict, status=RANGE_STATUS, message=self._range.prompt(t),
                                  states={name: State.UNSURE for name in verdict.states})
                result = replace(result, verdict=verdict)
            if verdict.status != self._verdict_status:
                self._status_since = t
            self._verdict_status, self._verdict_message = verdict.status, verdict.message
            self._reference = (reference_text(spec, verdict.baseline, result.tall_reference, result.tilt_range)
                               if self._phase is Phase.HOLD and verdict.baseline is not None else None)
            self._flagged = tuple(labels.get(name, name) for name in verdict.flagged)
            if new_alert:
                self._alert_id += 1
            if result.cue and self._phase is Phase.HOLD:
                self._say(result.cue)
            self._frames += 1
            self._last_t = t
            if self._phase is Phase.HOLD and log.good_s >= step.target_s:
                log.completed = True
                self._next(t, completed=True)
            self._overlay = build_overlay(spec, result, self._hud(t))
            step_over = self._index != index
        if step_over:  # release this hold's graph now; the next step gets a fresh pipeline on its first frame
            self._close_pipeline()

    # -- the plan (all under the lock) ----------------------------------------------------------------------------

    def _advance(self, t: float) -> None:
        if self._last_t is not None and t - self._last_t >= CAMERA_LOST_S:
            self._phase_t += t - self._last_t  # the camera was off: the countdown waited too
        if self._phase is Phase.WAITING:
            self._enter(Phase.READY, t)
            step = self.steps[self._index]
            self._say(f"Get ready: {step.title}. {get_ready_text(STRETCHES[step.stretch])}")
        elif (self._phase is Phase.READY and t - self._phase_t >= self.steps[self._index].ready_s
              and self._in_position):  # the hold never starts with nobody there, or not yet in position
            if self.steps[self._index].range_step:
                self._enter(Phase.RANGE, t)
                self._range, self._range_since, self._range_restart = RangeTry(t), t, True
                self._say(self._range.new_prompt(t))
            else:
                self._start_hold(t)

    def _start_hold(self, t: float, before: str = "") -> None:
        self._enter(Phase.HOLD, t)
        self._range = None
        step = self.steps[self._index]
        self._say(f"{before} Hold for {step.target_s:.0f} seconds of good form. Breathe and relax into it.".lstrip())

    def _range_update(self, t: float, result: FrameResult) -> None:
        """One frame of the range step: found → the hold; a try over → why, then once more or the hold without it;
        else the prompt due now."""
        attempt, log = self._range, self._logs[-1]
        finder = self._pipeline.judge.tilt_range
        attempt.update(t, result.verdict.status, result.verdict.in_position, finder.progress is not None)
        if finder.state == "found":
            log.range_step, log.range_ends = "found", finder.ends
            self._start_hold(t, RANGE_FOUND)
        elif attempt.over(t):
            reason = attempt.reason(finder)
            if attempt.number < TRIES:
                self._range, self._range_restart = RangeTry(t, attempt.number + 1), True
                self._say(f"{reason} {RANGE_RETRY} {self._range.new_prompt(t)}")
            else:
                log.range_step = "not found"
                self._start_hold(t, f"{reason} {RANGE_WITHOUT}")
        elif (prompt := attempt.new_prompt(t)) is not None:
            self._say(prompt)

    def _kept_range_update(self) -> None:
        """Whether the range kept from an earlier session fits today (its first still moment decides); said once."""
        fits = self._pipeline.judge.tilt_range.kept_fits
        if fits is not None:
            self._logs[-1].range_step = "kept" if fits else "kept, did not fit"
            if not fits:
                self._say(RANGE_KEPT_UNFIT)

    def _end_range(self, session, t: float) -> None:
        """Some time after the range step (or when its hold is released): forget the flags it raised that have cleared
        since (worker only). A flag still on is a mistake held past the step, and stays."""
        with self._lock:
            since, until = self._range_since, self._range_until
            self._range_since = self._range_until = None
        if since is not None:
            session.withdraw(since, t if until is None else until, cleared_by=t)

    def _enter(self, phase: Phase, t: float) -> None:
        self._phase, self._phase_t = phase, t

    def _next(self, t: float, completed: bool) -> None:
        previous = self.steps[self._index]
        log = self._logs[-1] if self._logs and self._logs[-1].index == self._index else None
        flagged = mistake_counts(previous.stretch, [e["mistake"] for e in log.events]) if log else {}
        possible = possible_words(previous.stretch) if log and _was_possible(log) else None
        praise = hold_end_cue(completed, flagged, possible)  # what the hold came to, praised only when clean
        self._index += 1
        self._range = None
        if self._index >= len(self.steps):
            self._enter(Phase.DONE, t)
            done = sum(lg.completed for lg in self._logs)
            self._say(praise + plan_end_cue(done, len(self.steps), sum(len(lg.events) for lg in self._logs),
                                            any(map(_was_possible, self._logs))))
            return
        step = self.steps[self._index]
        self._enter(Phase.READY, t)
        if step.stretch == previous.stretch:
            self._say(f"{praise}Now switch sides: {step.title}.{tall_cue(STRETCHES[step.stretch])}")
        else:
            self._say(f"{praise}Next: {step.title}. {get_ready_text(STRETCHES[step.stretch])}")

    def _say(self, text: str) -> None:
        self._cue_id += 1
        self._cue = text

    def _hud(self, t: float) -> str:
        step = self.steps[self._index] if self._index < len(self.steps) else None
        if self._phase is Phase.READY and step:
            left = step.ready_s - (t - self._phase_t)
            return f"Get ready: {math.ceil(left)}" if left > 0 else "Waiting for you to get into position"
        if self._phase is Phase.RANGE and self._range is not None:
            return f"Range step, try {self._range.number} of {TRIES}"
        if self._phase is Phase.HOLD and step and self._logs:
            return f"Hold: {min(self._logs[-1].good_s, step.target_s):.0f} / {step.target_s:.0f} s good form"
        return ""

    def _close_pipeline(self) -> None:
        pipeline, self._pipeline, self._pipeline_index = self._pipeline, None, None
        if pipeline is None:
            return
        session = pipeline.session
        if self._last_t is not None:
            self._end_range(session, self._last_t)
            session.finish(self._last_t)
        with self._lock:
            log = next((lg for lg in reversed(self._logs)), None)
            if log is not None:
                log.events = self._events_base + [_shift(e.as_dict(), log.started_t) for e in session.events]
                self._revision += 1
        pipeline.close()
        if self._checkpoint is not None:
            self._checkpoint(self)

    # -- page-side controls ---------------------------------------------------------------------------------------

    def skip(self) -> None:
        """Move on to the next step now (the current hold is kept, marked not completed)."""
        with self._lock:
            self._upcoming = None  # the panel shows what the button did at once, not a view taken before it
            if self._phase is Phase.DONE:
                return
            t = self._last_t if self._last_t is not None else 0.0
            if self._phase is Phase.WAITING:
                self._index += 1
                if self._index >= len(self.steps):
                    self._enter(Phase.DONE, t)
                return
            self._next(t, completed=False)

    def skip_range(self) -> None:
        """Hold without the range step (a person in pain may skip it); its flags are withdrawn all the same."""
        with self._lock:
            self._upcoming = None
            if self._phase is Phase.RANGE:
                self._logs[-1].range_step = "skipped"
                self._start_hold(self._last_t if self._last_t is not None else 0.0, RANGE_SKIPPED)

    def finish(self) -> None:
        """End the plan now; the worker closes the pipeline on its next frame (or when closed)."""
        with self._lock:
            self._upcoming = None
            if self._phase is not Phase.DONE:
                self._enter(Phase.DONE, self._last_t or 0.0)

    def close(self, timeout: float = 2.0) -> None:
        """Stop the worker and release the pipeline."""
        with self._lock:
            self._closing = True
            self._lock.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    # -- readers --------------------------------------------------------------------------------------------------

    def _painted(self) -> Overlay | None:
        """The overlay for the video (under the lock): while the panel refreshes, the verdict it shows, or from
        ``PICTURE_LEAD_S`` before its next refresh the one that refresh is to show; else the newest."""
        now = self._clock()
        if self._shown_at is None or now - self._shown_at > SHOWN_FRESH_S:
            return self._overlay
        if self._upcoming is None and now >= self._shown_at + PANEL_EVERY_S - PICTURE_LEAD_S:
            self._upcoming = self._take(now)
        return with_verdict_of(self._overlay, self._upcoming.overlay if self._upcoming else self._shown)

    def _take(self, now: float) -> Taken:
        return Taken(self._snapshot(), self._overlay, now, self._last_t, self._status_since)

    def view(self, shown: bool = False) -> CoachView:
        """A consistent snapshot. ``shown``: for the side panel, which shows it now: the view taken for this refresh
        if the video has been painting one (taken less than a refresh ago), else the newest. Its verdict is painted
        on the video until the next is taken, and its latencies are counted."""
        with self._lock:
            if not shown:
                return self._snapshot()
            now = self._clock()
            taken, self._upcoming = self._upcoming, None
            if taken is None or now - taken.at > PANEL_EVERY_S:  # none taken, or the refresh came much later
                taken = self._take(now)
            self._mark_shown(taken, now)
            return replace(taken.view, last_frame_age_s=self._frame_age(), error=self._error,
                           shown_latency_ms=_percentiles_ms(self._shown_latency),
                           change_latency_ms=_percentiles_ms(self._change_latency))

    def _snapshot(self) -> CoachView:
        """The view of the state now (under the lock)."""
        countdown = None
        if self._phase is Phase.READY and self._last_t is not None:
            countdown = max(0.0, self.steps[self._index].ready_s - (self._last_t - self._phase_t))
        good = self._logs[-1].good_s if self._logs and self._logs[-1].index == self._index else 0.0
        age = self._frame_age()
        return CoachView(self._phase, self._index, self.steps, countdown, good, self._verdict_status,
                         self._verdict_message, self._flagged, self._cue_id, self._cue, self._alert_id,
                         self._fps, self._latency_ms, self._frames, self._dropped, age, self._error,
                         self._reference, self._range.number if self._phase is Phase.RANGE else 0,
                         _percentiles_ms(self._shown_latency), _percentiles_ms(self._change_latency))

    def _frame_age(self) -> float | None:
        """Seconds since the camera's last frame arrived (under the lock; None before the first)."""
        return None if self._last_arrival is None else max(0.0, self._clock() - self._last_arrival)

    def _mark_shown(self, taken: Taken, now: float) -> None:
        """Under the lock: the panel shows ``taken`` from ``now``. Its judged frame's latency is counted the first
        time only (a refresh with no newer frame judged shows nothing new). A new status counts as a change from the
        second one shown on: the first waits for the pose model to load, which is start-up, not a change."""
        self._shown, self._shown_at = taken.overlay, now
        if self._t0 is None:  # frames handed to ``process`` directly (tests) have no arrival time to count from
            return
        shown_t = now - self._t0
        if taken.judged_t is not None and taken.judged_t != self._shown_t:
            self._shown_t = taken.judged_t
            self._shown_latency.append(shown_t - taken.judged_t)
        if taken.view.status != self._shown_status:
            if self._shown_status is not None and taken.status_since is not None:
                self._change_latency.append(shown_t - taken.status_since)
            self._shown_status = taken.view.status

    def holds(self) -> list[HoldLog]:
        """Deep copies of the hold logs so far (holds with no processed frame are left out)."""
        with self._lock:
            return [copy.deepcopy(log) for log in self._logs if log.frames]

    @property
    def revision(self) -> int:
        with self._lock:
            return self._revision

    @property
    def worker_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()


def _percentiles_ms(seconds: deque[float]) -> tuple[float, float] | None:
    """p50 and p95 in milliseconds; None when nothing was counted."""
    if not seconds:
        return None
    p50, p95 = np.percentile(np.fromiter(seconds, float), (50, 95))
    return 1000 * float(p50), 1000 * float(p95)


def _shift(event: dict, offset: float) -> dict:
    out = dict(event)
    out["start_s"] = round(event["start_s"] - offset, 3)
    if event.get("end_s") is not None:
        out["end_s"] = round(event["end_s"] - offset, 3)
    return out
