"""Compare two `formcheck eval --json` runs of the same clips, clip by clip and mistake by mistake.

    formcheck eval sample_videos --every-frame --json every.json
    formcheck eval sample_videos --skip-frames --json skip.json
    .venv/bin/python tools/compare_eval.py every.json skip.json          # exit code 1 if they differ

"Same results" (the bar for judging fewer frames by default): on every clip the same matched, missed and false-alarm
counts per mistake, and each matched interval's time to flag and time to clear within ``--tolerance`` seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

TOLERANCE_S = 0.1


def compare(before: dict, after: dict, tolerance_s: float = TOLERANCE_S) -> tuple[list[dict], list[str]]:
    """(one row per clip and mistake with a true interval or a flag in either run, what breaks the bar)."""
    rows, problems = [], []
    after_clips = {clip["clip"]: clip for clip in after["clips"]}
    for old in before["clips"]:
        new = after_clips.pop(old["clip"], None)
        if new is None:
            problems.append(f"{old['clip']}: only in the first run")
            continue
        for mistake in old["matched"]:
            counts = [(run["matched"][mistake], run["missed"][mistake], run["false_alarms"][mistake])
                      for run in (old, new)]
            flag = [old["time_to_flag_s"][mistake], new["time_to_flag_s"][mistake]]
            clear = [old["time_to_clear_s"][mistake], new["time_to_clear_s"][mistake]]
            if not any(counts[0]) and not any(counts[1]):
                continue  # nothing true, nothing flagged
            row = {"clip": old["clip"], "mistake": mistake, "counts": counts,
                   "time_to_flag_s": flag, "time_to_clear_s": clear,
                   "flag_delta_s": [b - a for a, b in zip(*flag)], "clear_delta_s": [b - a for a, b in zip(*clear)]}
            rows.append(row)
            name = f"{old['clip']} {mistake}"
            if counts[0] != counts[1]:
                problems.append(f"{name}: matched/missed/false alarms {counts[0]} → {counts[1]}")
            for what in ("flag", "clear"):
                worst = max(row[f"{what}_delta_s"], key=abs, default=0.0)
                if abs(worst) > tolerance_s + 1e-9:
                    problems.append(f"{name}: time to {what} changed by {worst:+.3f} s")
    problems += [f"{name}: only in the second run" for name in after_clips]
    return rows, problems


def _seconds(values: list[float]) -> str:
    return ", ".join(f"{v:+.3f}" for v in values) or "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE_S, help="seconds (default %(default)s)")
    args = parser.parse_args()
    rows, problems = compare(*(json.loads(path.read_text()) for path in (args.before, args.after)), args.tolerance)
    print("| clip | mistake | matched / missed / false alarms | Δ time to flag (s) | Δ time to clear (s) |")
    print("|---|---|---|---|---|")
    for row in rows:
        (m0, mi0, fa0), (m1, mi1, fa1) = row["counts"]
        counts = f"{m0}/{mi0}/{fa0}" + ("" if row["counts"][0] == row["counts"][1] else f" → {m1}/{mi1}/{fa1}")
        print(f"| {row['clip']} | {row['mistake']} | {counts} | {_seconds(row['flag_delta_s'])} "
              f"| {_seconds(row['clear_delta_s'])} |")
    deltas = [abs(d) for row in rows for d in row["flag_delta_s"] + row["clear_delta_s"]]
    print(f"\n{len(rows)} clip-mistake rows; largest |Δ| {max(deltas, default=0.0):.3f} s")
    print("\n".join(problems) if problems else f"same results (within {args.tolerance} s) on every clip")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
