"""The channels: alert URLs from ``ZWGK_ALERT_URLS`` and the config (WeCom ``wecombot://``, DingTalk
``dingtalk://``, email ``mailtos://``, webhooks ``json://``), each parsed into its own apprise target
with our socket timeouts.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from flows.alerts.redaction import _REGISTRY, _plugin_secrets, _redact, _tidy_url, _url_secrets, redact_url


ENV_VAR = "ZWGK_ALERT_URLS"

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


@dataclass
class _Target:
    url: str
    shown: str  # redacted, for AlertResult and logs
    apobj: object | None = None  # apprise.Apprise holding this one URL, None if it is invalid
    error: str = ""


def _prepare(url: str, timeout: float) -> _Target:
    """Parse one URL with apprise (local work only). Never raises."""
    import apprise  # imported when there is a URL to send to (a run without alert URLs never needs it)

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
