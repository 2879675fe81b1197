"""Practice history: a small SQLite database in the user's data folder (stdlib ``sqlite3`` only).

What is kept: one row per session (a guided routine, a single-stretch practice or an analysed video), one row per
hold (stretch and side, the position recognised, good-form seconds, flags, a down-sampled key-metric series) and a
picture of each flagged moment with, while the session's pictures fit ``PICTURE_BUDGET``, the person's own
good-form picture from the same hold. Full videos are kept only when the user opted in (``video_path``).
A damaged database file is moved aside and a fresh one started; ``History.notice`` then says so in plain words.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

DATA_DIR_ENV = "FORMCHECK_DATA_DIR"
DB_NAME = "history.db"
SCHEMA_VERSION = 3  # 2: holds.seen_position, flagged_frames.good_picture; 3: sessions.planned_holds
# A saved session's pictures stay within this many bytes: flagged moments are always kept (at most
# ``session.MAX_FLAGGED_FRAMES``, 11–17 kB each on the rendered samples, ~100 kB budgeted for a noisy camera),
# their good-form pictures while they fit (see README, Privacy).
PICTURE_BUDGET = 6_000_000
KINDS = ("routine", "practice", "video")
LOCK_WAIT_S = 5.0  # how long a write waits for another program holding the database
DAILY_AIM = (2, 3)  # the routine is meant to be done two to three times a day
RANGE_SETTING = "range:{stretch}:{side}"  # the person's own range in a position, kept for later sessions

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,               -- ISO 8601, local time with UTC offset
    day         TEXT NOT NULL,               -- local calendar day, YYYY-MM-DD (for the daily aim)
    kind        TEXT NOT NULL CHECK (kind IN ('routine', 'practice', 'video')),
    title       TEXT NOT NULL,
    duration_s  REAL NOT NULL DEFAULT 0,
    video_path  TEXT,                        -- only when the user chose to keep the video
    planned_holds INTEGER                    -- holds the plan had (NULL in older sessions: the holds stored)
);
CREATE INDEX IF NOT EXISTS sessions_day ON sessions(day);
CREATE TABLE IF NOT EXISTS holds (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,            -- order within the session
    stretch     TEXT NOT NULL,
    side        TEXT NOT NULL,
    target_s    REAL NOT NULL,
    good_s      REAL NOT NULL,               -- seconds held with good form
    duration_s  REAL NOT NULL,               -- seconds spent on this hold in all
    flags       INTEGER NOT NULL,            -- mistakes flagged during the hold
    completed   INTEGER NOT NULL,
    series      TEXT NOT NULL DEFAULT '[]',  -- JSON [[t, value, status], ...] of the key metric
    series_kind TEXT NOT NULL DEFAULT 'rule', -- 'rule': comparable with the thresholds; 'raw': the frame's metric
    seen_position TEXT                       -- the position recognised during the hold (formcheck.positions)
);
CREATE INDEX IF NOT EXISTS holds_session ON holds(session_id);
CREATE TABLE IF NOT EXISTS flagged_frames (
    id          INTEGER PRIMARY KEY,
    hold_id     INTEGER NOT NULL REFERENCES holds(id) ON DELETE CASCADE,
    t           REAL NOT NULL,
    mistake     TEXT NOT NULL,
    value       REAL,
    cue         TEXT NOT NULL,
    thumbnail   BLOB NOT NULL,               -- the flagged moment's picture (JPEG; PNG in older sessions)
    good_picture BLOB                        -- the person's good-form picture from the same hold (JPEG), if kept
);
CREATE INDEX IF NOT EXISTS flagged_hold ON flagged_frames(hold_id);
CREATE TABLE IF NOT EXISTS settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
);
"""
# Columns added since schema 1, for databases written by an older formcheck.
ADDED_COLUMNS = (("holds", "seen_position", "TEXT"), ("flagged_frames", "good_picture", "BLOB"),
                 ("sessions", "planned_holds", "INTEGER"))


