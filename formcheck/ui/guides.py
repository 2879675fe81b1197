"""Camera placement pictures, drawn here as small SVGs: a top view (where the camera goes) and the camera's view
(what it should see: the whole body in profile, in the position of the stretch).
"""

from __future__ import annotations

from html import escape

from formcheck.rules import STRETCHES

INK = "#2b2f36"
BODY = "#1f4e8c"
CAMERA = "#c0392b"
FLOOR = "#b9ad9c"
FURNITURE = "#d9cfc0"

# Stick figures in the camera view (240 × 180 box, floor at y = 165), facing right.
# Each pose: head centre, then polylines through the joints.
_POSES: dict[str, dict] = {
    "hamstring": {
        "head": (160, 82),
        "lines": [[(108, 164), (97, 163), (98, 134), (92, 104), (142, 88)],  # foot, ankle, knee, hip, shoulder
                  [(142, 88), (146, 112), (149, 136)]],  # arm hanging
        "props": [],
        "note": "hinge at the hips, back long",
    },
    "hip-flexor": {
        "head": (103, 56),
        "lines": [[(60, 163), (84, 164), (100, 120)],  # back foot, back knee on the floor, hip
                  [(100, 120), (142, 124), (146, 163), (160, 164)],  # front thigh, shin, foot
                  [(100, 120), (102, 70)],  # trunk upright
                  [(102, 72), (110, 96), (128, 112)]],  # arm to the front knee
        "props": [],
        "note": "trunk upright, pelvis tucked",
    },
    "standing-hip-flexor": {
        "head": (112, 52),
        "lines": [[(52, 163), (62, 158), (106, 116)],  # back foot on its ball, heel up, back leg nearly straight
                  [(106, 116), (146, 126), (148, 163), (162, 164)],  # front knee bent over the front foot
                  [(106, 116), (110, 66)],  # trunk upright
                  [(110, 68), (114, 94), (116, 116)]],  # arm hanging
        "props": [],
        "note": "trunk upright, pelvis tucked",
    },
    "glute": {
        "head": (106, 58),
        "lines": [[(94, 121), (104, 71)],  # trunk tall, a slight lean from the hips
                  [(94, 121), (138, 122), (140, 163), (152, 164)],  # supporting leg
                  [(94, 121), (124, 100), (140, 118)],  # crossed leg: knee out, ankle on the other knee
                  [(104, 74), (116, 96), (126, 104)]],
        "props": [("rect", 62, 124, 48, 41)],  # a chair or box
        "note": "sit tall, ankle on the knee",
    },
    "seated-hamstring": {
        "head": (112, 100),
        "lines": [[(80, 156), (104, 112)],  # trunk folded forward from the hips, back long
                  [(80, 156), (190, 157), (196, 146)],  # legs straight out, toes up
                  [(104, 114), (130, 138), (152, 150)]],  # hands sliding down the legs
        "props": [("rect", 40, 160, 170, 5)],  # a mat
        "note": "fold from the hips, back long",
    },
    "bed-decompression": {
        "head": (56, 100),
        "lines": [[(68, 103), (150, 104)],  # lying on the bed, hips at the edge
                  [(150, 104), (170, 128), (168, 163), (180, 164)],  # legs hanging over the edge
                  [(72, 104), (104, 108)]],
        "props": [("rect", 30, 110, 122, 55)],  # the bed
        "note": "hips at the bed edge, legs hang",
    },
    "towel-decompression": {
        "head": (44, 155),
        "lines": [[(56, 160), (98, 160), (108, 156), (118, 160), (130, 160)],  # on the back, curve over the towel
                  [(130, 160), (160, 134), (186, 162), (196, 163)],  # knees bent, feet flat
                  [(60, 161), (96, 162)]],
        "props": [("circle", 108, 162, 5)],  # the rolled towel under the low back
        "note": "rolled towel under the low back",
    },
    "lying-hamstring": {
        "head": (44, 152),
        "lines": [[(56, 158), (120, 158)],  # on the back, hips and low back down
                  [(120, 158), (166, 159), (206, 160), (210, 150)],  # the other leg flat on the floor
                  [(120, 158), (136, 110), (148, 62), (160, 60)],  # one leg raised, knee nearly straight
                  [(62, 156), (100, 136), (134, 124)]],  # hands behind the raised thigh
        "props": [("rect", 30, 161, 190, 4)],  # a mat
        "note": "leg up, hips stay down",
    },
    "lying-glute": {
        "head": (44, 152),
        "lines": [[(56, 158), (120, 158)],  # on the back, hips and low back down
                  [(120, 158), (116, 110), (166, 108), (172, 98)],  # the thigh drawn in, shin level
                  [(120, 158), (150, 126), (122, 114)],  # crossed leg: knee out, ankle on the other knee
                  [(62, 156), (96, 138), (114, 130)]],  # hands behind the drawn-in thigh
        "props": [("rect", 30, 161, 190, 4)],  # a mat
        "note": "thigh in, hips stay flat",
    },
}

_HEIGHT_NOTE = {
    "hamstring": "camera at hip height",
    "hip-flexor": "camera at hip height",
    "standing-hip-flexor": "camera at hip height",
    "glute": "camera at seat height",
    "seated-hamstring": "camera at floor or bed height",
    "bed-decompression": "camera at bed height",
    "towel-decompression": "camera at floor height",
    "lying-hamstring": "camera at floor or bed height",
    "lying-glute": "camera at floor or bed height",
}

