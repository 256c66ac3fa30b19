"""``nexmo-online-status``: show which users are online, from their sessions.

A user is online when the first page of their sessions is not empty. Vonage's "Get User
Sessions" guide for the Android SDK puts it so: "If the sessions page contains a session
object, you can assume that the user has been recently connected". The tool submits one
``get_user_sessions`` call per user at once, with listeners that run on the client's callback
thread, then waits on one counter of finished users, with a timeout.

Without a target the tool starts the stand-in server inside the process with the demo data,
mints a token for the first demo user and logs in with it, so it needs no account. With
``--host`` (or ``NEXMO_API_URL``) it needs a token from ``NEXMO_JWT`` or ``--token-file``.
The token is never taken from the command line, where other users of the machine can read it
in the process list, and never printed.

Exit statuses: 0 when every user succeeded, 1 when any user (or the login) failed, 2 for a
usage error, 130 after Ctrl-C. With ``--json`` every run that exits 0 or 1 prints exactly one
JSON document on stdout, whose failures are error objects of one shape (see ``JSON_HELP``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.resources
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import attrs

from nexmo_client._online_status_collect import (
    StatusCollector,
    UserStatus,
    WalkResult,
    describe_error,
    request_statuses,
)
from nexmo_client.client import NexmoClient
from nexmo_client.errors import (
    NexmoApiError,
    NexmoNotFoundError,
    NexmoPermissionError,
    NexmoTimeoutError,
)
from nexmo_client.pages import MAX_PAGE_SIZE, MIN_PAGE_SIZE, NexmoPageOrder, NexmoUserSessionsPage

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a program stopped by Ctrl-C

HOST_VARIABLE = "NEXMO_API_URL"
TOKEN_VARIABLE = "NEXMO_JWT"  # noqa: S105 - the name of an environment variable

DEFAULT_TIMEOUT_SECONDS = 10.0
# Upper bounds of --timeout and --retries. The tool waits up to (retries + 1) * timeout
# seconds for one call, and thread waits raise OverflowError past threading.TIMEOUT_MAX,
# which is about 49 days on Windows and larger elsewhere. These keep the wait near 4 days.
MAX_TIMEOUT_SECONDS = 3600.0
MAX_RETRIES = 100
# A walk prints a progress line on stderr after every this many pages.
PROGRESS_EVERY_PAGES = 10


JSON_HELP = """\
JSON output (--json): every run that exits 0 or 1 prints exactly one document on
stdout. A usage error (exit 2) or Ctrl-C (exit 130) prints nothing on stdout.
  users:   {"host", "api_version", "page_size", "order", "count_all", "error",
            "users": [{"id", "name", "online", "sessions", "pages", "more_pages",
                       "error"}, ...],
            "online", "failed"}
  --walk:  {"user_id", "page_size", "order", "pages", "total", "sessions", "error"}
  error:   null, or {"type", "status", "message"}, for example
           {"type": "user:error:not-found", "status": 404, "message": "..."}