def data_dir() -> Path:
    """The per-user folder formcheck writes to (``FORMCHECK_DATA_DIR`` overrides), created if missing."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        base = Path(override).expanduser()
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".local" / "share") / "formcheck"
    base.mkdir(parents=True, exist_ok=True)
    return base


@dataclass
class FlagRecord:
    t: float
    mistake: str
    value: float | None
    cue: str
    png: bytes  # the flagged moment's picture (JPEG, or a PNG thumbnail in older sessions)
    good: bytes | None = None  # the person's good-form picture from the same hold (JPEG)


@dataclass
class HoldRecord:
    stretch: str
    side: str
    target_s: float
    good_s: float
    duration_s: float
    flags: int
    completed: bool
    frames: list[FlagRecord] = field(default_factory=list)
    series: list[tuple[float, float | None, str]] = field(default_factory=list)
    series_kind: str = "rule"
    seen_position: str | None = None  # formcheck.positions.Position value


class HoldTotals:
    """Session-wide sums over ``holds`` (each hold has ``flags`` and ``good_s``)."""

    holds: list

    @property
    def flags(self) -> int:
        return sum(h.flags for h in self.holds)

    @property
    def good_s(self) -> float:
        return sum(h.good_s for h in self.holds)


@dataclass
class SessionRecord(HoldTotals):
    kind: str
    title: str
    started_at: datetime
    duration_s: float = 0.0
    holds: list[HoldRecord] = field(default_factory=list)
    video_path: str | None = None
    id: int | None = None
    planned_holds: int | None = None  # the plan's holds (a routine stopped early stores fewer); None: those stored


@dataclass(frozen=True)
class SessionSummary:
    """A session without its pictures, for lists."""

    id: int
    kind: str
    title: str
    started_at: datetime
    duration_s: float
    holds: int
    completed_holds: int
    good_s: float
    flags: int
    frames: int
    video_path: str | None
    planned_holds: int  # the holds the plan had (older sessions: the holds stored)

    @property
    def complete(self) -> bool:
        """Every hold of the plan was done; only complete routines count toward the daily aim and the streak."""
        return self.completed_holds >= max(1, self.planned_holds)


class HistoryError(Exception):
    """The history cannot be opened or written; the message is meant for the user."""


@dataclass(frozen=True)
class KeptRange:
    """The ends of a person's own low-back range in a position (degrees of the lumbar reading) and when taken."""

    tucked: float
    tipped: float
    taken: date

    @property
    def ends(self) -> tuple[float, float]:
        return self.tucked, self.tipped


def save_failure(err: Exception) -> str:
    """The one line shown when a write to the history failed (locked, disk full, read-only folder)."""
    return f"Could not save to your practice history: {_first_line(err)}"


