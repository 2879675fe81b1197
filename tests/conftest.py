import sys
from pathlib import Path

# Test helpers (builders.py) live beside the tests.
sys.path.insert(0, str(Path(__file__).parent))

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO / "sample_videos"
