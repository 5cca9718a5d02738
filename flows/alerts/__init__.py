"""Data-quality alerts to the 政务公开办 (WeCom / DingTalk group bots, email, webhooks).

Plain functions, no Prefect here: the flow calls them from a task.

    summary = {...subset of run.json...}
    if should_alert(summary["status"], notify_success=cfg.notify_success):
        title, body = compose_alert(summary)
        result = send_alert(alert_urls(cfg.alert_urls), title, body)

URLs are apprise URLs, e.g. ``wecombot://KEY``, ``dingtalk://TOKEN/`` or
``dingtalk://SECRET@TOKEN/``, ``mailtos://user:pass@smtp.example.org?from=a@x&to=b@x``,
``json://host:port/path``. They carry secrets, so:

* `AlertResult` only ever holds redacted URLs (apprise's privacy form, then our own redaction);
* every secret found in a URL is registered with a logging filter installed on our logger,
  apprise's logger and urllib3's/requests' loggers. apprise itself logs full endpoint URLs at
  DEBUG (``WeCom Bot GET URL: ...?key=KEY``, ``DingTalk URL: ...access_token=TOKEN``), the raw
  URL at TRACE (``URL ... unpacked as``), and urllib3 logs request lines with their query
  string at DEBUG; the filter rewrites those records before any handler sees them.

`send_alert` never raises for a bad URL or a receiver that is down or slow: each URL is sent
on its own (one `apprise.Apprise` per URL, so we know which one failed), concurrently, with
socket timeouts set from ``timeout`` and a hard overall deadline.

Known apprise limitations (apprise 2.0.1; the same plugins in 1.x):

* ``wecombot://`` and ``dingtalk://`` post to fixed hosts (qyapi.weixin.qq.com,
  oapi.dingtalk.com); the URL cannot point them elsewhere. A proxy via HTTPS_PROXY works.
  Tests retarget the plugin class's ``notify_url`` at a local receiver.
* Both plugins only look at the HTTP status: WeCom/DingTalk answer HTTP 200 with
  ``{"errcode": 93000, ...}`` for a wrong key or a missing keyword, and apprise reports that as
  sent. DingTalk bots with a keyword rule need a keyword from our title (e.g. "数据核查").
* ``json://`` can rename, drop and add top-level payload keys (``:message=content``,
  ``:title=``, ``:msgtype=text``) but not nest them, so it cannot produce WeCom's
  ``{"msgtype": "text", "text": {"content": ...}}`` body.
"""

from __future__ import annotations

import concurrent.futures as cf
import inspect
import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus, unquote

import apprise

logger = logging.getLogger(__name__)

ENV_VAR = "ZWGK_ALERT_URLS"
# WeCom group bots reject text messages over 2048 bytes; DingTalk's limit is larger.
MAX_MESSAGE_BYTES = 2048
TITLE_PREFIX = "【政务公开数据核查】"
REDACTED = "***"

STATUS_LABELS = {"draft": "草稿", "final": "正式", "failed": "运行失败"}


# ======================================================================================
# what to send
# ======================================================================================
def should_alert(status: str, notify_success: bool) -> bool:
    """Alert on a draft (a blocking check failed) or a failed run; on final only if asked.

    An unknown status alerts too: something unexpected happened and the office should know.
    """
    status = (status or "").strip().lower()
    if status == "final":
        return bool(notify_success)
    return True


def _period_label(summary: dict) -> str:
    label = summary.get("period_label")
    if label:
        return str(label)
    period = summary.get("period")
    if not period:
        return "（期间未知）"
    try:
        from flows.domain.periods import parse_period

        return parse_period(str(period)).label
    except Exception:  # noqa: BLE001 - a label is a nicety, never a reason to fail
        return str(period)


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _truncate_bytes(text: str, max_bytes: int, ellipsis: str = "…") -> str:
    """Cut ``text`` so that it fits in ``max_bytes`` UTF-8 bytes, at a character boundary."""
    if _utf8_len(text) <= max_bytes:
        return text
    budget = max_bytes - _utf8_len(ellipsis)
    if budget <= 0:
        return ""
    out, used = [], 0
    for ch in text:
        n = _utf8_len(ch)
        if used + n > budget:
            break
        out.append(ch)
        used += n
    return "".join(out) + ellipsis


