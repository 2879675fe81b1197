"""Kill a pose worker process mid-video, as a native crash would, from a thread of the test."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path


def pose_workers(parent_pid: int) -> list[int]:
    """Pids of the spawned worker processes (not the resource tracker) whose parent is ``parent_pid``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == parent_pid and b"spawn_main" in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except (OSError, ValueError, IndexError):  # the process ended while we looked
            continue
    return found


def segfault_a_worker_soon(parent_pid: int, after_s: float = 1.5, timeout_s: float = 120) -> threading.Thread:
    """Once ``parent_pid`` has pose workers, wait ``after_s`` (they are mid-video by then) and send one SIGSEGV.

    The thread's ``killed`` attribute lists the pid it signalled.
    """
    thread = threading.Thread(daemon=True, name="worker-killer")
    thread.killed = []

    def run() -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            workers = pose_workers(parent_pid)
            if workers:
                time.sleep(after_s)
                if pose_workers(parent_pid):
                    victim = pose_workers(parent_pid)[0]
                    os.kill(victim, signal.SIGSEGV)
                    thread.killed.append(victim)
                return
            time.sleep(0.05)

    thread.run = run
    thread.start()
    return thread