The top-level "error" is set when the login failed, and then every user carries the same
error. "online" and "sessions" of a failed user, and "total" and "sessions" of a failed
walk, are null."""


class UsageError(Exception):
    """An invalid combination of arguments or environment: exit status 2."""


def _bounded_int(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """Return an argparse ``type`` that accepts an int from ``minimum`` to ``maximum``.

    argparse prefixes the message with the option's name, so a bad value reads as
    ``argument --retries: invalid value '-1': expected an integer from 0 to 100``.
    """
    expected = (
        f"an integer of at least {minimum}"
        if maximum is None
        else f"an integer from {minimum} to {maximum}"
    )

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"invalid value {text!r}: expected {expected}"
            ) from None
        if value < minimum or (maximum is not None and value > maximum):
            raise argparse.ArgumentTypeError(f"invalid value {text!r}: expected {expected}")
        return value

    return parse


def _bounded_seconds(maximum: float) -> Callable[[str], float]:
    """Return an argparse ``type`` that accepts a finite number of seconds in (0, maximum]."""
    expected = f"a number of seconds greater than 0 and at most {maximum:g}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"invalid value {text!r}: expected {expected}"
            ) from None
        # float() accepts "nan" and "inf", and NaN fails every comparison, so finiteness is
        # checked first.
        if not math.isfinite(value) or not 0 < value <= maximum:
            raise argparse.ArgumentTypeError(f"invalid value {text!r}: expected {expected}")
        return value

    return parse


@attrs.frozen
class Target:
    """The tool's target: the host it sends requests to, their token, and the users of
    local data.

    ``names`` maps user ids to names when the data is local (the embedded stand-in), so that
    offline users get a name too. ``token`` has ``repr=False`` so that it never reaches a log.
    """

    url: str
    token: str = attrs.field(repr=False)
    user_ids: tuple[str, ...] = ()
    names: dict[str, str] = attrs.field(factory=dict)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``nexmo-online-status``."""
    parser = argparse.ArgumentParser(
        prog="nexmo-online-status",
        # Keeps the line breaks of the epilog's JSON shapes. The description and epilog are
        # therefore wrapped by hand.
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Show which users are online, from the first page of their sessions. Without\n"
            f"--host or {HOST_VARIABLE}, the tool starts a stand-in Conversation API server\n"
            "inside the process with demo data and logs in as a demo user."
        ),
        epilog=(
            f"The token comes from {TOKEN_VARIABLE} or --token-file, never from a command-line\n"
            "value. Exit status: 0 when every user succeeded, 1 when any user or the login\n"
            "failed, 2 for usage errors, 130 after Ctrl-C.\n\n" + JSON_HELP
        ),
    )
    parser.add_argument(
        "user_ids",
        nargs="*",
        metavar="USER_ID",
        help="user ids such as USR-82e028d9-5201-4f1e-8188-604b2d3471ec "
        "(default: every user of the embedded demo data)",
    )

    listing = parser.add_argument_group("listing")
    listing.add_argument(
        "--page-size",
        type=_bounded_int(MIN_PAGE_SIZE, MAX_PAGE_SIZE),
        metavar="N",
        default=10,
        help=f"sessions per page, {MIN_PAGE_SIZE} to {MAX_PAGE_SIZE} (default: 10)",
    )
    listing.add_argument(
        "--order",
        choices=["asc", "desc"],
        default="asc",
        help="session order by creation time (default: asc)",
    )
    listing.add_argument(
        "--count-all",
        action="store_true",
        help="count every session by walking all pages, instead of showing 'N+' "
        "(N is the page size) when a user has more than one page",
    )
    listing.add_argument(
        "--walk",
        metavar="USER_ID",
        help="walk every page of one user and print each session id, the page count and the total",
    )
    listing.add_argument(
        "--json", action="store_true", help="print one JSON document on stdout instead of text"
    )

    target = parser.add_argument_group("target and token")
    target.add_argument(
        "--host",
        metavar="URL",
        default=os.environ.get(HOST_VARIABLE) or None,
        help=f"the Conversation API base URL, such as https://api.nexmo.com "
        f"(default: {HOST_VARIABLE}, else the embedded stand-in)",
    )
    target.add_argument(
        "--token-file",
        type=Path,
        metavar="FILE",
        help=f"read the JWT from FILE (default: {TOKEN_VARIABLE})",
    )
    target.add_argument(
        "--api-version",
        choices=["v1", "v0.3"],
        default="v1",
        help="the API version in request paths (default: v1)",
    )
    target.add_argument(
        "--show-token",
        action="store_true",
        help="print the development token that the embedded stand-in minted, on stderr "
        "(never a token given to the tool)",
    )

    client = parser.add_argument_group("client settings")
    client.add_argument(
        "--timeout",
        type=_bounded_seconds(MAX_TIMEOUT_SECONDS),
        default=DEFAULT_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help="connect timeout, read timeout and deadline of each HTTP attempt, in seconds, "
        f"at most {MAX_TIMEOUT_SECONDS:g}; a whole call, retries included, may take "
        f"(retries + 1) times this (default: {DEFAULT_TIMEOUT_SECONDS:g})",
    )
    client.add_argument(
        "--retries",
        type=_bounded_int(0, MAX_RETRIES),
        default=2,
        metavar="N",
        help="retries of a request after a connection failure, a timeout or a 429/502/503/504, "
        f"0 to {MAX_RETRIES} (default: 2)",
    )
    client.add_argument(
        "--max-workers",
        type=_bounded_int(1),
        default=8,
        metavar="N",
        help="HTTP requests in flight at once, 1 or more (default: 8)",
    )
    return parser


