"""The sections of the Feedback page, one module each: the numbers, follow-ups due, all
requests, recording a reply, asking for feedback, the theme list, and what the replies say.
`app_pages/feedback.py` lays them out.
"""

from __future__ import annotations

from nextround import ui
from nextround.records import FeedbackRequestSummary


def request_label(row: FeedbackRequestSummary) -> str:
    """How one feedback request is named in a picker. The status is shown under the picker
    instead: a browser keeps an option's old label after a change."""
    return ui.application_label(row.company or "Unknown company", row.role,
                                f"asked {row.asked_on}")
