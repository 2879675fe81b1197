"""The Streamlit app's pages and helpers.

One module per page (each page file is also a script that Streamlit runs: ``routine``, ``live``, ``analyze_page``,
``review``, ``history_page``, ``about``); the logic they share lives in plain modules that never touch Streamlit
at import time where avoidable: ``coach`` (the live worker and routine state machine), ``overlay`` (what is
painted on the video), ``review_data`` (flagged frames and timelines from any source), ``guides`` (camera
placement pictures), ``common`` / ``live_view`` / ``nav`` (Streamlit helpers).
"""
