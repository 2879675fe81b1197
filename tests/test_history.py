"""The practice-history store: round trips, transactions, deletion, daily aim/streak, corrupt-file recovery."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta, timezone

import pytest

from formcheck import history
from formcheck.history import FlagRecord, History, HistoryError, HoldRecord, SessionRecord

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))  # stored as opaque bytes


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv(history.DATA_DIR_ENV, str(folder))
    return folder


def _session(started: datetime, kind: str = "routine", flags: int = 1, stretch: str = "hamstring") -> SessionRecord:
    frame = FlagRecord(t=7.5, mistake="rounding", value=0.042, cue="Keep your low back flat.", png=PNG)
    holds = [
        HoldRecord(stretch, "both", 30.0, 30.0, 41.0, flags, True, [frame] * flags,
                   series=[(0.0, 0.01, "good"), (0.2, float("nan"), "calibrating"), (0.4, 0.05, "mistake")]),
        HoldRecord("hip-flexor", "left", 30.0, 12.5, 20.0, 0, False),
    ]
    return SessionRecord(kind, "Guided routine", started, 95.0, holds)


def test_data_dir_follows_the_environment_and_is_created(data_dir):
    assert not data_dir.exists()
    assert history.data_dir() == data_dir
    assert data_dir.is_dir()
    assert History().path == data_dir / history.DB_NAME


def test_round_trip_keeps_holds_thumbnails_and_series(data_dir):
    store = History()
    started = datetime(2026, 11, 20, 8, 30, tzinfo=timezone(timedelta(hours=1)))
    session_id = store.add_session(_session(started))
    back = store.session(session_id)
    assert back.id == session_id and back.kind == "routine" and back.started_at == started
    assert [(h.stretch, h.side, h.completed) for h in back.holds] == [("hamstring", "both", True),
                                                                   ("hip-flexor", "left", False)]
    frame = back.holds[0].frames[0]
    assert frame.png == PNG and frame.mistake == "rounding" and frame.value == pytest.approx(0.042)
    assert back.holds[0].series == [(0.0, 0.01, "good"), (0.2, None, "calibrating"), (0.4, 0.05, "mistake")]
    assert back.flags == 1 and back.good_s == pytest.approx(42.5)
    assert store.session(session_id + 100) is None


JPEG = b"\xff\xd8\xff\xe0" + bytes(range(200))


def test_a_flagged_moment_keeps_its_good_form_picture_and_the_hold_its_position(data_dir):
    store = History()
    record = _session(datetime.now().astimezone())
    record.holds[0].frames = [FlagRecord(7.5, "rounding", 0.04, "cue", PNG, good=JPEG)]
    record.holds[0].seen_position = "standing_hinge"
    back = store.session(store.add_session(record))
    assert back.holds[0].frames[0].good == JPEG and back.holds[0].seen_position == "standing_hinge"
    assert back.holds[1].seen_position is None


@pytest.mark.parametrize("moments, budget, kept", [
    (3, 10_000, 3),  # well within the budget: every good-form picture is kept
    (3, 3 * len(PNG) + 2 * len(JPEG), 2),  # room for two of them beside the flagged pictures
    (3, 3 * len(PNG), 0),  # the flagged pictures fill it: none
])
def test_good_form_pictures_are_kept_only_within_the_session_budget(data_dir, monkeypatch, moments, budget, kept):
    monkeypatch.setattr(history, "PICTURE_BUDGET", budget)
    record = _session(datetime.now().astimezone())
    record.holds[0].frames = [FlagRecord(float(i), "rounding", 0.04, "cue", PNG, good=JPEG) for i in range(moments)]
    store = History()
    frames = store.session(store.add_session(record)).holds[0].frames
    assert len(frames) == moments, "the flagged moments themselves are always kept"
    assert [f.good for f in frames] == [JPEG] * kept + [None] * (moments - kept)


def test_a_schema_1_database_gains_the_new_columns_and_keeps_its_sessions(data_dir):
    data_dir.mkdir(parents=True)
    path = data_dir / history.DB_NAME
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE sessions (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, day TEXT NOT NULL, kind TEXT NOT NULL,
            title TEXT NOT NULL, duration_s REAL NOT NULL DEFAULT 0, video_path TEXT);
        CREATE TABLE holds (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL, position INTEGER NOT NULL,
            stretch TEXT NOT NULL, side TEXT NOT NULL, target_s REAL NOT NULL, good_s REAL NOT NULL,
            duration_s REAL NOT NULL, flags INTEGER NOT NULL, completed INTEGER NOT NULL,
            series TEXT NOT NULL DEFAULT '[]', series_kind TEXT NOT NULL DEFAULT 'rule');
        CREATE TABLE flagged_frames (id INTEGER PRIMARY KEY, hold_id INTEGER NOT NULL, t REAL NOT NULL,
            mistake TEXT NOT NULL, value REAL, cue TEXT NOT NULL, thumbnail BLOB NOT NULL);
        INSERT INTO sessions VALUES (1, '2026-11-20T08:30:00+01:00', '2026-11-20', 'routine', 'Guided routine',
            95, NULL);
        INSERT INTO holds VALUES (1, 1, 0, 'hamstring', 'both', 30, 30, 41, 1, 1, '[]', 'rule');
        INSERT INTO flagged_frames VALUES (1, 1, 7.5, 'rounding', 0.04, 'cue', x'89504e47');
        PRAGMA user_version = 1;""")
    con.close()
    store = History()
    assert store.notice is None, "an older database is upgraded, not replaced"
    old = store.session(1)
    assert old.holds[0].seen_position is None and old.holds[0].frames[0].good is None
    assert old.holds[0].frames[0].png == b"\x89PNG"
    record = _session(datetime.now().astimezone())
    record.holds[0].frames = [FlagRecord(1.0, "rounding", 0.04, "cue", PNG, good=JPEG)]
    assert store.session(store.add_session(record)).holds[0].frames[0].good == JPEG
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMA_VERSION == 3
    con.close()


