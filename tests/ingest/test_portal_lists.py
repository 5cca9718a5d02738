"""Every list read, or said unread (issue 20; docs/crawler.md, "Every list read, or said unread"):
a column read short of the total its pager states is incomplete; a list whose rows a script draws
from an API is read through the API when the config describes it, else incomplete with the API
named; a list is blank only when the page states zero or shows an empty list. Each case crawls a
real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "crawler_fixtures"))

from fault_server import Resp, serve  # noqa: E402

from flows.ingest.crawler.config import Column, ConfigError, config_from_dict, make_config  # noqa: E402
from flows.ingest.crawler.config.writing import config_to_toml  # noqa: E402
from flows.ingest.crawler.crawl import crawl  # noqa: E402

FAST = dict(rate=1000.0, backoff=0.01, max_backoff=0.05, retries=1, timeout=2.0, total_timeout=5.0, concurrency=1)


def rows(links: list[tuple[str, str]], date: str = "2021-03-05") -> str:
    return "".join(f'<li><a href="{h}" title="{t}">{t}</a><span>{date}</span></li>' for h, t in links)


def page(body: str, script: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'><title>工作动态</title></head><body>{body}"
            f"{f'<script>{script}</script>' if script else ''}</body></html>")


def article(title: str) -> str:
    return (f"<html><head><meta charset='utf-8'><meta name='ArticleTitle' content='{title}'></head><body>"
            f"<div id='zoom'><p>{'　　正文。' * 20}</p></div></body></html>")


def run(srv, tmp_path, path: str = "/col/index.html", preset: str = "trs", **overrides):
    cfg = make_config(preset, srv.base, columns=[Column("甲", srv.base + path, "dynamics")],
                      politeness=FAST, **overrides)
    res = crawl(cfg, tmp_path)
    return next(c for c in res.columns if c.name == "甲")


def articles(req):
    return Resp(200, article(req.path))


def test_a_column_read_short_of_its_stated_total_is_incomplete(tmp_path):
    links = [(f"/a/{i}.html", f"信息{i}") for i in range(3)]
    head = page(f"<div class='list'><ul>{rows(links)}</ul></div><div class='page'>共5条 1/1页</div>")
    with serve({"/col/index.html": Resp(200, head), "*": articles}) as srv:
        col = run(srv, tmp_path)
    assert col.items == 3 and col.incomplete == "count_short" and not col.complete
    assert "共5条" in col.reason and "3条" in col.reason


def test_a_column_that_holds_its_stated_total_is_complete(tmp_path):
    links = [(f"/a/{i}.html", f"信息{i}") for i in range(3)]
    head = page(f"<div class='list'><ul>{rows(links)}</ul></div><div class='page'>共3条 1/1页</div>")
    with serve({"/col/index.html": Resp(200, head), "*": articles}) as srv:
        col = run(srv, tmp_path)
    assert col.items == 3 and col.complete and col.incomplete is None


def test_static_pages_then_an_api_the_preset_does_not_know_are_said_unread(tmp_path):
    """TRS 'trt': the first pages static, the rest from a search API; pageChnlInfo states the total."""
    links = [(f"/a/{i}.html", f"信息{i}") for i in range(4)]
    script = ("var pageChnlInfo = {chnlId: 123, recordCount: 9, pageSize: 4};"
              "$.ajax({url: '/fjdzapp/search', type: 'POST', data: {chnl: 123}});")
    head = page(f"<div class='list'><ul>{rows(links)}</ul></div>", script)
    with serve({"/col/index.html": Resp(200, head), "*": articles}) as srv:
        col = run(srv, tmp_path)
    assert col.items == 4 and col.incomplete == "list_from_api" and not col.complete
    assert "/fjdzapp/search" in col.reason and "共9条" in col.reason


def test_a_list_drawn_by_script_is_unread_not_blank(tmp_path):
    head = page("<div class='list'><ul id='rows'></ul></div>",
                "$.getJSON('/api/list?chnl=7&page=1', function (d) { /* rows */ });")
    with serve({"/col/index.html": Resp(200, head), "*": articles}) as srv:
        col = run(srv, tmp_path, preset="generic")
    assert col.items == 0 and col.incomplete == "list_from_api" and "/api/list?chnl=7&page=1" in col.reason


def test_a_page_with_no_list_it_can_read_is_unread_not_blank(tmp_path):
    head = page("<div class='main'><p>栏目建设中</p><a href='/x.html'>说明</a></div>")
    with serve({"/col/index.html": Resp(200, head), "*": articles}) as srv:
        col = run(srv, tmp_path, preset="generic")
    assert col.items == 0 and col.incomplete == "list_unread" and "zwgk inspect" in col.reason


@pytest.mark.parametrize("body", ["<div class='list'><ul></ul></div>", "<div class='main'>暂无信息</div>",
                                  "<div class='main'><ul></ul><div class='page'>共0条</div></div>"])
def test_a_list_stated_or_shown_empty_is_blank_and_complete(body, tmp_path):
    with serve({"/col/index.html": Resp(200, page(body)), "*": articles}) as srv:
        col = run(srv, tmp_path)
    assert col.items == 0 and col.complete and col.incomplete is None


def test_a_json_api_described_in_the_config_is_read_to_its_total(tmp_path):
    total = 7

    def api(req):
        q = dict(p.split("=") for p in req.path.split("?", 1)[1].split("&"))
        n = int(q["page"])
        assert q["chnl"] == "42"
        start = (n - 1) * 3
        data = [{"title": f"接口信息{i}", "link": f"/a/api{i}.html", "pubDate": "2021-04-0" + str(1 + i % 9)}
                for i in range(start, min(start + 3, total))]
        return Resp(200, json.dumps({"result": {"rows": data, "count": total}}), content_type="application/json")

    head = page("<div class='list'><ul id='rows'></ul></div>", "var chnlId = '42'; $.get('/api/list');")
    api_spec = {"url": "/api/list?chnl={id}&page={page}&size={size}", "page_size": 3, "items_path": "result.rows",
                "total_path": "result.count", "url_key": "link", "date_key": "pubDate",
                "id_regex": r"chnlId\s*=\s*'(\d+)'"}
    with serve({"/col/index.html": Resp(200, head), "/api/list": api, "*": articles}) as srv:
        col = run(srv, tmp_path, preset="generic", paging={"kind": "api", "api": api_spec})
        api_calls = [e for e in srv.log if e["path"].startswith("/api/list")]
    assert col.items == total and col.complete and len(api_calls) == 3  # 3 + 3 + 1, then the total is reached


def test_an_api_answer_that_is_not_json_makes_the_column_incomplete(tmp_path):
    head = page("<div class='list'><ul></ul></div>")
    spec = {"url": "/api/list?page={page}"}
    with serve({"/col/index.html": Resp(200, head), "/api/list": Resp(200, "<html>维护中</html>"),
                "*": articles}) as srv:
        col = run(srv, tmp_path, preset="generic", paging={"kind": "api", "api": spec})
    assert col.incomplete == "api_unreadable" and "JSON" in col.reason


def test_the_api_table_is_checked_and_written_back():
    base = {"portal": {"name": "x", "base_url": "http://x.gov.cn", "preset": "generic", "allowed_hosts": ["x.gov.cn"]}}
    with pytest.raises(ConfigError, match="paging.api"):
        config_from_dict({**base, "paging": {"kind": "api"}}, "x.toml")
    with pytest.raises(ConfigError, match="未知的键 'rows'"):
        config_from_dict({**base, "paging": {"kind": "api", "api": {"url": "/a", "rows": "x"}}}, "x.toml")
    with pytest.raises(ConfigError, match="page_size"):
        config_from_dict({**base, "paging": {"kind": "api", "api": {"url": "/a", "page_size": 0}}}, "x.toml")
    cfg = config_from_dict({**base, "paging": {"kind": "api", "api": {"url": "/a?p={page}", "page_size": 5}}}, "x.toml")
    import tomllib

    again = tomllib.loads(config_to_toml(cfg))
    assert again["paging"]["api"] == {"url": "/a?p={page}", "page_size": 5}


def test_the_api_table_declares_exactly_the_api_spec_keys_with_its_defaults():
    """[paging.api] is validated by config/validation.py ``ApiTable`` and read by parse/api_lists.py ``ApiSpec``:
    the two declare the same keys and defaults (config cannot import parse), so neither drifts unnoticed."""
    from dataclasses import fields

    from flows.ingest.crawler.config.validation import ApiTable
    from flows.ingest.crawler.parse.api_lists import ApiSpec

    spec = {f.name: (f.default_factory() if callable(f.default_factory) else f.default) for f in fields(ApiSpec)}
    table = {name: f.get_default(call_default_factory=True) for name, f in ApiTable.model_fields.items()}
    assert table == spec
