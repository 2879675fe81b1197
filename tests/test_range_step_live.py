"""The live range step (formcheck.coaching.range_step, the coach's RANGE phase): timed prompts, the hold once the
person's range is found, a second try with the reason when it is not, and never a flag, picture or alert for the
tuck that was asked for."""

from __future__ import annotations

from datetime import date

import pytest
from test_app import (FRAME, PAGE, ScriptedPipeline, _ack_disclaimer, _app, _texts, data_dir,  # noqa: F401
                      webrtc)

from formcheck.coaching.coach import Coach, Phase, practice_steps, routine_steps
from formcheck.coaching.range_step import MOVE_PROMPTS_S, MOVES_S, STILL_WAIT_S, TRIES, TRY_S, RangeTry
from formcheck.history import History, KeptRange
from formcheck.coaching.autosave import SessionSaver
from formcheck.rules import STRETCHES
from formcheck.tilt_range import RangeFinder
from formcheck.wording import (RANGE_FOUND, RANGE_KEPT_UNFIT, RANGE_PROMPTS, RANGE_SHORTFALL, RANGE_SKIPPED,
                               RANGE_WITHOUT)

READY_S = 2.0
STEP = 0.1


class ScriptedFinder:
    """Stands in for the judge's RangeFinder: found at a given coach time (None: never) with a given shortfall."""

    def __init__(self, found_at: float | None, shortfall: str = "tip", left_position: int = 0,
                 still: bool = True) -> None:
        self.found_at, self._shortfall, self.left_position = found_at, shortfall, left_position
        self.progress = (0.0, 0.0) if still else None  # the still moment to measure from: seen at once, or never
        self.ends = (4.0, -3.0)
        self.kept_fits = None
        self.now = 0.0

    @property
    def state(self) -> str:
        return "found" if self.found_at is not None and self.now >= self.found_at else "looking"

    def shortfall(self) -> str | None:
        return None if self.state == "found" else self._shortfall


class ScriptedJudge:
    def __init__(self, finder: ScriptedFinder) -> None:
        self.tilt_range = finder
        self.restarts = 0

    def start_range(self) -> None:
        self.restarts += 1

    def use_kept_range(self, ends) -> None:
        self.kept = ends


class RangedPipeline(ScriptedPipeline):
    """A scripted pipeline with a judge whose range finder follows a script."""

    def __init__(self, stretch, side, script, finder: ScriptedFinder) -> None:
        super().__init__(stretch, side, script)
        self.judge = ScriptedJudge(finder)

    def __call__(self, rgb, t):
        self.judge.tilt_range.now = t
        return super().__call__(rgb, t)


def _coach(script, finder: ScriptedFinder, steps=None):
    made = []

    def factory(stretch, model, side):
        made.append(RangedPipeline(stretch, side, script, finder))
        return made[-1]

    steps = steps or practice_steps("hamstring", target_s=4.0, ready_s=READY_S)
    return Coach(steps, "lite", pipeline_factory=factory), made


def _run(coach: Coach, until_s: float) -> list[tuple[float, str, Phase]]:
    """Frames every 0.1 s until ``until_s`` or the end; the cues said, with when and in which phase."""
    cues, t = [], 0.0
    while t < until_s and coach.view().phase is not Phase.DONE:
        coach.process(FRAME, t)
        view = coach.view()
        if not cues or cues[-1][1] != view.cue:
            cues.append((round(t, 1), view.cue, view.phase))
        t = round(t + STEP, 3)
    return cues


def test_the_steps_ask_for_the_range_only_where_the_position_has_one():
    assert [s.range_step for s in practice_steps("hamstring")] == [True]
    assert [s.range_step for s in practice_steps("hamstring", range_step=False)] == [False]
    ranged = {s.stretch for s in routine_steps() if s.range_step}
    assert ranged == {name for name, spec in STRETCHES.items() if spec.tilt_range is not None}
    assert not any(s.range_step for s in routine_steps(range_step=False))


