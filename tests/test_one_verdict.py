"""One verdict per moment: the live video paints the verdict the side panel shows (the judged frame the panel's last
``Coach.view(shown=True)`` took) over the newest skeleton and readings, and the coach times each shown verdict from
its camera frame's arrival (p50/p95 in the view). Frames go in through ``Coach.submit`` on a fake clock."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_app import FakeClock, _feed, _scripted_coach, _wait_for

from formcheck.coaching.coach import PANEL_EVERY_S, PICTURE_LEAD_S, SHOWN_FRESH_S, Phase, Step, practice_steps
from formcheck.coaching.overlay import paint
from formcheck.draw import BAD, GOOD

# Good form for the first second of the hold, then a mistake the scripted rules flag at once (from the frame at
# 1.0 s: the fake clock's sums of 0.1 s fall a hair either side of whole tenths).
MISTAKE_FROM_S = 0.95


def _coach(clock: FakeClock, ready_s: float = 0.0, mistake_from_s: float = MISTAKE_FROM_S,
           mistake_until_s: float = math.inf):
    steps = [Step("hamstring", "both", ready_s, 1000.0)]
    coach, _ = _scripted_coach(
        steps, lambda t: "mistake" if ready_s + mistake_from_s <= t < ready_s + mistake_until_s else "good",
        clock=clock, max_fps=1000)
    return coach


def _submit(coach, clock: FakeClock, rgb=None):
    """One more camera frame 0.1 s after the last; returns the overlay painted on it (the worker then judges it)."""
    clock.now += 0.1
    before = coach.view().frames
    painted = coach.submit(np.zeros((48, 64, 3), np.uint8) if rgb is None else rgb)
    assert _wait_for(lambda: coach.view().frames > before)
    return painted


def test_the_video_paints_the_verdict_the_panel_shows_over_the_newest_frame():
    clock = FakeClock()
    coach = _coach(clock, mistake_from_s=0.45, mistake_until_s=0.75)
    try:
        _feed(coach, clock, 0.5)  # judged up to coach time 0.4 s
        panel = coach.view(shown=True)  # the panel refreshes at clock 0.5
        assert panel.status == "good"
        _submit(coach, clock)  # clock 0.6: the frame at coach time 0.5 shows the mistake
        painted = _submit(coach, clock)  # clock 0.7, before the next refresh's view is taken
        assert coach.view().status == "mistake"
        assert painted.result.verdict.status == "good"  # what the panel shows
        assert painted.result.pose.t == pytest.approx(0.5)  # over the newest judged frame's skeleton
    finally:
        coach.close()


def test_a_picture_lead_before_the_next_refresh_the_video_paints_what_that_refresh_shows():
    clock = FakeClock()
    coach = _coach(clock, mistake_from_s=0.45, mistake_until_s=0.75)
    try:
        _feed(coach, clock, 0.5)
        coach.view(shown=True)  # clock 0.5; the next refresh is due at 1.0
        assert 0.5 + PANEL_EVERY_S - PICTURE_LEAD_S == pytest.approx(0.75)
        _feed(coach, clock, 0.2)
        painted = _submit(coach, clock)  # clock 0.8: the view is taken for the next refresh (the mistake)
        assert painted.result.verdict.status == "mistake"
        _feed(coach, clock, 0.2)  # good form again from coach time 0.8 s
        assert coach.view().status == "good"
        panel = coach.view(shown=True)  # clock 1.0: the refresh shows what the video has been painting
        assert panel.status == "mistake" and panel.frames < coach.view().frames
        assert _submit(coach, clock).result.verdict.status == "mistake"  # until the next view is taken
        _feed(coach, clock, 0.2)
        panel_next = _submit(coach, clock)  # clock 1.4: past 1.25, the next refresh's view (good form)
        assert panel_next.result.verdict.status == "good" and coach.view(shown=True).status == "good"
    finally:
        coach.close()


def test_a_button_press_is_shown_at_once_not_a_view_taken_before_it():
    clock = FakeClock()
    coach = _coach(clock)
    try:
        _feed(coach, clock, 0.5)
        coach.view(shown=True)
        _feed(coach, clock, 0.4)  # the next refresh's view is taken
        coach.finish()
        assert coach.view(shown=True).phase is Phase.DONE
    finally:
        coach.close()


def test_the_countdown_on_the_video_is_the_panels():
    clock = FakeClock()
    coach = _coach(clock, ready_s=10.0)
    try:
        _feed(coach, clock, 1.0)
        panel = coach.view(shown=True)
        _feed(coach, clock, 0.1)
        painted = _submit(coach, clock)
        assert painted.hud == f"Get ready: {int(np.ceil(panel.countdown_s))}" == "Get ready: 10"
        assert coach.view().countdown_s < 9.0
    finally:
        coach.close()


def test_without_a_panel_refreshing_the_video_paints_the_newest_verdict():
    clock = FakeClock()
    coach = _coach(clock)
    try:
        _feed(coach, clock, 0.5)
        assert _submit(coach, clock).result.verdict.status == "good"  # never shown: the newest is painted
        coach.view(shown=True)
        _feed(coach, clock, 1.0)
        assert _submit(coach, clock).result.verdict.status == "good"  # the panel shows good
        # The panel stops refreshing (a background tab): the video does not freeze on its last verdict.
        _feed(coach, clock, SHOWN_FRESH_S + 0.2)
        assert _submit(coach, clock).result.verdict.status == "mistake"
    finally:
        coach.close()


def _banner_colour(rgb: np.ndarray) -> np.ndarray:
    """The mean colour of the banner's strip at the top right, where no text is (as the browser test reads it)."""
    h, w = rgb.shape[:2]
    return rgb[2:2 + max(2, round(h * 0.03)), round(w * 0.75):w - 2].reshape(-1, 3).mean(axis=0)


