"""Serving a generated portal on 127.0.0.1: ETag / Last-Modified and 304s, robots.txt, the soft 404
and the missing pages of the manifest.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit


# --- a tiny static server ------------------------------------------------------------------------
CONTENT_TYPES = {".htm": "text/html", ".html": "text/html", ".txt": "text/plain", ".json": "application/json",
                 ".xml": "text/xml", ".css": "text/css", ".js": "application/javascript"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "zwgk-demo/0.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stalls

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def _resolve(self) -> Path | None:
        root: Path = self.server.root  # type: ignore[attr-defined]
        rel = unquote(urlsplit(self.path).path).lstrip("/")
        path = (root / rel).resolve()
        if root not in path.parents and path != root:
            return None
        if path.is_dir():
            path = path / "index.htm"
        return path if path.is_file() else None

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None, head: bool = False) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and not head:
            self.wfile.write(body)

    def do_HEAD(self):  # noqa: N802
        self.do_GET(head=True)

    def do_GET(self, head: bool = False):  # noqa: N802
        server = self.server
        path = self._resolve()
        status = 404
        try:
            if path is None:
                self._send(404, "<html><head><title>404</title></head><body>Not Found</body></html>".encode(),
                           {"Content-Type": "text/html"}, head)
                return
            st = path.stat()
            etag = server.etag(path, st)  # type: ignore[attr-defined]
            last_mod = formatdate(st.st_mtime, usegmt=True)
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            not_modified = False
            if inm is not None:
                not_modified = etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
            elif ims:
                with contextlib.suppress(TypeError, ValueError):
                    not_modified = int(st.st_mtime) <= parsedate_to_datetime(ims).timestamp()
            headers = {"ETag": etag, "Last-Modified": last_mod}
            if not_modified:
                status = 304
                self.send_response(304)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                return
            status = 200
            headers["Content-Type"] = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
            self._send(200, path.read_bytes(), headers, head)
        finally:
            log = server.log  # type: ignore[attr-defined]
            if log is not None:
                log.append({"t": time.monotonic(), "method": self.command, "path": urlsplit(self.path).path,
                            "status": status, "conditional": bool(self.headers.get("If-None-Match")
                                                                  or self.headers.get("If-Modified-Since")),
                            "ua": self.headers.get("User-Agent")})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, root: Path, log: list | None, port: int = 0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.root = root.resolve()
        self.log = log
        self._etags: dict[tuple, str] = {}
        self._lock = threading.Lock()

    def etag(self, path: Path, st: os.stat_result) -> str:
        key = (str(path), st.st_mtime_ns, st.st_size)
        with self._lock:
            tag = self._etags.get(key)
        if tag is None:
            tag = '"' + hashlib.sha1(path.read_bytes()).hexdigest()[:20] + '"'
            with self._lock:
                self._etags[key] = tag
        return tag


@contextlib.contextmanager
def serve_directory(root: str | Path, *, log: list | None = None, port: int = 0) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 (``port``, or an ephemeral one when 0 or taken); yields the base URL.

    A fixed port keeps the demo portal's URLs stable between runs, so re-crawls are incremental.
    ``log`` collects requests."""
    try:
        server = _Server(Path(root), log, port)
    except OSError:
        server = _Server(Path(root), log, 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
