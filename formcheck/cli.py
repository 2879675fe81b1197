"""Command line: ``formcheck analyze | eval | bench``. I/O only; the work happens in the pipeline modules."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .cli_types import PlainHelp, PlainHelpGroup, choices, close_match_parser
from .errors import FormcheckError
from .model_files import DEFAULT_MODEL, MODEL_NAMES
from .rules import STRETCHES

app = typer.Typer(cls=PlainHelpGroup, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Check the form of low-back stretches from a video, offline.")
out = Console()
err = Console(stderr=True)

StretchName = choices("StretchName", [*STRETCHES, "auto"])
BenchStretch = choices("BenchStretch", STRETCHES)
ModelName = choices("ModelName", MODEL_NAMES)
STRETCH = typer.Option("--stretch", "-s", metavar="NAME", parser=close_match_parser(StretchName, "stretch"),
                       help=", ".join(STRETCHES) + ", or auto (the stretch of each hold is recognised from "
                            "the position)")
MODEL = typer.Option(metavar="NAME", help=", ".join(MODEL_NAMES[:-1]) + f" or {MODEL_NAMES[-1]}: the pose model "
                                                                    "(lite is fastest, heavy most accurate)",
                     parser=close_match_parser(ModelName, "model"))
SKIP_HELP = "judge about 15 frames a second (every frame for bed decompression); the frames between repeat it"


def _progress() -> Progress:
    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=err, transient=True, disable=not err.is_terminal)


@app.command(cls=PlainHelp)
def analyze(
    paths: Annotated[list[Path], typer.Argument(help="video or image file; with --out: several files, folders "
                                                    "or quoted glob patterns", metavar="VIDEO...")],
    stretch: Annotated[StretchName, STRETCH] = StretchName("auto"),
    json_out: Annotated[Path | None, typer.Option("--json", metavar="PATH",
                                                  help="write the per-frame report here")] = None,
    annotated: Annotated[Path | None, typer.Option("--annotated", metavar="PATH",
                                                   help="write an annotated H.264 mp4 here")] = None,
    model: Annotated[ModelName, MODEL] = ModelName(DEFAULT_MODEL),
    workers: Annotated[int | None, typer.Option(min=1, metavar="N",
                                                help="pose processes, 1 or more (default: one per core, "
                                                     "up to 4)")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", metavar="FOLDER", help="batch: write STEM.json per input and "
                                                              "summary.csv/.json into this folder")] = None,
    videos: Annotated[bool, typer.Option("--videos", help="batch: also write STEM.annotated.mp4 per input")] = False,
    force: Annotated[bool, typer.Option("--force", help="batch: redo inputs whose outputs are up to date")] = False,
    ray: Annotated[bool, typer.Option("--ray",
                                      help="batch: run the clips as Ray tasks (needs formcheck\\[ray])")] = False,
    ray_address: Annotated[str | None, typer.Option(metavar="ADDRESS",
                                                    help="batch: join this Ray cluster (default: $RAY_ADDRESS, "
                                                         "else a local instance); implies --ray")] = None,
    skip_frames: Annotated[bool, typer.Option("--skip-frames/--every-frame", help=SKIP_HELP)] = False,
) -> None:
    """Analyse one recorded stretch and report flagged mistakes; with --out, a batch of them."""
    stretch, model = stretch.value, model.value
    if out_dir or len(paths) > 1:
        _analyze_batch(paths, stretch, out_dir, json_out, annotated, model, workers, videos, force,
                       ray or ray_address is not None, ray_address, skip_frames)
        return
    path = paths[0]
    from .analyze import analyze_video, write_json
    from .wording import possible_text
    from .pipeline import get_stretch
    from .video import check_output_path

    for target in (json_out, annotated):
        if target:
            check_output_path(target)
    with _progress() as progress:
        task = progress.add_task(f"analysing {path.name}", total=None)
        analysis = analyze_video(path, stretch, model=model, annotated=annotated, workers=workers,
                                 skip_frames=skip_frames,
                                 progress=lambda done, total: progress.update(task, completed=done, total=total))
    if json_out:
        write_json(analysis, json_out)
    frames = len(analysis.frames)
    title = get_stretch(stretch).title if stretch != "auto" else "Stretch recognised hold by hold"
    what = "a photo" if analysis.photo else f"{frames} {'frame' if frames == 1 else 'frames'}"
    out.print(f"{title}: {what}, person detected in {analysis.detection_rate:.0%}")
    if analysis.photo:
        _print_photo(analysis)
        _print_written(json_out, annotated)
        return
    for hold in analysis.holds:
        end = "the end" if hold["end_s"] is None else f"{hold['end_s']:.1f}s"
        out.print(f"  {get_stretch(hold['stretch']).title}: {hold['start_s']:.1f}s – {end}")
    _print_coverage(analysis.coverage, len(analysis.events), analysis.could_not_check())
    for text in analysis.reference_texts():
        out.print(text, soft_wrap=True)
    possible = possible_text(analysis.possible)
    if possible:
        out.print(f"[yellow]{possible}[/yellow]", soft_wrap=True)
    labels = {m.name: m.label for spec in STRETCHES.values() for m in spec.mistakes}
    for event in analysis.events:
        out.print(f"  {labels[event['mistake']]}: {event['start_s']:.1f}s – {event['end_s']:.1f}s")
    _print_written(json_out, annotated)


def _print_written(*targets: Path | None) -> None:
    for target in targets:
        if target:
            out.print(f"wrote {target}")


def _print_photo(analysis) -> None:
    """A photo's verdict on its posture: the mistakes seen, or that none was (and by what), or why it could not be
    checked; no seconds."""
    from .wording import PHOTO, photo_checked

    out.print(PHOTO, soft_wrap=True)
    labels = {m.name: m.label for spec in STRETCHES.values() for m in spec.mistakes}
    could_not_check = analysis.could_not_check()
    if could_not_check:
        out.print(f"[yellow]{could_not_check}[/yellow]", soft_wrap=True)
    elif not analysis.events:
        out.print(f"[green]{photo_checked(analysis.main_stretch())}[/green]", soft_wrap=True)
    for name in dict.fromkeys(event["mistake"] for event in analysis.events):
        out.print(f"  {labels[name]}")


def _print_coverage(cov, mistakes: int, could_not_check: str | None) -> None:
    """How much was judged, why the rest was not, and a conclusion that never reassures on too little."""
    from .coverage import CHECKED, judged_line, not_judged_text

    out.print(judged_line(cov), soft_wrap=True)
    if cov.not_judged_s:
        out.print(f"Not judged: {not_judged_text(cov)}", soft_wrap=True)
    if could_not_check:
        out.print(f"[yellow]{could_not_check}[/yellow]", soft_wrap=True)
    elif cov.conclusion(mistakes) == CHECKED:
        out.print("[green]No mistakes flagged.[/green]", soft_wrap=True)


def _analyze_batch(paths: list[Path], stretch: str, out_dir: Path | None, json_out: Path | None,
                   annotated: Path | None, model: str, workers: int | None, videos: bool, force: bool,
                   use_ray: bool, ray_address: str | None, skip_frames: bool) -> None:
    from .batch import expand_inputs, plan_jobs, run_batch, write_summary
    from .errors import InputError

    if out_dir is None:
        raise InputError("several inputs need --out DIR (one report per input goes there)")
    if json_out or annotated:
        raise InputError("--json and --annotated name one file; with --out use --videos for annotated videos")
    jobs = plan_jobs(expand_inputs(paths), out_dir, stretch, model, annotate=videos, skip_frames=skip_frames)

    def show(result) -> None:
        name = Path(result.file).name
        if result.failed:
            err.print(f"failed: {result.error}", markup=False, highlight=False, soft_wrap=True)
        else:
            out.print(f"{result.outcome}: {name}: {_batch_verdict(result)}", markup=False, highlight=False)
        progress.update(task, advance=1, description=name)

    with _progress() as progress:
        task = progress.add_task("batch", total=len(jobs))
        results = run_batch(jobs, force=force, processes=workers, use_ray=use_ray, ray_address=ray_address,
                            on_result=show)
    summary = write_summary(results, out_dir, model)
    failures = sum(r.failed for r in results)
    out.print(f"{len(results) - failures} of {len(results)} inputs done"
              f"{f', {failures} failed' if failures else ''}; wrote {summary[0]} and {summary[1]}")
    if failures:
        raise typer.Exit(1)


def _batch_verdict(result) -> str:
    """One input's line: what was flagged, or good form, or that too little could be judged to say."""
    from .coverage import UNCHECKED

    judged = f"{result.judged_s:.0f} of {result.seconds:.0f} s judged"
    if result.mistakes:
        return f"{judged}; " + ", ".join(f"{m['mistake']} {m['start_s']:.1f}s" for m in result.mistakes)
    if result.conclusion == UNCHECKED:
        return f"could not check the form ({judged}; see its report for why)"
    return f"{judged}, good form {result.good_form_s:.0f} s; no mistakes"


