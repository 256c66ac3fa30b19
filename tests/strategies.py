"""Hypothesis strategies shared by the suite: JSON values, session pages and user ids."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# Values that json.loads can return: no NaN or infinity, which strict JSON cannot carry.
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)

json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)

_field_names = st.sampled_from(
    ["id", "name", "_embedded", "_links", "user", "sessions", "data", "href", "page_size"]
)


def _maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Either a value of the expected shape or any JSON value in its place."""
    return value | json_values


_users = st.fixed_dictionaries(
    {"id": _maybe(st.text(min_size=1, max_size=12)), "name": _maybe(st.text(max_size=12))},
    optional={"display_name": json_values, "image_url": json_values},
)

_sessions = st.fixed_dictionaries(
    {
        "id": _maybe(st.text(min_size=1, max_size=12)),
        "_embedded": _maybe(st.fixed_dictionaries({"user": _maybe(_users)})),
    },
    optional={"created_at": json_values},
)

_hrefs = st.builds(
    "{}?{}".format,
    st.sampled_from(["https://api.nexmo.com/v1/users/U/sessions", "/v1/users/U/sessions", ""]),
    st.text(max_size=30),
)

_links = st.dictionaries(
    st.sampled_from(["first", "self", "next", "prev"]),
    _maybe(st.fixed_dictionaries({"href": _maybe(_hrefs)})),
    max_size=4,
)

# Bodies close to a real sessions page, with any part swapped for arbitrary JSON, plus
# arbitrary JSON and objects built from the page's own field names.
session_page_bodies = (
    st.fixed_dictionaries(
        {},
        optional={
            "page_size": json_values,
            "_embedded": _maybe(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "sessions": _maybe(st.lists(_maybe(_sessions), max_size=3)),
                        "data": _maybe(
                            st.fixed_dictionaries({"sessions": _maybe(st.lists(_sessions))})
                        ),
                    },
                )
            ),
            "_links": _maybe(_links),
        },
    )
    | json_values
    | st.dictionaries(_field_names, json_values, max_size=5)
)

# User ids that can name a user: non-empty, not a dot segment, and without surrogates, which
# UTF-8 cannot encode. Path delimiters, '%', spaces and non-ASCII are all included.
user_ids = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),
    min_size=1,
    max_size=24,
).filter(lambda text: text not in (".", ".."))
