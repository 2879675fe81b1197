"""The live engine behind the pages, with no Streamlit in it: ``coach`` (the worker thread and the routine's state
machine), ``overlay`` (what is painted on the video), ``review_data`` (flagged frames and timelines from any source)
and ``autosave`` (saving a coach's holds to history as they finish)."""