@pytest.mark.parametrize("still_after_s, tuck_at_s", [(0.6, 0.6), (None, STILL_WAIT_S)])
def test_each_prompt_is_given_once_in_order_the_tuck_once_still(still_after_s, tuck_at_s):
    attempt, said = RangeTry(10.0), []
    for k in range(int(TRY_S / STEP) + 5):
        t = round(10.0 + k * STEP, 3)
        attempt.update(t, "good", True, still_after_s is not None and t - 10.0 >= still_after_s - 1e-9)
        if (text := attempt.new_prompt(t)) is not None:
            said.append((round(t - 10.0, 1), text))
        if attempt.over(t):
            break
    assert [text for _, text in said] == list(RANGE_PROMPTS)
    assert [at for at, _ in said[1:]] == pytest.approx([tuck_at_s + at for at in MOVE_PROMPTS_S])
    assert t - 10.0 == pytest.approx(tuck_at_s + MOVES_S)
    assert attempt.prompt(t) == RANGE_PROMPTS[-1]
    assert TRY_S <= 10.0  # the step's floor: at most 10 s a try


def test_a_found_range_starts_the_hold_and_its_tuck_is_never_a_flag():
    # In position from the start; the countdown ends at 2 s, the range is found at 9 s. The tuck (3.5–6 s) reads as a
    # rounding to the rules; a real rounding comes later in the hold (12–13 s).
    def script(t):
        return "mistake" if 3.5 <= t < 6.0 or 12.0 <= t < 13.0 else "good"

    finder = ScriptedFinder(found_at=9.0)
    coach, made = _coach(script, finder)
    cues = _run(coach, 40.0)
    assert made[0].judge.restarts == 1  # the finder looks afresh from the prompt
    ranged = [c for c in cues if c[2] is Phase.RANGE]
    # Still in the position already: the tuck is asked for at once, then the tip and settling.
    assert [c[1] for c in ranged] == list(RANGE_PROMPTS[1:])
    assert [c[0] for c in ranged] == pytest.approx([READY_S + at for at in MOVE_PROMPTS_S])
    hold = next(c for c in cues if c[2] is Phase.HOLD)
    assert hold[0] == pytest.approx(9.0) and hold[1].startswith(f"{RANGE_FOUND} Hold for 4 seconds")
    log = coach.holds()[0]
    assert log.range_step == "found" and log.completed
    assert [round(e["start_s"]) for e in log.events] == [12]  # the tuck's flag is withdrawn; the real one stays
    assert len(log.shots) == 1 and round(log.shots[0].t) == 12
    assert coach.view().alert_id == 1


def test_the_banner_gives_the_prompt_and_no_mistake_while_the_range_is_taken():
    coach, _ = _coach(lambda t: "mistake" if t >= 4.0 else "good", ScriptedFinder(found_at=None))
    _run(coach, READY_S + MOVE_PROMPTS_S[1] + 0.5)
    view = coach.view()
    assert view.phase is Phase.RANGE and view.range_try == 1
    assert view.status == "range_step" and view.message == RANGE_PROMPTS[2] and view.flagged == ()
    assert coach._overlay.result.verdict.status == "range_step" and "try 1 of" in coach._overlay.hud


def test_a_range_not_found_is_tried_once_more_with_the_reason_then_the_hold_goes_on_without_it():
    finder = ScriptedFinder(found_at=None, shortfall="tip")
    coach, made = _coach(lambda t: "good", finder)
    cues = _run(coach, 60.0)
    reason = RANGE_SHORTFALL["tip"]
    retry = next(c for c in cues if c[1].startswith(reason))
    assert retry[0] == pytest.approx(READY_S + MOVES_S) and retry[2] is Phase.RANGE
    assert made[0].judge.restarts == TRIES
    hold = next(c for c in cues if c[2] is Phase.HOLD)
    assert hold[0] == pytest.approx(READY_S + TRIES * MOVES_S, abs=STEP + 0.01)  # the retry starts a frame later
    assert hold[1].startswith(f"{reason} {RANGE_WITHOUT} Hold for 4 seconds")
    log = coach.holds()[0]
    assert log.range_step == "not found" and log.completed


@pytest.mark.parametrize("status, left, reason", [("wrong_view", 0, "side"), ("good", 1, "moved")])
def test_what_stops_any_reading_is_named_before_the_finders_shortfall(status, left, reason):
    finder = ScriptedFinder(found_at=None, shortfall="still", left_position=left)
    coach, _ = _coach(lambda t: status if t >= READY_S + 0.5 else "good", finder)
    cues = _run(coach, READY_S + TRY_S + 0.5)
    assert any(c[1].startswith(RANGE_SHORTFALL[reason]) for c in cues)


