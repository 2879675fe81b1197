"""Render one clip: pose every frame, measure the truth from the rig, encode H.264."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from formcheck.rules import STRETCHES
from formcheck.synth import truth as truth_mod
from formcheck.synth.body import Body, rot_z
from formcheck.synth.clothing import dressed_identity
from formcheck.synth.motions import LYING, MOTIONS, PROPS, no_props
from formcheck.synth.rig import Poser
from formcheck.synth.scene import Camera, Renderer
from formcheck.synth.spec import ClipSpec
from formcheck.synth.timeline import MISTAKES_OF

_BODIES: dict[str, Body] = {}


def get_body(shape) -> Body:
    if shape.name not in _BODIES:
        _BODIES[shape.name] = Body(shape)
    return _BODIES[shape.name]


def heading(facing: str, stretch: str = "") -> np.ndarray:
    """Body frame -> world: the body faces +X (image right) or -X (image left).

    For the lying positions "facing" names the side of the image the head is on.
    """
    right = facing == "right"
    if stretch in LYING:
        right = not right
    return rot_z(90.0 if right else -90.0)


def _working_side(spec: ClipSpec):
    if spec.side is None:
        return None
    return "L" if spec.side == "left" else "R"


def make_poser(spec: ClipSpec, body: Body) -> Poser:
    poser = Poser(body)
    if spec.stretch in ("glute", "seated-hamstring"):
        poser.calibrate_seat()
    if spec.stretch in LYING:
        poser.calibrate_lying()
    return poser


def pose_frames(spec: ClipSpec, body: Body, times: np.ndarray):
    """Pose every frame (joints only); yields (local, root_R, root_p, posed) in the body frame."""
    rng = np.random.default_rng(spec.seed)
    ph = rng.uniform(0, 2 * np.pi, size=8)
    poser = make_poser(spec, body)
    motion = MOTIONS[spec.stretch]
    for t in times:
        poser.reset()
        motion(poser, float(t), spec, ph)
        posed = poser.fk()
        yield dict(poser.local), poser.root_R.copy(), poser.root_p.copy(), posed


def clip_truth_frames(spec: ClipSpec, body: Body):
    """Per-frame poses and measured truth channels (no rendering)."""
    n = spec.n_frames
    times = np.arange(n) / spec.fps
    frames = list(pose_frames(spec, body, times))
    side = _working_side(spec)
    meas = [truth_mod.measure(body, f[3], side) for f in frames]
    return times, frames, meas


def mistake_limits(spec: ClipSpec) -> dict[str, float | None]:
    """Each mistake's ``limit`` from the rule table (None: scored at half its scripted size)."""
    return {m.name: m.limit for m in STRETCHES[spec.stretch].mistakes}


def retruth(spec: ClipSpec, truth: dict) -> dict:
    """``truth`` (a clip's sidecar) with its mistake intervals written afresh from the spec; nothing else changes
    (the rig is not posed again)."""
    times = np.arange(truth["n_frames"]) / truth["fps"]
    mistakes, details = mistake_intervals(spec, times)
    return {**truth, "mistakes": mistakes, "mistake_details": details, "mistake_limits": mistake_limits(spec)}


def mistake_intervals(spec: ClipSpec, times: np.ndarray) -> tuple[dict[str, list], list[dict]]:
    """The truth intervals of each mistake: where the rig is past the mistake's ``limit`` in the rule table (its
    scripted size is the rig's departure from the correct posture), or, for a mistake without one, where it is at
    least half its scripted size. A mistake that arrives with the position counts from the start of the hold."""
    hold_start = round(spec.settle.hold_start, 4)
    limits = mistake_limits(spec)
    mistakes, details = {}, []
    for name in MISTAKES_OF[spec.stretch]:
        mistakes[name] = []
        for m in spec.mistakes:
            if m.name != name:
                continue
            env = np.array([m.envelope(float(t)) for t in times])
            past = env >= 0.5 if limits.get(name) is None else m.amplitude * env >= limits[name]
            for iv in truth_mod.intervals(times, past):
                from_hold_start = iv[0] < hold_start
                if from_hold_start:
                    iv[0] = hold_start
                mistakes[name].append(iv)
                detail = {
                    "mistake": name,
                    "interval": iv,
                    "severity": m.severity,
                    "amplitude": m.amplitude,
                    "ramp_s": m.ramp,
                    "scripted_onset_s": m.onset,
                    "scripted_offset_s": m.offset,
                }
                if m.ramp_out is not None:
                    detail["ramp_out_s"] = m.ramp_out
                if from_hold_start:
                    detail["from_hold_start"] = True
                details.append(detail)
    return mistakes, details