def _check_arguments(parser: argparse.ArgumentParser, arguments: argparse.Namespace) -> None:
    """Reject invalid combinations with ``parser.error`` (exit status 2).

    Each numeric option's range is checked by its argparse ``type`` already.
    """
    if arguments.walk is not None and arguments.user_ids:
        parser.error("--walk takes exactly one user id: give no other user ids with it")
    if arguments.host is not None:
        parts = urlsplit(arguments.host)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            parser.error(
                f"invalid host {arguments.host!r}: expected an http or https URL such as "
                "https://api.nexmo.com"
            )
        if arguments.show_token:
            parser.error(
                "--show-token only shows a token that the embedded stand-in minted, and the "
                "tool never prints a token given to it: drop --show-token or --host"
            )
        if arguments.walk is None and not arguments.user_ids:
            parser.error(
                "give at least one user id (or --walk USER_ID): only the embedded demo data "
                "has a list of every user"
            )
    elif arguments.token_file is not None:
        parser.error(
            f"--token-file needs --host or {HOST_VARIABLE}: the embedded stand-in mints its "
            "own token"
        )


def _read_token(arguments: argparse.Namespace) -> str:
    """Return the token from ``--token-file`` or ``NEXMO_JWT``, stripped of whitespace.

    Raises:
        UsageError: there is no token, or the file cannot be read or is empty.
    """
    token_file: Path | None = arguments.token_file
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"cannot read the token file {token_file}: {error}") from None
        if not token:
            raise UsageError(f"the token file {token_file} is empty")
        return token
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise UsageError(
            f"missing token for {arguments.host}: set {TOKEN_VARIABLE} or pass --token-file FILE"
        )
    return token


@contextlib.contextmanager
def demo_seed_path() -> Iterator[Path]:
    """Yield a file system path to the demo seed file shipped as package data.

    ``as_file`` copies the data to a temporary file when the package is not on a file system
    (a zip), and removes the copy on exit.
    """
    resource = importlib.resources.files("nexmo_client") / "demo-data" / "demo-seed.json"
    with importlib.resources.as_file(resource) as path:
        yield path


@contextlib.contextmanager
def embedded_target(*, show_token: bool, stderr: IO[str]) -> Iterator[Target]:
    """Start the stand-in with the demo data and yield a target with a token for the first user.

    The stand-in is imported here because it needs PyJWT, which only the ``testing`` extra
    installs. A tool pointed at another host never imports it.
    """
    try:
        from nexmo_client.testing import StandInServer, Store
    except ImportError as error:
        # The project is not published on PyPI, so the extra is installed from the checkout.
        raise UsageError(
            "the embedded stand-in server cannot start, because it needs PyJWT[crypto] and "
            f"importing {error.name or 'it'} failed. Install the project's testing extra from "
            "the checkout with python -m pip install '.[testing]', or run scripts/demo.sh, "
            "which installs it, or give --host and a token for another server"
        ) from None

    with demo_seed_path() as path:
        store = Store.from_seed_file(path)
    users = store.users()
    if not users:
        raise UsageError("the demo data has no users")
    with StandInServer(store) as server:
        login_user = users[0]
        token = server.mint_token(login_user.name)
        print(
            f"Started the stand-in server at {server.url} with {len(users)} demo users. "
            f"Logging in as {login_user.name} ({login_user.id}).",
            file=stderr,
        )
        if show_token:
            print(
                f"Development token for {login_user.name}, minted by the stand-in with its "
                f"throwaway key: {token}",
                file=stderr,
            )
        yield Target(
            url=server.url,
            token=token,
            user_ids=tuple(user.id for user in users),
            names={user.id: user.name for user in users},
        )


def _total_deadline(arguments: argparse.Namespace) -> float:
    """Return the deadline of one call, every retry included, in seconds."""
    return float(arguments.timeout * (arguments.retries + 1))


