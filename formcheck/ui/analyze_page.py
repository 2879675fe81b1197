"""Page: analyse a recorded video (a sample or an upload) — no webcam needed. Same results as ``formcheck analyze``."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import streamlit as st

from formcheck.auto import AUTO
from formcheck.coverage import judged_seconds
from formcheck.errors import FormcheckError, InputError
from formcheck.history import History, data_dir
from formcheck.pictures import encode_png
from formcheck.positions import LABELS, STRETCH_POSITION
from formcheck.rules import STRETCHES
from formcheck.ui.common import model_name, sample_labels, sample_videos, write_history
from formcheck.ui.nav import page
from formcheck.coaching.review_data import from_analysis, stretch_title, to_session_record
from formcheck.ui.verdict import conclusion, coverage_caption
from formcheck.video import VideoReader
from formcheck.wording import PHOTO, photo_checked, possible_text, unreadable_file

UPLOAD_TYPES = ["mp4", "mov", "m4v", "webm", "mkv", "avi", "png", "jpg", "jpeg"]
RECOGNISE = "Recognise automatically"  # the first choice of stretch: ``formcheck analyze --stretch auto``


CACHE_MAX_AGE_S = 12 * 3600


def _work_dir() -> Path:
    """Scratch space for annotated videos of this visit; copies left by closed visits are deleted after 12 h."""
    folder = data_dir() / "cache"
    folder.mkdir(exist_ok=True)
    cutoff = time.time() - CACHE_MAX_AGE_S
    for stale in folder.iterdir():
        if stale.is_file() and stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)
    return folder


def _run(path: Path, stretch: str, model: str) -> tuple:
    """Analyse with a progress bar; returns (analysis, annotated path)."""
    from formcheck.analyze import analyze_video

    annotated = _work_dir() / f"annotated-{uuid.uuid4().hex[:10]}.mp4"
    bar = st.progress(0.0, text="Loading the pose model…")
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.25 or done == total:
            last[0] = now
            bar.progress(min(done / max(total, 1), 1.0), text=f"Analysing frame {done} of {total}")

    try:
        analysis = analyze_video(path, stretch, model=model, annotated=annotated, progress=progress)
    finally:
        bar.empty()  # also on failure: the message replaces it
    return analysis, annotated


def _last_frame_png(video: Path) -> bytes:
    """The annotated picture of a photo: the last frame of its still, drawn with what was judged."""
    with VideoReader(video) as reader:
        *_, (_, rgb) = reader.frames()
    return encode_png(rgb)


def _forget_previous() -> None:
    previous = st.session_state.pop("fc_analysis", None)
    if previous and previous.get("annotated"):
        Path(previous["annotated"]).unlink(missing_ok=True)


def render() -> None:
    st.title("Analyze a video")
    st.caption("Check a recorded stretch: the video is analysed on this computer, frame by frame.")
    samples = sample_videos()
    sources = (["Sample video"] if samples else []) + ["Upload a video"]
    source = st.radio("Video", sources, horizontal=True, key="an_source")

    video_path: Path | None = None
    display_name = ""
    upload = None
    if source == "Sample video":
        labels = sample_labels(samples)
        video_path = st.selectbox("Sample video", samples, format_func=labels.get, key="an_sample")
        display_name = "sample: " + labels[video_path].split(" — ", 1)[-1]  # the stretch is named beside it
    else:
        upload = st.file_uploader("Your video or photo (side-on, whole body in view)", type=UPLOAD_TYPES,
                                  key="an_upload")
        if upload is not None:
            display_name = upload.name
    if not samples:
        st.caption("No sample videos were found next to the app; upload one of your own.")

    stretch = st.selectbox("Stretch in the video", [AUTO, *STRETCHES], key="an_stretch",
                           format_func=lambda name: RECOGNISE if name == AUTO else stretch_title(name),
                           help="Recognised from the position, hold by hold, as `formcheck analyze` does. Choose a "
                                "stretch to judge the whole video by its rules.")
    # One box per source: a keyed box keeps its first value, so a shared one would carry the samples' "no" over.
    save = st.checkbox("Save the result to my history", value=source != "Sample video",
                       key="an_save" if source == "Sample video" else "an_save_upload",
                       help="Stores the summary and the flagged-frame thumbnails, not the video.")
    keep_video = st.checkbox("Also keep a copy of the video with the session", value=False, key="an_keep",
                             disabled=not save or source == "Sample video")

    if st.button("Analyze", type="primary", key="an_go", disabled=source != "Sample video" and upload is None):
        _forget_previous()
        uploaded: Path | None = None
        try:
            if upload is not None:
                uploaded = _work_dir() / f"upload-{uuid.uuid4().hex[:10]}{Path(upload.name).suffix.lower()}"
                uploaded.write_bytes(upload.getbuffer())
                video_path = uploaded
            analysis, annotated = _run(video_path, stretch, model_name())
        except InputError:  # said with the file's own name, not the copy analysed
            st.error(unreadable_file(upload.name if upload is not None else video_path.name))
        except FormcheckError as err:
            st.error(str(err))
        except Exception as err:  # never a traceback in the page; the message says what happened
            detail = str(err).splitlines()[0] if str(err) else ""
            st.error(f"The analysis failed unexpectedly ({type(err).__name__}: {detail})")
        else:
            review = from_analysis(analysis, display_name, str(annotated))
            result = {"review": review, "annotated": str(annotated), "name": display_name,
                      "stem": Path(upload.name if upload is not None else video_path).stem,
                      "json": json.dumps(analysis.to_json(), indent=1), "stretch": stretch,
                      "detection_rate": analysis.detection_rate, "frames": len(analysis.frames),
                      "events": analysis.events, "coverage": analysis.coverage, "saved": None,
                      "holds": analysis.holds, "could_not_check": analysis.could_not_check(),
                      "references": analysis.reference_texts(),
                      "possible": possible_text(analysis.possible),
                      "photo_stretch": analysis.photo and analysis.main_stretch(),
                      "picture": _last_frame_png(annotated) if analysis.photo else None}
            if save:
                def save_analysis(store: History) -> int:
                    kept = str(store.keep_video(video_path, display_name)) if keep_video else None
                    return store.add_session(to_session_record(review, kept))

                result["saved"] = review.history_id = write_history(save_analysis)
            st.session_state["fc_analysis"] = result
            st.session_state["fc_review_focus"] = "analysis"
        finally:
            if uploaded is not None:
                uploaded.unlink(missing_ok=True)

    result = st.session_state.get("fc_analysis")
    if result:
        _show(result)


def _show(result: dict) -> None:
    if result.get("picture"):
        _show_photo(result)
        return
    labels = {m.name: m.label for spec in STRETCHES.values() for m in spec.mistakes}
    st.subheader(result["review"].title)  # the stretch (with auto: the ones recognised) — the video
    video, summary = st.columns([3, 2])
    with summary:
        cov = result["coverage"]
        cols = st.columns(3)
        # Rounded down like every figure of the hold (coverage.judged_seconds), so the metric and the line agree.
        cols[0].metric("Judged", judged_seconds(cov.judged_s), help=f"of {judged_seconds(cov.total_s)} of video")
        cols[1].metric("Good form", judged_seconds(cov.good_s))
        cols[2].metric("Mistakes flagged", len(result["events"]))
        _recognised(result)
        coverage_caption(cov)
        for text in result.get("references", []):
            st.caption(text)
        if result.get("possible"):
            st.warning(result["possible"])
        conclusion(cov, len(result["events"]), result["could_not_check"])
        if result["events"]:
            for event in result["events"]:
                end = f"{event['end_s']:.1f} s" if event["end_s"] is not None else "the end"
                st.markdown(f"- **{labels.get(event['mistake'], event['mistake'])}** from {event['start_s']:.1f} s "
                            f"to {end}")
        if result["saved"]:
            st.caption(f"Saved to History as session {result['saved']}.")
        st.page_link(page("review.py"), label="Review flagged frames and the timeline", icon=":material/photo_library:")
    annotated = Path(result["annotated"])
    if annotated.is_file():
        with video:
            st.video(str(annotated))
        with summary:
            stem = result["stem"]
            st.download_button("Download annotated video", annotated.read_bytes(), file_name=f"{stem}-formcheck.mp4",
                               mime="video/mp4", key="an_dl_video", icon=":material/download:")
            st.download_button("Download report (JSON)", result["json"], file_name=f"{stem}-formcheck.json",
                               mime="application/json", key="an_dl_json", icon=":material/download:")


def _show_photo(result: dict) -> None:
    """A photo's result: its one picture, drawn with what was judged, and the verdict on its posture (no seconds)."""
    labels = {m.name: m.label for spec in STRETCHES.values() for m in spec.mistakes}
    st.subheader(result["review"].title)
    picture, summary = st.columns([3, 2])
    picture.image(result["picture"], width="stretch")
    with summary:
        st.caption(PHOTO)
        _recognised(result)
        if result["could_not_check"]:
            st.warning(result["could_not_check"], icon=":material/help:")
        elif not result["events"]:
            st.success(photo_checked(result["photo_stretch"]), icon=":material/check:")
        for name in dict.fromkeys(event["mistake"] for event in result["events"]):
            st.markdown(f"- **{labels.get(name, name)}**")
        if result["saved"]:
            st.caption(f"Saved to History as session {result['saved']}.")
        stem = result["stem"]
        st.download_button("Download annotated picture", result["picture"], file_name=f"{stem}-formcheck.png",
                           mime="image/png", key="an_dl_picture", icon=":material/download:")
        st.download_button("Download report (JSON)", result["json"], file_name=f"{stem}-formcheck.json",
                           mime="application/json", key="an_dl_json", icon=":material/download:")


def _recognised(result: dict) -> None:
    """Which stretch was recognised: per hold with auto; with a chosen stretch, whether its position was seen
    (plainly, when the video looked like another stretch and that was not said already)."""
    if result["stretch"] == AUTO:
        for hold in result["holds"]:
            end = "the end" if hold["end_s"] is None else f"{hold['end_s']:.1f} s"
            st.markdown(f"**Recognised:** {stretch_title(hold['stretch'])} "
                        f"({LABELS[STRETCH_POSITION[hold['stretch']]]}), {hold['start_s']:.1f} s to {end}")
        return
    hold = result["review"].holds[0]
    if hold.other_stretch_seen and not result["could_not_check"]:
        st.warning(hold.position_text, icon=":material/help:")
    elif not hold.other_stretch_seen:
        st.caption(hold.position_text)


if __name__ == "__main__":
    render()
