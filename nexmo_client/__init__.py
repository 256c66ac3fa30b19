"""The Nexmo Client SDK's Android user-sessions API, ported to Python.

Log in, then ask which sessions a user has: a user with sessions was recently connected::

    from nexmo_client import NexmoClient, NexmoPageOrder

    with NexmoClient(rest_environment_host=url) as client:
        client.login(token).result()
        page = client.get_user_sessions(user_id, 20, NexmoPageOrder.ASC).result()
        online = len(page) > 0

Loggers are named ``nexmo_client.<module>``; the package adds only a ``NullHandler``.
"""

import logging

from nexmo_client._version import __version__
from nexmo_client.client import NexmoClient
from nexmo_client.errors import (
    InvalidParameter,
    NexmoApiError,
    NexmoAuthenticationError,
    NexmoBadResponseError,
    NexmoCancelledError,
    NexmoConnectionError,
    NexmoHttpError,
    NexmoNetworkError,
    NexmoNotFoundError,
    NexmoPendingLimitError,
    NexmoPermissionError,
    NexmoRateLimitError,
    NexmoServerError,
    NexmoTimeoutError,
    NexmoTokenProviderError,
    NexmoValidationError,
)
from nexmo_client.executors import (
    AsyncioExecutor,
    QtExecutor,
    TkExecutor,
    asyncio_executor,
    qt_executor,
    tk_executor,
)
from nexmo_client.listener import (
    ConnectionStatus,
    ConnectionStatusReason,
    NexmoConnectionListener,
    NexmoRequestListener,
)
from nexmo_client.models import NexmoUser, NexmoUserSession
from nexmo_client.pages import NexmoPageOrder, NexmoUserSessionsPage

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "AsyncioExecutor",
    "ConnectionStatus",
    "ConnectionStatusReason",
    "InvalidParameter",
    "NexmoApiError",
    "NexmoAuthenticationError",
    "NexmoBadResponseError",
    "NexmoCancelledError",
    "NexmoClient",
    "NexmoConnectionError",
    "NexmoConnectionListener",
    "NexmoHttpError",
    "NexmoNetworkError",
    "NexmoNotFoundError",
    "NexmoPageOrder",
    "NexmoPendingLimitError",
    "NexmoPermissionError",
    "NexmoRateLimitError",
    "NexmoRequestListener",
    "NexmoServerError",
    "NexmoTimeoutError",
    "NexmoTokenProviderError",
    "NexmoUser",
    "NexmoUserSession",
    "NexmoUserSessionsPage",
    "NexmoValidationError",
    "QtExecutor",
    "TkExecutor",
    "__version__",
    "asyncio_executor",
    "qt_executor",
    "tk_executor",
]
