"""Keeps a live practice or routine in the history while it runs, so closing the tab loses nothing.

The coach calls its saver from the worker thread whenever a hold's pipeline is released: the hold ended, the plan
finished, the camera stopped (the browser tab was closed) or the coach was replaced. The page calls the same saver
on "Finish and save". Each call writes the session so far; the first one adds it, later ones rewrite it in place,
so one live session is one row in the history however often it is saved.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime

from formcheck.history import History, HistoryError, KeptRange, save_failure

from .coach import Coach, HoldLog
from .review_data import from_holds, to_session_record


def worth_keeping(logs: list[HoldLog]) -> bool:
    """Something was held or flagged; a plan stopped during its first countdown is not a session."""
    return any(log.good_s > 0 or log.events for log in logs)


class SessionSaver:
    """Saves one coach's holds as one history session. Safe to call from the worker and the page at once."""

    def __init__(self, store: History | None, kind: str, title: str) -> None:
        self.store = store  # None: the history could not be opened (the page has said so)
        self.kind = kind
        self.title = title
        self.session_id: int | None = None
        self.error: str | None = None  # why the latest save failed, for the page to show
        self._lock = threading.Lock()
        self._saved_revision: int | None = None

    def __call__(self, coach: Coach) -> int | None:
        """Write the coach's holds so far; returns the session id (None while there is nothing worth keeping or
        when the write failed — then ``error`` says why)."""
        with self._lock:
            revision = coach.revision
            if self.store is None or revision == self._saved_revision:
                return self.session_id
            logs = coach.holds()
            if not worth_keeping(logs):
                return self.session_id
            started = datetime.fromtimestamp(coach.started_wall).astimezone()
            record = to_session_record(from_holds(logs, self.kind, self.title, started, len(coach.steps)))
            try:
                # Deleted from the History page while still running: stored again rather than losing later holds.
                if self.session_id is None or not self.store.replace_session(self.session_id, record):
                    self.session_id = self.store.add_session(record)
                for log in logs:  # a range found today replaces the one kept for that position and side
                    if log.range_ends is not None:
                        kept = KeptRange(*log.range_ends, started.date())
                        self.store.keep_range(log.step.stretch, log.step.side, kept)
            except (HistoryError, OSError, sqlite3.Error) as err:
                self.error = save_failure(err)
                return None
            self.error = None
            self._saved_revision = revision
            return self.session_id
