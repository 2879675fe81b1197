"""The per-stretch rule table and the engine that applies it frame by frame (hysteresis, baseline, abstention).

Every threshold formcheck uses is in ``STRETCHES`` below; what the table says to the person is in
``formcheck.rule_words``. No I/O here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from .filters import PeakSpeed, RollingMedian, WindowRange, default_smoother
from .metrics import trunk_steps
from .rule_words import CALIBRATING_TEXT, GOOD_FORM_TEXT, MISTAKE_WORDS, STATUS_TEXT, STRETCH_WORDS
from .tall import TallPosture
from .tilt_range import TiltRange


class State(StrEnum):
    OK = "ok"
    FLAGGED = "flagged"
    POSSIBLE = "possible"  # the reading is where correct backs and mild mistakes overlap across bodies
    UNSURE = "unsure"


@dataclass(frozen=True)
class Condition:
    """One signal of a mistake: ``metric`` beyond ``on`` raises it, back within ``off`` clears it.

    ``direction`` +1 means "too high is the mistake", -1 "too low". With ``relative`` the value is taken
    against the person's own baseline learned once they are settled in the hold; ``guard`` is an absolute
    limit that fires even before (or without) a baseline; a condition that is neither (e.g. the absolute
    lumbar angle, whose 0 is a neutral spine) is judged from the first second of the hold. ``speed`` uses the
    metric's peak rate of change.
    The hysteresis sits between ``on`` and ``off``: ``off`` is on the safe side of ``on``.
    """

    metric: str
    on: float
    off: float
    direction: int = 1
    relative: bool = False
    guard: float | None = None
    speed: bool = False
    both_ways: bool = False  # the size of the change matters, not its sign (a twist either way)
    steady_view: bool = False  # outline-based: only judged while the body keeps its baseline angle to the camera
    hands_clear: bool = False  # outline-based: not judged while a hand is at the low back (it enters the outline)

    def size(self, signed: float) -> float:
        """How far ``signed`` (the value against its baseline, if relative) goes the mistake's way; compared with
        ``on`` and ``off`` times ``direction``."""
        return abs(signed) if self.both_ways else signed * self.direction

    def raises(self, signed: float) -> bool:
        """Whether ``signed`` is past the raise limit ``on``."""
        return self.size(signed) >= self.on * self.direction

    def clears(self, signed: float) -> bool:
        """Whether ``signed`` is back within the clear limit ``off``."""
        return self.size(signed) <= self.off * self.direction


@dataclass(frozen=True)
class Mistake:
    """Raised when any of ``conditions`` is on. ``requires`` are corroborating signals: all of them must be on
    as well for the flag to rise, and any of them back within its ``off`` clears it.

    ``possible`` is the band of the absolute lumbar reading where correct backs of some bodies and mild mistakes of
    others read alike: while the person's own range is unknown, a hold there is called a possible mistake
    (``possible_cue``), neither flagged nor called good form. Once their range is known the reading against it
    (``RANGE_METRIC``) decides instead. Its words (``label``, ``cue``, ``possible_cue``) are in
    ``formcheck.rule_words``, by name.

    ``limit`` is the size from which a posture counts as this mistake, in the rig's own units (degrees of lumbar
    flexion, extension or trunk twist away from the hold's correct posture; metres of pelvis lift). Clips with known
    truth are scored against it: their truth intervals are where the rig is past it (``formcheck.synth``). It is
    half the mildest size of the mistake formcheck is meant to catch, which correct holds (within ±3° of their own
    posture) never reach. None for a quality of movement (jerky pumping), scored where it is at least half its
    scripted size."""

    name: str
    conditions: tuple[Condition, ...]
    requires: tuple[Condition, ...] = ()
    possible: Condition | None = None
    limit: float | None = None

    @property
    def label(self) -> str:
        return MISTAKE_WORDS[self.name].label

    @property
    def cue(self) -> str:
        return MISTAKE_WORDS[self.name].cue

    @property
    def possible_cue(self) -> str:
        return MISTAKE_WORDS[self.name].possible_cue


@dataclass(frozen=True)
class Range:
    """In position when ``low <= metric <= high`` (either bound may be open)."""

    metric: str
    low: float = -math.inf
    high: float = math.inf


@dataclass(frozen=True)
class Stretch:
    """One stretch's thresholds; its words (``title``, ``position_hint``, ``camera_guide``) are in
    ``formcheck.rule_words``, by name."""

    name: str
    max_shoulder_ratio: float  # wider shoulders than this (÷ torso length) means the camera is not side-on enough
    sides: tuple[str, ...]  # holds per side; ("both",) for a two-sided position
    hold_s: float
    position: tuple[Range, ...]
    mistakes: tuple[Mistake, ...]
    key_metric: str  # the metric drawn as a gauge and plotted in the review
    needs_mask: bool = False
    # Angles that must stay within STILL_RANGE_DEG for the person to count as still (baselines are learned then).
    steady: tuple[str, ...] = ("trunk_tilt", "hip_fold")
    # The hip fold this position is read by: printed on frames and fed to the lumbar model (formcheck.lumbar).
    fold: str = "hip_fold"
    # The tall posture the routine asks for first, whose outline the lumbar reading is then taken against.
    tall: TallPosture | None = None
    # The guided pelvic-tilt range in the position, whose middle the lumbar reading is then taken against.
    tilt_range: TiltRange | None = None
    # The stretch whose lumbar model (formcheck.lumbar) reads this one's outline, when it has none of its own.
    lumbar_model: str | None = None
    # (metric, change): the hold's posture moved this far from where its baselines were learned, so they are learned
    # again in the new posture (the outline's shape depends on it).
    resettle: tuple[str, float] | None = None

    @property
    def title(self) -> str:
        return STRETCH_WORDS[self.name].title

    @property
    def position_hint(self) -> str:
        return STRETCH_WORDS[self.name].position_hint

    @property
    def camera_guide(self) -> str:
        return STRETCH_WORDS[self.name].camera_guide

    def in_position(self, values: dict[str, float]) -> bool:
        """Whether ``values`` (metrics by name) lie within every range of the position."""
        return all(r.low <= values.get(r.metric, math.nan) <= r.high for r in self.position)

    def shows_tall_posture(self, values: dict[str, float]) -> bool:
        """Whether a frame can show the tall posture (``formcheck.tall``): in the position, and no hand at the low
        back (it would enter the outline)."""
        return self.in_position(values) and not hands_at_back(values)


# Timing that avoids nagging: flag after a sustained mistake, clear after sustained recovery.
RAISE_S = 1.5
# A few frames, not half a second: the smoothing already lags the corrected back by a few tenths and each reading's
# off limit sits inside its on limit, and a flag left up after the person has corrected teaches them the wrong thing.
# From 0.5 s: flagged while correct 6.3 → 4.2 % (dev), 12.1 → 10.0 % (second tuning set), time to clear p90 1.2 →
# 0.9 s, the same events and flag toggles on both sets and on the real clips (even at 0 s, on both sets). A quick
# re-raise cannot nag: it needs another RAISE_S and the session repeats a cue only every few seconds.
CLEAR_S = 0.15
# A frame against the trigger takes back this many times its duration of evidence: a lapse of a tenth of a second
# costs a third of a second, so the flag still needs the mistake most of the time, without one stray frame
# starting the count over.
LAPSE_WEIGHT = 3.0
# A swing's peak speed is kept this long: a pumping rhythm peaks twice a cycle (at each reversal), so it stays
# flagged between peaks while the cycle is under 2.4 s (gentle pumping at 0.45 Hz: 2.2 s; jerky is faster), and
# clears this soon after the person pumps gently again. A 2-s window kept the flag 0.8 s longer (dev: time flagged
# while correct 4.2 → 3.8 %, the same events).
SWING_PEAK_S = 1.2
SETTLE_S = 0.5  # still (and in position) this long before the baseline window opens
STILL_RANGE_DEG = 6.0  # "still": the stretch's steady angles (trunk, hip) stay within this range over SETTLE_S
CALIBRATE_S = 1.0  # baseline = median over this window (of smoothed values)
NEW_HOLD_AFTER_S = 3.0  # out of position longer than this ends the hold (a new baseline follows)

# Abstention limits.
MIN_VISIBILITY = 0.5
VIEW_METRIC = "shoulder_width_ratio"  # shoulder width / torso length: ≈0.1–0.4 in profile, ≈0.7+ facing the camera
PROFILE_VIEW = 0.55  # side-on within about ±20°
OBLIQUE_VIEW = 0.9  # up to about 45° (the glute stretch: its twist is only visible off profile)
VIEW_DRIFT = 0.1  # the body's angle to the camera changed (e.g. a twist): outline measures lose meaning
# A wrist this close to the lower half of the trunk (torso lengths) is a hand on the hip or back: part of the
# "back outline" is then the hand and forearm. Hip-flexor holds, dev and random bodies: hands on hips 0.01–0.14,
# arms free 0.3–0.65 (an arm hanging beside the trunk filmed 25–30° off the side: down to 0.1).
HANDS_AT_BACK = 0.2
HANDS_METRIC = "hand_to_low_back"
# The lumbar reading against the middle of the person's own range (formcheck.tilt_range), once it is known.
RANGE_METRIC = "lumbar_vs_range"
# Tracking plausibility: a real trunk cannot jump. A change between two frames beyond these limits (plus landmark
# jitter) means MediaPipe lost the person and placed a body elsewhere (seen with a half-covered lying person).
# Its ends move fastest when lying back onto a bed or sitting down, about 1–2 m/s, i.e. 2–4 torso lengths
# (≈0.5 m) per second; even falling from standing height to the floor reaches only ≈5 m/s (10 TL/s).
MAX_TRUNK_SPEED = 12.0  # torso lengths per second
# A rigid trunk's length on screen changes only as it turns out of the picture plane, |ΔL| ≤ L·|Δθ|, and a trunk
# turns at most ≈3 rad/s (170°/s) even when sitting up or lying back briskly.
MAX_TRUNK_STRETCH = 4.0  # torso lengths per second
TRUNK_JITTER = 0.05  # torso lengths the landmarks wobble between frames without a movement (keeps tiny dt safe)
# Measured on the dev clips (side views, 30 fps): the trunk's ends moved at most 0.22 torso lengths per frame (hips
# dragged by jerky bed pumping) and its length changed at most 0.07, against limits of 0.45 and 0.18 per frame;
# MediaPipe's invented bodies for a half-covered lying person jumped about 1 torso length in one frame.
TRACKING_HOLD_S = 0.5  # after a jump judge nothing this long: the smoothers refill and a flicker shows its return
# When nothing a stretch checks can be read (the hamstring's checks all read the back outline, which the mask may not
# give: a back against a background of the same colour, or cut off by the picture's edge), say so after this long
# instead of calling the form good. Shorter gaps are held over, like a lapse in any one signal.
UNREADABLE_AFTER_S = 0.5

# Lying on a bed or the floor: the trunk within 30° of horizontal, head either way. A trunk steeper than that,
# head down, is not lying on a bed; it is what MediaPipe invented for a person half out of the picture.
LYING = Range("trunk_abs_tilt", low=60.0, high=120.0)


def hands_at_back(values: dict[str, float]) -> bool:
    """A wrist at the low back, where it enters the back outline (no wrists seen: not)."""
    return values.get(HANDS_METRIC, math.nan) < HANDS_AT_BACK


# The guided range step in the standing hinge. The lumbar reading sees a pelvic tilt at about a third of its size
# (range clips: a median 19° range reads 7°), so from a still moment the smoothed reading must rise 2° (a tuck of about
# 6°), then fall 1.5° below where it started (a tip of about 5°), the ends 3.5–18° of reading apart, the tip within
# 6 s of the tuck and the whole step within 12 s, all within 20 s of arriving in the position. Found in 11 of 12
# tuning hinges; none of the 14 dev hinges, which have no step, was taken for one (looser limits took a rounded hold's
# jitter, and a rounding then corrected, for a tuck and a tip). The lunge and the seated figure-4 have none: under an
# upright trunk, or seated, the reading barely moves with the pelvis (a median 21° range reads 5° kneeling, 1.4°
# seated; found in 3 of 10 lunges), so a middle read there would be noise.
HINGE_RANGE = TiltRange(min_move=2.0, min_tip=1.5, min_span=3.5, max_span=18.0, within_s=20.0)

STRETCHES: dict[str, Stretch] = {
    s.name: s
    for s in (
        Stretch(
            name="hamstring",
            sides=("both",),
            max_shoulder_ratio=PROFILE_VIEW,
            hold_s=30.0,
            position=(Range("hip_fold", low=30.0),),
            key_metric="lumbar_angle",  # degrees a person can read; the outline bulge has no everyday unit
            needs_mask=True,
            tilt_range=HINGE_RANGE,
            mistakes=(
                Mistake(
                    "rounding",
                    (
                        Condition("back_bulge", on=0.03, off=0.015, relative=True, guard=0.07),
                        # The absolute lumbar angle (formcheck.lumbar) catches a hinge made straight into a clearly
                        # rounded back, which the baseline above would learn as normal. Set on 48 bodies (42 random,
                        # 6 dev), each left out of the fit in turn: no correct hold's 95th percentile reached +16°;
                        # the median reading reached it in 64 % of holds rounded 20° or more, 36 % of those rounded
                        # 12–20°. Milder rounding is left to the baseline.
                        Condition("lumbar_angle", on=16.0, off=10.0),
                        # Against the middle of the person's own range (formcheck.tilt_range), from the first second
                        # of the hold. The reading sees a pelvic tilt at about a third of its size and a rounding at
                        # about half (range clips, 12 random bodies never fitted on): correct holds read −1.4° to
                        # +0.2° against their middle, mild 13–15° roundings +4.8° to +12.2° (hold medians).
                        Condition(RANGE_METRIC, on=3.5, off=2.0),
                    ),
                    # Without the range: correct hinges read −6° to −1° and mild roundings −3° to +14° (the same
                    # clips): from +6° the reading is where some bodies' correct backs and others' mistakes meet.
                    possible=Condition("lumbar_angle", on=6.0, off=4.0),
                    limit=6.0,  # mildest rounding to catch: 12°. The +3.5° range limit, read at half size, is 7°.
                ),
            ),
        ),
        Stretch(
            name="hip-flexor",
            sides=("left", "right"),
            max_shoulder_ratio=PROFILE_VIEW,
            hold_s=30.0,
            # The kneeling knee sits well below the front one; MediaPipe often misplaces the far (kneeling)
            # thigh in profile, so its angle is not used to decide the position.
            position=(Range("front_thigh_tilt", low=40.0), Range("back_knee_drop", low=0.3)),
            key_metric="trunk_tilt",
            needs_mask=True,
            # Kneeling tall (trunk within 10° of vertical, the front foot's reach steady within 0.04 torso lengths
            # for 0.6 s), then within 10 s the hips glide forward into the lunge: the front foot comes nearer the
            # hips by 0.09–0.32 torso lengths (medians, dev and random bodies); a dev hold whose hips glide 10°
            # further mid-hold did not move it.
            tall=TallPosture("kneeling-tall", move="front_foot_reach", move_by=-0.08, upright_deg=10.0,
                             still_range=0.04, window_s=0.6, move_within_s=10.0),
            mistakes=(
                Mistake(
                    "arching",
                    (
                        # Leaning back behind vertical. Cleared at −7°: corrected dev holds settle back at −4° to −7°
                        # (a −5° clear kept 3 of 4 corrected arches flagged to the end of the clip).
                        Condition("trunk_tilt", on=-10.0, off=-7.0, direction=-1),
                        # The absolute lumbar angle (formcheck.lumbar) judges the arch from the first second, so an
                        # arch the person kneels straight into is not learned as their normal. Dev clips, each body
                        # left out of the fit: correct holds read −10° to +3° (5th to 95th percentile, hands on the
                        # hips aside), arches of 11–30° read −5° to −28° (medians). The limit sits at the mild end;
                        # the 1.5-s raise time carries part of the margin.
                        Condition("lumbar_angle", on=-10.0, off=-6.0, direction=-1),
                        # An arch made by tipping the pelvis forward under an upright trunk, after the person has
                        # settled: neither lean nor lumbar reading moves (random bodies, 16–24° arches read +1° to
                        # −4°), but the low-back outline bows in against their own hold, as it bows out when the
                        # hamstring rounds. Cleared at −0.025: after an arch the lunge's outline settles up to
                        # 0.02 below where it was learned (dev: a −0.015 clear kept two corrected arches flagged
                        # to the end of the hold).
                        Condition("back_bulge", on=-0.03, off=-0.025, direction=-1, relative=True,
                                  hands_clear=True),
                    ),
                    # Without the range: correct lunges read −6° to 0°, mild arches −14° to 0° (range clips; dev:
                    # correct −10° to +3°, p5–p95): from −6° bodies' correct backs and mild arches meet.
                    possible=Condition("lumbar_angle", on=-6.0, off=-4.0, direction=-1),
                    limit=5.0,  # mildest arch to catch: 10°
                ),
            ),
        ),
        Stretch(
            name="standing-hip-flexor",
            sides=("left", "right"),
            max_shoulder_ratio=PROFILE_VIEW,
            hold_s=30.0,
            # The long split stance, as positions.STANDING_LUNGE: one thigh forward, the other behind the body.
            position=(Range("front_thigh_tilt", low=20.0), Range("back_thigh_tilt", high=-10.0)),
            key_metric="trunk_tilt",
            mistakes=(
                Mistake(
                    "arching",
                    # Leaning back behind vertical, as the half-kneeling lunge: the same 10°. Correct dev lunges lean
                    # back 4–9° (p95–p0.5 of hold frames: the tucked pelvis takes the trunk back with it, a little
                    # more than kneeling), so the flag clears at −9°, where they settle again; at the kneeling row's
                    # −7° a corrected lean-back stayed flagged to the end of its clip. A clear 20° arch leans back
                    # 15° (median), a lean-back 24°, a mild 12° arch 9–10°. Neither of the kneeling row's other
                    # signals is used: the lumbar reading (the half-kneeling model) reads correct standing lunges −7°
                    # to +4° and mild arches −6° to −7° alike, and a clear 20° arch about 0°; and the outline is
                    # paused nearly throughout, since arms hanging at the sides or hands on the hips come within
                    # 0.12 torso lengths of the lower trunk (rules.HANDS_AT_BACK), where its sign flips as they move.
                    (Condition("trunk_tilt", on=-10.0, off=-9.0, direction=-1),),
                    limit=5.0,  # mildest arch to catch: 10°, as the half-kneeling lunge
                ),
            ),
        ),
        Stretch(
            name="glute",
            sides=("left", "right"),
            max_shoulder_ratio=OBLIQUE_VIEW,
            hold_s=30.0,
            # Seated figure-4 leaning forward from the hips: the hold (and its baseline) starts once the person
            # leans into the stretch, not while they sit upright arranging their legs. Neither reads the fold
            # against the knees' midpoint: MediaPipe often misplaces the crossed leg's knee (dev: a still, twisted
            # hold filmed 30° towards the front read a hip fold of 29–75°, so it fell out of position and never
            # counted as still, and the twist's baseline was never learned). In position when either hip is
            # folded; still when the trunk is (the fold to either knee jumps when the misplaced knee does).
            position=(Range("deeper_hip_fold", low=50.0), Range("trunk_tilt", low=8.0)),
            steady=("trunk_tilt",),
            fold="deeper_hip_fold",
            key_metric="back_bulge",
            needs_mask=True,
            mistakes=(
                Mistake(
                    "twist",
                    # MediaPipe's world landmarks barely see a seated twist (measured: 2–8° for a 25–35° twist),
                    # but the shoulders' apparent width changes clearly as they turn against the fixed pelvis.
                    (Condition(VIEW_METRIC, on=0.12, off=0.06, relative=True, both_ways=True),),
                    limit=7.5,  # mildest twist to catch: 15°
                ),
                Mistake(
                    "forward_bend",
                    # Paused while the shoulders are turned (a twist changes the outline, not the bend). Not
                    # used for the hamstring: rounding there itself narrows the shoulders on screen. No absolute
                    # guard: seated and leaning, the thighs and seat make even a neutral back read 0.05–0.22.
                    (Condition("back_bulge", on=0.03, off=0.015, relative=True, steady_view=True),),
                    # On a fixed seat a low-back bend carries the shoulders forward, so the trunk must lean
                    # further than at the start of the hold too (dev, median over the bend: mild +19°,
                    # moderate +24°). From a camera behind the side the "back" outline is often the elbow of the
                    # arm resting on the knee, which moves with a twist; the lean does not (dev twists and
                    # correct holds: at most +5°).
                    requires=(Condition("trunk_tilt", on=8.0, off=4.0, relative=True),),
                    # The seated reading errs most (6.6° on held-out bodies): correct figure-4s read +3° to +12°,
                    # 17° bends +2° to +16° (range clips, hold medians); from +10° the two meet.
                    possible=Condition("lumbar_angle", on=10.0, off=7.0),
                    limit=7.5,  # mildest seated low-back bend to catch: 15°
                ),
            ),
        ),
        Stretch(
            name="seated-hamstring",
            sides=("both",),
            max_shoulder_ratio=PROFILE_VIEW,
            hold_s=30.0,
            # Long sitting, both knees nearly straight (as positions.STRAIGHT_KNEES), leaning into the fold: the hold
            # and its baseline start once the person folds forward, not while they sit tall arranging their legs
            # (sitting tall reads −8° to −5°, a stiff person's correct fold from +14°: dev clips, p5 and median).
            position=(Range("knee_flexion", high=30.0), Range("trunk_tilt", low=10.0)),
            key_metric="lumbar_angle",
            needs_mask=True,
            # The seated reading (fitted on the figure-4): the pelvis rests on a seat there too. Its knees are bent,
            # so on straight legs it reads a neutral low back at +8° to +10° (dev holds, medians), not 0.
            lumbar_model="glute",
            mistakes=(
                Mistake(
                    "rounding",
                    (
                        # Against the person's own settled fold, as the standing hinge. With the pelvis on the floor
                        # and the knees straight, a lumbar rounding carries the shoulders forward by about its own
                        # size and bows the outline out (dev, hold medians: 25° +0.08, 20° +0.04, 13° +0.03).
                        Condition("back_bulge", on=0.03, off=0.015, relative=True),
                        # The seated reading against the settled fold sees a rounding at about half its size (dev:
                        # 13° +5.6°, 20° +9.9°, 25° +10.6°, hold medians), a correct fold that hinges 8° further
                        # from the hips at most +3.2° (95th percentile).
                        Condition("lumbar_angle", on=4.0, off=2.0, relative=True),
                        # A fold made straight into a clearly rounded back, which the baseline would learn as
                        # normal. Correct dev folds read at most +12.7° (95th percentile), clear roundings of
                        # 20–25° +17.7° to +20.5° (medians); the seated reading errs by 6.6° across held-out
                        # figure-4 bodies (accuracy.md), so the limit keeps the standing hinge's 16° margin. It
                        # clears above the correct folds' readings, not at the hinge's 10°: a neutral back with
                        # straight legs reads +8° to +10° here, so a flag cleared at 10° could stay up after the
                        # person corrected (a held-out clip's did, to the end) and 10–13° was worded "slightly
                        # rounded" on correct folds.
                        Condition("lumbar_angle", on=16.0, off=13.0),
                    ),
                    limit=6.0,  # mildest rounding to catch: 12°, as the standing hinge
                ),
            ),
        ),
        Stretch(
            name="lying-hamstring",
            sides=("left", "right"),
            max_shoulder_ratio=PROFILE_VIEW,
            hold_s=30.0,
            # On the back with one leg raised: the hold and its baseline start once the raised thigh is folded at
            # least 30° from the trunk line (dev holds: 50–64°; a stiff person's raise of about 60° reads 34–42°
            # (lying training and held-out clips: at 40° it flickered out of position); lying flat with both legs
            # down reads under 13°).
            position=(LYING, Range("deeper_hip_fold", low=30.0)),
            key_metric="back_bulge",  # the reading the curl is judged by
            needs_mask=True,
            resettle=("knee_flexion", 30.0),
            mistakes=(
                Mistake(
                    "pelvis_curl",
                    # The leg pulled past where the hamstrings stop it takes the pelvis with it: the pelvis curls up
                    # off the floor about the sacrum while the shoulders stay down, and the low back flattens onto
                    # the floor: against the person's settled hold its outline bows in less (curls later in the hold,
                    # 14–26°, medians over the curl: +0.016 to +0.034 torso lengths, 5 of 5 on 20 training and
                    # dev clips of 18 bodies; correct holds and raises 10–14° further with the pelvis down: at most
                    # +0.008, their largest smoothed excursion).
                    (Condition("back_bulge", on=0.012, off=0.006, relative=True),),
                    # … and the outline's lower part turns against its upper part the same way (the same curls +1.2°
                    # to +10.2°), so an outline that bows out while it bends the other way is no curl. The trunk
                    # line's tip, used before, is no sign across bodies and cameras: +3.6° and +4.3° in the dev curls
                    # but +0.2° to +1.1° in the training ones, within the correct holds' ±1.4°. An outline that cannot
                    # be read judges nothing.
                    requires=(Condition("back_bend", on=1.0, off=0.0, relative=True),),
                    limit=6.0,  # mildest curl to catch: 12° of posterior pelvic tilt (= low-back flexion)
                ),
            ),
        ),
        Stretch(
            name="lying-glute",
            sides=("left", "right"),
            max_shoulder_ratio=PROFILE_VIEW,
            hold_s=30.0,
            # On the back, one ankle crossed over the other knee, that thigh drawn towards the chest (as
            # positions.LYING_FIGURE_4): the hold and its baseline start once a hip is folded 60° (lying dev holds:
            # 73–95°; hook-lying with the ankle crossed, before the thigh comes up, 40–57°).
            position=(LYING, Range("deeper_hip_fold", low=60.0)),
            key_metric="back_bend",
            needs_mask=True,
            mistakes=(
                Mistake(
                    "low_back_lift",
                    # The thigh pulled further than the hip lets it go takes the pelvis with it: it curls up off the
                    # floor about the sacrum and the legs turn with it, so the knees come headwards and the hips sink
                    # below the shoulder–knee line against the settled hold (lifts later in the hold, 20–22°,
                    # smoothed, medians over the lift: −0.092 to −0.128 torso lengths, 4 of 4 on 26 training and dev
                    # clips of 24 bodies; correct holds and a thigh drawn 10–14° further with the pelvis down: −0.051
                    # at most) …
                    (Condition("pelvis_lift", on=-0.06, off=-0.035, direction=-1, relative=True),),
                    # … and the low back's outline straightens as the low back flexes onto the floor: the bend
                    # between its lower and upper parts rises (the same lifts +5.3° to +11.0°; correct holds at most
                    # +3.5°, a deeper pull whose hips sank only −0.048). Both are required: the deeper pull moves the
                    # hips more than the outline; an outline wobble moves no landmark.
                    requires=(Condition("back_bend", on=3.0, off=1.5, relative=True),),
                    limit=6.0,  # mildest lift to catch: 12° of posterior pelvic tilt (= low-back flexion)
                ),
                Mistake(
                    "pelvis_roll",
                    # The pelvis and legs rolling over to one side while the chest stays flat, seen from the side:
                    # rolling onto one buttock lifts the hips, so the trunk line tips towards level against the
                    # settled hold, or the low back's outline bends the other way from a lift (rolls later in the
                    # hold, 16–27°, either way, medians over the roll: the trunk −0.6° to −6.1°, the outline −0.7° to
                    # −8.1°, each past its limit in 4 of 5 and one of them in all 5, on 26 training and dev clips of
                    # 24 bodies; correct holds at most −1.5° and −2.5°; lifts tip the trunk the other way and bend
                    # the outline up). Which knee rises, used before, is no sign across bodies: which knee the camera
                    # sees, and whether the roll moves it, depends on the side and the camera (the size of the knees'
                    # height difference: rolls −0.02 to +0.07 torso lengths, correct holds −0.07 to +0.03).
                    (Condition("trunk_abs_tilt", on=-1.8, off=-1.0, direction=-1, relative=True),
                     Condition("back_bend", on=-3.0, off=-1.5, direction=-1, relative=True)),
                    # … with the hips not risen above the settled hold: a lift made with the position and then
                    # corrected brings them back up (lifts sink them −0.09 to −0.13) and bends the outline back down,
                    # which is no roll (two training clips were flagged so without this).
                    requires=(Condition("pelvis_lift", on=0.04, off=0.06, direction=-1, relative=True),),
                    limit=7.5,  # mildest roll to catch: 15°, as the seated figure-4's twist
                ),
            ),
        ),
        Stretch(
            name="bed-decompression",
            sides=("both",),
            max_shoulder_ratio=PROFILE_VIEW,
            hold_s=60.0,
            position=(LYING,),
            key_metric="front_thigh_tilt",
            mistakes=(
                Mistake(
                    "jerky_pumping",
                    # Peak swing speed of the hanging thighs, deg/s: gentle pumping measured 3–12, jerky 25+.
                    (Condition("front_thigh_tilt", on=18.0, off=14.0, speed=True),),
                ),
            ),
        ),
        Stretch(
            name="towel-decompression",
            sides=("both",),
            max_shoulder_ratio=PROFILE_VIEW,
            hold_s=60.0,
            # Hook-lying: on the back with the knees bent, so the baseline is learned after the knees come up.
            position=(LYING, Range("knee_flexion", low=60.0)),
            key_metric="pelvis_lift",
            mistakes=(
                Mistake(
                    "over_extension",
                    # Torso lengths above the person's own resting line (the absolute value depends on how far
                    # the knees are bent, so there is no absolute guard): 8 cm of lift read about +0.045.
                    (Condition("pelvis_lift", on=0.025, off=0.012, relative=True),),
                    limit=0.025,  # mildest lift to catch: 5 cm
                ),
            ),
        ),
    )
}

def presence_status(n_people: int, metrics: dict[str, float]) -> str | None:
    """``no_person`` or ``two_people`` when there is not exactly one person to judge, else None."""
    if n_people == 0 or not metrics:
        return "no_person"
    return "two_people" if n_people > 1 else None


@dataclass(frozen=True)
class Verdict:
    """What the engine concluded about one frame."""

    t: float
    # no_person | two_people | low_visibility | wrong_view | tracking_lost | not_in_position | wrong_position
    # | calibrating | good | possible | mistake
    status: str
    message: str
    states: dict[str, State]
    values: dict[str, float]  # per mistake: the deciding condition's value (relative ones against baseline)
    in_position: bool
    # The person's own settled position (the relative conditions' baseline): "known", "learning" (only the fixed
    # limits judge meanwhile), "unseen" (the person was still but a signal it needs could not be read, e.g. a lunge
    # whose back outline is not seen), None when nothing was judged.
    baseline: str | None = None

    @property
    def flagged(self) -> list[str]:
        return [name for name, state in self.states.items() if state is State.FLAGGED]


class _Hysteresis:
    """Raise after ``RAISE_S`` of ``on``; clear after ``CLEAR_S`` of ``off``.

    Counted as evidence in seconds, not as an unbroken run of frames: the time from one frame to the next adds to
    the evidence when the first of them said "trigger", and takes away ``LAPSE_WEIGHT`` times as much when it did
    not. A reading that hovers at a threshold then decides by how much of the time it spent beyond it, which is
    nearly the same whether 30 or 15 frames a second are judged; an unbroken run is cut by whichever single frame
    happens to be sampled on the wrong side (seen on dev clips: judging every other frame changed a flag there).
    """

    def __init__(self) -> None:
        self.active = False
        self._evidence = 0.0
        self._last: tuple[float, bool] | None = None  # the last frame's time and whether it said "trigger"

    def update(self, t: float, on: bool, off: bool) -> bool:
        trigger, hold = (off, CLEAR_S) if self.active else (on, RAISE_S)
        if self._last is not None:
            dt = max(t - self._last[0], 0.0)
            self._evidence = self._evidence + dt if self._last[1] else max(self._evidence - LAPSE_WEIGHT * dt, 0.0)
        self._last = (t, trigger)
        if trigger and self._evidence >= hold - 1e-9:
            self.active, self._evidence, self._last = not self.active, 0.0, (t, False)
        return self.active

    def reset(self) -> None:
        self.active, self._evidence, self._last = False, 0.0, None


@dataclass
class _Baseline:
    samples: list[float] = field(default_factory=list)
    value: float | None = None
    since: float | None = None  # time of the first sample

    def add(self, t: float, value: float) -> None:
        if self.since is None:
            self.since = t
        self.samples.append(value)

    def clear(self) -> None:
        self.samples.clear()
        self.since = None


class RuleEngine:
    """Turns a stream of per-frame metrics into per-mistake states for one stretch."""

    def __init__(self, stretch: Stretch) -> None:
        self.stretch = stretch
        self._conditions = [c for m in stretch.mistakes for c in m.conditions + m.requires]
        self._possible_conditions = [m.possible for m in stretch.mistakes if m.possible is not None]
        posture = {stretch.resettle[0]} if stretch.resettle else set()  # judged by nothing, but has a baseline
        self._checked = {c.metric for m in stretch.mistakes for c in m.conditions}  # what can raise a flag
        self._signals = ({c.metric for c in self._conditions + self._possible_conditions}
                         | ({RANGE_METRIC} if self._possible_conditions else set())
                         | {r.metric for r in stretch.position}
                         | set(stretch.steady) | {VIEW_METRIC, "core_visibility"}
                         | ({HANDS_METRIC} if any(c.hands_clear for c in self._conditions) else set()) | posture)
        self._reset_filters()
        self._flags = {m.name: _Hysteresis() for m in stretch.mistakes}
        self._possible = {m.name: _Hysteresis() for m in stretch.mistakes if m.possible is not None}
        self._relative = {c.metric for c in self._conditions if c.relative} | (
            {VIEW_METRIC} if any(c.steady_view for c in self._conditions) else set()) | posture
        self._baselines = {name: _Baseline() for name in self._relative}
        self._settled = False
        self._position_since: float | None = None
        self._out_since: float | None = None
        self._steady_since: float | None = None
        self._last_trunk: tuple[float, np.ndarray, np.ndarray] | None = None  # t, hip, shoulder (pixels)
        self._lost_until = -math.inf
        self._unreadable_since: float | None = None

    def _reset_filters(self) -> None:
        self._smooth = {name: default_smoother() for name in self._signals}
        # The smoother's first stage alone (single-frame jumps removed, no lag beyond a few frames): a flag clears
        # when either reading is back within its off limit (see ``_judge``).
        self._quick = {c.metric: RollingMedian() for c in self._conditions + self._possible_conditions if not c.speed}
        self._speed = {c.metric: PeakSpeed(window_s=SWING_PEAK_S) for c in self._conditions if c.speed}
        self._motion = {name: WindowRange(window_s=SETTLE_S) for name in self.stretch.steady}

    def _reset_hold(self) -> None:
        self._baselines = {name: _Baseline() for name in self._relative}
        self._settled = False  # still through one whole baseline window in this hold
        for flag in (*self._flags.values(), *self._possible.values()):
            flag.reset()

    def update(self, t: float, metrics: dict[str, float], n_people: int = 1, abstain: str | None = None) -> Verdict:
        """One frame's verdict. ``abstain`` names a reason found outside the engine (e.g. ``wrong_position``)
        to judge nothing for, like its own abstention reasons, which take precedence."""
        if self._trunk_jumped(t, metrics):
            # Smoothed values and speeds would carry the jump itself (a thigh "swinging" 1000°/s): start them
            # afresh from the new pose, and judge nothing until it has stayed put for a moment.
            self._reset_filters()
            self._lost_until = t + TRACKING_HOLD_S
        smooth = {name: f(t, metrics.get(name, math.nan)) for name, f in self._smooth.items()}
        quick = {name: f(t, metrics.get(name, math.nan)) for name, f in self._quick.items()}
        unreadable_s = self._unreadable_for(t, smooth)
        status = self._abstain_status(t, smooth, metrics, n_people) or abstain
        in_position = status is None and self.stretch.in_position(smooth)
        self._track_position(t, in_position)
        if status is None and not in_position:
            status = "not_in_position"
        if status is None and unreadable_s >= UNREADABLE_AFTER_S:
            status = "no_outline"
        if status is not None:
            # Unknown is unknown: hold no flag over a gap, and restart the hold after a long one.
            for flag in (*self._flags.values(), *self._possible.values()):
                flag.reset()
            self._steady_since = None
            message = STATUS_TEXT.get(status, self.stretch.position_hint)
            return Verdict(t, status, message, {m.name: State.UNSURE for m in self.stretch.mistakes}, {}, in_position)

        if self._posture_moved(smooth):
            self._reset_hold()
            self._steady_since = None
        calibrating = not self._learn_baselines(t, smooth)
        baseline = self._baseline_state(smooth)
        view_moved = self._view_moved(smooth)
        states, values = {}, {}
        for mistake in self.stretch.mistakes:
            on, clears, deciding = False, [], math.nan
            for cond in mistake.conditions:
                signed, cond_on, cond_off = self._judge(cond, t, smooth, quick, view_moved)
                on = on or cond_on
                if signed is not None:
                    clears.append(cond_off)
                    if math.isnan(deciding) or cond_on:
                        deciding = signed
            # Cleared when every signal that can be read now says so (an unreadable one neither raises nor
            # holds the flag: a missing outline must not keep a corrected lean-back flagged).
            off = bool(clears) and all(clears)
            for cond in mistake.requires:
                _, cond_on, cond_off = self._judge(cond, t, smooth, quick, view_moved)
                on, off = on and cond_on, off or cond_off
            active = self._flags[mistake.name].update(t, on, off)
            possible = self._possibly(mistake, t, smooth, quick, view_moved) and not active
            states[mistake.name] = State.FLAGGED if active else State.POSSIBLE if possible else State.OK
            values[mistake.name] = deciding
        flagged = [name for name, state in states.items() if state is State.FLAGGED]
        if flagged:
            cue = next(m.cue for m in self.stretch.mistakes if m.name == flagged[0])
            return Verdict(t, "mistake", cue, states, values, True, baseline)
        possible = [m for m in self.stretch.mistakes if states[m.name] is State.POSSIBLE]
        if possible:
            return Verdict(t, "possible", possible[0].possible_cue, states, values, True, baseline)
        if calibrating:
            return Verdict(t, "calibrating", CALIBRATING_TEXT, states, values, True, baseline)
        return Verdict(t, "good", GOOD_FORM_TEXT, states, values, True, baseline)

    def _possibly(self, mistake: Mistake, t: float, smooth: dict[str, float], quick: dict[str, float],
                  view_moved: bool) -> bool:
        """Whether the absolute reading has sat in the mistake's overlap band (``Mistake.possible``) long enough,
        with the same raise and clear timing as a flag; never once the person's own range is known."""
        flag = self._possible.get(mistake.name)
        if flag is None:
            return False
        if math.isfinite(smooth[RANGE_METRIC]):
            flag.reset()
            return False
        value, on, off = self._judge(mistake.possible, t, smooth, quick, view_moved)
        return flag.update(t, on, off or value is None)  # an unreadable back is not a possible mistake

    def _judge(self, cond: Condition, t: float, smooth: dict[str, float], quick: dict[str, float],
               view_moved: bool) -> tuple[float | None, bool, bool]:
        """One condition now: (value compared with the thresholds or None, says on, says off).

        "On" is read from the smoothed value only; "off" from it or from the quick one (``quick``: the rolling
        median alone). The One Euro stage lags a correction by about 0.3 s, and a flag left up after the person
        has corrected teaches the wrong thing; raising still needs ``RAISE_S`` of the smoothed reading, so the quick
        reading's jitter cannot raise a flag, and the off limit inside the on limit keeps it from clearing one
        early: replayed, every set gave the same events and flag toggles (docs/accuracy.md)."""
        value = self._speed[cond.metric](t, smooth[cond.metric]) if cond.speed else smooth[cond.metric]
        if not math.isfinite(value):
            return None, False, False
        guard_on = cond.guard is not None and value * cond.direction >= cond.guard * cond.direction
        signed = self._relative_value(cond, value)
        hands_in = cond.hands_clear and hands_at_back(smooth)
        if signed is None or (cond.steady_view and view_moved) or hands_in:
            # Not judgeable now (no baseline yet, the body turned or a hand is on the back, so the outline
            # means something else): neither raise nor clear on this signal.
            return None, guard_on and not view_moved, False
        cond_on = cond.raises(signed) or guard_on
        cond_off = (cond.clears(signed) or self._quick_off(cond, quick)) and not guard_on
        return signed, cond_on, cond_off

    def _quick_off(self, cond: Condition, quick: dict[str, float]) -> bool:
        """Whether the quick reading of ``cond``'s metric is back within its off limit (False when unknown)."""
        value = quick.get(cond.metric, math.nan)
        signed = self._relative_value(cond, value) if math.isfinite(value) else None
        return signed is not None and cond.clears(signed)

    def _unreadable_for(self, t: float, smooth: dict[str, float]) -> float:
        """Seconds for which no condition of any mistake has had a readable signal (0 while one has)."""
        if any(math.isfinite(smooth[metric]) for metric in self._checked):
            self._unreadable_since = None
            return 0.0
        if self._unreadable_since is None:
            self._unreadable_since = t
        return t - self._unreadable_since

    def _trunk_jumped(self, t: float, metrics: dict[str, float]) -> bool:
        """True when the trunk moved between the last two detected frames faster than a body can."""
        hip = np.array([metrics.get("hip_x_px", math.nan), metrics.get("hip_y_px", math.nan)], float)
        shoulder = np.array([metrics.get("shoulder_x_px", math.nan), metrics.get("shoulder_y_px", math.nan)], float)
        if not (np.isfinite(hip).all() and np.isfinite(shoulder).all()):
            return False  # nobody (or no trunk) seen: keep the last trunk, a later one is compared across the gap
        last, self._last_trunk = self._last_trunk, (t, hip, shoulder)
        if last is None or t <= last[0]:
            return False
        moved, stretched = (step[0] for step in trunk_steps(np.stack([last[1], hip]), np.stack([last[2], shoulder])))
        dt = t - last[0]
        return bool(moved > MAX_TRUNK_SPEED * dt + TRUNK_JITTER or stretched > MAX_TRUNK_STRETCH * dt + TRUNK_JITTER)

    def _abstain_status(self, t: float, smooth: dict[str, float], metrics: dict[str, float],
                        n_people: int) -> str | None:
        if (status := presence_status(n_people, metrics)) is not None:
            return status
        if not smooth["core_visibility"] >= MIN_VISIBILITY:
            return "low_visibility"
        if not smooth[VIEW_METRIC] <= self.stretch.max_shoulder_ratio:
            return "wrong_view"
        # After the view: seen from the front a hinging trunk foreshortens fast, and turning is the fix then.
        if t < self._lost_until:
            return "tracking_lost"
        return None

    def _track_position(self, t: float, in_position: bool) -> None:
        if in_position:
            self._out_since = None
            if self._position_since is None:
                self._position_since = t
            return
        if self._out_since is None:
            self._out_since = t
        if self._position_since is not None and t - self._out_since >= NEW_HOLD_AFTER_S:
            self._position_since = None
            self._reset_hold()

    def _learn_baselines(self, t: float, smooth: dict[str, float]) -> bool:
        """Learn each relative metric's baseline once the person has been still in position for a while.

        Returns True once the person has been still through one whole window: every baseline readable then is
        known. Moving again before the window closes starts it over, so a hold that begins with fidgeting does not
        learn the fidget. A metric unreadable all through the window (e.g. a lunge whose back outline is never
        seen) is learned later if it becomes readable, in a window of its own; its condition is not judged
        meanwhile, and waiting for it must not keep saying "hold still" for the rest of the hold.
        """
        pending = [b for b in self._baselines.values() if b.value is None]
        if not pending:
            return True
        moving = any([spread(t, smooth[name]) > STILL_RANGE_DEG for name, spread in self._motion.items()])
        if moving:
            self._steady_since = None
            for baseline in pending:
                baseline.clear()
            return self._settled
        if self._steady_since is None:
            self._steady_since = t
        steady_for = t - self._steady_since
        if steady_for < SETTLE_S:
            return self._settled
        for name, baseline in self._baselines.items():
            if baseline.value is None and math.isfinite(smooth[name]):
                baseline.add(t, smooth[name])
        if steady_for < SETTLE_S + CALIBRATE_S:
            return self._settled
        for baseline in self._baselines.values():
            # After the first window, a baseline first read late gets a whole window of its own.
            if baseline.value is None and baseline.samples and not (self._settled and t - baseline.since < CALIBRATE_S):
                baseline.value = float(np.median(baseline.samples))
        self._settled = True
        return True

    def _baseline_state(self, smooth: dict[str, float]) -> str:
        """"known", "learning" or "unseen" (see ``Verdict.baseline``)."""
        pending = [name for name, b in self._baselines.items() if b.value is None]
        if not pending:
            return "known"
        # Once settled, a baseline is still unknown only because its signal was unreadable through the window.
        unseen = self._settled and any(not math.isfinite(smooth[name]) for name in pending)
        return "unseen" if unseen else "learning"

    def _relative_value(self, cond: Condition, value: float) -> float | None:
        """The value to compare with the thresholds, or None while its baseline is still being learned."""
        if not cond.relative:
            return value
        baseline = self._baselines[cond.metric].value
        if baseline is None:
            return None
        # Someone who starts already in the mistake must not make it their "normal": the baseline is
        # clamped to the neutral side of the guard.
        if cond.guard is not None:
            limit = cond.guard - cond.on
            baseline = min(baseline, limit) if cond.direction > 0 else max(baseline, limit)
        return value - baseline

    def _posture_moved(self, smooth: dict[str, float]) -> bool:
        """Whether the hold's posture has moved past ``Stretch.resettle`` from where its baselines were learned."""
        if self.stretch.resettle is None:
            return False
        metric, change = self.stretch.resettle
        baseline = self._baselines[metric].value
        return baseline is not None and abs(smooth[metric] - baseline) > change

    def _view_moved(self, smooth: dict[str, float]) -> bool:
        baseline = self._baselines.get(VIEW_METRIC)
        if baseline is None or baseline.value is None:
            return False
        return abs(smooth[VIEW_METRIC] - baseline.value) > VIEW_DRIFT
