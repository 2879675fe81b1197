"""``python -m formcheck.synth ...`` (see cli.py)."""

from formcheck.synth.cli import main

raise SystemExit(main())