def test_skipping_the_range_step_holds_without_it():
    coach, _ = _coach(lambda t: "mistake" if 3.0 <= t < 5.0 else "good", ScriptedFinder(found_at=None))
    _run(coach, 4.6)
    coach.skip_range()
    assert coach.view().phase is Phase.HOLD and coach.view().cue.startswith(RANGE_SKIPPED)
    _run_from(coach, 4.6, 20.0)
    log = coach.holds()[0]
    assert log.range_step == "skipped" and not log.events and not log.shots  # the tuck was asked for


def test_a_range_shown_before_the_prompt_is_kept():
    finder = ScriptedFinder(found_at=1.0)
    coach, made = _coach(lambda t: "good", finder)
    cues = _run(coach, 3.0)
    assert made[0].judge.restarts == 0
    assert any(c[1].startswith(RANGE_FOUND) and c[0] == pytest.approx(READY_S) for c in cues)


def test_the_real_finder_reports_what_a_try_fell_short_of():
    spec = STRETCHES["hamstring"].tilt_range
    finder = RangeFinder(spec)
    assert finder.shortfall() == "still" and finder.progress is None
    t = 0.0
    for value in [0.0] * 30 + [spec.min_move + 1.0] * 30:  # still, then a tuck but no tip
        finder.update(t, value, True)
        t += 1 / 30
    assert finder.shortfall() == "tip" and finder.progress[0] == pytest.approx(spec.min_move + 1.0)
    for value in [-(spec.min_tip + 0.5)] * 30:  # a tip, but the two ends too close together for a range
        finder.update(t, value, True)
        t += 1 / 30
    assert spec.min_move + 1.0 + spec.min_tip + 0.5 < spec.min_span or finder.shortfall() in ("settle", None)


def test_the_live_page_offers_to_skip_the_range_step_while_it_runs(webrtc):
    _ack_disclaimer()
    saver = SessionSaver(History(), "practice", "Practice: Hamstring stretch")
    coach, _ = _coach(lambda t: "good", ScriptedFinder(found_at=None))
    coach._checkpoint = saver
    _run(coach, READY_S + MOVE_PROMPTS_S[1] + 0.5)
    at = _app(fc_coach_live=(("hamstring", "all", 30.0, 10.0, True, "full"), coach, saver))
    at.switch_page(PAGE.format("live")).run()
    assert not at.exception
    assert RANGE_PROMPTS[2] in _texts(at) and "try 1 of 2" in _texts(at)
    at.button(key="fc_skip_range_live").click().run()
    assert coach.view().phase is Phase.HOLD


def _run_from(coach: Coach, start: float, until_s: float) -> None:
    t = start
    while t < until_s and coach.view().phase is not Phase.DONE:
        coach.process(FRAME, t)
        t = round(t + STEP, 3)


def test_a_found_range_is_kept_in_history_for_the_position_and_side():
    coach, _ = _coach(lambda t: "good", ScriptedFinder(found_at=9.0))
    saver = SessionSaver(History(), "practice", "Practice: Hamstring stretch")
    coach._checkpoint = saver
    _run(coach, 40.0)
    kept = History().kept_range("hamstring", "both")
    assert kept is not None and kept.ends == (4.0, -3.0) and kept.taken == date.today()
    assert History().kept_range("hamstring", "left") is None


def test_an_unreadable_kept_range_is_none():
    store = History()
    store.set_setting("range:hamstring:both", "{not json")
    assert store.kept_range("hamstring", "both") is None


@pytest.mark.parametrize("fits, said", [(True, None), (False, RANGE_KEPT_UNFIT)])
def test_a_kept_range_is_used_without_the_step_and_said_when_it_does_not_fit(fits, said):
    finder = ScriptedFinder(found_at=None)
    steps = practice_steps("hamstring", target_s=4.0, ready_s=READY_S, range_step=False)
    made = []

    def factory(stretch, model, side):
        made.append(RangedPipeline(stretch, side, lambda t: "good", finder))
        return made[-1]

    coach = Coach(steps, "lite", pipeline_factory=factory, kept_ranges={("hamstring", "both"): (5.0, -2.0)})
    _run(coach, 3.0)
    assert made[0].judge.kept == (5.0, -2.0) and coach.view().phase is Phase.HOLD
    finder.kept_fits = fits
    cues = _run_from_collect(coach, 3.0, 20.0)
    assert coach.holds()[0].range_step == ("kept" if fits else "kept, did not fit")
    assert (said in cues) if said else not any(c and c.startswith("Your kept range") for c in cues)


