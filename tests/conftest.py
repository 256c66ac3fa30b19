"""Fixtures shared by the whole suite: a stand-in server on 127.0.0.1, port 0, per test, and
a Qt application for the tests of Qt executors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from nexmo_client.testing import StandInServer


@pytest.fixture
def stand_in() -> Iterator[StandInServer]:
    """A running stand-in server with an empty store, stopped after the test."""
    with StandInServer() as server:
        yield server


@pytest.fixture(scope="session")
def qt_application() -> Iterator[Any]:
    """The process's QCoreApplication on the offscreen platform, made on the main thread."""
    qt_core = pytest.importorskip("PySide6.QtCore")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QT_QPA_PLATFORM", "offscreen")
        application = qt_core.QCoreApplication.instance() or qt_core.QCoreApplication([])
        yield application
