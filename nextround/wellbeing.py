"""Wellbeing: support resources (and, with the check-in issue, WHO-5 scoring).

The wording here is supportive, never diagnostic.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SUPPORT_FILE = Path(__file__).resolve().parents[1] / "data" / "support_resources.csv"
EVERYWHERE = "ALL"


@dataclass(frozen=True)
class SupportResource:
    region: str
    name: str
    how: str
    url: str


@lru_cache(maxsize=1)
def _all_resources() -> tuple[SupportResource, ...]:
    with SUPPORT_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            SupportResource(row["region"].strip().upper(), row["name"].strip(),
                            row["how to reach"].strip(), row["url"].strip())
            for row in csv.DictReader(handle)
        )


def support_regions() -> list[str]:
    """Regions with their own entries, for the settings picker."""
    return sorted({r.region for r in _all_resources() if r.region != EVERYWHERE})


def support_resources(region: str) -> list[SupportResource]:
    """The region's own services first, then the ones that work everywhere. The "everywhere"
    entries are always included, so nobody is ever shown an empty list."""
    wanted = (region or "").strip().upper()
    local = [r for r in _all_resources() if r.region == wanted]
    return local + [r for r in _all_resources() if r.region == EVERYWHERE]
