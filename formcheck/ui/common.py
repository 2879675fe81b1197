"""Small Streamlit helpers shared by the pages: the history store, sample videos, voice cues, banners, settings."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import TypeVar
from html import escape
from pathlib import Path

import streamlit as st

from formcheck.coaching.review_data import stretch_title
from formcheck.history import History, HistoryError, data_dir, save_failure
from formcheck.model_files import DEFAULT_MODEL, MODEL_NAMES
from formcheck.samples import sample_clips, truth_of

T = TypeVar("T")

DISCLAIMER = (
    "formcheck watches your form; it does not give medical advice and cannot tell what is wrong with your back. "
    "Stretch gently. **Stop if the pain gets sharper or spreads down your leg**, and see a health professional "
    "if it does or if your pain does not improve."
)

STATUS_STYLE = {
    "mistake": "mistake",
    "good": "good",
    "calibrating": "neutral",
    "range_step": "neutral",  # the live range step's prompts
    "not_in_position": "neutral",
}

_CSS = """
<style>
.fc-banner {padding: 0.8rem 1rem; border-radius: 0.5rem; font-size: 1.15rem; font-weight: 600; margin: 0.3rem 0;}
.fc-mistake {background: #fde2e1; color: #8f1d1b; border-left: 0.4rem solid #dc322f;}
.fc-good {background: #e3f4e6; color: #1d5e2a; border-left: 0.4rem solid #2e9f43;}
.fc-neutral {background: #eef0f3; color: #333a44; border-left: 0.4rem solid #8a8f98;}
.fc-unsure {background: #fff4d6; color: #6b4e00; border-left: 0.4rem solid #f0aa1e;}
.fc-count {font-size: 3rem; font-weight: 700; line-height: 1; color: #1f4e8c;}
.fc-waiting {font-size: 1.6rem; color: #6b4e00;}
/* A figure's label wraps rather than being cut to "Good-form …". */
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p {white-space: normal; overflow: visible;}
/* On a phone, Streamlit stacks columns: a row of three or four figures would then fill the screen, and kept in one
   row their labels would not fit. Two to a row. */
@media (max-width: 640px) {
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] > [data-testid="stVerticalBlock"]
      > [data-testid="stElementContainer"] > [data-testid="stMetric"]) {flex-wrap: wrap; gap: 0.75rem;}
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] > [data-testid="stVerticalBlock"]
      > [data-testid="stElementContainer"] > [data-testid="stMetric"]) > [data-testid="stColumn"] {
      min-width: 0 !important; flex: 1 1 calc(50% - 0.75rem) !important;}
  [data-testid="stMetricValue"] {font-size: 1.6rem;}
}
</style>
"""


def inject_css() -> None:
    st.html(_CSS)


def chart(altair_chart, where=st) -> None:
    """An Altair chart across the width of ``where`` (the page or a column), laid out to fit a phone's: legends
    under the plot, two entries to a row (beside it they took half of a 390-px screen), and more padding on the
    left (Vega's is 5 px), in which the rotated y-axis title's first letters no longer fall outside the chart.

    Only the width is fitted: the chart's height is its plot's, and the title, axes and legend are added to it.
    Fitted to a total height, Vega took a legend under the plot out of the plot (a 260-px timeline kept 0 px)."""
    padding = {"left": 8, "top": 5, "right": 5, "bottom": 5}  # Streamlit needs all four sides named
    fitted = altair_chart.configure_legend(orient="bottom", columns=2).properties(
        padding=padding, autosize={"type": "fit-x", "contains": "padding"})
    where.altair_chart(fitted, width="stretch")


def app_icon():
    """The browser-tab icon, drawn here (a material/emoji icon would be fetched from the internet)."""
    import cv2
    import numpy as np

    icon = np.full((64, 64, 4), 0, np.uint8)
    cv2.circle(icon, (32, 32), 31, (31, 78, 140, 255), -1, cv2.LINE_AA)
    white = (255, 255, 255, 255)
    cv2.circle(icon, (42, 17), 6, white, -1, cv2.LINE_AA)  # head of a figure hinging forward
    for a, b in (((22, 34), (38, 24)), ((22, 34), (24, 52)), ((36, 25), (38, 40))):
        cv2.line(icon, a, b, white, 5, cv2.LINE_AA)
    from PIL import Image

    return Image.fromarray(icon, "RGBA")


# -- settings kept across pages (plain session-state keys, not widget keys, so they survive page switches) -------

def muted() -> bool:
    return bool(st.session_state.get("fc_muted", False))


def model_name() -> str:
    name = st.session_state.get("fc_model", DEFAULT_MODEL)
    return name if name in MODEL_NAMES else DEFAULT_MODEL


def sidebar_settings() -> None:
    """Mute switch and pose model, shown on every page."""
    with st.sidebar:
        st.toggle("Mute voice cues", value=muted(), key="fc_mute_widget",
                  on_change=lambda: st.session_state.update(fc_muted=st.session_state.fc_mute_widget),
                  help="Cues are spoken by your browser (offline). Muting also silences the alert beep.")
        st.caption("Everything runs on this computer; video never leaves it.")
        with st.expander("Advanced"):
            st.selectbox("Pose model", MODEL_NAMES, index=MODEL_NAMES.index(model_name()), key="fc_model_widget",
                         on_change=lambda: st.session_state.update(fc_model=st.session_state.fc_model_widget),
                         help="lite is fastest, heavy most accurate; full is a good balance on a laptop.")


# -- history --------------------------------------------------------------------------------------------------------

def history(notice: bool = True) -> History | None:
    """The history store for this data folder (re-opened if the folder changes); None (with a message) if unusable.

    If the database had to be replaced, the first page that opens it says so (``notice``).
    """
    folder = str(data_dir())
    cached = st.session_state.get("fc_history")
    if cached is None or str(cached.path.parent) != folder:
        try:
            cached = History()
        except (HistoryError, OSError) as err:
            st.error(f"Practice history is unavailable: {err}")
            return None
        st.session_state["fc_history"] = cached
    if notice and cached.notice and not st.session_state.get("fc_history_notice_shown"):
        st.warning(cached.notice)
        st.session_state["fc_history_notice_shown"] = True
    return cached


def disclaimer_once() -> None:
    """The plain disclaimer, shown until the user acknowledges it once (remembered in the history store)."""
    store = history()
    if store is None or store.get_setting("disclaimer_seen") == "yes":
        return
    box = st.container(border=True)
    box.markdown("**Before you start.** " + DISCLAIMER)
    if box.button("I understand", key="fc_disclaimer_ok"):
        store.set_setting("disclaimer_seen", "yes")
        st.rerun()


def write_history(write: Callable[[History], T]) -> T | None:
    """Run one write to the history; if it fails (locked, disk full) say so in the page and carry on."""
    store = history()
    if store is None:
        return None
    try:
        return write(store)
    except (HistoryError, OSError) as err:
        st.error(save_failure(err))
        return None


# -- sample videos --------------------------------------------------------------------------------------------------

# The truth files' grades of a mistake (the renderer's words) as a patient reads them.
SEVERITY_WORDS = {"mild": "slight", "moderate": "clear", "gross": "large"}

def sample_videos() -> list[Path]:
    return sample_clips()


def sample_labels(videos: list[Path]) -> dict[Path, str]:
    """Sample clips named in words from their truth files ("Hamstring stretch — rounding, mild"), not by file name;
    clips that would read alike are numbered."""
    labels = {}
    for video in videos:
        try:
            truth = truth_of(video) or {}
        except (OSError, ValueError, AttributeError):
            truth = {}
        title = stretch_title(truth.get("stretch", "")) or "Sample"
        if not truth:  # nothing is known about it: its own name, never a claim of "good form"
            what = video.stem.replace("_", " ")
        elif truth.get("expected_abstain"):
            what = f"filmed from the {truth.get('camera', {}).get('view', 'wrong side')}"
        else:
            details = truth.get("mistake_details") or []
            what = " and ".join(f"{d['mistake'].replace('_', ' ')} ({SEVERITY_WORDS.get(d.get('severity'), 'some')})"
                                for d in details) or "good form"
        labels[video] = f"{title} — {what}"
    counts = Counter(labels.values())
    seen: Counter = Counter()
    for video, label in labels.items():
        if counts[label] > 1:
            seen[label] += 1
            labels[video] = f"{label}, clip {seen[label]}"
    return labels


# -- status and voice -----------------------------------------------------------------------------------------------

def banner(status: str | None, message: str | None, flagged: tuple[str, ...] = ()) -> None:
    """The big coloured status line: a red flag while a mistake is flagged, a calm green when form is good."""
    if status is None:
        style, text = "neutral", "Waiting for the camera…"
    elif status == "mistake":
        label = ", ".join(flagged) or "Mistake"
        style, text = "mistake", f"⚠ {label}: {message}"
    else:
        style = STATUS_STYLE.get(status, "unsure")
        text = message or status
    st.html(f'<div class="fc-banner fc-{style}" role="status" data-status="{escape(status or "waiting")}">'
            f"{escape(text)}</div>")


def voice(key: str, cue_id: int, text: str | None, alert_id: int = 0) -> None:
    """Speak ``text`` once (browser speech synthesis, offline) and beep once per new alert, unless muted.

    The little iframe only changes when a cue or alert id changes, so each is played exactly once; the top window's
    speech engine is used because that is where the user clicked (browsers only speak after a user gesture).
    """
    if muted() or (not text and not alert_id):
        return
    script = f"""
<script>
(function () {{
  const w = window.parent || window;
  const key = {json.dumps(key)}, cueId = {int(cue_id)}, alertId = {int(alert_id)}, text = {json.dumps(text or "")};
  w.__fcVoice = w.__fcVoice || {{}};
  const seen = w.__fcVoice[key] || {{cue: 0, alert: 0}};
  try {{
    if (alertId > seen.alert) {{
      const Ctx = w.AudioContext || w.webkitAudioContext;
      if (Ctx) {{
        w.__fcAudio = w.__fcAudio || new Ctx();
        const ctx = w.__fcAudio, osc = ctx.createOscillator(), gain = ctx.createGain();
        osc.frequency.value = 660; gain.gain.value = 0.08;
        osc.connect(gain); gain.connect(ctx.destination);
        osc.start(); osc.stop(ctx.currentTime + 0.18);
      }}
    }}
    if (text && cueId > seen.cue && w.speechSynthesis) {{
      w.speechSynthesis.cancel();
      w.speechSynthesis.speak(new w.SpeechSynthesisUtterance(text));
    }}
  }} catch (e) {{ console.warn("formcheck voice:", e); }}
  w.__fcVoice[key] = {{cue: Math.max(seen.cue, cueId), alert: Math.max(seen.alert, alertId)}};
  w.document.body.dataset.fcLastCue = text;
}})();
</script>"""
    st.iframe(script, height=1, alt="voice cues")


def fmt_seconds(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else f"{seconds} s"
