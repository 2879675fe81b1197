"""The Streamlit app's pages and helpers.

One module per page (each page file is also a script that Streamlit runs: ``routine``, ``live``, ``analyze_page``,
``review``, ``history_page``, ``about``); ``guides`` draws the camera placement pictures; ``common`` / ``live_view`` /
``nav`` / ``verdict`` are Streamlit helpers. The live engine they drive lives in ``formcheck.coaching``.
"""
