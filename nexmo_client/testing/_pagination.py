"""Keyset pagination: selecting one page of a sorted list relative to a cursor's anchor key.

A cursor names a position (the sort key of an item) and a direction, not an offset. So a walk
that runs while items are added and removed neither repeats nor skips an item that existed
during the whole walk, which offset pagination cannot promise.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

T = TypeVar("T")

Order = Literal["asc", "desc"]
Direction = Literal["after", "before"]


@dataclass(frozen=True, slots=True)
class PageWindow:
    """The page to select.

    ``direction`` is ``None`` for the first page. Otherwise the page contains up to ``page_size``
    items that come after (or before) ``anchor`` in the walk order, and the item whose key is
    ``anchor`` is included only when ``inclusive`` is true.
    """

    order: Order
    page_size: int
    direction: Direction | None = None
    anchor: tuple[int, ...] = ()
    inclusive: bool = False


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One selected page, in walk order, and whether items exist on either side of it."""

    items: list[T]
    first_key: tuple[int, ...] | None
    last_key: tuple[int, ...] | None
    has_before: bool
    has_after: bool


def select_page(
    entries: Sequence[T], key: Callable[[T], tuple[int, ...]], window: PageWindow
) -> Page[T]:
    """Select the page that ``window`` names from ``entries``, which are sorted by ``key``."""
    count = len(entries)
    size = window.page_size
    anchor = window.anchor

    def below_anchor() -> tuple[int, int]:
        # The last ``size`` entries whose key is below the anchor (or equal, when inclusive).
        if window.inclusive:
            end = bisect_right(entries, anchor, key=key)
        else:
            end = bisect_left(entries, anchor, key=key)
        return max(0, end - size), end

    def above_anchor() -> tuple[int, int]:
        # The first ``size`` entries whose key is above the anchor (or equal, when inclusive).
        if window.inclusive:
            start = bisect_left(entries, anchor, key=key)
        else:
            start = bisect_right(entries, anchor, key=key)
        return start, min(count, start + size)

    if window.order == "asc":
        if window.direction is None:
            start, end = 0, min(count, size)
        elif window.direction == "after":
            start, end = above_anchor()
        else:
            start, end = below_anchor()
        items = list(entries[start:end])
        has_before, has_after = start > 0, end < count
    else:
        if window.direction is None:
            start, end = max(0, count - size), count
        elif window.direction == "after":
            start, end = below_anchor()
        else:
            start, end = above_anchor()
        items = list(reversed(entries[start:end]))
        has_before, has_after = end < count, start > 0

    return Page(
        items=items,
        first_key=key(items[0]) if items else None,
        last_key=key(items[-1]) if items else None,
        has_before=has_before,
        has_after=has_after,
    )