def _make_client(arguments: argparse.Namespace, url: str, calls: int) -> NexmoClient:
    """Build the client for ``calls`` calls submitted at once."""
    return NexmoClient(
        rest_environment_host=url,
        api_version=arguments.api_version,
        max_workers=arguments.max_workers,
        # Every user's call is submitted before any is waited for, so the pending limit
        # must cover them all. With --count-all a listener requests the next page before
        # its own call stops counting as pending, so each user can hold two slots.
        max_pending_calls=2 * calls + 1,
        connect_timeout=arguments.timeout,
        read_timeout=arguments.timeout,
        request_deadline=arguments.timeout,
        total_deadline=_total_deadline(arguments),
        max_retries=arguments.retries,
    )


def _wait_seconds(arguments: argparse.Namespace) -> float:
    """Return how long to wait for one callback: the call's total deadline plus a margin.

    The client delivers exactly one callback per call and ends each call by its total
    deadline, so this is only a safety net against a callback that never comes.
    """
    return _total_deadline(arguments) + 5.0


def _callback_timeout(arguments: argparse.Namespace) -> NexmoTimeoutError:
    """Return the error for a callback that did not arrive within the safety-net wait."""
    return NexmoTimeoutError(
        f"timed out waiting for the client's callback ({_wait_seconds(arguments):g} s)"
    )


def _log_in(
    client: NexmoClient, token: str, arguments: argparse.Namespace, stderr: IO[str]
) -> NexmoApiError | None:
    """Log in with ``token``, wait for it, and return the error that stops the tool, or None.

    A login that fails because the token was rejected or the server is unreachable stops
    the tool, because every later call would fail the same way. A login that only fails to
    find the token's user (404, or 403 for a token whose ACL does not cover the users list)
    is reported and the tool goes on, because the sessions calls may still work.
    """
    future: Future[Any] = client.login(token)
    try:
        user = future.result(timeout=_wait_seconds(arguments))
    except (NexmoNotFoundError, NexmoPermissionError) as error:
        print(f"login: {describe_error(error)}; going on without a current user", file=stderr)
        return None
    except NexmoApiError as error:
        print(f"login: {describe_error(error)}", file=stderr)
        return error
    except TimeoutError:
        timeout = _callback_timeout(arguments)
        print(f"login: {describe_error(timeout)}", file=stderr)
        return timeout
    if user is not None and arguments.host is not None:
        print(
            f"Logged in to {client.rest_environment_host} as {user.name} ({user.id}).", file=stderr
        )
    return None


def _error_json(error: NexmoApiError | None) -> dict[str, Any] | None:
    """Return the JSON error object of the documents, the same for users, walks and logins."""
    if error is None:
        return None
    return {"type": error.type, "status": error.status, "message": error.message}


def _print_json(document: dict[str, Any], stdout: IO[str]) -> None:
    json.dump(document, stdout, indent=2)
    print(file=stdout)


# ----------------------------------------------------------------------------- status mode


def _status_rows(statuses: Sequence[UserStatus]) -> list[tuple[str, str, str, str]]:
    rows = []
    for status in statuses:
        if status.error is not None:
            state, count = "error", "-"
        else:
            state = "online" if status.online else "offline"
            count = f"{status.sessions}+" if status.more_pages else str(status.sessions)
        rows.append((status.user_id, status.name or "-", state, count))
    return rows


def _print_status_table(statuses: Sequence[UserStatus], stdout: IO[str]) -> None:
    header = ("USER ID", "NAME", "STATUS", "SESSIONS")
    rows = [header, *_status_rows(statuses)]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        cells = [row[column].ljust(widths[column]) for column in range(3)]
        print("  ".join([*cells, row[3]]), file=stdout)


