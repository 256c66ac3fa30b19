"""Loopback helpers for tests: a raw server for faults that the stand-in cannot produce, such
as malformed headers, and a port that nothing listens on."""

from __future__ import annotations

import socket
import threading

WAIT_SECONDS = 10.0


def unused_port() -> int:
    """Return a loopback port that nothing listens on (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class RawServer:
    """Accepts connections on 127.0.0.1, reads each request and sets ``received``, then
    sends ``reply`` as raw bytes and closes the connection, or with ``reply=None`` never
    responds and keeps the connection open until :meth:`close`.

    With ``drip_interval`` (seconds), ``reply`` goes out one byte at a time, so no single
    read waits long enough for a read timeout while the whole reply takes much longer.
    """

    def __init__(self, reply: bytes | None, *, drip_interval: float | None = None) -> None:
        self._reply = reply
        self._drip_interval = drip_interval
        self._stopped = threading.Event()
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self.received = threading.Event()
        self.connections = 0
        self._open: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self.connections += 1
            if connection.recv(65536):
                self.received.set()
            if self._reply is None:
                self._open.append(connection)
                continue
            with connection:
                self._send(connection, self._reply)

    def _send(self, connection: socket.socket, reply: bytes) -> None:
        if self._drip_interval is None:
            connection.sendall(reply)
            return
        for index in range(len(reply)):
            # The wait is the fault itself, and close() ends it at once.
            if self._stopped.wait(self._drip_interval):
                return
            try:
                connection.sendall(reply[index : index + 1])
            except OSError:
                return

    def close(self) -> None:
        """Stop accepting, close every open connection and wait for the server thread."""
        self._stopped.set()
        self._socket.close()
        for connection in self._open:
            connection.close()
        self._thread.join(WAIT_SECONDS)
