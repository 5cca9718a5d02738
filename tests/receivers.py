"""Local receivers for alert tests: an HTTP webhook receiver and an SMTP server, both on
127.0.0.1, plus a guard that refuses any connection that is not to loopback.

Context managers (usable anywhere):

    with WebhookReceiver() as hook:          # http.server in a thread, port 0
        url = hook.url("json", "/hook")       # json://127.0.0.1:PORT/hook
        ...; hook.wait_for(1); hook.requests[0].json()

    with SMTPReceiver(username="u", password="p") as smtp:   # aiosmtpd Controller
        url = smtp.mailto_url(from_addr="zwgk@example.org", to="office@example.org")
        ...; smtp.wait_for(1); smtp.messages[0]["Subject"]

    with loopback_only() as guard: ...       # guard.blocked lists refused addresses

and pytest fixtures of the same (``webhook_receiver``, ``smtp_receiver``, ``loopback_guard``),
which another test module can use by importing them:

    from tests.receivers import webhook_receiver, smtp_receiver, loopback_guard  # noqa: F401
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import ipaddress
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import pytest

LOOPBACK = "127.0.0.1"


# ======================================================================================
# HTTP webhook receiver
# ======================================================================================
@dataclass
class ReceivedRequest:
    method: str
    path: str  # path without the query string
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class WebhookReceiver:
    """Records every request; answers ``status`` with ``response_body`` (JSON by default,
    like WeCom/DingTalk: ``{"errcode": 0, "errmsg": "ok"}``)."""

    def __init__(self, status: int = 200, response_body: bytes | str | dict | None = None,
                 host: str = LOOPBACK) -> None:
        self.status = status
        if response_body is None:
            response_body = {"errcode": 0, "errmsg": "ok"}
        if isinstance(response_body, dict):
            response_body = json.dumps(response_body)
        self.response_body = response_body.encode("utf-8") if isinstance(response_body, str) else response_body
        self.host = host
        self.requests: list[ReceivedRequest] = []
        self._cond = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                req = ReceivedRequest(
                    method=self.command, path=parts.path, query=parse_qs(parts.query),
                    headers={k: v for k, v in self.headers.items()}, body=body,
                )
                with receiver._cond:
                    receiver.requests.append(req)
                    receiver._cond.notify_all()
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(receiver.response_body)))
                self.end_headers()
                self.wfile.write(receiver.response_body)

            do_POST = do_GET = do_PUT = do_PATCH = do_DELETE = _handle

            def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
                pass

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self._server.timeout = 1
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="webhook-receiver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- helpers -----------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None, "receiver not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, scheme: str = "json", path: str = "/hook", query: str = "") -> str:
        """An apprise URL pointing here, e.g. ``json://127.0.0.1:PORT/hook``."""
        return f"{scheme}://{self.host}:{self.port}{path}" + (f"?{query}" if query else "")

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[ReceivedRequest]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return list(self.requests)


# ======================================================================================
# SMTP receiver
# ======================================================================================
def free_port(host: str = LOOPBACK) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def closed_port(host: str = LOOPBACK) -> int:
    """A port nothing listens on (connections are refused at once)."""
    return free_port(host)


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    message: EmailMessage = field(repr=False)

    def __getitem__(self, header: str):
        return self.message[header]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def text(self) -> str:
        """All text parts, decoded (plain and HTML)."""
        out = []
        for part in self.message.walk():
            if part.get_content_maintype() == "text":
                out.append(part.get_content())
        return "\n".join(out)