class History:
    """Open (or create) the history database; every method uses its own short connection and transaction."""

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = Path(path) if path is not None else data_dir() / DB_NAME
        self.notice: str | None = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._initialise()
        except sqlite3.DatabaseError as err:
            if isinstance(err, sqlite3.OperationalError) and "locked" in str(err):
                raise HistoryError(f"the history database {self.path} is in use by another program") from None
            moved = self._move_aside()
            self._initialise()
            self.notice = (f"Your practice history file could not be read ({_first_line(err)}). It was moved to "
                           f"{moved.name} in {moved.parent} and a new, empty history was started.")

    # -- plumbing -------------------------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=LOCK_WAIT_S, isolation_level=None)  # explicit BEGIN/COMMIT below
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA foreign_keys = ON")
        return con

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        con = self._connect()
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: everything inside is written, or nothing is."""
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        except sqlite3.OperationalError as err:  # locked by another program, disk full, read-only folder
            raise HistoryError(f"could not save to the history database {self.path}: {err}") from None
        finally:
            con.close()

    def _initialise(self) -> None:
        con = self._connect()
        try:
            check = con.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise HistoryError(f"the history database {self.path} was written by a newer formcheck "
                                   f"(schema {version}); update formcheck to open it")
            con.execute("PRAGMA journal_mode = WAL")
            con.executescript("BEGIN;" + _SCHEMA)
            try:
                for table, column, kind in ADDED_COLUMNS:
                    if column not in {row["name"] for row in con.execute(f"PRAGMA table_info({table})")}:
                        con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
                con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()

    def _move_aside(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        if self.path.exists():
            os.replace(self.path, target)
        for suffix in ("-wal", "-shm"):  # stale journals must not be replayed into the new file
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
        return target

    # -- writing --------------------------------------------------------------------------------------------------

    def add_session(self, record: SessionRecord) -> int:
        """Store a whole session (holds and thumbnails) in one transaction; returns its id."""
        if record.kind not in KINDS:
            raise ValueError(f"unknown session kind {record.kind!r}")
        started = record.started_at if record.started_at.tzinfo else record.started_at.astimezone()
        with self._write() as con:
            cur = con.execute(
                "INSERT INTO sessions (started_at, day, kind, title, duration_s, video_path, planned_holds)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (started.isoformat(timespec="seconds"), started.date().isoformat(), record.kind, record.title,
                 float(record.duration_s), record.video_path, record.planned_holds))
            session_id = cur.lastrowid
            _insert_holds(con, session_id, record.holds)
        record.id = session_id
        return session_id

    def replace_session(self, session_id: int, record: SessionRecord) -> bool:
        """Rewrite a stored session's length and holds (a live session saved again as it goes), in one
        transaction; False if there is no such session (it was deleted meanwhile)."""
        with self._write() as con:
            cur = con.execute("UPDATE sessions SET title = ?, duration_s = ?, planned_holds = ? WHERE id = ?",
                              (record.title, float(record.duration_s), record.planned_holds, session_id))
            if cur.rowcount == 0:
                return False
            con.execute("DELETE FROM holds WHERE session_id = ?", (session_id,))  # their thumbnails cascade
            _insert_holds(con, session_id, record.holds)
        record.id = session_id
        return True

    def delete_session(self, session_id: int) -> bool:
        """Delete a session with its holds, thumbnails and any kept video; False if there was no such session."""
        with self._write() as con:
            row = con.execute("SELECT video_path FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                return False
            con.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        video = row["video_path"]
        if video:
            kept = Path(video)
            # Only files formcheck itself copied into its data folder are removed.
            if kept.parent.resolve() == (self.path.parent / "videos").resolve():
                kept.unlink(missing_ok=True)
        return True

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        with self._read() as con:
            row = con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else row["value"]

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as con:
            con.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def keep_range(self, stretch: str, side: str, kept: KeptRange) -> None:
        self.set_setting(RANGE_SETTING.format(stretch=stretch, side=side),
                         json.dumps({"tucked": kept.tucked, "tipped": kept.tipped, "taken": kept.taken.isoformat()}))

    def kept_range(self, stretch: str, side: str) -> KeptRange | None:
        """The range kept for this position and side (None: none, or unreadable)."""
        text = self.get_setting(RANGE_SETTING.format(stretch=stretch, side=side))
        try:
            data = json.loads(text) if text else None
            return None if data is None else KeptRange(float(data["tucked"]), float(data["tipped"]),
                                                       date.fromisoformat(data["taken"]))
        except (ValueError, KeyError, TypeError):
            return None

    def keep_video(self, source: str | os.PathLike, name_hint: str) -> Path:
        """Copy a video the user chose to keep into the data folder; returns the copy's path."""
        folder = self.path.parent / "videos"
        folder.mkdir(exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in Path(name_hint).name)[:80] or "video.mp4"
        target = folder / f"{stamp}-{safe}"
        partial = target.with_name(f".{target.name}.part")
        try:  # a full disk leaves no half-copied video behind
            shutil.copyfile(source, partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        return target

    # -- reading --------------------------------------------------------------------------------------------------

    def sessions(self, limit: int | None = None) -> list[SessionSummary]:
        """Newest first."""
        sql = """
            SELECT s.id, s.kind, s.title, s.started_at, s.duration_s, s.video_path,
                   COUNT(h.id) AS holds, COALESCE(SUM(h.completed), 0) AS completed_holds,
                   COALESCE(SUM(h.good_s), 0) AS good_s, COALESCE(SUM(h.flags), 0) AS flags,
                   (SELECT COUNT(*) FROM flagged_frames f JOIN holds h2 ON f.hold_id = h2.id
                     WHERE h2.session_id = s.id) AS frames,
                   COALESCE(s.planned_holds, COUNT(h.id)) AS planned_holds
            FROM sessions s LEFT JOIN holds h ON h.session_id = s.id
            GROUP BY s.id ORDER BY s.started_at DESC, s.id DESC"""
        params: tuple = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (int(limit),)
        with self._read() as con:
            rows = con.execute(sql, params).fetchall()
        return [SessionSummary(r["id"], r["kind"], r["title"], datetime.fromisoformat(r["started_at"]),
                               r["duration_s"], r["holds"], r["completed_holds"], r["good_s"], r["flags"],
                               r["frames"], r["video_path"], r["planned_holds"]) for r in rows]

    def session(self, session_id: int) -> SessionRecord | None:
        """A whole session with its holds and thumbnails, or None."""
        with self._read() as con:
            row = con.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                return None
            record = SessionRecord(row["kind"], row["title"], datetime.fromisoformat(row["started_at"]),
                                   row["duration_s"], video_path=row["video_path"], id=row["id"],
                                   planned_holds=row["planned_holds"])
            for h in con.execute("SELECT * FROM holds WHERE session_id = ? ORDER BY position", (session_id,)):
                frames = [FlagRecord(f["t"], f["mistake"], f["value"], f["cue"], bytes(f["thumbnail"]),
                                     None if f["good_picture"] is None else bytes(f["good_picture"]))
                          for f in con.execute("SELECT * FROM flagged_frames WHERE hold_id = ? ORDER BY t, id",
                                               (h["id"],))]
                series = [tuple(point) for point in json.loads(h["series"] or "[]")]
                record.holds.append(HoldRecord(h["stretch"], h["side"], h["target_s"], h["good_s"], h["duration_s"],
                                               h["flags"], bool(h["completed"]), frames, series, h["series_kind"],
                                               h["seen_position"]))
        return record

    def daily_counts(self, days: int = 14, today: date | None = None, kinds: tuple[str, ...] = KINDS,
                     complete_only: bool = False) -> dict[date, int]:
        """Sessions of ``kinds`` (with ``complete_only``: only those whose every planned hold was done) per local
        day for the last ``days`` days (oldest first), zeros included."""
        today = today or date.today()
        first = today - timedelta(days=days - 1)
        counts = self._sessions_per_day(kinds, complete_only)
        return {first + timedelta(days=i): counts.get(first + timedelta(days=i), 0) for i in range(days)}

    def streak(self, today: date | None = None, kinds: tuple[str, ...] = KINDS, complete_only: bool = False) -> int:
        """Days in a row with at least one session of ``kinds`` (``complete_only`` as in ``daily_counts``), ending
        today (or yesterday, if today has none yet)."""
        today = today or date.today()
        days = set(self._sessions_per_day(kinds, complete_only))
        day = today if today in days else today - timedelta(days=1)
        run = 0
        while day in days:
            run += 1
            day -= timedelta(days=1)
        return run

    def _sessions_per_day(self, kinds: tuple[str, ...], complete_only: bool) -> dict[date, int]:
        """Sessions of ``kinds`` per local day, optionally only complete ones (see ``SessionSummary.complete``)."""
        complete = _COMPLETE if complete_only else "1"
        with self._read() as con:
            rows = con.execute(f"SELECT s.day AS day, COUNT(*) AS n FROM sessions s WHERE s.kind IN ({_marks(kinds)}) "
                               f"AND {complete} GROUP BY s.day", kinds).fetchall()
        return {date.fromisoformat(r["day"]): r["n"] for r in rows}

    def stretch_stats(self) -> list[dict]:
        """Per day and stretch: good-form seconds, holds, holds with a flag (for the trends chart)."""
        with self._read() as con:
            rows = con.execute("""
                SELECT s.day AS day, h.stretch AS stretch, SUM(h.good_s) AS good_s, COUNT(*) AS holds,
                       SUM(h.flags > 0) AS flagged_holds, SUM(h.flags) AS flags
                FROM holds h JOIN sessions s ON s.id = h.session_id
                GROUP BY s.day, h.stretch ORDER BY s.day, h.stretch""").fetchall()
        return [dict(r) | {"flag_rate": r["flagged_holds"] / r["holds"] if r["holds"] else 0.0} for r in rows]


# A session whose every planned hold was done (the SQL of ``SessionSummary.complete``); a session of an older
# formcheck, without ``planned_holds``, is measured against the holds it stored.
_COMPLETE = """(SELECT COUNT(*) FROM holds h WHERE h.session_id = s.id AND h.completed) >= MAX(1, COALESCE(
    s.planned_holds, (SELECT COUNT(*) FROM holds h WHERE h.session_id = s.id)))"""


def _marks(values: tuple) -> str:
    return ", ".join("?" * len(values))


def _insert_holds(con: sqlite3.Connection, session_id: int, holds: list[HoldRecord]) -> None:
    goods = _good_pictures_within_budget(holds)
    for position, hold in enumerate(holds):
        cur = con.execute(
            "INSERT INTO holds (session_id, position, stretch, side, target_s, good_s, duration_s, flags,"
            " completed, series, series_kind, seen_position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, position, hold.stretch, hold.side, float(hold.target_s), float(hold.good_s),
             float(hold.duration_s), int(hold.flags), int(bool(hold.completed)), _series_json(hold.series),
             hold.series_kind, hold.seen_position))
        con.executemany(
            "INSERT INTO flagged_frames (hold_id, t, mistake, value, cue, thumbnail, good_picture)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(cur.lastrowid, float(f.t), f.mistake, _finite_or_none(f.value), f.cue, f.png, next(goods))
             for f in hold.frames])


def _good_pictures_within_budget(holds: list[HoldRecord]) -> Iterator[bytes | None]:
    """Each flagged moment's good-form picture, in order, or None once storing it would take the session's
    pictures past ``PICTURE_BUDGET`` (the flagged moments themselves always count first)."""
    used = sum(len(f.png or b"") for hold in holds for f in hold.frames)  # a missing picture fails on insert
    for hold in holds:
        for frame in hold.frames:
            keep = frame.good is not None and used + len(frame.good) <= PICTURE_BUDGET
            used += len(frame.good) if keep else 0
            yield frame.good if keep else None


def _finite_or_none(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if value == value and abs(value) != float("inf") else None


def _series_json(series: list) -> str:
    points = []
    for t, value, status in series:
        value = _finite_or_none(value)
        points.append([round(float(t), 3), None if value is None else round(value, 4), str(status)])
    return json.dumps(points, separators=(",", ":"))


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
