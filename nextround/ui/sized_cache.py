"""A cache bounded by the total size of what it holds, not only by how many things.

Streamlit's own caches count entries. An import preview holds every row of its file, so 256
of them could hold gigabytes; this one drops the oldest entries once their sizes add up past
a budget, and never keeps one that alone is larger than the budget.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class SizedCache(Generic[T]):
    """Least recently used first out, by total `size` (the caller's estimate, in bytes).
    Safe to share between sessions (threads)."""

    def __init__(self, budget: int) -> None:
        self.budget, self.used = budget, 0
        self._entries: OrderedDict[Hashable, tuple[int, T]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, make: Callable[[], T], size: int) -> T:
        """The cached value for `key`, or `make()`'s, kept if it fits the budget."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key][1]
        value = make()  # outside the lock: another session's preview needn't wait for this
        with self._lock:
            if size <= self.budget and key not in self._entries:
                self._entries[key] = (size, value)
                self.used += size
                while self.used > self.budget:
                    self.used -= self._entries.popitem(last=False)[1][0]
        return value
