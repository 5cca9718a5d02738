"""Data-quality alerts to the 政务公开办 (WeCom / DingTalk group bots, email, webhooks).

Plain functions, no Prefect here: the flow calls them from a task. Modules: ``message`` (whether
to alert, title and body), ``channels`` (the alert URLs and one apprise target per URL),
``delivery`` (sending under one deadline, ``AlertResult``), ``redaction`` (secrets kept out of logs
and results). Import from the package: ``from flows.alerts import send_alert``.

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

from flows.alerts.message import (  # noqa: F401 (re-exported)
    MAX_MESSAGE_BYTES,
    STATUS_LABELS,
    TITLE_PREFIX,
    _truncate_bytes,
    compose_alert,
    should_alert,
)
from flows.alerts.redaction import REDACTED, redact_url  # noqa: F401 (re-exported)
from flows.alerts.channels import ENV_VAR, alert_urls  # noqa: F401 (re-exported)
from flows.alerts.delivery import AlertResult, send_alert  # noqa: F401 (re-exported)


__all__ = [
    "AlertResult",
    "alert_urls",
    "compose_alert",
    "redact_url",
    "send_alert",
    "should_alert",
]