def build_truth(spec: ClipSpec, times, meas) -> dict:
    hold_start = spec.settle.hold_start
    hold = [[round(hold_start, 4), round(float(times[-1]), 4)]]
    pel = np.array([m["pelvis_z"] for m in meas])
    k0 = int(np.searchsorted(times, hold_start))
    ref = float(pel[min(k0, len(pel) - 1)])
    if spec.stretch == "towel-decompression":
        ref = float(spec.params.get("pelvis_ref_z", ref))
    k_ref = min(k0, len(meas) - 1)
    tilt_ref = meas[k_ref]["pelvis_tilt_deg"]
    y_ref = meas[k_ref]["pelvis_y"]
    mistakes, details = mistake_intervals(spec, times)
    cam = spec.camera.to_json()
    extra = {}
    if spec.settle.range is not None:
        step = spec.settle.range
        phases = step.phases(spec.settle.arrive)
        extra["range_step"] = {**{k: [round(a, 4), round(b, 4)] for k, (a, b) in phases.items()},
                               "flex_deg": step.flex_deg, "ext_deg": step.ext_deg, "settle_deg": step.settle_deg,
                               "pelvis_share": step.pelvis_share}
    if spec.settle.twist is not None:
        step = spec.settle.twist
        phases = step.phases(spec.settle.twist_start)
        extra["twist_step"] = {**{k: [round(a, 4), round(b, 4)] for k, (a, b) in phases.items()},
                               "toward_deg": step.toward_deg, "away_deg": step.away_deg, "settle_deg": step.settle_deg}
    return {
        "schema": truth_mod.SCHEMA,
        "clip": f"{spec.name}.mp4",
        "split": spec.split,
        "stretch": spec.stretch,
        "side": spec.side,
        "facing": spec.facing,
        "camera": cam,
        "expected_abstain": bool(spec.expected_abstain),
        "body": spec.body.to_json(),
        "seed": int(spec.seed),
        "fps": int(spec.fps),
        "width": int(spec.width),
        "height": int(spec.height),
        "n_frames": len(times),
        "mistakes": mistakes,
        "mistake_details": details,
        "mistake_limits": mistake_limits(spec),
        "hold": hold,
        "params": spec.params,
        "look": spec.look.to_json(),
        "pelvis_lift_ref_m": ref,
        **extra,
        "notes": spec.notes,
        "frames": {
            "t": [round(float(x), 4) for x in times],
            "lumbar_flexion_deg": [round(m["lumbar_flexion_deg"], 3) for m in meas],
            "trunk_twist_deg": [round(m["trunk_twist_deg"], 3) for m in meas],
            "hip_flexion_deg": [round(m["hip_flexion_deg"], 3) for m in meas],
            "pelvis_lift_m": [round(m["pelvis_z"] - ref, 4) for m in meas],
            "pelvis_tilt_deg": [
                round(m["pelvis_tilt_deg"] - tilt_ref, 3) for m in meas
            ],
            "pelvis_shift_m": [round(-(m["pelvis_y"] - y_ref), 4) for m in meas],
        },
    }


