"""A programmable HTTP server on 127.0.0.1 for crawler tests: each path maps to a handler.

A handler is either a ``Resp`` (served every time), a list of ``Resp`` (served in turn, the last
one repeating) or a callable ``f(req) -> Resp | None`` (None: it wrote the response itself).
Every request is logged (method, path, headers, body, monotonic time).
"""

from __future__ import annotations

import contextlib
import gzip
import sys
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Resp:
    status: int = 200
    body: bytes | str = b""
    headers: dict = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"

    def data(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def _handle(self):
        server = self.server
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        entry = {"method": self.command, "path": parts.path, "query": parts.query, "t": time.monotonic(),
                 "headers": dict(self.headers), "body": body.decode("utf-8", "replace")}
        server.log.append(entry)
        route = server.routes.get(parts.path)
        if route is None:
            route = server.routes.get("*")
        if route is None:
            resp = Resp(404, "<html><head><title>404 Not Found</title></head><body>not found</body></html>")
        elif isinstance(route, list):
            with server.lock:
                idx = server.counters.get(parts.path, 0)
                server.counters[parts.path] = idx + 1
            resp = route[min(idx, len(route) - 1)]
        elif callable(route):
            resp = route(self)
            if resp is None:
                return
        else:
            resp = route
        self.send(resp)

    def send(self, resp: Resp) -> None:
        data = resp.data()
        self.send_response(resp.status)
        if resp.content_type:
            self.send_header("Content-Type", resp.content_type)
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = _handle
    do_POST = _handle
    do_HEAD = _handle


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, routes: dict):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = routes
        self.log: list[dict] = []
        self.lock = threading.Lock()
        self.counters: dict[str, int] = {}

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return  # the crawler hung up on purpose (a size cap, a timeout): not a server fault
        super().handle_error(request, client_address)

    def hits(self, path: str) -> int:
        return sum(1 for e in self.log if e["path"] == path)


@contextlib.contextmanager
def serve(routes: dict):
    server = FaultServer(routes)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


# --- behaviours ----------------------------------------------------------------------------------
def sleep_then(seconds: float, resp: Resp):
    def handler(req):
        time.sleep(seconds)
        return resp
    return handler


def drip(chunks: int, delay: float, chunk: bytes = b"x"):
    """Headers at once, then one small chunk every ``delay`` seconds (never a read timeout)."""
    def handler(req):
        req.send_response(200)
        req.send_header("Content-Type", "text/html; charset=utf-8")
        req.send_header("Content-Length", str(chunks * len(chunk)))
        req.end_headers()
        try:
            for _ in range(chunks):
                req.wfile.write(chunk)
                req.wfile.flush()
                time.sleep(delay)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return None
    return handler


def truncated(full: bytes, sent: int):
    """Promise len(full) bytes, send ``sent`` of them, then close the connection."""
    def handler(req):
        req.send_response(200)
        req.send_header("Content-Type", "text/html; charset=utf-8")
        req.send_header("Content-Length", str(len(full)))
        req.end_headers()
        req.wfile.write(full[:sent])
        req.wfile.flush()
        req.close_connection = True
        with contextlib.suppress(OSError):
            req.connection.shutdown(2)
        return None
    return handler


def huge(total: int, with_length: bool, block: int = 65536):
    def handler(req):
        req.send_response(200)
        req.send_header("Content-Type", "text/html; charset=utf-8")
        if with_length:
            req.send_header("Content-Length", str(total))
        else:
            req.send_header("Transfer-Encoding", "chunked")
        req.end_headers()
        sent = 0
        try:
            while sent < total:
                n = min(block, total - sent)
                data = b"a" * n
                if with_length:
                    req.wfile.write(data)
                else:
                    req.wfile.write(f"{n:x}\r\n".encode() + data + b"\r\n")
                sent += n
            if not with_length:
                req.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        req.server.sent_bytes = sent
        req.close_connection = True
        return None
    return handler


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


_BOMBS: dict[int, bytes] = {}


def gzip_bomb_body(decoded: int) -> bytes:
    """A gzip stream of ``decoded`` zero bytes (~1000:1), built in 1 MB steps (never held whole)."""
    if decoded not in _BOMBS:
        comp = zlib.compressobj(9, zlib.DEFLATED, 31)
        block = bytes(1 << 20)
        parts = [comp.compress(block) for _ in range(decoded >> 20)]
        parts.append(comp.flush())
        _BOMBS[decoded] = b"".join(parts)
    return _BOMBS[decoded]


def gzip_bomb(decoded: int = 100 << 20) -> Resp:
    """``Content-Encoding: gzip`` whose body expands to ``decoded`` bytes (honest Content-Length)."""
    return Resp(200, gzip_bomb_body(decoded), headers={"Content-Encoding": "gzip"})


def gzipped(resp: Resp) -> Resp:
    return Resp(resp.status, gzip_bytes(resp.data()), headers={**resp.headers, "Content-Encoding": "gzip"},
                content_type=resp.content_type)
