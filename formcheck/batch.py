"""Many clips at once: one report (and optionally one annotated video) per input, and a summary table.

``run_clip`` analyses one input into its outputs and returns a small summary row. Every backend calls exactly that
function: in this process (one input), on a pool of one process per core, or as Ray tasks (``formcheck.batch_ray``,
optional). A bad input becomes a row with its one-line error; the batch goes on.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from glob import glob
from pathlib import Path

from . import __version__
from .analyze import SCHEMA, analyze_video, frame_step, write_json
from .errors import FormcheckError, InputError
from .evaluate import ClipScore, find_clips, load_truth, score_clip, summarize
from .parallel import default_workers
from .video import IMAGE_SUFFIXES, atomic_output

VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm"}
SUMMARY_SCHEMA = "formcheck.batch/1"
SUMMARY_STEM = "summary"


@dataclass(frozen=True)
class ClipJob:
    """One input and where its outputs go; picklable, so it can cross to a worker process or a Ray task."""

    source: str
    stretch: str
    model: str
    json_out: str
    annotated_out: str | None = None
    workers: int | None = 1  # pose processes inside this clip (None: analyze's default)
    skip_frames: bool = False


@dataclass
class ClipResult:
    """One row of the summary."""

    file: str
    stretch: str
    outcome: str  # "analysed", "up to date" or "failed"
    seconds: float = 0.0
    judged_s: float = 0.0
    good_form_s: float = 0.0
    # flagged | checked | unchecked (too little judged to call the form fine); "" for a failed input
    conclusion: str = ""
    mistakes: list[dict] = field(default_factory=list)  # mistake, start_s, end_s
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"


def expand_inputs(arguments: Iterable[str | Path]) -> list[Path]:
    """Files as given, the videos and images in a folder (not its sub-folders), and glob patterns; no repeats.

    A path that does not exist is kept, so that it is reported as a failed input rather than silently dropped.
    """
    found: list[Path] = []
    for argument in map(str, arguments):
        path = Path(argument)
        if path.is_dir():
            found += sorted(p for p in path.iterdir()
                            if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES | IMAGE_SUFFIXES)
        elif not path.exists() and any(char in argument for char in "*?["):
            matches = sorted(Path(p) for p in glob(argument) if Path(p).is_file())
            if not matches:
                raise InputError(f"{argument}: no file matches this pattern")
            found += matches
        else:
            found.append(path)
    unique = list(dict.fromkeys(p.resolve() for p in found))
    if not unique:
        raise InputError("no video or image found in the given inputs")
    return unique


def plan_jobs(sources: list[Path], out_dir: Path, stretch: str, model: str, *,
              annotate: bool = False, skip_frames: bool = False) -> list[ClipJob]:
    """Outputs are named after each input (``STEM.json``, ``STEM.annotated.mp4``) inside ``out_dir`` (created)."""
    by_stem: dict[str, Path] = {}
    for source in sources:
        other = by_stem.setdefault(source.stem, source)
        if other != source:
            raise InputError(f"{other} and {source} would write the same outputs in {out_dir}; rename one")
    if SUMMARY_STEM in by_stem:
        raise InputError(f"{by_stem[SUMMARY_STEM]}: its report would overwrite the batch summary; rename it")
    prepare_out_dir(out_dir)
    return [ClipJob(str(source), stretch, model, str(out_dir / f"{source.stem}.json"),
                    str(out_dir / f"{source.stem}.annotated.mp4") if annotate else None,
                    skip_frames=skip_frames)
            for source in sources]


def run_clip(job: ClipJob) -> ClipResult:
    """Analyse one input into its outputs. Bad input is a failed row; any other exception propagates (a bug or a
    lost process, which a backend may retry)."""
    try:
        analysis = analyze_video(job.source, job.stretch, model=job.model, annotated=job.annotated_out,
                                 workers=job.workers, skip_frames=job.skip_frames)
        write_json(analysis, job.json_out)
    except FormcheckError as err:
        return failed(job, str(err))
    return result_from_report(job, analysis.to_json(), "analysed")


def failed(job: ClipJob, message: str) -> ClipResult:
    return ClipResult(job.source, job.stretch, "failed", error=message.strip().splitlines()[0] if message else "?")


def result_from_report(job: ClipJob, report: dict, outcome: str) -> ClipResult:
    summary = report["summary"]  # judged and good-form seconds as formcheck.coverage counts them for every report
    return ClipResult(
        job.source, job.stretch, outcome, seconds=summary["total_s"], judged_s=summary["judged_s"],
        good_form_s=summary["good_form_s"], conclusion=summary["conclusion"],
        mistakes=[{"mistake": e["mistake"], "start_s": e["start_s"], "end_s": e["end_s"]} for e in report["events"]],
    )


def up_to_date(job: ClipJob) -> ClipResult | None:
    """The row of an earlier run whose outputs are newer than the input and were made with the same settings."""
    outputs = [Path(job.json_out)] + ([Path(job.annotated_out)] if job.annotated_out else [])
    try:
        source_time = Path(job.source).stat().st_mtime
        if any(out.stat().st_mtime < source_time for out in outputs):
            return None
        report = json.loads(Path(job.json_out).read_text())
        same = (report.get("schema") == SCHEMA and report.get("formcheck_version") == __version__
                and report.get("stretch") == job.stretch and report["model"]["name"] == job.model
                and report.get("frame_step") == frame_step(job.stretch, report["input"]["fps"], job.skip_frames))
        return result_from_report(job, report, "up to date") if same else None
    except (OSError, ValueError, KeyError, TypeError):  # missing or unreadable: analyse again
        return None


ResultFn = Callable[[ClipResult], None]


def run_batch(jobs: list[ClipJob], *, force: bool = False, processes: int | None = None,
              ray_address: str | None = None, use_ray: bool = False,
              on_result: ResultFn | None = None) -> list[ClipResult]:
    """Every job's row, in job order; ``on_result`` sees each as it finishes."""
    report = on_result or (lambda _: None)
    results: dict[int, ClipResult] = {}
    todo = []
    for index, job in enumerate(jobs):
        done = None if force else up_to_date(job)
        if done:
            results[index] = done
            report(done)
        else:
            todo.append(index)
    if use_ray:
        from .batch_ray import map_on_ray

        stream = map_on_ray(run_clip, [jobs[i] for i in todo], address=ray_address)
    else:
        stream = _map_locally([jobs[i] for i in todo], processes or default_workers())
    for position, outcome in stream:
        index = todo[position]
        result = outcome if isinstance(outcome, ClipResult) else failed(jobs[index], str(outcome))
        results[index] = result
        report(result)
    return [results[i] for i in range(len(jobs))]


