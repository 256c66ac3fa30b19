"""Command line: serve a stand-in Conversation API until Ctrl-C or SIGTERM.

The base URL goes to the first line of stdout and, with ``--token-for``, a development token
to the second, so that scripts can read them. Everything else goes to the log on stderr.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import math
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from cryptography.exceptions import UnsupportedAlgorithm

from nexmo_client.testing._server import StandInServer
from nexmo_client.testing._store import Store
from nexmo_client.testing._tokens import load_private_key

logger = logging.getLogger("nexmo_client.testing.cli")

DEFAULT_TOKEN_LIFETIME_SECONDS = 86_400.0


def _port(text: str) -> int:
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"invalid port {port}: expected 0 to 65535")
    return port


def _positive_seconds(text: str) -> float:
    seconds = float(text)
    if not math.isfinite(seconds) or seconds <= 0:
        raise argparse.ArgumentTypeError(f"invalid lifetime {text}: expected seconds > 0")
    return seconds


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser, whose ``--help`` documents every option."""
    parser = argparse.ArgumentParser(
        prog="python -m nexmo_client.testing",
        description=(
            "Serve a stand-in Conversation API (users and their sessions under /v1 and /v0.3) "
            "until Ctrl-C or SIGTERM. Prints the base URL on the first line of stdout and, "
            "with --token-for, a development token on the second. Requests are logged to "
            "stderr."
        ),
    )
    parser.add_argument(
        "--seed",
        metavar="FILE",
        type=Path,
        help="JSON seed file with the users and sessions to serve (default: no users)",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help=(
            "address to listen on (default: 127.0.0.1, reachable from this machine only). "
            "Any other address logs a WARNING, because other machines can then reach the server"
        ),
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=0,
        help="TCP port to listen on, or 0 for a free port (default: 0)",
    )
    parser.add_argument(
        "--token-for",
        metavar="NAME",
        help=(
            "print a development token whose sub claim is this user name, adding the user "
            "when the seed has no user of that name (default: print no token)"
        ),
    )
    parser.add_argument(
        "--token-lifetime",
        metavar="SECONDS",
        type=_positive_seconds,
        default=DEFAULT_TOKEN_LIFETIME_SECONDS,
        help="lifetime of the --token-for token, in seconds (default: 86400, one day)",
    )
    parser.add_argument(
        "--private-key",
        metavar="FILE",
        type=Path,
        help=(
            "PEM file with the application's RSA private key (unencrypted, at least 2048 "
            "bits) that tokens must be signed with (default: a new key for each run)"
        ),
    )
    parser.add_argument(
        "--application-id",
        metavar="ID",
        help="application id that tokens must carry (default: a new UUID for each run)",
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="level of the log on stderr, where INFO logs every request (default: INFO)",
    )
    return parser


def read_private_key(path: Path) -> bytes:
    """Read the ``--private-key`` file and check that it contains a usable key.

    Raises:
        ValueError: the file cannot be read, or it is not an unencrypted PEM RSA private key
            of at least 2048 bits. The message names the file.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValueError(f"cannot read --private-key {path}: {error.strerror or error}") from error
    try:
        load_private_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise ValueError(
            f"invalid --private-key {path}: expected an unencrypted PEM RSA private key of at "
            f"least 2048 bits ({error})"
        ) from error
    return data


def warn_unless_loopback(url: str) -> None:
    """Log a WARNING when the server at ``url`` listens on an address other than loopback.

    ``url`` is the server's own URL, whose host is the address it is bound to. The stand-in
    accepts every token signed with its key and has no TLS, so it is meant for one machine.
    An unspecified address such as 0.0.0.0 also ends up in the links of every response,
    where clients cannot use it.
    """
    host = urlsplit(url).hostname or ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and address.is_loopback:
        return
    if address is not None and address.is_unspecified:
        logger.warning(
            "listening on %s, every address of this machine: other machines can reach this "
            "server, and its URL and response links name %s, which clients cannot connect "
            "to. Pass --host 127.0.0.1, or the address that clients should use.",
            host,
            url,
        )
        return
    logger.warning(
        "listening on %s, which is not a loopback address: other machines can reach this "
        "server. Pass --host 127.0.0.1 to serve this machine only.",
        host,
    )


class _Interrupted(Exception):
    """Raised in the main thread by the SIGTERM handler, so that it ends like Ctrl-C."""


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise _Interrupted(signal.Signals(signum).name)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status: 0 after a clean stop, 2 on bad input."""
    parser = build_parser()
    options = parser.parse_args(argv)
    logging.basicConfig(
        level=options.log_level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )

    try:
        store = Store.from_seed_file(options.seed) if options.seed else Store()
        private_key = read_private_key(options.private_key) if options.private_key else None
        server = StandInServer(
            store,
            host=options.host,
            port=options.port,
            private_key_pem=private_key,
            application_id=options.application_id,
        )
    except (OSError, ValueError) as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")

    token = None
    if options.token_for is not None:
        if store.user_by_name(options.token_for) is None:
            user = store.add_user(options.token_for)
            logger.info("added user %s (%s) for --token-for", user.name, user.id)
        token = server.mint_token(options.token_for, lifetime=options.token_lifetime)

    signal.signal(signal.SIGTERM, _raise_interrupted)
    try:
        server.start()
    except OSError as error:
        parser.exit(
            2, f"{parser.prog}: error: cannot listen on {options.host}:{options.port}: {error}\n"
        )
    try:
        logger.info(
            "serving %d users; application id %s", len(store.users()), server.application_id
        )
        warn_unless_loopback(server.url)
        print(server.url, flush=True)
        if token is not None:
            # The stand-in's own throwaway key signed this token, so printing it is safe.
            print(token, flush=True)
        # Event.wait with a timeout lets the signal handler and KeyboardInterrupt run promptly
        # on every platform.
        idle = threading.Event()
        while not idle.wait(0.5):
            pass
    except KeyboardInterrupt:
        logger.info("stopping on Ctrl-C")
    except _Interrupted as interruption:
        logger.info("stopping on %s", interruption)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