def test_a_kept_range_is_used_only_where_it_fits_the_first_still_moment():
    spec = STRETCHES["hamstring"].tilt_range
    for still, fits in ((1.0, True), (5.0 + spec.kept_margin - 0.1, True), (-2.0 - spec.kept_margin - 0.5, False)):
        finder = RangeFinder(spec, kept=(5.0, -2.0))
        for k in range(40):
            finder.update(k / 30, still, True)
        assert finder.kept_fits is fits
        assert (finder.middle, finder.state) == ((1.5, "found") if fits else (None, "missed"))


def test_a_prompted_step_is_found_from_the_still_moment_just_before_the_prompt():
    spec = STRETCHES["hamstring"].tilt_range
    finder = RangeFinder(spec)
    fps, t = 30, 0.0
    for _ in range(int(25 * fps)):  # in the position, still, for longer than a step may take to come
        finder.update(t, 1.0, True)
        t += 1 / fps
    assert finder.state == "missed"
    finder = finder.restarted(keep_s=1.0)  # the prompt: tuck at once, tip, settle, from the still reading of 1.0
    for target, seconds in ((5.0, 1.5), (5.0, 0.8), (-2.0, 2.5), (-2.0, 0.8), (1.0, 1.5), (1.0, 1.0)):
        start_value = finder._values[-1]
        steps = int(seconds * fps)
        for k in range(1, steps + 1):
            finder.update(t, start_value + (target - start_value) * k / steps, True)
            t += 1 / fps
    assert finder.state == "found" and finder.middle == pytest.approx(1.5, abs=0.3)


def _run_from_collect(coach: Coach, start: float, until_s: float) -> list[str | None]:
    cues, t = [], start
    while t < until_s and coach.view().phase is not Phase.DONE:
        coach.process(FRAME, t)
        cues.append(coach.view().cue)
        t = round(t + STEP, 3)
    return cues


def test_the_live_page_uses_a_kept_range_and_offers_to_take_it_again(webrtc):
    _ack_disclaimer()
    at = _app()
    at.switch_page(PAGE.format("live")).run()
    assert at.toggle(key="fc_range_live").value is True  # nothing kept yet: the step is on
    History().keep_range("hamstring", "both", KeptRange(4.0, -3.0, date(2026, 12, 5)))
    at = _app()
    at.switch_page(PAGE.format("live")).run()
    assert not at.exception
    assert at.toggle(key="fc_range_live").value is False
    assert "kept from 5 Dec 2026" in _texts(at)
    coach = at.session_state["fc_coach_live"][1]
    assert coach.kept_ranges == {("hamstring", "both"): (4.0, -3.0)} and not coach.steps[0].range_step
    at.toggle(key="fc_range_live").set_value(True).run()
    assert at.session_state["fc_coach_live"][1].steps[0].range_step


@pytest.mark.parametrize("fps", [10, 15, 24, 30, 60])
def test_a_still_moment_is_seen_at_any_frame_rate(fps):
    finder = RangeFinder(STRETCHES["hamstring"].tilt_range)
    for k in range(fps):  # one second, perfectly still
        finder.update(k / fps, 2.0, True)
    assert finder.progress == (0.0, 0.0)


def test_the_end_of_a_hold_says_what_its_low_back_was_read_against():
    from datetime import datetime

    from formcheck.coaching.review_data import from_holds
    from formcheck.wording import RANGE_OUTCOME, hold_ending_line

    coach, _ = _coach(lambda t: "good", ScriptedFinder(found_at=9.0))
    _run(coach, 40.0)
    hold = from_holds(coach.holds(), "practice", "Practice", datetime.now()).holds[0]
    assert hold.range_step == "found"
    line = hold_ending_line(hold.title, hold.good_s, hold.target_s, hold.completed, 4.0, True, {}, hold.range_step)
    assert line.endswith(RANGE_OUTCOME["found"])
    assert "range" not in hold_ending_line("Glute", 30, 30, True, 30, True, {})
