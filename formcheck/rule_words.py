"""The rule table's own words: each stretch's title and how to get into it and film it, each mistake's name and cue,
the tall posture's cue, and what the engine says while it judges nothing, learns the person's start or sees good
form.

They sit apart from the thresholds (``formcheck.rules``), so a sentence can change without touching a rule, and
below them: the rule table and its engine say these words, while ``formcheck.wording`` builds its sentences on top
of the table. No logic here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StretchWords:
    title: str
    position_hint: str  # how to get into the position
    camera_guide: str  # where to put the camera


@dataclass(frozen=True)
class MistakeWords:
    label: str
    cue: str  # said and shown while the mistake is flagged
    possible_cue: str = ""  # while the reading sits where correct backs and mild mistakes look alike


STRETCH_WORDS = {
    "hamstring": StretchWords(
        "Hamstring stretch",
        "Hinge forward at the hips with your knees soft.",
        "Camera side-on at hip height, 2–3 m away, whole body in the frame."),
    "hip-flexor": StretchWords(
        "Hip flexor stretch",
        "Half-kneel: one knee down, the other foot in front.",
        "Camera side-on at hip height, 2 m away, kneeling knee and front foot in view."),
    "standing-hip-flexor": StretchWords(
        "Standing hip flexor stretch",
        "Stand in a long split stance, back heel up and back knee nearly straight; tuck your pelvis and glide your "
        "hips forward.",
        "Camera side-on at hip height, 2–3 m away, both feet and your head in view."),
    "glute": StretchWords(
        "Glute stretch",
        "Sit tall, cross one ankle over the other knee, then lean forward from your hips.",
        "Camera at seat height, 2 m away, side-on or up to 45° towards your front; whole body in view."),
    "seated-hamstring": StretchWords(
        "Seated hamstring stretch",
        "Sit with both legs straight out in front, then fold forward from your hips.",
        "Camera side-on at floor or bed height, 2–3 m away, head to feet in view."),
    "bed-decompression": StretchWords(
        "Bed decompression",
        "Lie across the bed with your hips at the edge and your legs hanging.",
        "Camera at bed height, side-on, landscape, the whole bed edge in view."),
    "towel-decompression": StretchWords(
        "Towel decompression",
        "Lie on your back, knees bent and feet flat, with the rolled towel under your low back.",
        "Camera at floor or bed height, side-on, landscape, head to feet in view."),
    "lying-hamstring": StretchWords(
        "Lying hamstring stretch",
        "Lie on your back and raise one leg, knee nearly straight, holding behind the thigh or with a strap; keep "
        "the other leg down.",
        "Camera side-on at floor or bed height, 2–3 m away, landscape, head to raised foot in view."),
    "lying-glute": StretchWords(
        "Lying figure-4 glute stretch",
        "Lie on your back, cross one ankle over the other knee and draw that thigh towards your chest, hands "
        "behind it; keep your hips and low back on the floor.",
        "Camera side-on at floor or bed height, 2–3 m away, landscape, head to knees in view."),
}

MISTAKE_WORDS = {
    "rounding": MistakeWords(
        "Low back rounding",
        "Keep your low back flat — hinge from the hips, don't reach for your toes.",
        "Possible low-back rounding — from here a flat back and a slight rounding can look alike. Do the range step "
        "to check."),
    "arching": MistakeWords(
        "Low back arching",
        "Tuck your pelvis under and stay upright — don't lean back or arch.",
        "Possible low-back arching — from the side a neutral back and a slight arch can look alike. Tuck your pelvis "
        "under a little and stay upright."),
    "twist": MistakeWords(
        "Twisting through the back",
        "Keep your shoulders square with your hips — let the hip do the work."),
    "forward_bend": MistakeWords(
        "Bending forward through the low back",
        "Lean forward from the hips with a long, flat back.",
        "Possible bend through the low back — from here a long back and a slight bend can look alike. Lean from your "
        "hips and keep your chest long."),
    "jerky_pumping": MistakeWords(
        "Pumping too hard",
        "Gentle, small, rhythmic movements — let gravity do the work."),
    "over_extension": MistakeWords(
        "Pelvis lifted / back over-arched",
        "Let your hips rest down — the towel should support the curve, not push it."),
    "pelvis_curl": MistakeWords(
        "Pelvis curling up off the floor",
        "Ease the leg down a little — keep your hips and low back resting on the floor."),
    "low_back_lift": MistakeWords(
        "Low back lifting off the floor",
        "Ease the thigh away from your chest a little — let your hips and low back rest on the floor."),
    "pelvis_roll": MistakeWords(
        "Pelvis rolling to one side",
        "Keep both hips level on the floor — let the crossed knee open, not the pelvis turn."),
}

# What the page asks for before the hold, by ``TallPosture.name``.
TALL_CUES = {"kneeling-tall": "Kneel tall for a few seconds, then glide your hips forward."}

# Why nothing is judged, and the one thing to change, by the engine's abstention reason.
STATUS_TEXT = {
    "no_person": "Step into the frame so the camera can see you.",
    "two_people": "More than one person in view — only one person, please.",
    "low_visibility": "Part of your body is hidden — move back so your whole body is in the frame.",
    "wrong_view": "Turn side-on to the camera.",
    "tracking_lost": "Lost track of you — make sure your whole body is in the picture.",
    "no_outline": "Can't see the outline of your back — keep it in the picture, against a plain background.",
}

# While the person's start of the hold is learned. It says what the start is for: a mistake held from the start
# would be learned as the person's normal unless a fixed limit catches it (docs/decisions.md), so the start is the
# moment to get it right.
CALIBRATING_TEXT = "Hold still in the form you mean to keep — the rest of the hold is compared with it."
GOOD_FORM_TEXT = "Good form — breathe and relax into the stretch."