def _fmt(value, unit: str = "", digits: int = 2) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}{unit}"


@app.command("eval", cls=PlainHelp)
def evaluate_cmd(
    directory: Annotated[Path, typer.Argument(help="folder of clips with .truth.json sidecars", metavar="FOLDER")],
    json_out: Annotated[Path | None, typer.Option("--json", metavar="PATH",
                                                  help="write per-clip and summary figures here")] = None,
    model: Annotated[ModelName, MODEL] = ModelName(DEFAULT_MODEL),
    ray: Annotated[bool, typer.Option("--ray", help="score the clips as Ray tasks (needs formcheck\\[ray])")] = False,
    ray_address: Annotated[str | None, typer.Option(metavar="ADDRESS",
                                                    help="join this Ray cluster (default: $RAY_ADDRESS, else a "
                                                         "local instance); implies --ray")] = None,
    skip_frames: Annotated[bool, typer.Option("--skip-frames/--every-frame", help=SKIP_HELP)] = False,
) -> None:
    """Score the analyzer against labelled clips (event F1, false alarms, time to flag, abstention)."""
    model = model.value
    from rich.table import Table

    from .evaluate import clip_rows, evaluate, find_clips, truth_definition
    from .video import atomic_output

    total = len(find_clips(directory))
    with _progress() as progress:
        task = progress.add_task("evaluating", total=total)
        if ray or ray_address is not None:
            from .batch import evaluate_on_ray

            scores, summary = evaluate_on_ray(directory, model, ray_address, on_clip=lambda name: progress.update(
                task, advance=1, description=name), skip_frames=skip_frames)
        else:
            scores, summary = evaluate(directory, model, skip_frames=skip_frames,
                                       on_clip=lambda name: progress.update(task, advance=1, description=name))
    table = Table(title=f"formcheck eval — {directory} ({summary['clips']} clips, model {model})")
    for column in ("mistake", "true", "matched", "false alarms", "precision", "recall", "F1",
                   "time to flag p50 / p90"):
        table.add_column(column, justify="left" if column == "mistake" else "right")
    for mistake, row in summary["per_mistake"].items():
        table.add_row(mistake, str(row["true_intervals"]), str(row["matched"]), str(row["false_alarms"]),
                      _fmt(row["precision"]), _fmt(row["recall"]), _fmt(row["f1"]),
                      f"{_fmt(row['time_to_flag_median_s'], ' s', 1)} / {_fmt(row['time_to_flag_p90_s'], ' s', 1)}")
    out.print(table)
    out.print(truth_definition(summary))
    wrong_view = summary["wrong_view_clips"]
    out.print(f"false alarms per minute of correct hold: {_fmt(summary['false_alarms_per_min_correct_hold'])}\n"
              f"time to flag: median {_fmt(summary['time_to_flag_median_s'], ' s', 1)}, "
              f"p90 {_fmt(summary['time_to_flag_p90_s'], ' s', 1)}\n"
              f"flag toggles per minute: {_fmt(summary['flag_toggles_per_min'])}\n"
              f"judged in position during holds: {_fmt(summary['in_position_rate'])}\n"
              f"abstain rate in holds: {_fmt(summary['abstain_rate'])}; wrong-view clips abstained on: "
              f"{sum(wrong_view.values())}/{len(wrong_view)}\n"
              f"lumbar change vs rig: MAE {_fmt(summary['lumbar_delta_mae_deg'], '°', 1)}, "
              f"bias {_fmt(summary['lumbar_delta_bias_deg'], '°', 1)}\n"
              f"person detected in {_fmt(summary['detection_rate'] * 100, '%', 1)} of frames")
    clear, start = summary["time_to_clear"], summary["start_in_mistake_time_to_flag"]
    out.print(f"time to clear after the person corrects: median {_fmt(clear['median_s'], ' s', 1)}, "
              f"p90 {_fmt(clear['p90_s'], ' s', 1)}\n"
              f"flagged while the form was correct: {_fmt(summary['flagged_while_correct_share'] * 100, '%', 1)} of "
              f"correct-hold time ({_fmt(summary['flagged_while_correct_s_per_min'], ' s', 1)} per minute)\n"
              f"said \"possible\" (not sure): {_fmt(summary['correct_called_possible_share'] * 100, '%', 1)} of "
              f"correct-hold time, {_fmt(summary['mistake_called_possible_share'] * 100, '%', 1)} of mistake time; "
              f"mistake time called good form: {_fmt(summary['mistake_called_good_share'] * 100, '%', 1)}\n"
              f"holds that start in the mistake ({start['n']}): time to flag from the hold's start "
              f"median {_fmt(start['median_s'], ' s', 1)}, p90 {_fmt(start['p90_s'], ' s', 1)}")
    lumbar = Table(title="absolute lumbar angle vs the rig (judged hold frames)")
    for column in ("group", "frames", "MAE", "bias", "always-neutral guess MAE"):
        lumbar.add_column(column, justify="left" if column == "group" else "right")
    for key in ("lumbar_angle_all", "lumbar_angle_per_stretch", "lumbar_angle_per_body"):
        for group, row in summary[key].items():
            lumbar.add_row(group, str(row["frames"]), _fmt(row["mae_deg"], "°", 1), _fmt(row["bias_deg"], "°", 1),
                           _fmt(row["neutral_guess_mae_deg"], "°", 1))
    out.print(lumbar)
    out.print(_position_table(summary), soft_wrap=True)
    if json_out:
        with atomic_output(json_out) as tmp:
            tmp.write_text(json.dumps({"summary": summary, "clips": clip_rows(scores)}, indent=1))
        out.print(f"wrote {json_out}")


