"""CPU seconds by part of the work (decode, inference, judging, …), summed as the work runs, for `formcheck bench`.

Two clock reads per part and frame: cheap enough to stay on in every analysis.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager


class CpuParts:
    """CPU seconds per named part, read from ``clock``: ``time.process_time`` (the whole process, for work that
    runs on MediaPipe's own threads) or ``time.thread_time`` (only the thread doing the part, when other threads of
    the process work at the same time)."""

    def __init__(self, clock: Callable[[], float] = time.process_time) -> None:
        self.clock = clock
        self.seconds: dict[str, float] = {}
        self._lock = threading.Lock()  # parts may be timed on several threads

    def add(self, part: str, seconds: float) -> None:
        with self._lock:
            self.seconds[part] = self.seconds.get(part, 0.0) + seconds

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        start = self.clock()
        try:
            yield
        finally:
            self.add(name, self.clock() - start)

    def timed(self, items: Iterable, name: str) -> Iterator:
        """``items``, with the time spent producing each charged to ``name`` (on the thread that iterates)."""
        iterator = iter(items)
        while True:
            with self.part(name):
                item = next(iterator, _END)
            if item is _END:
                return
            yield item


_END = object()