def test_the_painted_banner_has_the_shown_verdicts_colour():
    clock = FakeClock()
    coach = _coach(clock)
    camera = np.full((480, 640, 3), 90, np.uint8)
    try:
        _feed(coach, clock, 0.5)
        coach.view(shown=True)
        _feed(coach, clock, 1.0)
        strip = _banner_colour(paint(camera, _submit(coach, clock, camera)))
        assert np.abs(strip - GOOD).sum() < np.abs(strip - BAD).sum()
        coach.view(shown=True)
        strip = _banner_colour(paint(camera, _submit(coach, clock, camera)))
        assert np.abs(strip - BAD).sum() < np.abs(strip - GOOD).sum()
    finally:
        coach.close()


def test_latency_is_camera_frame_to_panel_and_counts_each_judged_frame_once():
    clock = FakeClock()
    coach = _coach(clock)
    try:
        assert coach.view(shown=True).shown_latency_ms is None  # nothing judged yet
        # The panel refreshes this long after a frame arrived (each before the next refresh's view would be taken).
        for wait_s in (0.02, 0.06, 0.10, 0.14):
            _feed(coach, clock, 0.1)
            clock.now += wait_s
            coach.view(shown=True)
        clock.now += 1.0
        view = coach.view(shown=True)  # no newer frame judged: nothing new is shown, nothing counted
        assert view.shown_latency_ms == pytest.approx((80.0, 134.0))
        assert coach.view().shown_latency_ms == view.shown_latency_ms  # a plain view marks nothing
    finally:
        coach.close()


def test_a_change_of_verdict_is_timed_from_the_first_frame_judged_with_it():
    clock = FakeClock()
    coach = _coach(clock)  # good form, then the mistake from coach time 1.0 s (the frame arriving at clock 1.1)
    try:
        _feed(coach, clock, 0.5)
        assert coach.view(shown=True).change_latency_ms is None  # the first verdict shown is start-up, not a change
        _feed(coach, clock, 1.0)  # frames up to coach time 1.4 s, arrived by clock 1.5
        clock.now += 0.2
        view = coach.view(shown=True)
        assert view.status == "mistake"
        assert view.change_latency_ms == pytest.approx((600.0, 600.0))  # 1.7 − 1.1: waited for the panel
        assert view.shown_latency_ms == pytest.approx((100.0, 190.0))  # of 0 and 200 ms: each shown frame was fresh
    finally:
        coach.close()


def test_practice_plan_with_the_panel_refreshing_keeps_one_verdict_through_the_whole_hold():
    """The panel refreshes every 0.5 s while frames come at 10/s: every painted frame shows the verdict of the
    panel's last refresh, or from a picture lead before the next one, that refresh's."""
    clock = FakeClock()
    steps = practice_steps("hamstring", target_s=30.0, ready_s=1.0, range_step=False)
    coach, _ = _scripted_coach(steps, lambda t: "mistake" if 2.0 <= t < 3.0 else "good", clock=clock, max_fps=1000)
    try:
        panels, painted = [], []  # painted: (refresh it follows, seconds after it, status)
        for i in range(40):
            if i % 5 == 0:
                panels.append(coach.view(shown=True))
            frame = _submit(coach, clock)
            if panels[-1].frames and frame is not None and frame.result is not None:
                painted.append((len(panels) - 1, 0.1 * (i % 5 + 1), frame.result.verdict.status))
        statuses = [view.status for view in panels]
        expected = [statuses[k] if after < PANEL_EVERY_S - PICTURE_LEAD_S else statuses[k + 1]
                    for k, after, _ in painted if k + 1 < len(panels)]
        assert [status for k, _, status in painted if k + 1 < len(panels)] == expected
        assert {"good", "mistake"} <= set(statuses)
    finally:
        coach.close()


def test_the_bench_reports_camera_frame_to_verdict_shown(monkeypatch):
    """``formcheck bench --live-seconds``: a panel stand-in refreshes on the page's schedule (scripted verdicts stand
    in for the pose model, so the figures come at once)."""
    from conftest import SAMPLE_DIR

    from formcheck.bench import run_live
    from formcheck.coaching import coach as coach_module

    from test_range_step_live import RangedPipeline, ScriptedFinder

    # The bench's practice has the range step: found at once, then the hold.
    monkeypatch.setattr(coach_module, "Pipeline", lambda stretch, model, side: RangedPipeline(
        stretch, side, lambda t: "mistake" if int(t) % 2 else "good", ScriptedFinder(found_at=0.0)))
    clip = sorted(SAMPLE_DIR.glob("ham*.mp4"))[0]
    live = run_live(clip, "hamstring", "lite", 3.0)
    assert 0 <= live["verdict_shown_p50_ms"] <= live["verdict_shown_p95_ms"] < 3000
    assert 0 < live["verdict_change_shown_p50_ms"] <= live["verdict_change_shown_p95_ms"] < 3000