def _position_table(summary: dict):
    """The confusion matrix of recognised positions over the hold frames (rows: the clip's stretch position)."""
    from rich.table import Table

    from .positions import Position

    columns = [str(p) for p in Position] + ["unsure"]
    table = Table(title=f"positions recognised in holds (frames): {_fmt(summary['position_accuracy'] * 100, '%', 1)} "
                        "right")
    table.add_column("held")
    for column in columns:
        table.add_column(column.replace("_", " "), justify="right")
    for held, row in summary["position_confusion"].items():
        table.add_row(held.replace("_", " "), *(str(row.get(column, 0)) for column in columns))
    return table


@app.command(cls=PlainHelp)
def bench(
    video: Annotated[Path | None, typer.Argument(help="clip to time (default: the first sample clip)",
                                                 metavar="VIDEO")] = None,
    stretch: Annotated[BenchStretch, typer.Option("--stretch", "-s", metavar="NAME", help="whose rules to time: "
                                                  + ", ".join(STRETCHES),
                                                  parser=close_match_parser(BenchStretch, "stretch"))
                       ] = BenchStretch("hamstring"),
    model: Annotated[ModelName, MODEL] = ModelName(DEFAULT_MODEL),
    frames: Annotated[int, typer.Option(min=30, metavar="N", help="frames to time per path, 30 or more")] = 300,
    encode: Annotated[bool, typer.Option(help="also time H.264 encoding of the annotated frames")] = False,
    live_seconds: Annotated[float, typer.Option(min=0, metavar="SECONDS",
                                                help="also drive the live page's frame callback at "
                                                     "30 fps for this long (0: skip)")] = 20.0,
    session_minutes: Annotated[float, typer.Option(min=0, metavar="MINUTES",
                                                   help="also run rules + session over a simulated "
                                                        "session this long (0: skip)")] = 0.0,
    json_out: Annotated[Path | None, typer.Option("--json", metavar="PATH", help="write the figures here")] = None,
    batch_clips: Annotated[int, typer.Option(min=0, metavar="N",
                                             help="also time a batch of this many sample clips: a process "
                                                  "per core, chunked, on local Ray (0: skip)")] = 0,
) -> None:
    """Time formcheck against bare pose inference on the same frames (ratios, not absolute promises)."""
    from rich.table import Table

    from .bench import analyze_lines, run_bench
    from .errors import InputError
    from .samples import sample_clips
    from .video import atomic_output

    stretch, model = stretch.value, model.value
    if video is None:
        clips = sample_clips()
        if not clips:
            raise InputError("no VIDEO given and no sample clips found")
        video = clips[0]
    batch_set = sample_clips()[:batch_clips]
    if len(batch_set) < batch_clips:
        raise InputError(f"--batch-clips {batch_clips}: only {len(batch_set)} sample clips here")
    with _progress() as progress:
        task = progress.add_task("bench", total=None)
        report = run_bench(video, stretch, model, frames, encode, live_seconds, session_minutes,
                           on_step=lambda step: progress.update(task, description=step))
        if batch_clips:
            from importlib.util import find_spec

            from .bench import run_batch_bench

            report["batch"] = run_batch_bench(batch_set, model, use_ray=find_spec("ray") is not None,
                                              on_step=lambda step: progress.update(task, description=step))
    table = Table(title=f"formcheck bench — {Path(report['video']).name}, {report['size'][0]}×{report['size'][1]}, "
                        f"model {model}, {report['frames']} frames")
    table.add_column("stage")
    table.add_column("median ms", justify="right")
    table.add_column("p95 ms", justify="right")
    rows = [("decode", report["decode"]), ("bare inference", report["bare"]), ("pipeline (all)", report["pipeline"]),
            *((f"  {name}", stats) for name, stats in report["stages"].items()),
            ("metrics + rules", report["metrics_plus_rules"])]
    for name, stats in rows:
        table.add_row(name, f"{stats['median_ms']:.3f}", f"{stats['p95_ms']:.3f}")
    out.print(table)
    out.print(f"throughput: bare {report['bare']['fps']:.1f} fps, pipeline {report['pipeline']['fps']:.1f} fps, "
              f"ratio {report['throughput_ratio']:.3f}")
    for line in analyze_lines(report["analyze"]):
        out.print(line)
    out.print(f"peak memory: {report['peak_rss_mb']:.0f} MB")
    live = report["live"]
    if live:
        out.print(f"live ({live['seconds']:.0f} s at {live['input_fps']:.0f} fps): latency p50 "
                  f"{live['latency_p50_ms']:.0f} ms, p95 {live['latency_p95_ms']:.0f} ms "
                  f"(first/last tenth p50 {live['latency_first_tenth_p50_ms']:.0f}/"
                  f"{live['latency_last_tenth_p50_ms']:.0f} ms); analysed {live['processed_fps']:.1f} fps, "
                  f"{live['dropped_share']:.0%} of camera frames skipped; callback p95 "
                  f"{live['callback']['p95_ms']:.1f} ms; "
                  f"memory {live['rss_start_mb']:.0f} → {live['rss_end_mb']:.0f} MB "
                  f"({live['rss_second_half_growth_mb']:+.0f} MB over the second half); camera frame → verdict "
                  f"shown p50 {live['verdict_shown_p50_ms']:.0f} ms, p95 {live['verdict_shown_p95_ms']:.0f} ms, "
                  f"→ a change shown p50 {live['verdict_change_shown_p50_ms']:.0f} ms, "
                  f"p95 {live['verdict_change_shown_p95_ms']:.0f} ms")
    long = report["long_session"]
    if long:
        out.print(f"simulated {long['minutes']:.0f}-minute session ({long['events']} mistakes): rules + session "
                  f"{long['first_minute']['median_ms']:.3f} ms/frame in the first minute, "
                  f"{long['last_minute']['median_ms']:.3f} in the last; memory {long['rss_start_mb']:.0f} → "
                  f"{long['rss_end_mb']:.0f} MB")
    batch = report.get("batch")
    if batch:
        runs = batch["runs"]
        out.print(f"batch of {batch['clips']} clips ({batch['video_seconds']:.0f} s of video), real-time factor: "
                  + ", ".join(f"{name} {run['realtime_factor']:.2f}×" for name, run in runs.items()))
        if batch["ray_vs_best_local"] is not None:
            out.print(f"Ray / best local: {batch['ray_vs_best_local']:.2f} (Ray start-up "
                      f"{batch['ray_start_seconds']:.0f} s, not counted); reports identical to the pool's: "
                      f"{batch['ray_reports_identical_to_pool']}/{batch['clips']}")
        else:
            out.print('Ray not installed (pip install "formcheck[ray]"): no Ray figures')
        out.print(f"skipping frames / every frame: {batch['skip_frames_vs_every_frame']:.2f}")
    if json_out:
        with atomic_output(json_out) as tmp:
            tmp.write_text(json.dumps(report, indent=1))
        out.print(f"wrote {json_out}")


@app.callback()
def _root() -> None:
    """Check the form of low-back stretches from a video, offline."""


def main() -> None:
    """Entry point: user errors become one line on stderr and exit code 2, never a traceback."""
    try:
        code = app(standalone_mode=False)  # a typer.Exit inside a command comes back as its code here
        if isinstance(code, int) and code:
            sys.exit(code)
    except FormcheckError as error:
        _fail(str(error), 2)
    except typer.TyperException as error:  # typer's bundled click: usage errors, missing options
        # One line: a missing choice's list of choices comes one per line.
        _fail(" ".join(error.format_message().split()), getattr(error, "exit_code", 2) or 2)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        _fail("interrupted", 130)


def _fail(message: str, code: int) -> None:
    if not message.strip():  # e.g. bare `formcheck`: the help was printed already
        sys.exit(code)
    first_line = message.strip().splitlines()[0]
    err.print(f"formcheck: error: {first_line}", markup=False, highlight=False, soft_wrap=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
