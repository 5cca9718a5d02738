"""Alerts to the office through apprise, against real local receivers (no mocks of apprise).

Every test runs under a loopback guard: a DNS look-up or connection to anything but
127.0.0.1/::1 fails the test. WeCom/DingTalk bot plugins post to fixed public hosts, so the
tests that exercise those plugins retarget the plugin's ``notify_url`` class attribute to the
local receiver (monkeypatch; the plugin's real send code runs and really POSTs).
"""

from __future__ import annotations

import base64
import json
import logging
import socket
import threading
import time

import pytest

from flows.alerts import (
    ENV_VAR,
    MAX_MESSAGE_BYTES,
    AlertResult,
    _truncate_bytes,
    alert_urls,
    compose_alert,
    redact_url,
    send_alert,
    should_alert,
)

try:
    from tests.receivers import LoopbackGuard, SMTPReceiver, WebhookReceiver, closed_port
except ModuleNotFoundError:  # run with tests/ itself on sys.path
    from receivers import LoopbackGuard, SMTPReceiver, WebhookReceiver, closed_port

TRACE = logging.DEBUG - 1  # apprise's TRACE level: the most verbose there is


def draft_summary(**over) -> dict:
    summary = {
        "county": "华容县",
        "period": "2021H1",
        "period_label": "2021年上半年",
        "status": "draft",
        "failed_checks": [
            {
                "name": "overall_total_matches_tables",
                "message": "正文所述公开总数1267条与附件合计1298条不一致（相差31条）",
                "blocking": True,
            }
        ],
        "error": None,
        "outputs_dir": "/abs/path/reports/out/huarong/2021H1",
        "validation_index": "/abs/path/reports/out/huarong/2021H1/validation/index.html",
    }
    summary.update(over)
    return summary


def wecom_bytes(title: str, body: str) -> int:
    """What a bot without a title field receives: apprise joins title and body with CRLF."""
    return len(f"{title}\r\n{body}".encode())


@pytest.fixture(autouse=True)
def loopback_only():
    with LoopbackGuard() as guard:
        yield guard
    assert not guard.blocked, f"non-loopback traffic attempted: {guard.blocked}"


@pytest.fixture
def hook():
    with WebhookReceiver() as receiver:
        yield receiver


# ======================================================================================
# compose_alert
# ======================================================================================
def test_compose_draft():
    title, body = compose_alert(draft_summary())
    assert title == "【政务公开数据核查】华容县2021年上半年通报为草稿：1项检查未通过"
    for text in ("华容县", "2021年上半年", "草稿", "1267", "1298", "相差31条",
                 "/abs/path/reports/out/huarong/2021H1", "validation/index.html"):
        assert text in body, text
    assert "草稿位置：/abs/path/reports/out/huarong/2021H1" in body
    assert "核查报告：" in body
    assert wecom_bytes(title, body) <= MAX_MESSAGE_BYTES


def test_compose_failed():
    title, body = compose_alert(draft_summary(
        status="failed", failed_checks=[], outputs_dir=None,
        error="任务 render 失败：模板 bulletin.docx 缺少字段 total_public",
    ))
    assert title == "【政务公开数据核查】华容县2021年上半年通报生成失败"
    assert "运行失败" in body
    assert "任务 render 失败：模板 bulletin.docx 缺少字段 total_public" in body
    assert "未通过的检查" not in body
    assert "请联系技术人员" in body


def test_compose_final():
    title, body = compose_alert(draft_summary(status="final", failed_checks=[]))
    assert title == "【政务公开数据核查】华容县2021年上半年通报已生成正式稿"
    assert "状态：正式" in body and "草稿" not in body
    assert "输出位置：/abs/path/reports/out/huarong/2021H1" in body


def test_compose_blocking_checks_first_and_labelled():
    checks = [
        {"name": "dates_in_period", "message": "3条记录日期不在2021年上半年内", "blocking": False},
        {"name": "overall_total_matches_tables", "message": "总数1267与1298不一致", "blocking": True},
    ]
    title, body = compose_alert(draft_summary(failed_checks=checks))
    assert "2项检查未通过" in title
    lines = body.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("1. "))
    assert "1267" in lines[first] and "阻断" in lines[first]
    assert "3条记录" in lines[first + 1] and "提示" in lines[first + 1]


