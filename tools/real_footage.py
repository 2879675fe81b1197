"""Validate formcheck on the labelled real footage kept outside the repository (never copied into it).

    .venv/bin/python tools/real_footage.py ../shared/real-footage [--auto] [--json OUT]

For each clip: run `analyze` with the labelled stretch, then read the answer as the footage's README says: a flag
counts when an event of the labelled mistake starts within 1 s of a labelled interval; a no-flag or abstain clip
must raise no event; an abstain clip must also say it cannot judge in most of its frames. The answer is right
when it is one of the clip's ``acceptable`` answers. With ``--auto`` each clip is analysed as `analyze` does by
default (``--stretch auto``: the stretch recognised hold by hold), so a hold taken for another stretch, and any flag
it raises, counts against the answer. Validation only: nothing here tunes anything.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from formcheck.analyze import analyze_video
from formcheck.auto import AUTO
from formcheck.errors import FormcheckError
from formcheck.evaluate import UNSURE_STATUSES

STRETCHES = {"hamstring": "hamstring", "hip_flexor": "hip-flexor", "glute": "glute",
             "towel_decompression": "towel-decompression", "bed_decompression": "bed-decompression"}
MISTAKES = {"lumbar_rounding": {"rounding"}, "rounding": {"rounding"}, "lumbar_arching": {"arching"},
            "arching": {"arching"}, "twist_forward_bend": {"twist", "forward_bend"}, "twist": {"twist"},
            "forward_bend": {"forward_bend"}, "pelvis_lift": {"over_extension"},
            "over_extension": {"over_extension"}, "jerky_pumping": {"jerky_pumping"}}
STILLS = ("stills", "stills2")  # photographs held still for 6 s, two collections
NEAR_S = 1.0
ABSTAIN_SHARE = 0.5


def labels(root: Path) -> list[tuple[str, Path, dict]]:
    found = []
    for group in ("real", "real2"):
        path = root / group / "labels.json"
        if path.is_file():
            found += [(group, root / group / entry["file"], entry) for entry in json.loads(path.read_text())]
    for group in STILLS:
        for sidecar in sorted((root / group).glob("still_*.json")):
            found.append((group, sidecar.with_suffix(".mp4"), json.loads(sidecar.read_text())))
    return found


def answer(entry: dict, frames: list[dict], events: list[dict]) -> str:
    wanted = MISTAKES.get(entry.get("mistake") or "", set())
    near = [e for e in events if e["mistake"] in wanted
            and any(a - NEAR_S <= e["start_s"] <= b + NEAR_S for a, b in entry.get("intervals") or [])]
    if near:
        return "flag"
    if events:
        return "other_flag"
    unsure = sum(f["status"] in UNSURE_STATUSES for f in frames) / max(1, len(frames))
    return "abstain" if unsure >= ABSTAIN_SHARE else "no_flag"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--auto", action="store_true", help="recognise the stretch, as `analyze` does by default")
    parser.add_argument("--only", default="", help="comma-separated groups (real, real2, stills, stills2)")
    args = parser.parse_args()
    rows = []
    for group, clip, entry in labels(args.root):
        if args.only and group not in args.only.split(","):
            continue
        stretch = STRETCHES.get(entry["stretch"])
        if entry.get("scored") is False or stretch is None:  # too short to judge, or no stretch of the routine
            print(f"{group:7s} {clip.name:16s} skipped ({entry['stretch']}, scored={entry.get('scored')})")
            continue
        try:
            analysis = analyze_video(clip, AUTO if args.auto else stretch, workers=args.workers)
            got = answer(entry, analysis.frames, analysis.events)
            events = [f"{e['mistake']} {e['start_s']:.1f}" for e in analysis.events]
            events += [f"hold: {hold['stretch']}" for hold in analysis.holds]
        except FormcheckError as err:
            got, events = f"error: {err}", []
        right = got in entry["acceptable"]
        rows.append({"group": group, "clip": clip.name, "stretch": stretch, "view": entry.get("view"),
                     "expect": entry["expect"], "mistake": entry.get("mistake"), "got": got, "right": right,
                     "events": events})
        print(f"{group:7s} {clip.name:16s} {stretch:20s} {entry.get('view', ''):14s} expect {entry['expect']:9s} "
              f"got {got:10s} {'ok' if right else 'WRONG'}  {', '.join(events)}", flush=True)
    print()
    for group in ("real", "real2", *STILLS):
        mine = [r for r in rows if r["group"] == group]
        for expect in ("flag", "no_flag", "abstain"):
            some = [r for r in mine if r["expect"] == expect]
            if some:
                print(f"{group:7s} expect {expect:8s}: {sum(r['right'] for r in some)} / {len(some)} right")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
