"""Fetcher faults against real local HTTP servers: retries, timeouts, caps, encodings, robots, WAF."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "crawler_fixtures"))

from fault_server import Resp, drip, huge, serve, sleep_then, truncated  # noqa: E402

from flows.ingest.crawler.config import Column, Politeness, make_config  # noqa: E402
from flows.ingest.crawler.crawl import crawl  # noqa: E402
from flows.ingest.crawler.fetch import Fetcher  # noqa: E402
from flows.ingest.crawler.pages import classify_page, decode_body  # noqa: E402
from flows.ingest.crawler.store import CrawlStore  # noqa: E402

FAST = dict(rate=1000.0, backoff=0.01, max_backoff=0.05, retries=3, timeout=2.0, total_timeout=5.0)
PAGE = "<html><head><title>正常页面</title></head><body><div id='zoom'>" + "政务公开正文。" * 80 + "</div></body></html>"


def fetcher(server, store=None, **kw) -> Fetcher:
    return Fetcher(Politeness(**{**FAST, **kw}), [server.netloc], store=store)


def test_retry_on_503_then_success():
    with serve({"/a": [Resp(503, "busy"), Resp(503, "busy"), Resp(200, PAGE)]}) as srv, fetcher(srv) as f:
        res = f.fetch(srv.base + "/a")
        assert res.outcome == "ok" and res.status == 200
        assert srv.hits("/a") == 3
        assert f.counters.get("retries") == 2


def test_no_retry_on_4xx():
    with serve({"/gone": Resp(404, "<title>404</title>"), "/bad": Resp(400, "bad request")}) as srv, fetcher(srv) as f:
        assert f.fetch(srv.base + "/gone").outcome == "missing"
        assert f.fetch(srv.base + "/bad").outcome == "error"
        assert srv.hits("/gone") == 1 and srv.hits("/bad") == 1


def test_5xx_gives_up_after_retries():
    with serve({"/down": Resp(502, "bad gateway")}) as srv, fetcher(srv, retries=2) as f:
        res = f.fetch(srv.base + "/down")
        assert res.outcome == "error" and "502" in res.reason
        assert srv.hits("/down") == 3


def test_timeout_is_retried_then_reported():
    with serve({"/slow": sleep_then(0.6, Resp(200, PAGE))}) as srv, fetcher(srv, timeout=0.2, retries=1) as f:
        t0 = time.monotonic()
        res = f.fetch(srv.base + "/slow")
        assert res.outcome == "error" and "超时" in res.reason
        assert srv.hits("/slow") == 2
        assert time.monotonic() - t0 < 3


def test_slow_drip_hits_total_deadline():
    # each byte arrives well within the read timeout, but the whole response takes too long
    with serve({"/drip": drip(40, 0.05)}) as srv, fetcher(srv, timeout=1.0, total_timeout=0.4, retries=0) as f:
        res = f.fetch(srv.base + "/drip")
        assert res.outcome == "error" and "超时" in res.reason


def test_slow_but_in_time_is_fine():
    with serve({"/s": sleep_then(0.15, Resp(200, PAGE))}) as srv, fetcher(srv, timeout=1.0) as f:
        assert f.fetch(srv.base + "/s").outcome == "ok"


def test_truncated_body_is_retried():
    full = PAGE.encode("utf-8")
    with serve({"/t": [truncated(full, 100), Resp(200, PAGE)], "/always": truncated(full, 50)}) as srv, \
            fetcher(srv, retries=2) as f:
        res = f.fetch(srv.base + "/t")
        assert res.outcome == "ok" and res.body == full
        bad = f.fetch(srv.base + "/always")
        assert bad.outcome == "error" and bad.body is None
        assert srv.hits("/always") == 3


@pytest.mark.parametrize("with_length", [True, False])
def test_huge_response_is_capped(with_length, tmp_path):
    with serve({"/big": huge(20_000_000, with_length)}) as srv, CrawlStore(tmp_path) as store, \
            fetcher(srv, store=store, max_bytes=1_000_000) as f:
        res = f.fetch(srv.base + "/big")
        assert res.outcome == "too_large" and res.body is None
        assert srv.hits("/big") == 1  # not retried
        assert f.counters.get("bytes") < 1_200_000
        assert store.get(srv.base + "/big").outcome == "too_large"


GBK_META_ONLY = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
                 '<title>团洲乡人民政府</title></head><body><p>鲇鱼须镇　信息公开</p></body></html>').encode("gbk")


def test_encodings_via_http():
    routes = {
        "/utf8": Resp(200, "<title>通知公告</title>", content_type="text/html; charset=utf-8"),
        "/gbk-meta": Resp(200, GBK_META_ONLY, content_type="text/html"),
        "/gbk-none": Resp(200, "<html><title>公开年报</title><p>鲇鱼须镇</p></html>".encode("gbk"), content_type="text/html"),
        "/latin1-header": Resp(200, GBK_META_ONLY, content_type="text/html; charset=ISO-8859-1"),
        "/gbk-header": Resp(200, "<title>政策文件</title>".encode("gb18030"), content_type="text/html; charset=GBK"),
        "/wrong-utf8-header": Resp(200, GBK_META_ONLY, content_type="text/html; charset=utf-8"),
    }
    with serve(routes) as srv, fetcher(srv) as f:
        assert "通知公告" in f.fetch(srv.base + "/utf8").text
        r = f.fetch(srv.base + "/gbk-meta")
        assert "团洲乡人民政府" in r.text and "鲇鱼须镇" in r.text and r.encoding == "gb18030"
        r = f.fetch(srv.base + "/gbk-none")
        assert "鲇鱼须镇" in r.text and r.encoding == "gb18030"
        assert "团洲乡" in f.fetch(srv.base + "/latin1-header").text
        assert "政策文件" in f.fetch(srv.base + "/gbk-header").text
        assert "团洲乡" in f.fetch(srv.base + "/wrong-utf8-header").text


def test_decode_body_rules():
    assert decode_body("通知".encode("utf-8-sig"), "text/html; charset=gbk")[0] == "通知"  # BOM wins
    assert decode_body("<meta charset='GB2312'>通知".encode("gbk"))[1] == "gb18030"
    text, enc = decode_body(b"plain ascii", "text/html; charset=iso-8859-1")
    assert text == "plain ascii" and enc in ("iso8859-1", "latin-1", "iso-8859-1")
    # GB18030-only characters survive a GB2312 declaration
    assert decode_body('<meta charset="gb2312">𠀀'.encode("gb18030"))[0].endswith("𠀀")


def test_redirects_on_host_followed_off_host_external():
    routes = {"/moved": Resp(301, "", headers={"Location": "/here"}), "/here": Resp(200, PAGE),
              "/away": Resp(302, "", headers={"Location": "http://localhost:1/steal"})}
    with serve(routes) as srv, fetcher(srv) as f:
        r = f.fetch(srv.base + "/moved")
        assert r.outcome == "ok" and r.final_url.endswith("/here")
        r = f.fetch(srv.base + "/away")
        assert r.outcome == "external" and "localhost" in r.final_url
        r = f.fetch("http://example.org/x")
        assert r.outcome == "external"
        assert all("steal" not in e["path"] for e in srv.log)


def test_robots_disallow_is_never_fetched(tmp_path):
    routes = {"/robots.txt": Resp(200, "User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
              "/private/a.html": Resp(200, PAGE), "/public/a.html": Resp(200, PAGE)}
    with serve(routes) as srv, CrawlStore(tmp_path) as store, fetcher(srv, store=store) as f:
        assert f.fetch(srv.base + "/private/a.html").outcome == "robots"
        assert f.fetch(srv.base + "/public/a.html").outcome == "ok"
        assert srv.hits("/private/a.html") == 0
        assert srv.hits("/robots.txt") == 1  # fetched once per host


def test_robots_agent_specific_and_missing():
    routes = {"/robots.txt": Resp(200, "User-agent: zwgk-crawler\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
                                  content_type="text/plain"), "/a": Resp(200, PAGE)}
    with serve(routes) as srv, fetcher(srv) as f:
        assert f.fetch(srv.base + "/a").outcome == "robots"
    with serve({"/a": Resp(200, PAGE)}) as srv, fetcher(srv) as f:  # robots.txt 404: all allowed
        assert f.fetch(srv.base + "/a").outcome == "ok"
    # RFC 9309 §2.3.1.3: any 4xx (401/403 included) means "unavailable": everything allowed
    with serve({"/robots.txt": Resp(403, "no"), "/a": Resp(200, PAGE)}) as srv, fetcher(srv) as f:
        assert f.fetch(srv.base + "/a").outcome == "ok"


JS_CHALLENGE = ("<html><head><script>document.cookie='__jsl_clearance_s=1627;max-age=3600;path=/';"
                "location.href=location.pathname+location.search</script></head><body></body></html>")
COOKIE_RELOAD = "<html><script>document.cookie='t=1';window.location.reload();</script></html>"
SOFT_404 = ("<html><head><title>页面不存在</title></head><body><h1>404</h1>"
            "<p>对不起，您访问的页面不存在或已被删除！</p></body></html>")


def test_waf_and_soft_404_are_recognised():
    routes = {"/jsl": Resp(521, JS_CHALLENGE), "/ruishu": Resp(412, "<html><script src='/x.js'></script></html>"),
              "/cookie": Resp(200, COOKIE_RELOAD), "/soft": Resp(200, SOFT_404),
              "/forbidden": Resp(403, "<title>访问被拒绝</title>网站防火墙"),
              "/cf503": Resp(503, "<title>Just a moment</title>Checking your browser before accessing")}
    with serve(routes) as srv, fetcher(srv) as f:
        assert f.fetch(srv.base + "/jsl").outcome == "blocked"
        assert f.fetch(srv.base + "/ruishu").outcome == "blocked"
        assert f.fetch(srv.base + "/cookie").outcome == "blocked"
        assert f.fetch(srv.base + "/soft").outcome == "missing"
        assert f.fetch(srv.base + "/forbidden").outcome == "blocked"
        assert f.fetch(srv.base + "/cf503").outcome == "blocked"
        assert srv.hits("/jsl") == 1 and srv.hits("/cf503") == 1  # challenges are not retried
    assert classify_page(200, PAGE) == ("ok", None)


def test_blocked_list_is_not_an_empty_column(tmp_path):
    routes = {"/col/index.htm": Resp(200, JS_CHALLENGE), "/col2/index.htm": Resp(200, SOFT_404)}
    with serve(routes) as srv:
        cfg = make_config("yueyang", srv.base, columns=[Column("甲/工作动态", srv.base + "/col/index.htm", "dynamics"),
                                                       Column("乙/通知公告", srv.base + "/col2/index.htm", "notice")],
                          rate=1000)
        res = crawl(cfg, tmp_path)
    status = {c.name: c.status for c in res.columns}
    assert status == {"甲/工作动态": "blocked", "乙/通知公告": "missing"}
    assert res.summary.blocked == 1 and res.summary.missing == 1 and res.summary.columns_failed == 2
    assert res.items == []


def test_user_agent_and_rate_limit():
    with serve({"/r": Resp(200, PAGE)}) as srv, Fetcher(Politeness(rate=5.0, retries=0), [srv.netloc],
                                                         user_agent="zwgk-crawler/0.1 (+政务公开办; 0730-0000000)") as f:
        for _ in range(5):
            assert f.fetch(srv.base + "/r").outcome == "ok"
        times = [e["t"] for e in srv.log]  # robots.txt + 5 pages, all through the limiter
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert len(times) == 6
        assert min(gaps) >= 0.17, gaps  # 5 requests/s: ≥ 0.2 s apart (timer slack allowed)
        ua = srv.log[-1]["headers"]["User-Agent"].encode("latin-1").decode("utf-8")
        assert ua.startswith("zwgk-crawler/0.1") and "政务公开办" in ua


def test_conditional_request_and_304(tmp_path):
    def handler(req):
        if req.headers.get("If-None-Match") == '"v1"':
            return Resp(304, "", headers={"ETag": '"v1"'}, content_type=None)
        return Resp(200, PAGE, headers={"ETag": '"v1"', "Last-Modified": "Mon, 05 Jul 2021 02:00:00 GMT"})

    with serve({"/list": handler}) as srv, CrawlStore(tmp_path) as store, fetcher(srv, store=store) as f:
        first = f.fetch(srv.base + "/list", kind="list")
        prev = store.get(srv.base + "/list")
        assert first.outcome == "ok" and prev.etag == '"v1"' and prev.last_modified
        second = f.fetch(srv.base + "/list", kind="list", conditional=prev)
        assert second.outcome == "not_modified"
        kept = store.get(srv.base + "/list")
        assert kept.sha256 == prev.sha256 and kept.etag == '"v1"'
        assert srv.log[-1]["headers"].get("If-None-Match") == '"v1"'
        assert srv.log[-1]["headers"].get("If-Modified-Since") == "Mon, 05 Jul 2021 02:00:00 GMT"
