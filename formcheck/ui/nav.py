"""The app's pages. Each page is a file in this folder that Streamlit runs as a script (so ``AppTest`` can switch
to it by path); ``app.py`` only builds the navigation from this table.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent

# (file, title, icon, url path); the first is the default page.
PAGES = (
    ("routine.py", "Guided routine", ":material/self_improvement:", "routine"),
    ("live.py", "Live coaching", ":material/videocam:", "live"),
    ("analyze_page.py", "Analyze a video", ":material/movie:", "analyze"),
    ("review.py", "Review", ":material/photo_library:", "review"),
    ("history_page.py", "History", ":material/calendar_month:", "history"),
    ("about.py", "Guidance & about", ":material/info:", "about"),
)


def page(file: str) -> st.Page:
    for name, title, icon, url in PAGES:
        if name == file:
            return st.Page(HERE / name, title=title, icon=icon, url_path=url, default=name == PAGES[0][0])
    raise KeyError(file)


def all_pages() -> list[st.Page]:
    return [page(name) for name, *_ in PAGES]