def test_compose_period_label_fallback():
    title, body = compose_alert(draft_summary(period_label=None))
    assert "华容县2021年上半年通报" in title


def test_compose_truncates_many_checks():
    checks = [{"name": f"check_{i}", "message": f"第{i}项：单位甲填报数{1000 + i}条与汇总数{2000 + i}条不一致，请核对原始台账",
               "blocking": True} for i in range(1, 101)]
    title, body = compose_alert(draft_summary(failed_checks=checks))
    assert "100项检查未通过" in title
    assert wecom_bytes(title, body) <= MAX_MESSAGE_BYTES
    assert "…（共100项，余见报告）" in body
    assert "第1项" in body and "第100项" not in body
    # where to look is never cut off
    assert "草稿位置：/abs/path/reports/out/huarong/2021H1" in body
    assert "核查报告：" in body
    body.encode("utf-8")  # whole characters only


def test_compose_truncates_one_huge_message():
    checks = [{"name": "x", "message": "数" * 5000, "blocking": True}]
    title, body = compose_alert(draft_summary(failed_checks=checks))
    assert wecom_bytes(title, body) <= MAX_MESSAGE_BYTES
    shown = body.split("\n")
    cut = next(line for line in shown if line.startswith("1. 数"))
    assert cut.endswith("…（阻断，x）") and len(cut) < 5000  # the one message is cut, its check still named
    assert "数数数" in cut  # part of the message is still shown
    assert shown[-1] == "请核实上述数据，修正后重新运行。"  # the lines after it are kept whole


def test_compose_respects_smaller_budget():
    title, body = compose_alert(draft_summary(), max_bytes=300)
    assert wecom_bytes(title, body) <= 300
    assert "华容县" in body


@pytest.mark.parametrize("budget", range(0, 40))
def test_truncate_bytes_character_boundary(budget):
    text = "华容县abc政务公开😀数据"
    out = _truncate_bytes(text, budget)
    assert len(out.encode("utf-8")) <= budget
    assert out == text or out.endswith("…") or out == ""
    assert text.startswith(out.removesuffix("…"))


# ======================================================================================
# should_alert, alert_urls
# ======================================================================================
@pytest.mark.parametrize("status,notify_success,expected", [
    ("draft", False, True), ("draft", True, True),
    ("failed", False, True), ("failed", True, True),
    ("final", False, False), ("final", True, True),
    ("FINAL", False, False), ("weird", False, True),
])
def test_should_alert(status, notify_success, expected):
    assert should_alert(status, notify_success) is expected


def test_alert_urls_env_and_config(monkeypatch):
    monkeypatch.setenv(ENV_VAR, " wecombot://KEY1 ,dingtalk://TOK2/;\n json://127.0.0.1:9/a\t"
                                "mailtos://u:p@mail.example.org?to=a@x.org,b@x.org;wecombot://KEY1 ")
    urls = alert_urls(["json://127.0.0.1:9/a", "jsons://hooks.example.org/x", "", "wecombot://KEY9"])
    assert urls == [
        "wecombot://KEY1",
        "dingtalk://TOK2/",
        "json://127.0.0.1:9/a",
        "mailtos://u:p@mail.example.org?to=a@x.org,b@x.org",  # recipient list kept whole
        "jsons://hooks.example.org/x",
        "wecombot://KEY9",
    ]


