"""The sections of the Applications page, one module each: add, close the ghosted ones, the
table or the board, and the one application picked from the table. `app_pages/applications.py`
lays them out; the form keys and helpers the sections share are in `forms`.
"""
