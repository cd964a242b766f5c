"""The sections of the Applications page, one module each: add, close the ghosted ones, the
table, and the one application picked from it. `pages/applications.py` lays them out; the
form keys and helpers the sections share are in `forms`.
"""
