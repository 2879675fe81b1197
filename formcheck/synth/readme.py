"""Write the README table of a clip folder from its truth sidecars."""

from __future__ import annotations

import json
from pathlib import Path

HEADER = """# {title}

Synthetic labelled clips rendered by `formcheck.synth` (a rigged parametric body, the ANNY model,
rendered offscreen). Every `<clip>.mp4` (H.264, yuv420p, 30 fps, 640x480) has a `<clip>.truth.json`
sidecar (schema `formcheck.truth/1`) whose per-frame angles are **measured from the posed rig**, never
from a pose detector. Regenerate with:

    PYTHONPATH=. python -m formcheck.synth generate --set {split} --out {folder}

(needs the `render` extra; see `formcheck/synth/__init__.py`). Same seed -> same truth; frames are
identical as far as the software renderer (OSMesa) is deterministic.

How to read the truth:
- `mistakes`: per mistake of the stretch, the intervals `[start_s, end_s]` where the rig is past the mistake's
  limit (`mistake_limits`, the `limit` of each mistake in the rule table `formcheck/rules.py`; the scripted
  deviation ramps in and out over ~1.2 s; jerky_pumping, which has no limit: at least half its scripted size);
  `mistake_details` adds severity and amplitude
  (rounding / forward_bend: extra lumbar flexion in degrees; arching: lumbar extension in degrees, with the pelvis
  tipping forward and the trunk leaning back; twist: thorax-vs-pelvis rotation in degrees; over_extension: pelvis
  lift in metres; jerky_pumping: multiplier of the pumping amplitude, with sharp reversals and a faster rhythm;
  pelvis_curl / low_back_lift: lying, the pelvis curling up off the floor in degrees of posterior tilt, the low back
  flexing by as much; pelvis_roll: lying, the pelvis and legs rolling to one side in degrees, the chest staying flat).
- `hold`: from when the person has settled into the position (after getting into it) to the end.
- A mistake can arrive **with the position** (the person hinges, kneels or sits straight into it): it grows with
  the move into the position, its interval starts with the `hold`, and its `mistake_details` entry says
  `"from_hold_start": true` (with `ramp_out_s`, how long the late correction takes, if there is one). Otherwise
  a mistake starts during the hold. `amplitude` may differ from the severity's default (e.g. a mild 14-deg rounding).
- `params`: how the clip differs from the default motion, e.g. `hinge_deg` (hip hinge), `deepen` ([deg, from s,
  to s]: a correct move further into the stretch from the hips, or the hips gliding forward in the lunge),
  `arch_pelvis` (near 1: the arch comes from the pelvis tipping, the trunk stays about upright), `bend_pelvis` /
  `bend_thoracic` (near 1 / small: a glute forward bend with the pelvis rolling back, a slump that hardly moves the
  shoulders forward), `hands: hips`.
- `look.loose_m` / `loose_pants_m`: loose clothes, standing off the skin by up to that much (a smooth random
  field), so the outline is not the spine's; `body.belly_m` / `buttocks_m`: extra soft tissue the body model has
  no control for.
- `frames.lumbar_flexion_deg`: + flexion (rounding) / - extension (arching) vs the rig's neutral lumbar curve.
- `camera.yaw_deg`: 0 = square side view; + turns the camera towards the person's front (90 = front view).
- `facing`: the way the person faces in the image; for the lying positions, the side of the image the head is on.
- `side`: the working leg (hip flexor: the kneeling, stretched leg; glute and lying-glute: the crossed leg).
- `expected_abstain`: true for the deliberately wrong (front) view - the app should say it cannot judge.

Motion: the person breathes and sways slightly during holds (every frame is rendered; none reused).
The bed decompression is scripted as lying on the back along a bed with the knees at its foot end and the
lower legs hanging, rocking the pelvis gently (the hanging lower legs are partly hidden behind the bed from
a camera at bed height, as they would be in a real room).

| clip | stretch | side | facing | camera (yaw, height, distance) | body | \
mistakes: severity amplitude [interval s] | s | MB |
|---|---|---|---|---|---|---|---|---|
"""


def write_readme(
    folder: Path, title: str, split: str, detect: Path | None = None
) -> Path:
    """``detect``: optional JSON from ``python -m formcheck.synth.detect --json`` (adds a column)."""
    folder = Path(folder)
    rates = {}
    if detect and Path(detect).is_file():
        rates = {r["clip"]: r for r in json.loads(Path(detect).read_text())}
    rows = []
    total = 0.0
    for p in sorted(folder.glob("*.truth.json")):
        d = json.loads(p.read_text())
        mp4 = folder / d["clip"]
        mb = mp4.stat().st_size / 1e6 if mp4.exists() else 0.0
        total += mb
        det = d.get("mistake_details", [])
        ms = "; ".join(_mistake_cell(x) for x in det) or "none (correct)"
        cam = d["camera"]
        view = cam["view"] + (" (abstain)" if d["expected_abstain"] else "")
        lens = f", fov {cam['yfov_deg']:.0f} deg" if cam.get("yfov_deg", 46.0) != 46.0 else ""
        loose = d["look"].get("loose_m", 0.0)
        body = d["body"]["name"] + (f", loose top {loose * 100:.1f} cm" if loose else "")
        dur = d["n_frames"] / d["fps"]
        rows.append(
            f"| {d['clip']} | {d['stretch']} | {d['side'] or '-'} | {d['facing']} | {view} "
            f"{cam['yaw_deg']:+.0f} deg, {cam['height_m']:.2f} m, {cam['distance_m']:.2f} m{lens} | "
            f"{body} | {ms} | {dur:.0f} | {mb:.2f} |"
        )
        if rates:
            r = rates.get(d["clip"])
            rows[-1] += f" {r['rate'] * 100:.1f} % |" if r else " not measured |"
    header = HEADER.format(title=title, split=split, folder=folder.name)
    if rates:
        header = header.replace("| s | MB |\n|---|", "| s | MB | detected |\n|---|---|")
    text = header + "\n".join(rows) + "\n"
    if rates:
        text += (
            "\n`detected`: share of frames in which MediaPipe's PoseLandmarker (full model, VIDEO mode)"
            " found the person, measured with `python -m formcheck.synth.detect`.\n"
        )
    text += f"\n{len(rows)} clips, {total:.1f} MB in all.\n"
    if d_notes := _notes(folder):
        text += "\nNotes:\n" + d_notes
    out = folder / "README.md"
    out.write_text(text)
    return out


_UNITS = {"over_extension": " m", "jerky_pumping": "x"}


def _mistake_cell(x: dict) -> str:
    """e.g. ``rounding: mild 15 deg [5.0-13.0] from the hold start``."""
    amp = f"{x['amplitude']:g}{_UNITS.get(x['mistake'], ' deg')}"
    start = " from the hold start" if x.get("from_hold_start") else ""
    return f"{x['mistake']}: {x['severity']} {amp} [{x['interval'][0]:.1f}-{x['interval'][1]:.1f}]{start}"


def _notes(folder: Path) -> str:
    lines = []
    for p in sorted(folder.glob("*.truth.json")):
        d = json.loads(p.read_text())
        if d.get("notes"):
            lines.append(f"- `{d['clip']}`: {d['notes']}\n")
    return "".join(lines)