def test_database_uses_wal_and_foreign_keys(data_dir):
    store = History()
    con = sqlite3.connect(store.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMA_VERSION
    con.close()


def test_sessions_list_newest_first_with_totals(data_dir):
    store = History()
    old = store.add_session(_session(datetime(2026, 11, 1, 9, 0).astimezone(), flags=2))
    new = store.add_session(_session(datetime(2026, 11, 2, 9, 0).astimezone(), kind="video", flags=0))
    rows = store.sessions()
    assert [r.id for r in rows] == [new, old]
    assert (rows[1].holds, rows[1].completed_holds, rows[1].flags, rows[1].frames) == (2, 1, 2, 2)
    assert rows[0].kind == "video" and rows[0].frames == 0
    assert [r.id for r in store.sessions(limit=1)] == [new]


def test_a_failed_write_leaves_nothing_behind(data_dir):
    store = History()
    broken = _session(datetime.now().astimezone())
    broken.holds[1].frames = [FlagRecord(1.0, "arching", 0.1, "cue", None)]  # NOT NULL thumbnail → fails mid-way
    with pytest.raises(sqlite3.IntegrityError):
        store.add_session(broken)
    assert store.sessions() == []
    con = sqlite3.connect(store.path)
    assert con.execute("SELECT COUNT(*) FROM holds").fetchone()[0] == 0
    con.close()


def test_replacing_a_session_rewrites_its_holds_in_place_or_not_at_all(data_dir):
    store = History()
    other = store.add_session(_session(datetime(2026, 11, 20, 8, 0).astimezone(), flags=1))
    session_id = store.add_session(_session(datetime(2026, 11, 20, 9, 0).astimezone(), flags=1))
    grown = _session(datetime(2026, 11, 20, 9, 0).astimezone(), flags=3)
    grown.duration_s = 150.0
    grown.holds.append(HoldRecord("glute", "left", 30.0, 30.0, 35.0, 0, True))
    assert store.replace_session(session_id, grown) is True
    back = store.session(session_id)
    assert [h.stretch for h in back.holds] == ["hamstring", "hip-flexor", "glute"]
    assert back.flags == 3 and len(back.holds[0].frames) == 3 and back.duration_s == 150.0
    assert [s.id for s in store.sessions()] == [session_id, other]  # still one row for it
    con = sqlite3.connect(store.path)
    assert con.execute("SELECT COUNT(*) FROM flagged_frames").fetchone()[0] == 1 + 3  # no orphaned thumbnails
    con.close()
    # A failed rewrite keeps the stored version whole.
    broken = _session(datetime(2026, 11, 20, 9, 0).astimezone())
    broken.holds[1].frames = [FlagRecord(1.0, "arching", 0.1, "cue", None)]
    with pytest.raises(sqlite3.IntegrityError):
        store.replace_session(session_id, broken)
    assert len(store.session(session_id).holds) == 3
    store.delete_session(session_id)
    assert store.replace_session(session_id, grown) is False and store.session(session_id) is None


def test_delete_removes_holds_thumbnails_and_kept_video(data_dir, tmp_path):
    store = History()
    source = tmp_path / "clip.mp4"
    source.write_bytes(b"not really a video")
    record = _session(datetime.now().astimezone())
    record.video_path = str(store.keep_video(source, "my clip.mp4"))
    assert record.video_path.startswith(str(data_dir / "videos"))
    keep_id = store.add_session(_session(datetime.now().astimezone()))
    session_id = store.add_session(record)
    assert store.delete_session(session_id) is True
    assert store.session(session_id) is None
    assert not list((data_dir / "videos").iterdir())
    con = sqlite3.connect(store.path)
    assert con.execute("SELECT COUNT(*) FROM holds").fetchone()[0] == 2  # only the other session's
    assert con.execute("SELECT COUNT(*) FROM flagged_frames").fetchone()[0] == 1
    con.close()
    assert store.delete_session(session_id) is False
    assert store.session(keep_id) is not None


def test_daily_counts_and_streak(data_dir):
    store = History()
    today = date(2026, 11, 25)
    for day_offset, n in ((0, 2), (1, 3), (2, 1), (4, 1)):
        for i in range(n):
            store.add_session(_session(datetime(2026, 11, 25 - day_offset, 8 + i, 0).astimezone()))
    counts = store.daily_counts(days=7, today=today)
    assert list(counts)[-1] == today and len(counts) == 7
    assert [counts[today - timedelta(days=d)] for d in range(5)] == [2, 3, 1, 0, 1]
    assert store.streak(today) == 3
    assert store.streak(today + timedelta(days=1)) == 3  # nothing yet today: yesterday's streak still counts
    assert store.streak(today + timedelta(days=2)) == 0


def test_stretch_stats_give_good_seconds_and_flag_rate(data_dir):
    store = History()
    store.add_session(_session(datetime(2026, 11, 25, 8, 0).astimezone(), flags=1))
    store.add_session(_session(datetime(2026, 11, 25, 18, 0).astimezone(), flags=0))
    stats = {(r["day"], r["stretch"]): r for r in store.stretch_stats()}
    ham = stats[("2026-11-25", "hamstring")]
    assert ham["good_s"] == pytest.approx(60.0) and ham["holds"] == 2 and ham["flag_rate"] == pytest.approx(0.5)
    assert stats[("2026-11-25", "hip-flexor")]["flag_rate"] == 0.0


def test_settings(data_dir):
    store = History()
    assert store.get_setting("disclaimer", "no") == "no"
    store.set_setting("disclaimer", "yes")
    store.set_setting("disclaimer", "again")
    assert History().get_setting("disclaimer") == "again"


def test_a_corrupt_file_is_moved_aside_and_a_fresh_history_started(data_dir):
    data_dir.mkdir()
    db = data_dir / history.DB_NAME
    garbage = b"this is not an sqlite database" * 100
    db.write_bytes(garbage)
    store = History()
    assert store.notice and "moved" in store.notice and "new, empty history" in store.notice
    aside = list(data_dir.glob(history.DB_NAME + ".corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == garbage
    assert aside[0].name in store.notice
    assert store.sessions() == []
    store.add_session(_session(datetime.now().astimezone()))
    assert len(History().sessions()) == 1 and History().notice is None


def test_a_database_from_a_newer_version_is_refused_not_replaced(data_dir):
    store = History()
    con = sqlite3.connect(store.path)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(HistoryError, match="newer formcheck"):
        History()
    assert store.path.exists() and not list(data_dir.glob("*.corrupt-*"))


def test_unknown_kind_is_rejected(data_dir):
    with pytest.raises(ValueError):
        History().add_session(SessionRecord("nap", "x", datetime.now().astimezone()))


def test_a_database_locked_by_another_program_gives_a_clear_error_and_keeps_data(data_dir, monkeypatch):
    store = History()
    store.add_session(_session(datetime(2026, 11, 20, 8, 0)))
    monkeypatch.setattr(history, "LOCK_WAIT_S", 0.2)
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program is writing
    try:
        with pytest.raises(HistoryError, match="could not save"):
            store.add_session(_session(datetime(2026, 11, 20, 9, 0)))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(History().sessions()) == 1  # the earlier session is intact, the failed one left nothing


def test_only_routines_count_toward_the_aim_and_the_streak(data_dir):
    store = History()
    today = date(2026, 11, 25)
    for kind, day_offset in (("routine", 0), ("video", 0), ("practice", 0), ("practice", 1), ("video", 2)):
        store.add_session(_session(datetime(2026, 11, 25 - day_offset, 9, 0).astimezone(), kind=kind))
    assert store.daily_counts(days=3, today=today, kinds=("routine",))[today] == 1
    assert store.daily_counts(days=3, today=today)[today] == 3  # every kind, listed apart
    assert store.streak(today, kinds=("routine",)) == 1  # a practice and an analysis keep no streak
    assert store.streak(today) == 3