def status_document(
    statuses: Sequence[UserStatus],
    arguments: argparse.Namespace,
    url: str,
    error: NexmoApiError | None = None,
) -> dict[str, Any]:
    """Return the ``--json`` document of the users mode; its shape is in ``JSON_HELP``.

    ``error`` is the failure that stopped the run before any user was read (the login).
    """
    return {
        "host": url,
        "api_version": arguments.api_version,
        "page_size": arguments.page_size,
        "order": arguments.order,
        "count_all": arguments.count_all,
        "error": _error_json(error),
        "users": [
            {
                "id": status.user_id,
                "name": status.name,
                "online": status.online,
                "sessions": None if status.error else status.sessions,
                "pages": status.pages,
                "more_pages": status.more_pages,
                "error": _error_json(status.error),
            }
            for status in statuses
        ],
        "online": sum(1 for status in statuses if status.online),
        "failed": sum(1 for status in statuses if status.error is not None),
    }


def run_status(
    client: NexmoClient,
    target: Target,
    user_ids: Sequence[str],
    arguments: argparse.Namespace,
    stdout: IO[str],
    stderr: IO[str],
) -> int:
    """Request every user's first page at once, wait for all, print the table or JSON.

    A user whose callback does not come within the safety-net wait is reported with a
    ``NexmoTimeoutError``, so the output still lists every user.
    """
    # dict.fromkeys drops repeated ids and keeps the order the user gave.
    collector = StatusCollector(dict.fromkeys(user_ids), names=target.names)
    request_statuses(
        client.get_user_sessions,
        collector,
        page_size=arguments.page_size,
        order=NexmoPageOrder(arguments.order),
        count_all=arguments.count_all,
    )

    statuses = list(collector.statuses.values())
    if not collector.wait(_wait_seconds(arguments)):
        # A late callback may still change an unfinished status, so the output shows copies.
        unfinished = {status.user_id for status in collector.unfinished()}
        timeout = _callback_timeout(arguments)
        statuses = [
            attrs.evolve(status, error=timeout) if status.user_id in unfinished else status
            for status in statuses
        ]

    for status in statuses:
        if status.error is not None:
            print(f"{status.user_id}: {describe_error(status.error)}", file=stderr)
    if arguments.json:
        _print_json(status_document(statuses, arguments, target.url), stdout)
    else:
        _print_status_table(statuses, stdout)

    online = sum(1 for status in statuses if status.online)
    failed = sum(1 for status in statuses if status.error is not None)
    print(f"{online} of {len(statuses)} users online, {failed} failed.", file=stderr)
    return EXIT_FAILED if failed else EXIT_OK


# ------------------------------------------------------------------------------- walk mode


def walk_sessions(
    client: NexmoClient, user_id: str, arguments: argparse.Namespace, stderr: IO[str]
) -> WalkResult:
    """Fetch every page of ``user_id`` in order, one request at a time.

    Prints a progress line on stderr every ``PROGRESS_EVERY_PAGES`` pages. A failed page
    request, or a callback that does not come within the safety-net wait, ends the walk:
    the result then carries the error and the pages read before it.
    """
    wait = _wait_seconds(arguments)
    session_ids: list[str] = []
    pages = 0
    started = time.monotonic()
    try:
        future: Future[NexmoUserSessionsPage] = client.get_user_sessions(
            user_id, arguments.page_size, NexmoPageOrder(arguments.order)
        )
        while True:
            page = future.result(timeout=wait)
            pages += 1
            session_ids.extend(session.id for session in page)
            if pages % PROGRESS_EVERY_PAGES == 0:
                print(
                    f"{user_id}: {pages} pages, {len(session_ids)} sessions so far "
                    f"({time.monotonic() - started:.1f} s)",
                    file=stderr,
                )
            if not page.has_next():
                return WalkResult(user_id=user_id, session_ids=tuple(session_ids), pages=pages)
            future = page.get_next()
    except NexmoApiError as error:
        failure: NexmoApiError = error
    except TimeoutError:
        # NexmoTimeoutError is a TimeoutError too, but the clause above takes it first.
        failure = _callback_timeout(arguments)
    return WalkResult(user_id=user_id, session_ids=tuple(session_ids), pages=pages, error=failure)


def walk_document(result: WalkResult, arguments: argparse.Namespace) -> dict[str, Any]:
    """Return the ``--json`` document of ``--walk``; its shape is in ``JSON_HELP``."""
    failed = result.error is not None
    return {
        "user_id": result.user_id,
        "page_size": arguments.page_size,
        "order": arguments.order,
        "pages": result.pages,
        "total": None if failed else len(result.session_ids),
        "sessions": None if failed else list(result.session_ids),
        "error": _error_json(result.error),
    }


