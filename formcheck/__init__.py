"""formcheck: watch a low-back-pain stretching routine through a webcam and flag the mistakes.

Pipeline, one module per stage:
``pose`` (MediaPipe → PoseFrame) → ``metrics`` (geometry) → ``rules`` (per-stretch table)
→ ``session`` (hold timer, cues) → ``analyze`` / ``cli`` / ``app.py`` (I/O).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("formcheck")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
