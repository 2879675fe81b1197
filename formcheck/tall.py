"""The person's own neutral back: their outline while they hold a tall posture still, before moving into the hold.

Kneeling tall and the lunge that follows are seen at the same upright trunk, so the outline's per-body shape
(belly, buttocks, clothes) partly cancels when the lunge is read against it: on the rendered hip-flexor clips where
it is found, each body left out of the fit, the lumbar reading's error falls from 4.4° to 2.9°, and to 3.4° for the
mean of both readings that the page uses (``tools/fit_lumbar.py``). Standing tall before a hinge makes the
hamstring's reading worse and sitting tall before the figure-4 barely changes the glute's (docs/decisions.md), so
only positions that declare a ``TallPosture`` use one.

The first still, upright window in the position counts as the tall posture only if the person then moves into the
position the way the routine asks (the hips glide forward) soon after: a person who kneels straight into the lunge,
correct or arched, gives no reference, so the mistake they start in is not learned as their neutral, and a hold
that shifts later is not mistaken for the move out of a tall posture. No I/O here.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from .rule_words import TALL_CUES


@dataclass(frozen=True)
class TallPosture:
    """How a position's tall posture is recognised (declared, with its limits, in the rule table: ``Stretch.tall``)."""

    name: str  # e.g. "kneeling-tall", for the page
    move: str  # the metric that changes as the person moves from the tall posture into the position …
    move_by: float  # … by at least this much (signed), from its value in the still window
    upright_deg: float  # trunk within this of vertical
    still_range: float  # ``move`` stays within this range through the window …
    window_s: float  # … of this many seconds
    move_within_s: float  # the move must follow the still window this soon, or there is no reference
    move_window_s: float = 0.3  # the move is read as the median of this much of the latest frames (jitter)

    @property
    def cue(self) -> str:
        """What the page asks for before the hold (``formcheck.rule_words``)."""
        return TALL_CUES[self.name]


class TallReference:
    """Watches frames in time order for a still tall posture followed by the move into the position; ``value`` is
    then that window's median outline shape (``formcheck.lumbar.outline_shape``), fixed for the rest of the stream."""

    def __init__(self, posture: TallPosture) -> None:
        self.posture = posture
        self.value: np.ndarray | None = None
        self.window: tuple[float, float] | None = None  # seconds of the stream the reference was read in
        self._still: deque[tuple[float, np.ndarray, float]] = deque()
        self._recent: deque[tuple[float, float]] = deque()
        self._candidate: tuple[np.ndarray, float, tuple[float, float]] | None = None  # shape, move, window
        # No move into the position followed the still window in time: this stream has no tall reference.
        self.given_up = False

    @property
    def looking(self) -> bool:
        """Still watching for the tall posture (neither found nor given up)."""
        return self.value is None and not self.given_up

    @property
    def state(self) -> str:
        """"found", "looking" or "missed" (a still moment was not followed by the move in time)."""
        return "found" if self.value is not None else "looking" if self.looking else "missed"

    def update(self, t: float, metrics: dict[str, float], shape: np.ndarray, usable: bool) -> None:
        """One frame: its metrics, its outline shape, and whether it can show the tall posture at all (in the
        position, nothing in front of the back outline)."""
        if not self.looking:
            return
        p = self.posture
        move = metrics.get(p.move, math.nan)
        if math.isfinite(move):
            self._recent.append((t, move))
        while self._recent and self._recent[0][0] < t - p.move_window_s:
            self._recent.popleft()
        if self._candidate is not None:
            shape_then, move_then, window = self._candidate
            self.given_up = t - window[1] > p.move_within_s
            moved = float(np.median([m for _, m in self._recent])) - move_then if self._recent else 0.0
            if moved * np.sign(p.move_by) >= abs(p.move_by) and not self.given_up:
                self.value, self.window = shape_then, window
            return
        tall = (usable and abs(metrics.get("trunk_tilt", math.nan)) <= p.upright_deg
                and math.isfinite(move) and bool(np.isfinite(shape).all()))
        if not tall:
            self._still.clear()
            return
        self._still.append((t, shape, move))
        while self._still[0][0] < t - p.window_s:
            self._still.popleft()
        moves = [m for _, _, m in self._still]
        # 0.9: a window of frames spans a frame interval less than the time between its first and last frame.
        if t - self._still[0][0] >= 0.9 * p.window_s and max(moves) - min(moves) <= p.still_range:
            self._candidate = (np.median([s for _, s, _ in self._still], axis=0), float(np.median(moves)),
                               (self._still[0][0], t))
