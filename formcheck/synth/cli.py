"""Command line: generate clip sets, preview one clip, write truth only, list clips."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from formcheck.synth.clips import GENERATED, LABELLED, clip_set


def _select(args):
    specs = clip_set(args.set)
    if args.only:
        wanted = set(args.only.split(","))
        specs = [s for s in specs if s.name in wanted]
        missing = wanted - {s.name for s in specs}
        if missing:
            raise SystemExit(
                f"no such clip in set {args.set!r}: {', '.join(sorted(missing))}"
            )
    if args.seconds:
        for s in specs:
            s.seconds = float(args.seconds)
    return specs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m formcheck.synth", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name, help_ in [
        ("generate", "render clips (mp4 + truth.json)"),
        ("truth", "write truth.json only"),
        ("retruth", "rewrite the mistake intervals of the truth files in OUT from the clip specs (no posing)"),
        ("preview", "render a few instants of one clip to a PNG"),
        ("list", "list the clips"),
        ("readme", "write OUT/README.md (table of clips) from the truth files in OUT"),
    ]:
        p = sub.add_parser(name, help=help_)
        p.add_argument("--set", default="dev", choices=[*LABELLED, *GENERATED])
        p.add_argument("--only", help="comma-separated clip names")
        p.add_argument("--seconds", type=float, help="override clip length (s)")
        if name != "list":
            p.add_argument(
                "--out", required=True, help="output folder (preview: PNG file)"
            )
        if name == "generate":
            p.add_argument(
                "--max-frames",
                type=int,
                help="render only the first N frames (smoke tests)",
            )
            p.add_argument(
                "--skip-existing",
                action="store_true",
                help="skip clips whose mp4 and truth exist",
            )
            p.add_argument(
                "--ray",
                action="store_true",
                help="render the clips as Ray tasks (formcheck[ray]; every node needs the render extra)",
            )
            p.add_argument(
                "--ray-address",
                help="join this Ray cluster (default: $RAY_ADDRESS, else a local instance); implies --ray",
            )
        if name == "readme":
            p.add_argument(
                "--detect",
                help="JSON written by formcheck.synth.detect --json (adds a column)",
            )
        if name == "preview":
            p.add_argument(
                "--times", default="0,6,10,14", help="comma-separated seconds"
            )
    args = ap.parse_args(argv)
    os.environ.setdefault("PYOPENGL_PLATFORM", "osmesa")
    if args.cmd == "readme":
        from formcheck.synth.readme import write_readme

        title = (
            "Held-out videos (do not tune on these)"
            if "heldout" in args.set
            else "Sample videos (dev set)"
        )
        print(
            write_readme(
                Path(args.out),
                title,
                args.set,
                Path(args.detect) if args.detect else None,
            )
        )
        return 0
    specs = _select(args)
    if args.cmd == "list":
        for s in specs:
            ms = (
                "; ".join(
                    f"{m.name}/{m.severity} {m.onset:g}-{m.offset:g}s"
                    for m in s.mistakes
                )
                or "correct"
            )
            print(
                f"{s.name:32s} {s.stretch:20s} side={s.side} facing={s.facing} {s.camera.view}"
                f"({s.camera.yaw_deg:+.0f}) {s.body.name:14s} {s.seconds:g}s {ms}"
            )
        return 0
    if args.cmd == "generate" and (args.ray or args.ray_address):
        return _generate_on_ray(specs, Path(args.out), args)
    from formcheck.synth import render

    if args.cmd == "preview":
        if len(specs) != 1:
            raise SystemExit("preview needs exactly one clip: --only NAME")
        render.preview(
            specs[0], [float(x) for x in args.times.split(",")], Path(args.out)
        )
        print(args.out)
        return 0
    out = Path(args.out)
    t0 = time.time()
    if args.cmd == "retruth":
        return _retruth(specs, out)
    for s in specs:
        if args.cmd == "truth":
            body = render.get_body(s.body)
            times, frames, meas = render.clip_truth_frames(s, body)
            render.frame_camera(
                s, frames, render.heading(s.facing, s.stretch)
            )  # fills camera distance
            out.mkdir(parents=True, exist_ok=True)
            from formcheck.synth import truth

            truth.write(
                out / f"{s.name}.truth.json", render.build_truth(s, times, meas)
            )
            print(f"{s.name}: truth written", flush=True)
            continue
        if (
            args.skip_existing
            and (out / f"{s.name}.mp4").exists()
            and (out / f"{s.name}.truth.json").exists()
        ):
            print(f"{s.name}: exists, skipped", flush=True)
            continue
        render.render_clip(
            s, out, max_frames=args.max_frames, log=lambda m: print(m, flush=True)
        )
    print(f"done: {len(specs)} clip(s) in {time.time() - t0:.0f}s", file=sys.stderr)
    return 0


def _retruth(specs, out: Path) -> int:
    from formcheck.synth import render, truth

    changed = 0
    for spec in specs:
        path = out / f"{spec.name}.truth.json"
        if not path.is_file():
            continue
        old = truth.load(path)
        new = render.retruth(spec, old)
        if new != old:
            truth.write(path, new)
            changed += 1
            print(f"{spec.name}: {old['mistakes']} -> {new['mistakes']}", flush=True)
    print(f"done: {changed} truth file(s) changed in {out}", file=sys.stderr)
    return 0


def _exists(spec, out: Path) -> bool:
    return (out / f"{spec.name}.mp4").exists() and (out / f"{spec.name}.truth.json").exists()


def render_task(task) -> str:
    """One clip as a Ray task (the same render_clip as the loop in main)."""
    spec, out, max_frames = task
    os.environ.setdefault("PYOPENGL_PLATFORM", "osmesa")
    from formcheck.synth import render

    render.render_clip(spec, Path(out), max_frames=max_frames, log=lambda message: None)
    return spec.name


def _generate_on_ray(specs, out: Path, args) -> int:
    from formcheck.batch_ray import TaskFailed, map_on_ray
    from formcheck.errors import FormcheckError

    todo = []
    for s in specs:
        if args.skip_existing and _exists(s, out):
            print(f"{s.name}: exists, skipped", flush=True)
        else:
            todo.append(s)
    out.mkdir(parents=True, exist_ok=True)
    t0, failures = time.time(), 0
    try:
        for position, outcome in map_on_ray(render_task, [(s, str(out), args.max_frames) for s in todo],
                                            address=args.ray_address):
            if isinstance(outcome, TaskFailed):
                failures += 1
                print(f"{todo[position].name}: {outcome}", file=sys.stderr, flush=True)
            else:
                print(f"{outcome}: rendered", flush=True)
    except FormcheckError as err:
        raise SystemExit(f"error: {err}") from None
    print(f"done: {len(todo) - failures} of {len(todo)} clip(s) rendered on Ray in {time.time() - t0:.0f}s",
          file=sys.stderr)
    return 1 if failures else 0
