"""One span per pose stream (issue 32): the caller observes the first span exactly as one process would, and the
CPU that `formcheck bench` reports is split by part and by process."""

import math
import os
import threading
from contextlib import closing

import numpy as np
from conftest import SAMPLE_DIR
from test_cli import write_clip

from formcheck.bench import time_analyze
from formcheck.parallel import (CALLER_COST, DECODE_COST, SHADOW_STRIDE, START_UP_FRAMES, SharedObserver,
                                span_starts, stream_cores)
from formcheck.pipeline import Observer, get_stretch
from formcheck.video import VideoReader

CLIP = SAMPLE_DIR / "ham_correct_06.mp4"
STRETCH = "hamstring"


def test_spans_give_every_stream_the_same_work():
    assert span_starts(600, 1) == [0]
    for frames, workers, step in ((600, 2, 1), (600, 2, 2), (600, 4, 1), (18000, 3, 2)):
        starts = span_starts(frames, workers, step)
        assert starts[0] == 0 and starts == sorted(starts)
        ends = starts[1:] + [frames]
        # In frames of inference: the caller decodes and judges every frame, a process starts up, tracks every
        # SHADOW_STRIDE-th frame before its span and decodes every frame up to its span's end.
        work = [ends[0] / step + CALLER_COST * frames] + [
            (end - start) / step + START_UP_FRAMES + start / SHADOW_STRIDE + DECODE_COST * end
            for start, end in zip(starts[1:], ends[1:])]
        assert max(work) - min(work) < 2, (frames, workers, step, starts)
    assert span_starts(600, 2)[1] > 300  # the caller starts at once: it takes the larger share


def test_the_first_span_is_observed_here_as_one_process_would():
    with VideoReader(CLIP) as reader:
        info = reader.info
        frames = [reader.to_rgb(frame) for _, (_, frame) in zip(range(45), reader.decoded())]
    times = [index / info.fps for index in range(len(frames))]
    with closing(Observer(get_stretch(STRETCH))) as alone:
        expected = [alone(rgb, t) for rgb, t in zip(frames, times)]
    with closing(SharedObserver(info, STRETCH, "full", 2)) as shared:
        assert shared.own_end == span_starts(info.frame_count, 2)[1]
        got = [shared(rgb, t) for rgb, t in zip(frames, times)]
    assert sum(seen.pose.detected for seen in expected) > 30
    for a, b in zip(expected, got):
        assert np.array_equal(a.pose.image, b.pose.image, equal_nan=True)
        assert a.metrics.keys() == b.metrics.keys()
        assert all(a.metrics[k] == b.metrics[k] or (math.isnan(a.metrics[k]) and math.isnan(b.metrics[k]))
                   for k in a.metrics)


def test_cpu_is_reported_by_part_for_every_process(tmp_path):
    clip = write_clip(tmp_path / "c.mp4", frames=150, size=(321, 241))  # 5 s: long enough to share
    pool = time_analyze(clip, "hamstring", "full", 2, skip_frames=False, encode=False, pinned=False)
    assert set(pool["cpu_s_by_part"]) == {"main", "formcheck-pose-1"}
    assert set(pool["cpu_s_by_part"]["main"]) == {"decode", "judging", "ipc", "inference and the rest"}
    assert set(pool["cpu_s_by_part"]["formcheck-pose-1"]) == {"start-up", "decode", "shadow tracking", "inference",
                                                              "ipc"}
    worker = pool["cpu_s_by_part"]["formcheck-pose-1"]
    assert worker["start-up"] > 0.1 and worker["inference"] > 0 and worker["shadow tracking"] > 0
    # The parts account for the CPU measured from outside (this process and its ended children), within the
    # spawning and joining the parts do not see.
    parts = sum(sum(process.values()) for process in pool["cpu_s_by_part"].values())
    total = pool["cpu_s_per_video_s"] * pool["video_seconds"]
    assert 0.8 * total < parts <= total + 0.05
    alone = time_analyze(clip, "hamstring", "full", 1, skip_frames=False, encode=False, pinned=True)
    assert set(alone["cpu_s_by_part"]) == {"main"} and alone["workers"] == 1 and alone["pinned"]


def test_each_stream_gets_a_core_of_its_own_when_there_are_enough():
    cores = sorted(os.sched_getaffinity(0))
    for workers in (1, len(cores) + 1):  # one stream, or more streams than cores: nothing is pinned
        with stream_cores(workers) as further:
            assert further == [] and sorted(os.sched_getaffinity(0)) == cores
    if len(cores) >= 2:
        stop = threading.Event()
        with stream_cores(2) as further:
            assert os.sched_getaffinity(0) == {cores[0]} and further == [cores[1]]
            pool = threading.Thread(target=stop.wait)  # a thread started meanwhile that outlives the analysis
            pool.start()
            assert os.sched_getaffinity(pool.native_id) == {cores[0]}
        assert sorted(os.sched_getaffinity(pool.native_id)) == cores
        stop.set()
        pool.join()
    assert sorted(os.sched_getaffinity(0)) == cores  # given back
