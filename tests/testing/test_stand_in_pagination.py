"""Keyset page selection and the cursor codec, as units without sockets."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nexmo_client.testing._cursors import CursorCodec, CursorState, InvalidCursorError
from nexmo_client.testing._pagination import Page, PageWindow, select_page

Key = tuple[int, int]


def identity(entry: Key) -> Key:
    """Use an entry as its own sort key."""
    return entry


def walk(entries: list[Key], order: str, page_size: int) -> list[Page[Key]]:
    """Select every page from the first one on, following ``has_after`` with after-cursors."""
    pages = [select_page(entries, identity, PageWindow(order, page_size))]  # type: ignore[arg-type]
    while pages[-1].has_after:
        last = pages[-1].last_key
        assert last is not None
        window = PageWindow(order, page_size, "after", last)  # type: ignore[arg-type]
        pages.append(select_page(entries, identity, window))
        assert len(pages) <= len(entries) + 1
    return pages


@settings(max_examples=200, deadline=None)
@given(
    keys=st.sets(st.tuples(st.integers(0, 50), st.integers(0, 10_000)), max_size=60),
    order=st.sampled_from(["asc", "desc"]),
    page_size=st.integers(1, 12),
)
def test_walk_matches_sorted_list(keys: set[Key], order: str, page_size: int) -> None:
    """Walking forward lists every key once in order; prev from each page gives the one before."""
    entries = sorted(keys)
    expected = entries if order == "asc" else entries[::-1]

    pages = walk(entries, order, page_size)

    assert [key for page in pages for key in page.items] == expected
    assert not pages[0].has_before
    for previous, page in itertools.pairwise(pages):
        assert page.first_key is not None
        window = PageWindow(order, page_size, "before", page.first_key)  # type: ignore[arg-type]
        assert select_page(entries, identity, window).items == previous.items


def test_inclusive_anchor() -> None:
    """An inclusive window includes the entry at the anchor; an exclusive one skips it."""
    entries = [(0, 1), (0, 2), (0, 3)]

    inclusive = select_page(entries, identity, PageWindow("asc", 5, "before", (0, 2), True))
    exclusive = select_page(entries, identity, PageWindow("asc", 5, "before", (0, 2), False))

    assert inclusive.items == [(0, 1), (0, 2)]
    assert exclusive.items == [(0, 1)]
    assert inclusive.has_after
    assert not inclusive.has_before


@given(
    scope=st.text(max_size=40),
    order=st.sampled_from(["asc", "desc"]),
    page_size=st.integers(1, 100),
    direction=st.sampled_from(["after", "before"]),
    anchor=st.tuples(st.integers(0, 2**62), st.integers(0, 2**40)),
    inclusive=st.booleans(),
)
def test_cursor_round_trip(
    scope: str, order: str, page_size: int, direction: str, anchor: Key, inclusive: bool
) -> None:
    """Every cursor decodes to its state and contains +, / and =."""
    codec = CursorCodec(b"k" * 32)
    state = CursorState(scope, order, page_size, direction, anchor, inclusive)  # type: ignore[arg-type]

    text = codec.encode(state)

    assert codec.decode(text) == state
    assert codec.encode(state) == text
    assert "+" in text
    assert "/" in text
    assert "=" in text


@pytest.mark.parametrize(
    "text", ["", "====", "++//", "abc", "ÿÿÿÿ", "++//AAAA", "++//" + "A" * 80 + "=="]
)
def test_cursor_garbage_rejected(text: str) -> None:
    """Text that is not a cursor of this codec raises InvalidCursorError."""
    with pytest.raises(InvalidCursorError):
        CursorCodec(b"k" * 32).decode(text)


def test_cursor_from_other_secret_rejected() -> None:
    """A cursor encoded with another secret raises InvalidCursorError."""
    state = CursorState("sessions:USR-1", "asc", 10, "after", (1, 2))
    text = CursorCodec(b"a" * 32).encode(state)

    with pytest.raises(InvalidCursorError, match="changed or was issued by another server"):
        CursorCodec(b"b" * 32).decode(text)
