"""The sections of the Your data page, one module each: settings, import, export, backup,
restore, check and delete-all. `app_pages/data.py` lays them out in tabs.

Everything here either changes preferences or moves the user's whole history, so every
destructive step confirms first and every write is one transaction. File work (listing
backups, keeping an upload, telling one version of a file from the next) is the store's.
"""
