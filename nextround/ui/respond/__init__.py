"""The sections of the Respond page, one module each: picking the application, the options
that shape the text, the draft and its editor, sending it, and the emails already kept for
the application. `app_pages/respond.py` lays them out; `state` holds what they share.

`preselect(app_id)` is the way in from another page: Respond opens on that application, with
a thank-you after a rejection.
"""

from nextround.ui.respond.state import preselect, showing

__all__ = ["preselect", "showing"]
