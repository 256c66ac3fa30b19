"""The Nexmo Client SDK's Android user-sessions API, ported to Python."""

from nexmo_client._version import __version__

__all__ = ["__version__"]