def _map_locally(jobs: list[ClipJob], processes: int) -> Iterator[tuple[int, ClipResult | str]]:
    """(position, result or error message) as each job finishes. One job uses analyze's own pose processes;
    several run one per process, a whole clip each (no chunk hand-over between processes)."""
    if processes == 1 or len(jobs) <= 1:
        for position, job in enumerate(jobs):
            try:
                yield position, run_clip(replace(job, workers=processes if len(jobs) == 1 else 1))
            except Exception as err:  # a bug on one input: report it, keep the batch going
                yield position, _internal_error(err)
        return
    import multiprocessing

    # spawn, not fork: this process may already hold MediaPipe's and PyAV's threads.
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(run_clip, job): position for position, job in enumerate(jobs)}
        try:
            for future in as_completed(futures):
                try:
                    yield futures[future], future.result()
                except BrokenProcessPool:
                    yield futures[future], "the analysis process died (out of memory, or killed)"
                except Exception as err:  # a bug on one input: report it, keep the batch going
                    yield futures[future], _internal_error(err)
        finally:
            for future in futures:
                future.cancel()


def _internal_error(err: Exception) -> str:
    return f"internal error: {type(err).__name__}: {err}"


@dataclass(frozen=True)
class ScoreJob:
    clip: Path
    truth: dict
    model: str
    workers: int
    skip_frames: bool


def run_score(job: ScoreJob) -> ClipScore:
    return score_clip(job.clip, job.truth, job.model, workers=job.workers, skip_frames=job.skip_frames)


def evaluate_on_ray(directory: Path, model: str, address: str | None = None,
                    on_clip: Callable[[str], None] | None = None,
                    skip_frames: bool = False) -> tuple[list[ClipScore], dict]:
    """``evaluate.evaluate`` with each clip scored by a Ray task. Each task uses as many pose processes (and
    reserves as many CPUs) as a clip of the local run does, so the clips are cut into the same spans and the
    figures are identical to the single-machine run's."""
    from .batch_ray import map_on_ray

    workers = default_workers()
    jobs = [ScoreJob(clip, load_truth(truth), model, workers, skip_frames) for clip, truth in find_clips(directory)]
    scores: dict[int, ClipScore] = {}
    for position, outcome in map_on_ray(run_score, jobs, address=address, cpus_per_task=workers):
        if not isinstance(outcome, ClipScore):  # a figure over fewer clips would mislead: stop
            raise FormcheckError(f"{jobs[position].clip.name}: {outcome}")
        scores[position] = outcome
        if on_clip:
            on_clip(jobs[position].clip.name)
    ordered = [scores[i] for i in range(len(jobs))]
    return ordered, summarize(ordered)


CSV_COLUMNS = ["file", "stretch", "outcome", "seconds", "judged_s", "good_form_s", "conclusion", "mistakes",
               "error"]


def summary_json(results: list[ClipResult], model: str) -> dict:
    return {
        "schema": SUMMARY_SCHEMA, "formcheck_version": __version__, "model": model,
        "totals": {"inputs": len(results), "failed": sum(r.failed for r in results),
                   "up_to_date": sum(r.outcome == "up to date" for r in results),
                   "analysed": sum(r.outcome == "analysed" for r in results)},
        "clips": [asdict(r) for r in results],
    }


def summary_csv(results: list[ClipResult]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in results:
        row = asdict(r)
        row["mistakes"] = "; ".join(f"{m['mistake']} {m['start_s']:.1f}-{m['end_s']:.1f}s" for m in r.mistakes)
        row["error"] = r.error or ""
        writer.writerow(row)
    return buffer.getvalue()


def write_summary(results: list[ClipResult], out_dir: Path, model: str) -> tuple[Path, Path]:
    paths = out_dir / f"{SUMMARY_STEM}.json", out_dir / f"{SUMMARY_STEM}.csv"
    with atomic_output(paths[0]) as tmp:
        tmp.write_text(json.dumps(summary_json(results, model), indent=1))
    with atomic_output(paths[1]) as tmp:
        tmp.write_text(summary_csv(results))
    return paths


def prepare_out_dir(out_dir: Path) -> Path:
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"{out_dir}: cannot create the output folder ({err.strerror})") from None
    if not os.access(out_dir, os.W_OK):
        raise InputError(f"{out_dir}: output folder is not writable")
    return out_dir
