"""Delivery: every URL sent concurrently under one deadline; a bad URL, a receiver that is down or
slow lands in ``AlertResult.failed`` with a redacted reason, never an exception.
"""

from __future__ import annotations

import concurrent.futures as cf
import inspect
import logging
from dataclasses import dataclass, field


from flows.alerts.message import _one_line
from flows.alerts.redaction import _REGISTRY, _install_log_filter, _redact, _url_secrets
from flows.alerts.channels import _Target, _prepare


logger = logging.getLogger("flows.alerts")  # the logger the redacting filter guards


@dataclass
class AlertResult:
    sent: list[str] = field(default_factory=list)  # redacted URLs
    failed: list[str] = field(default_factory=list)  # redacted URLs
    errors: list[str] = field(default_factory=list)  # "redacted-url：原因", redacted

    @property
    def ok(self) -> bool:
        """Every URL accepted the message (and there was at least one)."""
        return bool(self.sent) and not self.failed


def _notify_has_timeout() -> bool:
    """apprise >= 2.0 takes a deadline for the whole call (apprise is imported when a message is sent)."""
    import apprise

    return "timeout" in inspect.signature(apprise.Apprise.notify).parameters


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


def _deliver(target: _Target, title: str, body: str, timeout: float) -> tuple[bool, str]:
    """-> (ok, reason). Never raises."""
    try:
        import apprise

        kwargs = dict(body=body, title=title, body_format=apprise.NotifyFormat.TEXT)
        if _notify_has_timeout():  # apprise >= 2.0: a deadline for the whole call
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
