"""Next Round: entry point. Page config and navigation only (see docs/ARCHITECTURE.md).

Each page draws its own frame with `nextround.ui.frame`, so nothing shared is drawn here.
"""

import os

import streamlit as st

os.umask(0o077)  # a belt: Next Round also creates every file with a private mode explicitly

# The tab icon is an emoji: Streamlit fetches Material favicons from Google.
st.set_page_config(page_title="Next Round", page_icon="🌱", layout="wide")

navigation = st.navigation(
    {
        "Your search": [
            st.Page("app_pages/progress.py", title="Progress", icon=":material/trending_up:",
                    default=True),
            st.Page("app_pages/applications.py", title="Applications", icon=":material/work:"),
        ],
        "After a no": [
            st.Page("app_pages/respond.py", title="Respond", icon=":material/mail:"),
            st.Page("app_pages/feedback.py", title="Feedback", icon=":material/forum:"),
            st.Page("app_pages/reflect.py", title="Reflect", icon=":material/lightbulb:"),
            st.Page("app_pages/checkin.py", title="Check-in", icon=":material/self_improvement:"),
        ],
        "Settings": [
            st.Page("app_pages/data.py", title="Your data", icon=":material/database:"),
        ],
    }
)
navigation.run()
