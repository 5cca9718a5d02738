"""Discovery tells columns from pages (docs/crawler.md, "Discovery"): a 政务公开 page linking a column,
a guide, a search page robots.txt forbids and an application form gives one column to crawl and three
links for the office to confirm — never an incomplete or blank column, never a draft for them."""

from __future__ import annotations

from flows.ingest.crawler.config import load_crawl_config, write_config
from flows.ingest.crawler.discovery import discover_config
from data.demo.portal import serve_directory

ZWGK = """<html><body><div class="zwgk"><h4>县政府信息公开</h4><ul>
<li><a href="/zwgk/tzgg/index.html">通知公告</a></li>
<li><a href="/zwgk/zn/index.html">政府信息公开指南</a></li>
<li><a href="/search/index.html">站内搜索</a></li>
<li><a href="/zwgk/ysq/index.html">依申请公开</a></li>
<li><a href="/zwgk/kong/index.html">人事信息</a></li>
<li><a href="http://zwfw.sheng.example/ysq/index.html">网上申请平台</a></li>
</ul></div><div class="footer"><a href="http://www.gov.cn/">中国政府网</a></div></body></html>"""
LIST = """<html><body><div class="list_right"><ul>
<li><a href="/zwgk/tzgg/a1.html" title="关于甲的通知">关于甲的通知</a><span>2024-03-01</span></li>
<li><a href="/zwgk/tzgg/a2.html" title="关于乙的通知">关于乙的通知</a><span>2024-02-20</span></li>
<li><a href="/zwgk/tzgg/a3.html" title="关于丙的通知">关于丙的通知</a><span>2024-01-08</span></li>
</ul></div></body></html>"""
GUIDE = "<html><body><h1>政府信息公开指南</h1><p>为了更好地开展政府信息公开工作……</p><p>联系电话：0730-1234567</p></body></html>"
FORM = """<html><body><h1>政府信息公开申请</h1><form action="/apply" method="post">
<input name="name" type="text"><input name="phone" type="text"><input name="id" type="text">
<textarea name="content"></textarea><input type="submit" value="提交"></form></body></html>"""
EMPTY = """<html><body><div class="list_right"><ul><li class="empty">暂无信息</li></ul>
<div class="page">共0条 1/1页</div></div></body></html>"""


def _site(tmp_path):
    site = tmp_path / "site"
    for rel, html in {"zwgk/index.html": ZWGK, "zwgk/tzgg/index.html": LIST, "zwgk/zn/index.html": GUIDE,
                      "zwgk/ysq/index.html": FORM, "zwgk/kong/index.html": EMPTY,
                      "search/index.html": "<html><body><form><input name='q'></form></body></html>"}.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(html, encoding="utf-8")
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /search/\n", encoding="utf-8")
    return site


def test_without_a_preset_the_family_is_chosen_from_the_pages_and_said(tmp_path):
    with serve_directory(_site(tmp_path)) as base:
        found = discover_config(None, base + "/zwgk/index.html", rate=500, county="测试县")
    # no CMS's signs on these pages: the generic reading, which still finds the list and the empty column
    assert found.preset == "generic" and "自动选择" in found.preset_reason
    assert [c.name.split("/")[-1] for c in found.columns] == ["通知公告", "人事信息"]


def test_discovery_classes_every_link_and_keeps_only_columns(tmp_path):
    site = _site(tmp_path)
    with serve_directory(site) as base:
        found = discover_config("trs", base + "/zwgk/index.html", rate=500, county="测试县")
    by_name = {c.name.split("/")[-1]: c for c in [*found.columns, *found.links]}
    assert [c.name.split("/")[-1] for c in found.columns] == ["通知公告", "人事信息"]  # the empty list is a column
    assert by_name["人事信息"].reason.startswith("列表页") and "为空" in by_name["人事信息"].reason
    assert (by_name["政府信息公开指南"].kind, by_name["站内搜索"].kind, by_name["依申请公开"].kind) == \
        ("single_page", "search", "form")
    assert "robots" in by_name["站内搜索"].reason  # judged by its words: the page was never fetched
    # another site's page named in a section: external, for the office; the footer's links are not listed
    assert by_name["网上申请平台"].kind == "external" and "zwfw.sheng.example" in by_name["网上申请平台"].reason
    assert "中国政府网" not in by_name
    # written for the office with a reason each, and read back the same; a link moved by hand is a column
    path = write_config(found, tmp_path / "ceshi_portal.toml")
    text = path.read_text(encoding="utf-8")
    assert text.count("[[links]]") == 4 and 'kind = "search"' in text and 'kind = "external"' in text
    again = load_crawl_config(path)
    assert [(c.name, c.kind) for c in again.links] == [(c.name, c.kind) for c in found.links]
    moved = path.read_text(encoding="utf-8").replace('kind = "single_page"', 'kind = "column"')
    path.write_text(moved, encoding="utf-8")
    assert "政府信息公开指南" in {c.name.split("/")[-1] for c in load_crawl_config(path).columns}
