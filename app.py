"""formcheck's Streamlit app: ``streamlit run app.py`` (binds to localhost, see .streamlit/config.toml).

Thin on purpose: page layout and settings here, each page in ``formcheck/ui/``.
"""

import streamlit as st

from formcheck.ui.common import app_icon, inject_css, sidebar_settings
from formcheck.ui.nav import all_pages

st.set_page_config(page_title="formcheck", page_icon=app_icon(), layout="wide")
inject_css()
navigation = st.navigation(all_pages())
sidebar_settings()
navigation.run()
