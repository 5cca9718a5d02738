"""Secrets never reach a log or a result: the secrets found in alert URLs (and in apprise's parsed
plugins) are registered with a logging filter on our, apprise's and the HTTP stack's loggers, and
every URL shown is redacted.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote, quote_plus, unquote


REDACTED = "***"

# Schemes whose host is a real host name (not a token) and whose path is a real path.
_HOST_SCHEMES = {
    "json", "jsons", "form", "forms", "xml", "xmls", "mailto", "mailtos",
    "http", "https", "ntfy", "ntfys", "gotify", "gotifys",
}
_SECRET_PARAM_RE = re.compile(
    r"key|token|secret|pass|pwd|auth|sign|cred|session|cookie|bearer|apikey|access|webhook",
    re.I,
)
_URL_RE = re.compile(r"^\s*(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{0,31})://(?P<rest>.*)$", re.S)
_MIN_SECRET_LEN = 3


def _variants(value: str) -> set[str]:
    out = set()
    for v in {value, unquote(value)}:
        if not v:
            continue
        out |= {v, quote(v, safe=""), quote(v), quote_plus(v)}
    return {v for v in out if len(v) >= _MIN_SECRET_LEN}


def _looks_random(segment: str) -> bool:
    """A path segment of a host-based URL that looks like a token (webhook secrets in paths)."""
    seg = unquote(segment)
    if len(seg) >= 20:
        return True
    return len(seg) >= 8 and any(c.isdigit() for c in seg) and any(c.isalpha() for c in seg)


def _url_secrets(url: str) -> set[str]:
    """Everything in ``url`` that may be a secret, found without apprise (runs before apprise
    parses the URL, and apprise may log while it parses)."""
    m = _URL_RE.match(url or "")
    if not m:
        # not a URL at all: the whole thing may be a bare token
        return _variants(url.strip()) if url and url.strip() else set()
    scheme = m["scheme"].lower()
    rest = m["rest"]
    rest, _, query = rest.partition("?")
    rest = rest.partition("#")[0]
    netloc, _, path = rest.partition("/")
    secrets: set[str] = set()
    userinfo, at, hostport = netloc.rpartition("@")
    if at:
        user, colon, password = userinfo.partition(":")
        if colon:
            secrets |= _variants(password)
        if scheme not in _HOST_SCHEMES:
            # dingtalk://SECRET@TOKEN/: the "user" of a token scheme is itself a secret
            secrets |= _variants(user)
    segments = [s for s in path.split("/") if s]
    if scheme not in _HOST_SCHEMES:
        # wecombot://KEY, dingtalk://TOKEN/, discord://ID/TOKEN ...: host and path are tokens
        host = hostport.rsplit(":", 1)[0] if hostport.count(":") == 1 else hostport
        secrets |= _variants(host)
        for seg in segments:
            secrets |= _variants(seg)
    else:
        for seg in segments:
            if _looks_random(seg):
                secrets |= _variants(seg)
    for pair in re.split(r"[&;]", query):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        bare = unquote(name).lstrip("+-:")
        if name.startswith("+") or _SECRET_PARAM_RE.search(bare):
            secrets |= _variants(value)
    return secrets


def _plugin_secrets(server) -> set[str]:
    """Values apprise's plugin itself marks private (template tokens with ``private``)."""
    secrets: set[str] = set()
    tokens = dict(getattr(server, "template_tokens", {}) or {})
    tokens.update(getattr(server, "template_args", {}) or {})
    for name, meta in tokens.items():
        if not isinstance(meta, dict) or not meta.get("private"):
            continue
        attr = meta.get("map_to") or meta.get("alias_of") or name
        for candidate in {attr, name}:
            value = getattr(server, candidate, None)
            if isinstance(value, str):
                secrets |= _variants(value)
    for attr in ("password", "token", "secret", "key", "apikey", "access_token"):
        value = getattr(server, attr, None)
        if isinstance(value, str):
            secrets |= _variants(value)
    headers = getattr(server, "headers", None)
    if isinstance(headers, dict):
        for value in headers.values():
            if isinstance(value, str):
                secrets |= _variants(value)
    params = getattr(server, "params", None)
    if isinstance(params, dict):
        for key, value in params.items():
            if isinstance(value, str) and _SECRET_PARAM_RE.search(str(key)):
                secrets |= _variants(value)
    return secrets


class _SecretRegistry:
    """Secrets seen in alert URLs (process-wide; they are only ever used to redact)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: tuple[str, ...] = ()

    def add(self, secrets: set[str]) -> None:
        if not secrets:
            return
        with self._lock:
            merged = set(self._secrets) | set(secrets)
            # longest first, so a secret that contains another is replaced whole
            self._secrets = tuple(sorted(merged, key=lambda s: (-len(s), s)))

    def snapshot(self) -> tuple[str, ...]:
        return self._secrets


_REGISTRY = _SecretRegistry()


def _redact(text: str, secrets: tuple[str, ...] | set[str] | None = None) -> str:
    if not text:
        return text
    secrets = _REGISTRY.snapshot() if secrets is None else tuple(sorted(secrets, key=lambda s: (-len(s), s)))
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


class _RedactingFilter(logging.Filter):
    """Rewrites a record's message (and traceback text) with registered secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = _REGISTRY.snapshot()
        if not secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not break logging
            message = f"{record.msg} {record.args}"
        redacted = _redact(message, secrets)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _redact(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = _redact(record.stack_info, secrets)
        return True


_FILTER = _RedactingFilter()
# Loggers that may print an alert URL or request line: ours, apprise's (a single logger for
# all plugins), and the HTTP stack below it (urllib3 logs "POST /path?key=... HTTP/1.1").
_FILTERED_LOGGERS = (
    "flows.alerts", "apprise", "requests", "urllib3", "urllib3.connectionpool", "urllib3.connection",
    "urllib3.poolmanager", "urllib3.response", "urllib3.util.retry",
)


def _install_log_filter() -> None:
    for name in _FILTERED_LOGGERS:
        log = logging.getLogger(name)
        if _FILTER not in log.filters:
            log.addFilter(_FILTER)


_install_log_filter()


def redact_url(url: str) -> str:
    """A URL safe to show: secrets we can find replaced by ``***``."""
    m = _URL_RE.match(url or "")
    if not m:
        return REDACTED
    return _redact(url.strip(), _url_secrets(url) | set(_REGISTRY.snapshot()))


# apprise's url() spells out every default; these say nothing to the office
_NOISE_PARAMS = {"overflow", "retry", "wait", "optional", "method", "format", "cto", "rto",
                 "verify", "emojis", "store", "tz", "image", "rdr"}


def _tidy_url(url: str) -> str:
    base, sep, query = url.partition("?")
    if not sep:
        return url
    kept = [p for p in query.split("&") if p and p.split("=", 1)[0] not in _NOISE_PARAMS]
    return base + ("?" + "&".join(kept) if kept else "")