def frame_camera(spec: ClipSpec, frames, R_h) -> tuple[np.ndarray, Camera]:
    """World offset that centres the person, and the camera distance that frames them.

    The camera keeps the spec's yaw and height; its distance is chosen so that the
    person's whole motion fills ``camera.fill`` of the frame (as a user would set up).
    """
    body = get_body(spec.body)
    step = max(1, len(frames) // 30)
    pts = []
    for local, rR, rp, _ in frames[::step]:
        pts.append(body.skin(local, R_h @ rR, R_h @ rp).verts[::7])
    pts = np.concatenate(pts)
    lo, hi = pts.min(0), pts.max(0)
    offset = np.array([-(lo[0] + hi[0]) / 2, -(lo[1] + hi[1]) / 2, 0.0])
    pts = pts + offset
    c = spec.camera
    cz = float((lo[2] + hi[2]) / 2)
    W, H = spec.width, spec.height

    def cam(d):
        return Camera(
            c.view,
            c.yaw_deg,
            c.height_m,
            d,
            target=(0.0, 0.0, cz),
            yfov_deg=c.yfov_deg,
            fill=c.fill,
            mirror=spec.facing == "left",
        )

    def fits(d):
        uv = cam(d).project(pts, W, H)
        du = np.abs(uv[:, 0] - W / 2).max() / (W / 2)
        dv = np.abs(uv[:, 1] - H / 2).max() / (H / 2)
        return max(du, dv) <= c.fill

    lo_d, hi_d = 1.0, 12.0
    for _ in range(30):
        mid = 0.5 * (lo_d + hi_d)
        lo_d, hi_d = (lo_d, mid) if fits(mid) else (mid, hi_d)
    spec.camera = cam(round(hi_d, 3))
    return offset, spec.camera


def render_clip(
    spec: ClipSpec, out_dir: Path, max_frames: int | None = None, log=print
) -> dict:
    """Render ``spec`` to ``out_dir/<name>.mp4`` + ``.truth.json``; returns the truth dict."""
    import av

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    body = get_body(spec.body)
    times, frames, meas = clip_truth_frames(spec, body)
    if max_frames is not None:
        times, frames, meas = times[:max_frames], frames[:max_frames], meas[:max_frames]
    R_h = heading(spec.facing, spec.stretch)
    offset, cam = frame_camera(spec, frames, R_h)
    data = build_truth(spec, times, meas)
    rend = Renderer(
        spec.width, spec.height, cam, spec.look, _world_props(spec, R_h, offset), body
    )
    dressed = dressed_identity(body, spec.look, spec.seed)
    mp4 = out_dir / f"{spec.name}.mp4"
    container = av.open(str(mp4), mode="w")
    stream = container.add_stream("libx264", rate=spec.fps)
    stream.width, stream.height = spec.width, spec.height
    stream.pix_fmt = "yuv420p"
    stream.options = {"crf": str(spec.params.get("crf", 23)), "preset": "medium"}
    stream.codec_context.thread_count = 1
    t0 = time.time()
    try:
        for k, (local, rR, rp, _) in enumerate(frames):
            posed = body.skin(local, R_h @ rR, R_h @ rp + offset, identity=dressed)
            img = rend.render(posed.verts)
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            for pkt in stream.encode(frame):
                container.mux(pkt)
        for pkt in stream.encode():
            container.mux(pkt)
    finally:
        container.close()
        rend.close()
    dt = time.time() - t0
    truth_mod.write(out_dir / f"{spec.name}.truth.json", data)
    log(
        f"{spec.name}: {len(frames)} frames in {dt:.1f}s ({dt / max(1, len(frames)):.3f} s/frame), "
        f"{mp4.stat().st_size / 1e6:.2f} MB"
    )
    return data


def _world_props(spec: ClipSpec, R_h: np.ndarray, offset: np.ndarray):
    """Props given in the body frame (seat, bed) moved into the world."""
    from formcheck.synth.scene import Box

    out = []
    poser = make_poser(spec, get_body(spec.body))
    for b in list(spec.props) + PROPS.get(spec.stretch, no_props)(poser, spec):
        c = R_h @ np.asarray(b.center, float) + offset + np.array([0.0, b.away, 0.0])
        size = np.abs(R_h @ np.asarray(b.size, float))
        out.append(Box(tuple(c), tuple(size), b.color))
    return out


def preview(spec: ClipSpec, times: list[float], path: Path, cols: int = 2) -> Path:
    """Render a few chosen instants of ``spec`` into one PNG contact sheet (for eyeballing)."""
    from PIL import Image

    body = get_body(spec.body)
    _, frames, _ = clip_truth_frames(spec, body)
    R_h = heading(spec.facing, spec.stretch)
    offset, cam = frame_camera(spec, frames, R_h)
    rend = Renderer(
        spec.width, spec.height, cam, spec.look, _world_props(spec, R_h, offset), body
    )
    dressed = dressed_identity(body, spec.look, spec.seed)
    imgs = []
    try:
        for t in times:
            k = int(np.clip(round(t * spec.fps), 0, len(frames) - 1))
            local, rR, rp, _ = frames[k]
            imgs.append(
                rend.render(body.skin(local, R_h @ rR, R_h @ rp + offset, identity=dressed).verts)
            )
    finally:
        rend.close()
    rows = (len(imgs) + cols - 1) // cols
    sheet = np.full((rows * spec.height, cols * spec.width, 3), 255, np.uint8)
    for i, im in enumerate(imgs):
        r, c = divmod(i, cols)
        sheet[
            r * spec.height : (r + 1) * spec.height,
            c * spec.width : (c + 1) * spec.width,
        ] = im
    Image.fromarray(sheet).save(path)
    return Path(path)
