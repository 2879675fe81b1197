"""Pose + metrics over a video file on several processes, handed back in frame order.

Pose inference is nearly all of the cost of `analyze` and keeps about one core busy, so the video is cut into
chunks of ``CHUNK_S`` seconds dealt round-robin to worker processes. Each worker decodes the whole file (cheap
without the RGB conversion), observes its own chunks and, in between, keeps its one landmarker tracking the person on
every ``SHADOW_STRIDE``-th frame, so each chunk starts from a tracker that has followed the video (and the same
person) as a single process's would. The rules and the session stay with the caller and see every frame in time
order, so smoothing, hysteresis and hold timing are those of one continuous stream.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
from collections.abc import Iterator
from itertools import count
from multiprocessing.connection import Connection

from .errors import FormcheckError, PoseWorkerError
from .pipeline import Observation, Observer, get_stretch
from .video import VideoInfo, VideoReader, prefetch

CHUNK_S = 4.0
# Between its own chunks a worker still tracks every SHADOW_STRIDE-th frame. MediaPipe's detector finds a person in
# some poses only, then tracking follows them: on a sample clip lying on a towel, a landmarker started cold mid-hold
# lost the person for 4 s that one process tracked throughout. Costs (workers - 1) / SHADOW_STRIDE more inference.
SHADOW_STRIDE = 10
MIN_SHARE_S = 2.0  # per worker; below that, starting the processes (~1 s each) costs more than it saves
AHEAD_CHUNKS = 4  # how far a worker may run ahead of the caller (bounds memory; results are small)
MAX_WORKERS = 4  # each worker holds its own model and decoder (~200 MB)
FINISH_S = 1.0  # a worker that has sent its last message exits well within this


def default_workers() -> int:
    return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0))))


def worth_sharing(info: VideoInfo, workers: int) -> bool:
    return workers > 1 and info.kind == "video" and info.frame_count >= workers * MIN_SHARE_S * info.fps


def chunk_length(info: VideoInfo, workers: int) -> int:
    """Frames per chunk: about ``CHUNK_S`` seconds, in whole rounds so that no worker gets one chunk more."""
    rounds = max(1, round(info.frame_count / (workers * CHUNK_S * info.fps)))
    return max(1, math.ceil(info.frame_count / (workers * rounds)))


def observe_video(info: VideoInfo, stretch: str, model: str, workers: int, step: int = 1) -> Iterator[Observation]:
    """Observations for every ``step``-th frame of the video, in order, computed by ``workers`` processes."""
    size = chunk_length(info, workers)
    # spawn, not fork: the caller may already hold MediaPipe's and PyAV's threads.
    context = multiprocessing.get_context("spawn")
    processes, inboxes = [], []
    first = Observer(get_stretch(stretch), model)  # loaded before the processes compete for the cores
    try:
        for index in range(workers):
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_observe_chunks, name=f"formcheck-pose-{index}", daemon=True,
                                      args=(info.path, stretch, model, size, index, workers, step, sender))
            process.start()
            sender.close()  # the worker holds the only sending end, so its death reads as end-of-file here
            processes.append(process)
            # A thread per worker drains its pipe a few chunks ahead, so no worker waits for the caller.
            inboxes.append(prefetch(_messages(receiver, process), depth=AHEAD_CHUNKS, name=process.name))
        # The first chunk is observed here while the processes start (imports and the model take a few seconds):
        # the caller sees progress at once, and the start-up is no longer dead time.
        yield from _observe_first_chunk(info.path, first, size, step)
        for chunk in count(1):
            try:
                message = next(inboxes[(chunk - 1) % workers])
            except _WorkerDied as died:
                start = chunk * size / info.fps
                raise PoseWorkerError(f"{info.path}: the pose process stopped unexpectedly ({died}) while "
                                      f"analysing {start:.1f}–{start + size / info.fps:.1f} s; nothing was "
                                      "written") from None
            if message[0] == "end":
                return
            if message[0] == "error":
                raise message[1]
            if message[0] == "crash":
                raise PoseWorkerError(f"{info.path}: {message[1]}")
            assert message[1] == chunk, f"pose worker sent chunk {message[1]}, expected {chunk}"
            yield from message[2]
    finally:
        first.close()
        for process in processes:
            process.join(timeout=FINISH_S)
            if process.is_alive():  # stopped early (error, or the caller gave up): no work left worth waiting for
                process.terminate()
                process.join()
        for inbox in inboxes:
            inbox.close()


def _observe_first_chunk(path: str, observer: Observer, size: int, step: int) -> Iterator[Observation]:
    with VideoReader(path) as reader:
        for frame_index, (t, frame) in enumerate(reader.decoded()):
            if frame_index >= size:
                return
            if frame_index % step == 0:
                yield observer(reader.to_rgb(frame), t)


class _WorkerDied(Exception):
    """The worker's pipe closed before its last message; ``str()`` says how the process ended."""


def _messages(receiver: Connection, process: multiprocessing.process.BaseProcess) -> Iterator[tuple]:
    with receiver:
        while True:
            try:
                message = receiver.recv()
            except (EOFError, OSError):  # the worker died, possibly in the middle of a message
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


def _observe_chunks(path: str, stretch: str, model: str, size: int, index: int, workers: int, step: int,
                    sender: Connection) -> None:
    """Worker process: observe every ``step``-th frame of chunks ``1 + index``, ``1 + index + workers``, … (chunk 0
    is the caller's) and send each chunk as one message."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle; it stops the workers
    spec = get_stretch(stretch)
    observer, current, batch = None, -1, []
    try:
        observer = Observer(spec, model)
        with VideoReader(path) as reader:
            for frame_index, (t, frame) in enumerate(reader.decoded()):
                chunk = frame_index // size
                if chunk == 0 or (chunk - 1) % workers != index:
                    if frame_index % SHADOW_STRIDE == 0:  # keep the trackers on the person (result unused)
                        observer.follow(reader.to_rgb(frame), t)
                    continue
                if chunk != current:
                    if current >= 0:  # sent even when empty (step longer than a chunk), to keep the order
                        sender.send(("chunk", current, batch))
                    current, batch = chunk, []
                if frame_index % step == 0:
                    batch.append(observer(reader.to_rgb(frame), t))
            if current >= 0:
                sender.send(("chunk", current, batch))
        sender.send(("end",))
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
