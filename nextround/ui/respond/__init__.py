"""The sections of the Respond page, one module each: picking the application, the options
that shape the text, the draft and its editor, sending it, and the emails already kept for
the application. `pages/respond.py` lays them out; `state` holds what they share.
"""