_DISTANCE = {"hamstring": "2–3 m", "hip-flexor": "2 m", "standing-hip-flexor": "2–3 m", "glute": "2 m",
             "seated-hamstring": "2–3 m", "bed-decompression": "2–3 m", "towel-decompression": "2–3 m",
             "lying-hamstring": "2–3 m", "lying-glute": "2–3 m"}


def _polyline(points, color=BODY, width=5) -> str:
    coords = " ".join(f"{x},{y}" for x, y in points)
    return (f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="{width}" '
            f'stroke-linecap="round" stroke-linejoin="round"/>')


def _camera_view(name: str, x0: int, y0: int) -> str:
    pose = _POSES[name]
    parts = [f'<g transform="translate({x0},{y0})">',
             '<rect x="0" y="0" width="240" height="180" rx="6" fill="#f4f1ec" stroke="#8a8f98" stroke-width="2"/>',
             f'<rect x="2" y="165" width="236" height="13" fill="{FLOOR}"/>']
    for prop in pose["props"]:
        if prop[0] == "rect":
            _, x, y, w, h = prop
            parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="3" fill="{FURNITURE}" stroke="#a99b86"/>')
        else:
            _, x, y, r = prop
            parts.append(f'<circle cx="{x}" cy="{y}" r="{r}" fill="#e8c07a" stroke="#a9803a"/>')
    for line in pose["lines"]:
        parts.append(_polyline(line))
    hx, hy = pose["head"]
    parts.append(f'<circle cx="{hx}" cy="{hy}" r="10" fill="{BODY}"/>')
    parts.append(f'<text x="120" y="20" text-anchor="middle" font-size="13" fill="{INK}">What the camera sees</text>')
    parts.append(f'<text x="120" y="36" text-anchor="middle" font-size="11" fill="#555">{escape(pose["note"])}</text>')
    parts.append("</g>")
    return "".join(parts)


def _top_view(name: str, x0: int, y0: int) -> str:
    """Person seen from above facing right; the camera level with their side, lens pointing at them."""
    lying = name in ("bed-decompression", "towel-decompression")
    parts = [f'<g transform="translate({x0},{y0})">',
             '<rect x="0" y="0" width="200" height="180" rx="6" fill="#fbfaf7" stroke="#8a8f98" stroke-width="2"/>',
             f'<text x="100" y="20" text-anchor="middle" font-size="13" fill="{INK}">Top view</text>']
    if lying:  # a long body lying along the x axis
        parts.append('<rect x="40" y="50" width="120" height="30" rx="14" fill="#dfe7f2" stroke="#1f4e8c" '
                     'stroke-width="2"/>')
        parts.append(f'<circle cx="50" cy="65" r="10" fill="{BODY}"/>')
    else:
        parts.append('<ellipse cx="100" cy="65" rx="14" ry="30" fill="#dfe7f2" stroke="#1f4e8c" stroke-width="2"/>')
        parts.append(f'<circle cx="102" cy="65" r="10" fill="{BODY}"/>')
        parts.append(f'<path d="M 120 65 L 150 65" stroke="{BODY}" stroke-width="3" marker-end="url(#arrow)"/>')
        parts.append(f'<text x="152" y="52" font-size="10" fill="{BODY}">facing</text>')
    # Camera below (at the person's side), pointing up at them, with its field of view.
    parts.append('<path d="M 100 150 L 40 66 L 160 66 Z" fill="#c0392b" fill-opacity="0.08" stroke="none"/>')
    parts.append(f'<rect x="86" y="146" width="28" height="18" rx="3" fill="{CAMERA}"/>')
    parts.append(f'<rect x="95" y="140" width="10" height="7" fill="{CAMERA}"/>')
    parts.append(f'<line x1="178" y1="82" x2="178" y2="150" stroke="{INK}" stroke-width="1.5" '
                 f'marker-start="url(#arrow)" marker-end="url(#arrow)"/>')
    parts.append(f'<text x="172" y="122" font-size="11" fill="{INK}" text-anchor="end">'
                 f"{escape(_DISTANCE[name])}</text>")
    parts.append(f'<text x="100" y="176" text-anchor="middle" font-size="11" fill="{CAMERA}">camera, side-on</text>')
    parts.append("</g>")
    return "".join(parts)


def guide_svg(name: str) -> str:
    """The camera placement picture for stretch ``name`` as an SVG document string."""
    if name not in _POSES:
        raise KeyError(name)
    spec = STRETCHES[name]
    height_note = _HEIGHT_NOTE[name]
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="460" height="222" viewBox="0 0 460 222" '
        f'font-family="sans-serif" role="img" aria-label="{escape(spec.title)}: {escape(spec.camera_guide)}">'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="6" markerHeight="6" '
        f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{INK}"/></marker></defs>'
        f"{_top_view(name, 4, 4)}{_camera_view(name, 214, 4)}"
        f'<text x="230" y="210" text-anchor="middle" font-size="12" fill="{INK}">'
        f"Landscape, whole body in view, {escape(height_note)}</text></svg>"
    )


def all_guides() -> dict[str, str]:
    return {name: guide_svg(name) for name in _POSES}
