"""A loopback server for faults that the stand-in cannot produce, such as malformed headers."""

from __future__ import annotations

import socket
import threading

WAIT_SECONDS = 10.0


class RawServer:
    """Accepts connections on 127.0.0.1, reads each request and sets ``received``, then
    sends ``reply`` as raw bytes and closes the connection, or with ``reply=None`` never
    responds and keeps the connection open until :meth:`close`."""

    def __init__(self, reply: bytes | None) -> None:
        self._reply = reply
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
                connection.sendall(self._reply)

    def close(self) -> None:
        """Stop accepting, close every open connection and wait for the server thread."""
        self._socket.close()
        for connection in self._open:
            connection.close()
        self._thread.join(WAIT_SECONDS)
