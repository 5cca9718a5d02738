"""A TCP proxy in front of the test Prefect server that goes down for good when told to: the Prefect
server "stopped" at a chosen moment of a real `zwgk` process's run.

    with CuttableProxy("127.0.0.1", 4200, cut_when=lambda: run_json.exists()) as proxy:
        env["PREFECT_API_URL"] = proxy.api_url
        ...

Before each chunk a client sends, ``cut_when()`` is asked; once it is true every connection is closed
and the listening socket with them, so later requests are refused as by a stopped server.
"""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlsplit


class CuttableProxy:
    def __init__(self, api_url: str, cut_when=lambda: False):
        parts = urlsplit(api_url)
        self.upstream = (parts.hostname, parts.port)
        self.path = parts.path
        self.cut_when = cut_when
        self.cut = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.api_url = f"http://127.0.0.1:{self._listener.getsockname()[1]}{self.path}"

    def __enter__(self) -> "CuttableProxy":
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.go_down()

    def go_down(self) -> None:
        self.cut.set()
        with self._lock:
            for s in [self._listener, *self._sockets]:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def _accept(self) -> None:
        while not self.cut.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.upstream)
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, from_client: bool) -> None:
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                return
            if not data:
                return
            if from_client and not self.cut.is_set() and self.cut_when():
                self.go_down()
            if self.cut.is_set():
                return
            try:
                dst.sendall(data)
            except OSError:
                return
