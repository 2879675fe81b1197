"""formcheck's Streamlit app: ``streamlit run app.py`` (binds to localhost, see .streamlit/config.toml).

Thin on purpose: page layout and settings here, each page in ``formcheck/ui/``.
"""

# Streamlit runs this file as __main__. The pose worker processes of an analysis (multiprocessing "spawn") run the
# main file again as __mp_main__: behind this guard they import nothing of the app and start no second one.
if __name__ == "__main__":
    import streamlit as st

    from formcheck.ui.common import app_icon, inject_css, sidebar_settings
    from formcheck.ui.nav import all_pages

    st.set_page_config(page_title="formcheck", page_icon=app_icon(), layout="wide")
    inject_css()
    navigation = st.navigation(all_pages())
    sidebar_settings()
    navigation.run()