def run_walk(
    client: NexmoClient,
    user_id: str,
    arguments: argparse.Namespace,
    stdout: IO[str],
    stderr: IO[str],
) -> int:
    """Walk one user's pages and print the session ids, the page count and the total.

    A failed walk prints its error on stderr and, with ``--json``, the document with the
    error on stdout. Without ``--json`` it prints nothing on stdout.
    """
    result = walk_sessions(client, user_id, arguments, stderr)
    if result.error is not None:
        print(f"{user_id}: {describe_error(result.error)}", file=stderr)

    if arguments.json:
        _print_json(walk_document(result, arguments), stdout)
    elif result.error is None:
        for session_id in result.session_ids:
            print(session_id, file=stdout)
        print(
            f"{user_id}: {len(result.session_ids)} sessions on {result.pages} pages "
            f"(page size {arguments.page_size}, order {arguments.order})",
            file=stdout,
        )
    return EXIT_OK if result.error is None else EXIT_FAILED


# ------------------------------------------------------------------------------------ main


def _run(arguments: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    with contextlib.ExitStack() as stack:
        if arguments.host is None:
            target = stack.enter_context(
                embedded_target(show_token=arguments.show_token, stderr=stderr)
            )
        else:
            target = Target(url=arguments.host.rstrip("/"), token=_read_token(arguments))
        user_ids = arguments.user_ids or target.user_ids

        try:
            client = _make_client(arguments, target.url, len(user_ids))
        except ValueError as error:
            # The client checks the host more strictly than the parser, for example that it
            # has no path.
            raise UsageError(str(error)) from None
        try:
            result = _run_with_client(client, target, user_ids, arguments, stdout, stderr)
        except KeyboardInterrupt:
            # close() would wait for requests still running, up to their deadline. A client
            # left open gives them at most 1.5 s when the process exits, so Ctrl-C skips it.
            raise
        except BaseException:
            client.close()
            raise
        client.close()
        return result
    raise AssertionError("unreachable")  # ExitStack could swallow an exception, but never does here


def _run_with_client(
    client: NexmoClient,
    target: Target,
    user_ids: Sequence[str],
    arguments: argparse.Namespace,
    stdout: IO[str],
    stderr: IO[str],
) -> int:
    login_error = _log_in(client, target.token, arguments, stderr)
    if login_error is not None:
        if arguments.json:
            _print_login_failure_json(login_error, target, user_ids, arguments, stdout)
        return EXIT_FAILED
    if arguments.walk is not None:
        return run_walk(client, arguments.walk, arguments, stdout, stderr)
    return run_status(client, target, user_ids, arguments, stdout, stderr)


def _print_login_failure_json(
    error: NexmoApiError,
    target: Target,
    user_ids: Sequence[str],
    arguments: argparse.Namespace,
    stdout: IO[str],
) -> None:
    """Print the document of a run that the login stopped: every user failed with its error."""
    if arguments.walk is not None:
        result = WalkResult(user_id=arguments.walk, session_ids=(), pages=0, error=error)
        _print_json(walk_document(result, arguments), stdout)
        return
    statuses = [
        UserStatus(user_id, name=target.names.get(user_id), error=error)
        for user_id in dict.fromkeys(user_ids)
    ]
    _print_json(status_document(statuses, arguments, target.url, error), stdout)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the tool with ``argv`` (default: ``sys.argv[1:]``) and return the exit status."""
    parser = build_parser()
    try:
        arguments = parser.parse_args(argv)
        _check_arguments(parser, arguments)
    except SystemExit as exit_request:
        # argparse exits 2 on a usage error and 0 after --help.
        return exit_request.code if isinstance(exit_request.code, int) else EXIT_USAGE

    stdout, stderr = sys.stdout, sys.stderr
    try:
        return _run(arguments, stdout, stderr)
    except UsageError as error:
        print(f"{parser.prog}: error: {error}", file=stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Interrupted.", file=stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