def test_alert_urls_empty(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert alert_urls() == []
    assert alert_urls(None) == []
    monkeypatch.setenv(ENV_VAR, "  ;, ")
    assert alert_urls(["json://127.0.0.1:9/a"]) == ["json://127.0.0.1:9/a"]


# ======================================================================================
# send_alert against real receivers
# ======================================================================================
def test_webhook_one_post_per_url(hook):
    title, body = compose_alert(draft_summary())
    urls = [hook.url("json", "/office-a"), hook.url("json", "/office-b")]
    result = send_alert(urls, title, body, timeout=5)
    assert isinstance(result, AlertResult)
    assert result.ok and result.failed == [] and result.errors == []
    assert len(result.sent) == 2
    # send_alert returns once each POST was answered, and the receiver records a request before answering:
    # exactly these two, no retries or duplicates to wait for
    assert sorted(r.path for r in hook.requests) == ["/office-a", "/office-b"]
    assert all(r.method == "POST" for r in hook.requests)
    for req in hook.requests:
        payload = req.json()
        assert payload["title"] == title
        for text in ("华容县", "2021年上半年", "1267", "1298"):
            assert text in payload["message"], text


def test_wecom_bot_payload_shape(hook, monkeypatch, caplog):
    """apprise's wecombot plugin, retargeted from qyapi.weixin.qq.com to the local receiver."""
    from apprise.plugins.wecombot import NotifyWeComBot

    monkeypatch.setattr(NotifyWeComBot, "notify_url", hook.base_url + "/cgi-bin/webhook/send?key={key}")
    key = "wecomKEY0a1b2c3d4e5f6g7h8i9"
    caplog.set_level(TRACE)
    title, body = compose_alert(draft_summary())
    result = send_alert([f"wecombot://{key}"], title, body, timeout=5)
    assert result.ok, result.errors
    (req,) = hook.wait_for(1)
    assert req.path == "/cgi-bin/webhook/send" and req.query == {"key": [key]}
    payload = req.json()
    assert payload["msgtype"] == "text"
    content = payload["text"]["content"]
    assert content == f"{title}\r\n{body}"
    assert len(content.encode()) <= MAX_MESSAGE_BYTES
    assert "1267" in content and "1298" in content
    # apprise logs the full endpoint (with ?key=) at DEBUG and the raw URL at TRACE; urllib3
    # logs the request line: all of it must come out redacted
    assert key not in caplog.text
    assert key not in repr(result)
    assert any("WeCom Bot" in r.getMessage() for r in caplog.records)


def test_dingtalk_bot_with_secret_payload_shape(hook, monkeypatch, caplog, capsys):
    from apprise.plugins.dingtalk import NotifyDingTalk

    monkeypatch.setattr(NotifyDingTalk, "notify_url", hook.base_url + "/robot/send?access_token={token}")
    token, secret = "dingTOKEN1122334455667788", "SECdingSecret99887766"
    caplog.set_level(TRACE)
    title, body = compose_alert(draft_summary())
    result = send_alert([f"dingtalk://{secret}@{token}/"], title, body, timeout=5)
    assert result.ok, result.errors
    (req,) = hook.wait_for(1)
    assert req.query["access_token"] == [token]
    assert "timestamp" in req.query and "sign" in req.query  # signed with the secret
    payload = req.json()
    assert payload["msgtype"] == "text"
    assert payload["text"]["content"].startswith(title)
    assert "1298" in payload["text"]["content"]
    captured = capsys.readouterr()
    for s in (token, secret):
        assert s not in caplog.text
        assert s not in repr(result)
        assert s not in captured.out + captured.err


def test_json_payload_mapping_wecom_like(hook):
    """Without retargeting: apprise's json:// can rename/drop/add top-level keys
    (``:old=new``, ``:old=`` drops, ``:new=value`` adds) but cannot nest them, so a WeCom
    ``{"msgtype":"text","text":{"content":...}}`` body cannot be built with it; the
    closest is a flat ``{"msgtype":"text","content":...}``, and the title is dropped."""
    key = "flatKEY998877665544"
    url = hook.url("json", "/cgi-bin/webhook/send",
                   f"-key={key}&:msgtype=text&:message=content&:title=&:version=&:attachments=&:type=")
    title, body = compose_alert(draft_summary())
    result = send_alert([url], title, body, timeout=5)
    assert result.ok, result.errors
    (req,) = hook.wait_for(1)
    assert req.query == {"key": [key]}
    assert req.json() == {"msgtype": "text", "content": body}
    assert key not in repr(result)


def test_email_to_local_smtp(caplog, capsys):
    password = "Sm7p-Passw0rd!x"
    caplog.set_level(TRACE)
    with SMTPReceiver(username="zwgk-bot", password=password) as smtp:
        url = smtp.mailto_url(from_addr="zwgk@example.org", to="gongkai@example.org")
        title, body = compose_alert(draft_summary())
        result = send_alert([url], title, body, timeout=5)
        assert result.ok, result.errors
        (mail,) = smtp.wait_for(1)
        assert smtp.logins == [("zwgk-bot", password)]
    assert mail.rcpt_tos == ["gongkai@example.org"]
    assert mail.mail_from == "zwgk@example.org"
    assert mail.subject == title
    text = mail.text
    for s in ("华容县", "2021年上半年", "1267", "1298", "草稿位置"):
        assert s in text, s
    captured = capsys.readouterr()
    assert password not in caplog.text
    assert password not in repr(result)
    assert password not in captured.out + captured.err


def test_receiver_down_is_reported_not_raised(hook):
    down = f"json://127.0.0.1:{closed_port()}/hook"
    up = hook.url("json", "/hook")
    started = time.monotonic()
    result = send_alert([down, up], "标题", "正文", timeout=3)
    elapsed = time.monotonic() - started
    assert elapsed < 3
    assert len(result.failed) == 1 and "127.0.0.1" in result.failed[0]
    assert len(result.sent) == 1
    assert len(result.errors) == 1 and "发送失败" in result.errors[0]
    assert not result.ok
    assert len(hook.wait_for(1)) == 1


def test_receiver_error_status_is_failed():
    with WebhookReceiver(status=500, response_body={"error": "boom"}) as broken:
        result = send_alert([broken.url("json", "/hook")], "标题", "正文", timeout=3)
        assert len(broken.wait_for(1)) == 1
    assert result.sent == [] and len(result.failed) == 1
    assert "500" in result.errors[0]


def test_receiver_that_hangs_is_bounded_by_timeout():
    """Accepts TCP connections but never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        result = send_alert([f"json://127.0.0.1:{port}/hook"], "标题", "正文", timeout=1)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in accepted:
            conn.close()
        listener.close()
    assert elapsed < 2.5
    assert result.sent == [] and len(result.failed) == 1
    assert result.errors


def test_invalid_urls_are_reported_not_raised(hook):
    urls = ["not a url", "wecombot://", "nosuchscheme://abcdef123456", "dingtalk://bad token!/",
            hook.url("json", "/ok")]
    result = send_alert(urls, "标题", "正文", timeout=3)
    assert len(result.sent) == 1
    assert len(result.failed) == 4 and len(result.errors) == 4
    assert all("地址无效" in e for e in result.errors)
    assert "abcdef123456" not in repr(result)


def test_no_urls():
    assert send_alert([], "标题", "正文") == AlertResult()


def test_secrets_never_logged_or_returned(hook, caplog, capsys):
    user, password, token = "alertuser", "P4ssw0rd-Very-Secret", "tok3nABCDEF123456"
    down_key = "downKEY5566778899"
    hidden = "hiddenTOKEN424242"
    urls = [
        hook.url("json", "/secure", f"-token={token}").replace("json://", f"json://{user}:{password}@"),
        f"json://127.0.0.1:{closed_port()}/hook?-key={down_key}",
        f"nosuchscheme://{hidden}",
    ]
    caplog.set_level(TRACE)
    result = send_alert(urls, "标题", "正文", timeout=3)
    assert len(result.sent) == 1 and len(result.failed) == 2
    (req,) = hook.wait_for(1)
    # the secrets did reach the receiver...
    assert req.query["token"] == [token]
    assert req.headers["Authorization"] == "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    # ...and nowhere else
    captured = capsys.readouterr()
    texts = [repr(result), json.dumps(result.__dict__, ensure_ascii=False), caplog.text,
             captured.out, captured.err]
    texts += [r.getMessage() + (r.exc_text or "") for r in caplog.records]
    for secret in (password, token, down_key, hidden):
        for text in texts:
            assert secret not in text
    assert caplog.records, "apprise/urllib3 should have logged at TRACE/DEBUG"


def test_redact_url():
    assert "abc123secretKEY" not in redact_url("wecombot://abc123secretKEY")
    assert "pw-XYZ" not in redact_url("mailtos://user:pw-XYZ@smtp.example.org?to=a@x.org")
    assert redact_url("json://127.0.0.1:8080/hook") == "json://127.0.0.1:8080/hook"
    assert "S3cr3tV4lue" not in redact_url("json://h/p?-key=S3cr3tV4lue&+X-Token=S3cr3tV4lue")
    assert redact_url("no url") == "***"