class SMTPReceiver:
    """aiosmtpd on 127.0.0.1 (plain SMTP, no TLS). With ``username``/``password`` it offers
    AUTH PLAIN/LOGIN without TLS and records the credentials it was given in ``logins``."""

    def __init__(self, username: str | None = None, password: str | None = None,
                 host: str = LOOPBACK, ready_timeout: float = 5.0) -> None:
        self.host = host
        self.username = username
        self.password = password
        self.ready_timeout = ready_timeout
        self.messages: list[ReceivedMail] = []
        self.logins: list[tuple[str, str]] = []
        self._cond = threading.Condition()
        self._controller = None
        self.port: int = 0

    def start(self) -> SMTPReceiver:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        receiver = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                data = envelope.original_content or envelope.content
                if isinstance(data, str):
                    data = data.encode("utf-8")
                msg = email.message_from_bytes(data, policy=email.policy.default)
                with receiver._cond:
                    receiver.messages.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), data, msg))
                    receiver._cond.notify_all()
                return "250 Message accepted for delivery"

        def authenticator(server, session, envelope, mechanism, auth_data):
            if not isinstance(auth_data, LoginPassword):
                return AuthResult(success=False, handled=False)
            login = auth_data.login.decode("utf-8", "replace")
            password = auth_data.password.decode("utf-8", "replace")
            with receiver._cond:
                receiver.logins.append((login, password))
            ok = login == receiver.username and password == receiver.password
            return AuthResult(success=ok)

        kwargs = {}
        if self.username is not None:
            kwargs.update(authenticator=authenticator, auth_require_tls=False, auth_required=False)
        last_error: Exception | None = None
        for _ in range(5):  # a free port can be taken between probing and binding
            self.port = free_port(self.host)
            controller = Controller(Handler(), hostname=self.host, port=self.port,
                                    ready_timeout=self.ready_timeout, **kwargs)
            try:
                controller.start()
            except Exception as exc:  # noqa: BLE001
                last_error = exc
                with contextlib.suppress(Exception):
                    controller.stop(no_assert=True)
                continue
            self._controller = controller
            return self
        raise RuntimeError(f"could not start SMTP receiver: {last_error!r}")

    def stop(self) -> None:
        if self._controller is not None:
            with contextlib.suppress(Exception):
                self._controller.stop()
            self._controller = None

    def __enter__(self) -> SMTPReceiver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def mailto_url(self, from_addr: str = "zwgk@example.org", to: str = "office@example.org",
                   user: str | None = None, password: str | None = None) -> str:
        """An apprise ``mailto://`` URL for this server: plain SMTP (``mode=insecure``, no
        STARTTLS) on our port, ``smtp=`` host override, explicit ``from=`` and ``to=``."""
        user = self.username if user is None else user
        password = self.password if password is None else password
        auth = ""
        if user:
            auth = quote(user, safe="")
            if password:
                auth += ":" + quote(password, safe="")
            auth += "@"
        return (f"mailto://{auth}{self.host}:{self.port}"
                f"?smtp={self.host}&mode=insecure&from={quote(from_addr, safe='@')}&to={quote(to, safe='@,')}")

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[ReceivedMail]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return list(self.messages)


# ======================================================================================
# loopback guard: nothing leaves the machine
# ======================================================================================
def _is_loopback(host) -> bool:
    if host in (None, "", "localhost", "localhost.localdomain"):
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        return ipaddress.ip_address(str(host).split("%", 1)[0]).is_loopback
    except ValueError:
        return False


class LoopbackGuard:
    """Refuses DNS look-ups and connections to anything but loopback while active."""

    def __init__(self) -> None:
        self.blocked: list[str] = []
        self._saved: dict = {}

    def __enter__(self) -> LoopbackGuard:
        guard = self
        real_getaddrinfo = socket.getaddrinfo
        real_connect = socket.socket.connect
        real_connect_ex = socket.socket.connect_ex

        def getaddrinfo(host, *args, **kwargs):
            if not _is_loopback(host):
                guard.blocked.append(f"dns:{host}")
                raise socket.gaierror(socket.EAI_NONAME, f"blocked by loopback guard: {host}")
            return real_getaddrinfo(host, *args, **kwargs)

        def check(sock, address):
            if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
                guard.blocked.append(f"connect:{address[0]}")
                raise ConnectionRefusedError(f"blocked by loopback guard: {address[0]}")

        def connect(sock, address):
            check(sock, address)
            return real_connect(sock, address)

        def connect_ex(sock, address):
            check(sock, address)
            return real_connect_ex(sock, address)

        self._saved = {"getaddrinfo": real_getaddrinfo, "connect": real_connect, "connect_ex": real_connect_ex}
        socket.getaddrinfo = getaddrinfo
        socket.socket.connect = connect
        socket.socket.connect_ex = connect_ex
        return self

    def __exit__(self, *exc) -> None:
        socket.getaddrinfo = self._saved["getaddrinfo"]
        socket.socket.connect = self._saved["connect"]
        socket.socket.connect_ex = self._saved["connect_ex"]


def loopback_only() -> LoopbackGuard:
    return LoopbackGuard()


# ======================================================================================
# pytest fixtures
# ======================================================================================
@pytest.fixture
def webhook_receiver():
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def smtp_receiver():
    with SMTPReceiver() as receiver:
        yield receiver


@pytest.fixture
def loopback_guard():
    with LoopbackGuard() as guard:
        yield guard
    assert not guard.blocked, f"attempted non-loopback traffic: {guard.blocked}"


__all__ = [
    "LOOPBACK", "LoopbackGuard", "ReceivedMail", "ReceivedRequest", "SMTPReceiver", "WebhookReceiver",
    "closed_port", "free_port", "loopback_guard", "loopback_only", "smtp_receiver", "webhook_receiver",
]
