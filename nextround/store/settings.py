"""The user's settings: one row (id 1) in `settings`.

Reading never fails on a bad stored value: `Settings.from_stored` replaces it with its default
and says so (`Settings.notices`, decision 19), because every page reads the settings first.
"""

from __future__ import annotations

import json

from sqlalchemy import text

from nextround.models import Settings
from nextround.store.records import Records, bump_version


class UserSettings(Records):
    """`store.settings` / `tx.settings`."""

    def get(self) -> Settings:
        """The settings as stored, each bad value replaced by its default."""
        with self._read() as conn:
            row = conn.execute(text("SELECT * FROM settings WHERE id = 1")).mappings().first()
        return Settings.from_stored(dict(row) if row is not None else None)

    def save(self, settings: Settings) -> Settings:
        """Validate (`Settings.validated`, the rule the import shares) and save, from the
        version the user started at. Returns the settings as now stored."""
        clean = settings.validated()
        with self._write() as conn:
            # A tool may have deleted the row; saving puts it back instead of failing forever.
            conn.execute(text(self._sql.insert_or_ignore("settings", "id, version", "1, :v")),
                         {"v": clean.version})
            bump_version(conn, "settings", 1, clean.version, {
                "name": clean.name, "signature": clean.signature,
                "weekly_goal": clean.weekly_goal, "ghost_after_days": clean.ghost_after_days,
                "timezone": clean.timezone, "support_region": clean.support_region,
                "follow_up_days": clean.follow_up_days,
                "extra": json.dumps(clean.extra, sort_keys=True),
            })
            row = conn.execute(text("SELECT * FROM settings WHERE id = 1")).mappings().first()
        return Settings.from_stored(dict(row) if row is not None else None)
