"""Run a per-clip function as Ray tasks (the optional ``formcheck[ray]`` extra): results stream back as they finish.

The function is the one the single-machine path calls (``batch.run_clip``, ``evaluate.score_clip``, the clip
renderer); it is sent by reference, so every node needs formcheck installed. The pose model comes with the
installed package, so it is read from each node's disk (checked against its checksum), never sent per task.
A task that fails (its worker died, or an unexpected exception) is retried once; a clip that fails twice comes
back as a one-line message and the other clips finish.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from .errors import InputError

RETRIES = 1
IN_FLIGHT_PER_CPU = 2  # tasks queued per cluster CPU: keeps every CPU busy without submitting 10,000 at once


@dataclass(frozen=True)
class TaskFailed:
    """What comes back for an item whose task failed twice."""

    message: str

    def __str__(self) -> str:
        return self.message


@contextmanager
def ray_connection(address: str | None = None):
    """Join ``address`` (or $RAY_ADDRESS), else start a local instance on this machine's cores; yields ``ray``.

    An instance this process already joined (e.g. a test's) is used as it is and left running.
    """
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage report is attempted
    try:
        import ray
    except ImportError:
        raise InputError('--ray needs Ray: pip install "formcheck[ray]"') from None
    if ray.is_initialized():
        yield ray
        return
    address = address or os.environ.get("RAY_ADDRESS") or None
    try:
        if address:
            ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
        else:
            # Token authentication stays on (Ray's default); the dashboard is not needed.
            ray.init(num_cpus=len(os.sched_getaffinity(0)), include_dashboard=False, log_to_driver=False,
                     logging_level=logging.WARNING)
    except Exception as err:  # Ray raises ConnectionError, RuntimeError, ValueError… for an unusable cluster
        where = f"the Ray cluster at {address}" if address else "a local Ray instance"
        raise InputError(f"cannot start or join {where}: {_first_line(err)}") from None
    try:
        yield ray
    finally:
        ray.shutdown()


def map_on_ray(function: Callable, items: Sequence, *, address: str | None = None, cpus_per_task: float = 1,
               ) -> Iterator[tuple[int, object]]:
    """``(position, function(item))`` as each task finishes; a task that failed twice gives
    ``(position, TaskFailed("failed twice on Ray: …"))``."""
    if not items:
        return
    with ray_connection(address) as ray:
        remote = ray.remote(function).options(num_cpus=cpus_per_task, max_retries=RETRIES, retry_exceptions=True)
        window = max(2, int(IN_FLIGHT_PER_CPU * ray.cluster_resources().get("CPU", 1) / cpus_per_task))
        queue = iter(enumerate(items))
        pending: dict = {}

        def submit() -> None:
            for position, item in islice(queue, window - len(pending)):
                pending[remote.remote(item)] = position

        submit()
        try:
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                for ref in done:
                    position = pending.pop(ref)
                    try:
                        outcome = ray.get(ref)
                    except ray.exceptions.RayError as err:
                        outcome = TaskFailed(f"failed twice on Ray: {_task_error(ray, err)}")
                    yield position, outcome
                submit()
        finally:
            for ref in pending:  # the caller stopped early (an error, Ctrl-C): drop the queued work
                ray.cancel(ref, force=True)


def _task_error(ray, err: Exception) -> str:
    if isinstance(err, ray.exceptions.RayTaskError) and err.cause is not None:
        return f"{type(err.cause).__name__}: {_first_line(err.cause)}"
    if isinstance(err, ray.exceptions.WorkerCrashedError):
        return "the worker process running it died"
    return f"{type(err).__name__}: {_first_line(err)}"


def _first_line(err: BaseException) -> str:
    lines = [line for line in str(err).splitlines() if line.strip()]
    return lines[0].strip() if lines else type(err).__name__
