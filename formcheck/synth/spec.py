"""What one clip is: stretch, side, body, camera, look, mistakes, timing."""

from __future__ import annotations

from dataclasses import dataclass, field

from formcheck.synth.body import BodyShape
from formcheck.synth.scene import Box, Camera, Look
from formcheck.synth.timeline import Mistake, Settle

BODIES = {
    # ANNY controls are in [0, 1]; gender 0 = male, 1 = female; age 0.67 = "young adult" anchor, 1.0 = "old" (below
    # 0.67 the body blends towards a child's).  ``height`` was solved so the standing heights come out as noted.
    # dev bodies
    "avg_man": BodyShape(
        "avg_man",
        gender=0,
        age=0.78,
        muscle=0.5,
        weight=0.55,
        height=0.392,
        proportions=0.5,
    ),  # 1.78 m
    "small_woman": BodyShape(
        "small_woman",
        gender=1,
        age=0.75,
        muscle=0.4,
        weight=0.45,
        height=0.322,
        proportions=0.6,
    ),  # 1.57 m
    "heavy_man": BodyShape(
        "heavy_man",
        gender=0.05,
        age=0.85,
        muscle=0.45,
        weight=0.95,
        height=0.367,
        proportions=0.4,
    ),  # 1.74 m
    "tall_woman": BodyShape(
        "tall_woman",
        gender=0.95,
        age=0.75,
        muscle=0.6,
        weight=0.55,
        height=0.525,
        proportions=0.5,
    ),  # 1.80 m
    # held-out bodies (never used for dev clips)
    "slim_tall_man": BodyShape(
        "slim_tall_man",
        gender=0.1,
        age=0.72,
        muscle=0.55,
        weight=0.15,
        height=0.528,
        proportions=0.55,
    ),  # 1.92 m
    "heavy_woman": BodyShape(
        "heavy_woman",
        gender=1,
        age=0.88,
        muscle=0.35,
        weight=0.9,
        height=0.38,
        proportions=0.45,
    ),  # 1.63 m
    "older_man": BodyShape(
        "older_man",
        gender=0.2,
        age=1.0,
        muscle=0.3,
        weight=0.65,
        height=0.369,
        proportions=0.5,
    ),  # 1.71 m
    # for the subtle clips (starting in the mistake, loose clothes): two more dev bodies ...
    "older_woman": BodyShape(
        "older_woman",
        gender=1,
        age=0.97,
        muscle=0.3,
        weight=0.72,
        height=0.30,
        proportions=0.45,
        belly_m=0.035,
        buttocks_m=0.02,
    ),  # 1.54 m
    "big_young_man": BodyShape(
        "big_young_man",
        gender=0,
        age=0.68,
        muscle=0.45,
        weight=0.88,
        height=0.47,
        proportions=0.5,
        belly_m=0.06,
    ),  # 1.88 m
    # ... and two more held-out ones
    "stocky_woman": BodyShape(
        "stocky_woman",
        gender=0.9,
        age=0.8,
        muscle=0.5,
        weight=0.75,
        height=0.36,
        proportions=0.4,
        belly_m=0.02,
        buttocks_m=0.045,
    ),  # 1.63 m
    "thin_old_man": BodyShape(
        "thin_old_man",
        gender=0.05,
        age=0.98,
        muscle=0.25,
        weight=0.3,
        height=0.44,
        proportions=0.55,
        belly_m=0.03,
    ),  # 1.81 m
    # the fresh held-out split's (no rule, threshold or model has seen them)
    "broad_woman": BodyShape(
        "broad_woman",
        gender=0.95,
        age=0.72,
        muscle=0.55,
        weight=0.7,
        height=0.42,
        proportions=0.45,
        buttocks_m=0.04,
    ),
    "lean_young_man": BodyShape(
        "lean_young_man",
        gender=0.0,
        age=0.67,
        muscle=0.6,
        weight=0.35,
        height=0.5,
        proportions=0.55,
    ),
    "short_older_man": BodyShape(
        "short_older_man",
        gender=0.1,
        age=0.9,
        muscle=0.35,
        weight=0.62,
        height=0.3,
        proportions=0.45,
        belly_m=0.05,
    ),
}


@dataclass
class ClipSpec:
    name: str
    stretch: str
    split: str = "dev"
    side: str | None = None  # working leg for one-sided stretches ("left"/"right")
    facing: str = "right"
    camera: Camera = field(default_factory=lambda: Camera("side", 0.0, 1.0, 3.2))
    body: BodyShape = field(default_factory=lambda: BODIES["avg_man"])
    look: Look = field(default_factory=Look)
    seed: int = 0
    seconds: float = 15.0
    fps: int = 30
    width: int = 640
    height: int = 480
    settle: Settle = field(default_factory=Settle)
    mistakes: list[Mistake] = field(default_factory=list)
    params: dict = field(default_factory=dict)
    expected_abstain: bool = False
    seat_height: float = 0.46  # glute: the box we sit on
    bed_height: float = 0.55  # lying positions: top of the bed / mat
    props: list[Box] = field(default_factory=list)
    notes: str = ""

    @property
    def n_frames(self) -> int:
        return round(self.seconds * self.fps)