def _one_line(text: object, max_chars: int) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= max_chars else flat[: max_chars - 1] + "…"


def compose_alert(summary: dict, *, max_bytes: int = MAX_MESSAGE_BYTES) -> tuple[str, str]:
    """(title, body) in short office Chinese for one run summary (a subset of run.json).

    ``title + "\\r\\n" + body`` (how bots that have no title field show it) fits in
    ``max_bytes`` UTF-8 bytes: when the list of failed checks is too long, it is cut at a
    whole line and ends with "…（共N项，余见报告）"; the draft and report locations are kept.
    """
    county = str(summary.get("county") or "（县区未知）")
    period_label = _period_label(summary)
    period_code = str(summary.get("period") or "")
    status = str(summary.get("status") or "").strip().lower()
    status_label = STATUS_LABELS.get(status, f"未知（{status or '无'}）")
    checks = [c for c in (summary.get("failed_checks") or []) if isinstance(c, dict)]
    blocking = [c for c in checks if c.get("blocking", True)]
    n = len(checks)
    subject = f"{TITLE_PREFIX}{county}{period_label}通报"

    if status == "failed":
        title = f"{subject}生成失败"
    elif status == "draft":
        title = f"{subject}为草稿：{n}项检查未通过" if n else f"{subject}为草稿"
    elif status == "final":
        title = f"{subject}已生成正式稿" + (f"（{n}项提示）" if n else "")
    else:
        title = f"{subject}状态异常：{status_label}"
    title = _truncate_bytes(title, max(64, max_bytes // 4))

    head = [f"县区：{county}"]
    head.append(f"期间：{period_label}" + (f"（{period_code}）" if period_code and period_code != period_label else ""))
    if status == "draft":
        head.append("状态：草稿（有阻断性检查未通过，暂不能作为正式稿发布）" if blocking else "状态：草稿")
    elif status == "failed":
        head.append("状态：运行失败（未生成通报）")
    elif status == "final":
        head.append("状态：正式" + ("（阻断性检查均已通过）" if n else "（全部检查通过）"))
    else:
        head.append(f"状态：{status_label}")
    error = summary.get("error")
    if error:
        head.append(f"错误：{_one_line(error, 300)}")

    check_lines = []
    if checks:
        head.append(f"未通过的检查（{n}项）：" if status != "final" else f"提示（{n}项）：")
        # blocking checks first: they are what keeps the bulletin a draft
        ordered = blocking + [c for c in checks if not c.get("blocking", True)]
        for i, check in enumerate(ordered, 1):
            message = _one_line(check.get("message") or check.get("name") or "（无说明）", 400)
            kind = "阻断" if check.get("blocking", True) else "提示"
            name = check.get("name")
            check_lines.append(f"{i}. {message}（{kind}" + (f"，{name}）" if name else "）"))

    tail = []
    if summary.get("outputs_dir"):
        tail.append(("草稿位置：" if status == "draft" else "输出位置：") + str(summary["outputs_dir"]))
    if summary.get("validation_index"):
        tail.append(f"核查报告：{summary['validation_index']}")
    if status == "draft":
        tail.append("请核实上述数据，修正后重新运行。")
    elif status == "failed":
        tail.append("请联系技术人员查看运行日志后重新运行。")

    budget = max_bytes - _utf8_len(title) - 2  # "\r\n" between title and body
    body = _fit_body(head, check_lines, tail, n, budget)
    return title, body


def _fit_body(head: list[str], checks: list[str], tail: list[str], total: int, budget: int) -> str:
    def join(lines: list[str]) -> str:
        return "\n".join(lines)

    body = join(head + checks + tail)
    if _utf8_len(body) <= budget:
        return body
    more = f"…（共{total}项，余见报告）"
    for keep in range(len(checks) - 1, -1, -1):
        kept = checks[:keep]
        body = join(head + kept + [more] + tail)
        if _utf8_len(body) <= budget:
            if keep == 0 and checks:
                # room for part of the first check at least?
                room = budget - _utf8_len(body) - 1
                first = _truncate_bytes(checks[0], room)
                if first and first != "…":
                    body = join(head + [first, more] + tail)
            return body
    # even the head and tail do not fit (absurdly long paths or a tiny budget)
    return _truncate_bytes(join(head + [more] + tail), max(budget, 0))


# ======================================================================================
# where to send
# ======================================================================================
# Whitespace always separates URLs. A comma or semicolon separates them only when a new
# "scheme://" follows, so "mailto://...&to=a@x.org,b@x.org" keeps its recipient list.
_SPLIT_RE = re.compile(r"\s+|[,;]+(?=\s*[A-Za-z][A-Za-z0-9+.-]*://)")


def _split_urls(text: str) -> list[str]:
    return [u.strip().strip(",;").strip() for u in _SPLIT_RE.split(text or "") if u and u.strip(" ,;\t\r\n")]


def alert_urls(config_urls: list[str] | None = None) -> list[str]:
    """URLs from ``$ZWGK_ALERT_URLS`` then from config, de-duplicated, order kept."""
    found: list[str] = []
    found += _split_urls(os.environ.get(ENV_VAR, ""))
    for item in config_urls or []:
        if item:
            found += _split_urls(str(item))
    seen: set[str] = set()
    out = []
    for url in found:
        if url and url not in seen:
            seen.add(url)
            out.append(url)
    return out


# ======================================================================================
# secrets: extraction, redaction, log filter
# ======================================================================================
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
    __name__, "apprise", "requests", "urllib3", "urllib3.connectionpool", "urllib3.connection",
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


# ======================================================================================
# sending
# ======================================================================================
@dataclass
class AlertResult:
    sent: list[str] = field(default_factory=list)  # redacted URLs
    failed: list[str] = field(default_factory=list)  # redacted URLs
    errors: list[str] = field(default_factory=list)  # "redacted-url：原因", redacted

    @property
    def ok(self) -> bool:
        """Every URL accepted the message (and there was at least one)."""
        return bool(self.sent) and not self.failed


_NOTIFY_HAS_TIMEOUT = "timeout" in inspect.signature(apprise.Apprise.notify).parameters


def _failure_reason(result) -> str:
    """apprise 2.x returns an AppriseResult with per-service logs; 1.x a bool."""
    reasons = []
    status = getattr(result, "status", None)
    if status is not None and getattr(status, "name", "") == "TIMEOUT":
        reasons.append("超时")
    logs = getattr(result, "logs", None)
    if callable(logs):
        try:
            for entry in logs():
                if getattr(entry, "level", "") in ("WARNING", "ERROR", "CRITICAL"):
                    reasons.append(str(getattr(entry, "message", "")).strip())
        except Exception:  # noqa: BLE001
            pass
    text = "；".join(dict.fromkeys(r for r in reasons if r))
    return "发送失败" + (f"（{_one_line(text, 200)}）" if text else "（接收方不可达或拒绝，详见日志）")


@dataclass
class _Target:
    url: str
    shown: str  # redacted, for AlertResult and logs
    apobj: object | None = None  # apprise.Apprise holding this one URL, None if it is invalid
    error: str = ""


def _prepare(url: str, timeout: float) -> _Target:
    """Parse one URL with apprise (local work only). Never raises."""
    target = _Target(url=url, shown=redact_url(url))
    try:
        apobj = apprise.Apprise()
        if not apobj.add(url):
            target.error = "地址无效或不受支持，未发送"
            return target
        for server in apobj:
            _REGISTRY.add(_plugin_secrets(server))
            # bound every socket operation (HTTP connect/read, SMTP) by our timeout
            for attr in ("socket_connect_timeout", "socket_read_timeout"):
                current = getattr(server, attr, None)
                if isinstance(current, (int, float)) and current > 0:
                    setattr(server, attr, min(float(current), float(timeout)))
                else:
                    setattr(server, attr, float(timeout))
            try:
                shown = server.url(privacy=True)
                target.shown = _tidy_url(_redact(shown, _url_secrets(url) | set(_REGISTRY.snapshot())))
            except Exception:  # noqa: BLE001 - keep our own redacted form
                pass
        target.apobj = apobj
    except Exception as exc:  # noqa: BLE001 - a bad URL must never break the run
        target.error = f"地址无法解析：{type(exc).__name__}"
    return target


def _deliver(target: _Target, title: str, body: str, timeout: float) -> tuple[bool, str]:
    """-> (ok, reason). Never raises."""
    try:
        kwargs = dict(body=body, title=title, body_format=apprise.NotifyFormat.TEXT)
        if _NOTIFY_HAS_TIMEOUT:  # apprise >= 2.0: a deadline for the whole call
            kwargs["timeout"] = float(timeout)
        outcome = target.apobj.notify(**kwargs)
        if bool(outcome):
            return True, ""
        reason = _failure_reason(outcome)
        close = getattr(outcome, "close", None)
        if callable(close):
            close()
        return False, reason
    except Exception as exc:  # noqa: BLE001 - a receiver must never break the run
        return False, f"发送异常：{type(exc).__name__}: {_one_line(exc, 200)}"


def send_alert(urls: list[str], title: str, body: str, *, timeout: float = 10) -> AlertResult:
    """Send one message to every URL through apprise.

    Never raises for a bad URL or a receiver that is down: it lands in ``failed`` (redacted
    URL) and ``errors`` (redacted URL and reason in Chinese), and the others are still sent.
    URLs are parsed first (local work); then all are sent concurrently and the call returns
    at most ``timeout`` seconds later. A receiver still busy then is reported as timed out
    (its sockets time out on their own in the background, also within ``timeout``).
    """
    result = AlertResult()
    urls = [u.strip() for u in (urls or []) if isinstance(u, str) and u.strip()]
    urls = list(dict.fromkeys(urls))
    if not urls:
        logger.info("未配置告警地址，跳过发送")
        return result
    try:
        timeout = float(timeout)
    except (TypeError, ValueError):
        timeout = 10.0
    if not timeout > 0 or timeout == float("inf"):
        timeout = 10.0
    _install_log_filter()
    # register every secret before apprise sees the URLs: it logs while parsing them
    for url in urls:
        _REGISTRY.add(_url_secrets(url))
    targets = [_prepare(url, timeout) for url in urls]

    outcomes: dict[int, tuple[bool, str]] = {i: (False, t.error) for i, t in enumerate(targets) if t.apobj is None}
    live = [i for i, t in enumerate(targets) if t.apobj is not None]
    if live:
        pool = cf.ThreadPoolExecutor(max_workers=min(8, len(live)), thread_name_prefix="zwgk-alert")
        try:
            futures = {i: pool.submit(_deliver, targets[i], title, body, timeout) for i in live}
            cf.wait(futures.values(), timeout=timeout)
            for i, future in futures.items():
                if not future.done():
                    outcomes[i] = (False, f"超时（{timeout:g}秒内未完成）")
                    continue
                try:
                    outcomes[i] = future.result()
                except Exception as exc:  # noqa: BLE001 - _deliver never raises; belt and braces
                    outcomes[i] = (False, f"发送异常：{type(exc).__name__}")
        finally:
            # do not wait for a receiver that hangs; its sockets time out on their own
            pool.shutdown(wait=False, cancel_futures=True)

    for i, target in enumerate(targets):
        ok, reason = outcomes[i]
        shown = _redact(target.shown)
        if ok:
            result.sent.append(shown)
            logger.info("告警已发送：%s", shown)
        else:
            result.failed.append(shown)
            message = _redact(f"{shown}：{reason or '发送失败'}")
            result.errors.append(message)
            logger.warning("告警发送失败：%s", message)
    return result


__all__ = [
    "AlertResult",
    "alert_urls",
    "compose_alert",
    "redact_url",
    "send_alert",
    "should_alert",
]
