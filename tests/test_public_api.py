"""Tests of the package's public namespace."""

from __future__ import annotations

import inspect

import nexmo_client
from nexmo_client import errors, executors


def test_all_matches_exports() -> None:
    """__all__ lists exactly the public names the package defines or re-exports."""
    exported = {
        name
        for name, value in vars(nexmo_client).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }

    assert set(nexmo_client.__all__) == exported | {"__version__"}
    assert len(nexmo_client.__all__) == len(set(nexmo_client.__all__))


def test_all_has_every_error_class() -> None:
    """Every error class of the errors module is exported."""
    error_classes = {
        name
        for name, value in vars(errors).items()
        if inspect.isclass(value) and issubclass(value, errors.NexmoApiError)
    }

    assert error_classes <= set(nexmo_client.__all__)


def test_all_has_executor_helpers() -> None:
    """The callback executor helpers are exported."""
    assert set(executors.__all__) <= set(nexmo_client.__all__)


def test_all_names_resolve() -> None:
    """Every name in __all__ is an attribute of the package."""
    missing = [name for name in nexmo_client.__all__ if not hasattr(nexmo_client, name)]

    assert missing == []
