"""Pose + metrics over a video file on several processes, handed back in frame order.

Pose inference is nearly all of the cost of `analyze` and keeps about one core busy, so the video is cut into one
contiguous span per pose stream. The calling process observes the first span itself, on the frames it decodes
anyway for judging; one process per further span decodes the file up to the end of its span and observes that span.
Before its span such a process tracks every ``SHADOW_STRIDE``-th frame, so that its tracker starts on the person as
one process's would. The rules and the session stay with the caller and see every frame in time order, so
smoothing, hysteresis and hold timing are those of one continuous stream.

Why one span per stream rather than short chunks dealt in turn: with chunks every process decodes the whole file
and tracks a share of every other process's frames, and the caller observes a chunk on top of judging, a third
stream on two cores; docs/performance.md says what each part costs.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import time
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from multiprocessing.connection import Connection

from .cpu_parts import CpuParts
from .errors import FormcheckError, PoseWorkerError
from .pipeline import Observation, Observer, get_stretch
from .video import VideoInfo, VideoReader, prefetch

# Before its span a process still tracks every SHADOW_STRIDE-th frame. MediaPipe's detector finds a person in some
# poses only, then tracking follows them: on a sample clip lying on a towel, a landmarker started cold mid-hold lost
# the person for 4 s that one process tracked throughout. A look a second is enough for people who hold still
# (`tools/parallel_check.py`: landmarks after the span boundary bit-identical to one process's on every dev clip, as
# with a look every tenth frame) at a third of the CPU.
SHADOW_STRIDE = 30
# What the spans balance, in frames of inference (measured with `formcheck bench`, model full): a further process
# starts up (imports and its model) in about 1 s of CPU, some 30 frames; the caller decodes and judges every frame,
# about a twentieth of a frame's inference each; a further process decodes every frame up to its span's end, about
# a fiftieth each.
START_UP_FRAMES = 30
CALLER_COST = 0.05
DECODE_COST = 0.02
MIN_SHARE_S = 2.0  # per stream; below that, starting a process (~1 s of CPU) costs more than it saves
MESSAGE_FRAMES = 120  # observations sent per message: errors and the process's end show up while it works
MAX_WORKERS = 4  # each stream holds its own model and decoder (~200 MB)
FINISH_S = 1.0  # a process that has sent its last message exits well within this


def default_workers() -> int:
    return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0))))


@contextmanager
def pinned_to(core: int) -> Iterator[None]:
    """Keep the calling thread, and the threads it starts meanwhile, on ``core``. Afterwards those that outlive the
    block (OpenCV's pool, kept for the life of the process) get back every core the thread had: a long-running
    server would otherwise keep them on one for good."""
    cores = os.sched_getaffinity(0)
    before = _thread_ids()
    os.sched_setaffinity(0, {core})
    try:
        yield
    finally:
        os.sched_setaffinity(0, cores)
        for thread in _thread_ids() - before:
            with suppress(OSError):  # ended meanwhile
                os.sched_setaffinity(thread, cores)


def _thread_ids() -> set[int]:
    return {int(name) for name in os.listdir("/proc/self/task")}


@contextmanager
def stream_cores(workers: int) -> Iterator[list[int]]:
    """Give each of ``workers`` pose streams a core of its own when there are enough: the calling thread (and the
    threads it starts meanwhile: the decoder's, MediaPipe's) keeps to the first core for the duration, and yields
    the cores for the further streams' processes (none when streams would share cores). Unpinned, two streams'
    threads hop between both cores: the same clip took about 10 % longer on this 2-core machine
    (docs/performance.md), as one process unpinned does against one pinned."""
    cores = sorted(os.sched_getaffinity(0))
    if not 1 < workers <= len(cores):
        yield []
        return
    with pinned_to(cores[0]):
        yield cores[1:workers]


def worth_sharing(info: VideoInfo, workers: int) -> bool:
    return workers > 1 and info.kind == "video" and info.frame_count >= workers * MIN_SHARE_S * info.fps


def span_starts(frame_count: int, workers: int, step: int = 1) -> list[int]:
    """The first frame of each stream's span (the last runs to the end of the file, however long it turns out to be),
    chosen so that every stream has the same work, counted in frames of inference: the caller's span is shorter by
    what decoding and judging every frame costs it, each later one by its start-up, its tracking before it and its
    decoding."""

    def starts_and_end(work: float) -> tuple[list[float], float]:
        starts, end = [0.0], step * (work - CALLER_COST * frame_count)
        for _ in range(1, workers):
            start = end
            starts.append(start)
            # work = START_UP_FRAMES + start / SHADOW_STRIDE + DECODE_COST * end + (end - start) / step
            end = (work - START_UP_FRAMES - start / SHADOW_STRIDE + start / step) / (1 / step + DECODE_COST)
        return starts, end

    # The end of the last span grows in proportion to the work: find the work that ends it at the last frame.
    at_none, at_one = starts_and_end(0.0)[1], starts_and_end(1.0)[1]
    starts, _ = starts_and_end((frame_count - at_none) / (at_one - at_none))
    return [min(frame_count, max(0, round(start))) for start in starts]


class SharedObserver:
    """An ``Observer`` for one video whose later spans are observed on other processes (``workers`` streams).

    Call it on every ``step``-th frame in order, as an ``Observer``: frames of the first span are observed here on
    the pixels handed in, the others are taken from the process that observed their span (their pixels are not
    needed). Then ``finish()`` checks that every process observed exactly the frames decoded here. The process of
    span ``i`` keeps to ``cores[i - 1]`` when ``cores`` names one for it (``stream_cores``).
    """

    def __init__(self, info: VideoInfo, stretch: str, model: str, workers: int, step: int = 1,
                 cores: list[int] | None = None) -> None:
        self.info, self.step = info, step
        self.starts = span_starts(info.frame_count, workers, step)
        self.own_end = self.starts[1] if workers > 1 else math.inf  # the frames observed in this process end here
        # CPU seconds by part, per pose process (each process's arrive with its last message); "ipc" here is the
        # time this process spends receiving them.
        self.cpu_s: dict[str, dict[str, float]] = {}
        self.receiving = CpuParts(time.thread_time)
        self._next_frame = 0
        self._span = 0
        self._batch: Iterator[Observation] = iter(())
        self._processes: list[multiprocessing.process.BaseProcess] = []
        self._inboxes: list[Iterator[tuple]] = []
        self._own: Observer | None = None
        try:
            self._start_processes(stretch, model, cores or [])
            # Loaded while the processes start (imports and their own model, on the other cores).
            self._own = Observer(get_stretch(stretch), model)
        except BaseException:
            self.close()
            raise

    def _start_processes(self, stretch: str, model: str, cores: list[int]) -> None:
        # spawn, not fork: the caller may already hold MediaPipe's and PyAV's threads.
        context = multiprocessing.get_context("spawn")
        for span in range(1, len(self.starts)):
            end = self.starts[span + 1] if span + 1 < len(self.starts) else None
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_observe_span, name=f"formcheck-pose-{span}", daemon=True,
                                      args=(self.info.path, stretch, self.starts[span], end, self.step, model,
                                            sender))
            process.start()
            if span <= len(cores):  # pinned before the new interpreter starts any thread of its own
                with suppress(ProcessLookupError):  # already gone: its pipe says how, below
                    os.sched_setaffinity(process.pid, {cores[span - 1]})
            sender.close()  # the process holds the only sending end, so its death reads as end-of-file here
            self._processes.append(process)
            # A thread per process drains its pipe as results come, unbounded (depth 0): they wait for the caller to
            # reach the span (~2.5 KB a frame), and the process never waits for the caller.
            self._inboxes.append(prefetch(self.receiving.timed(_messages(receiver, process), "ipc"), depth=0,
                                          name=process.name))

    def __call__(self, rgb, t: float) -> Observation:
        frame, self._next_frame = self._next_frame, self._next_frame + self.step
        span = bisect_right(self.starts, frame) - 1
        if span == 0:
            return self._own(rgb, t)
        while span > self._span:  # the span before has been handed out in full
            self._expect_end(self._span)
            self._span += 1
        while True:
            seen = next(self._batch, None)
            if seen is not None:
                return seen
            message = self._message(span)
            if message[0] == "end":
                raise RuntimeError(f"{self.info.path}: pose process {span} observed fewer frames than were decoded")
            self._batch = iter(message[1])

    def finish(self) -> None:
        """Every process has sent its last message, and no observation is left over."""
        for span in range(max(1, self._span), len(self.starts)):
            self._expect_end(span)
        self._span = len(self.starts)

    def _expect_end(self, span: int) -> None:
        if span == 0:
            return
        while True:
            if next(self._batch, None) is not None:
                raise RuntimeError(f"{self.info.path}: pose process {span} observed more frames than were decoded")
            message = self._message(span)
            if message[0] == "end":
                return
            self._batch = iter(message[1])

    def _message(self, span: int) -> tuple:
        try:
            message = next(self._inboxes[span - 1])
        except _WorkerDied as died:
            start = self.starts[span] / self.info.fps
            end = (self.starts[span + 1] if span + 1 < len(self.starts) else self.info.frame_count) / self.info.fps
            raise PoseWorkerError(f"{self.info.path}: the pose process stopped unexpectedly ({died}) while "
                                  f"analysing {start:.1f}–{end:.1f} s; nothing was written") from None
        if message[0] == "error":
            raise message[1]
        if message[0] == "crash":
            raise PoseWorkerError(f"{self.info.path}: {message[1]}")
        if message[0] == "end":
            self.cpu_s[self._processes[span - 1].name] = message[1]
        return message

    def close(self) -> None:
        if self._own:
            self._own.close()
        for process in self._processes:
            process.join(timeout=FINISH_S)
            if process.is_alive():  # stopped early (error, or the caller gave up): no work left worth waiting for
                process.terminate()
                process.join()
        for inbox in self._inboxes:
            inbox.close()


def observe_video(info: VideoInfo, stretch: str, model: str, workers: int, step: int = 1) -> Iterator[Observation]:
    """Observations for every ``step``-th frame of the video, in order, from ``workers`` streams."""
    with stream_cores(workers) as cores, VideoReader(info.path) as reader, \
            closing(SharedObserver(info, stretch, model, workers, step, cores)) as observer:
        for index, (t, frame) in enumerate(reader.decoded()):
            if index % step == 0:
                yield observer(reader.to_rgb(frame) if index < observer.own_end else None, t)
        observer.finish()


class _WorkerDied(Exception):
    """The process's pipe closed before its last message; ``str()`` says how the process ended."""


def _messages(receiver: Connection, process: multiprocessing.process.BaseProcess) -> Iterator[tuple]:
    with receiver:
        while True:
            try:
                message = receiver.recv()
            except (EOFError, OSError):  # the process died, possibly in the middle of a message
                raise _WorkerDied(_how_it_ended(process)) from None
            yield message
            if message[0] != "chunk":
                return


def _how_it_ended(process: multiprocessing.process.BaseProcess) -> str:
    process.join(timeout=FINISH_S)
    code = process.exitcode
    if code is None:
        return "its connection closed"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _observe_span(path: str, stretch: str, start: int, end: int | None, step: int, model: str,
                  sender: Connection) -> None:
    """Pose process: track every ``SHADOW_STRIDE``-th frame before ``start``, observe every ``step``-th frame from
    ``start`` up to ``end`` (None: the end of the file), and send them ``MESSAGE_FRAMES`` at a time, then its CPU
    seconds by part."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle; it stops the processes
    cpu = CpuParts()  # process time: inference runs on MediaPipe's threads, the rest of this process waits for it
    observer, batch = None, []
    try:
        observer = Observer(get_stretch(stretch), model)
        cpu.add("start-up", time.process_time())  # imports and the model, since the process began
        with VideoReader(path) as reader:
            frames = cpu.timed(reader.decoded(), "decode")
            for index, (t, frame) in enumerate(frames):
                if end is not None and index >= end:
                    break
                if index < start:
                    if index % SHADOW_STRIDE == 0:  # keep the tracker on the person (result unused)
                        with cpu.part("shadow tracking"):
                            observer.follow(reader.to_rgb(frame), t)
                    continue
                if index % step == 0:
                    with cpu.part("decode"):
                        rgb = reader.to_rgb(frame)
                    with cpu.part("inference"):
                        batch.append(observer(rgb, t))
                if len(batch) == MESSAGE_FRAMES:
                    with cpu.part("ipc"):
                        sender.send(("chunk", batch))
                    batch = []
            with cpu.part("ipc"):
                sender.send(("chunk", batch))
        sender.send(("end", cpu.seconds))
    except BrokenPipeError:
        pass  # the caller stopped listening (it gave up or failed); nothing left to tell it
    except FormcheckError as err:  # bad input or model: the user's to act on, raised as is by the caller
        sender.send(("error", err))
    except Exception as err:  # a bug: hand it over rather than leave the caller waiting
        sender.send(("crash", f"pose worker failed: {type(err).__name__}: {err}"))
    finally:
        if observer:
            observer.close()
        sender.close()
