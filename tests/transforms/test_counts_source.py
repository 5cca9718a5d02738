"""Where the unit counts come from ([counts] source), TRS pager variants, and columns read only in part.
Plain functions and SQL models, no Prefect."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flows.domain.config import ConfigError, load_config
from flows.ingest.crawler.config import Column, make_config
from flows.ingest.crawler.crawl import crawl
from data.demo.portal import serve_directory
from flows.ingest.crawler.parse import parse_list
from flows.steps.init_county import guess_unit
from flows.domain.registry import load_registry
from transforms.loaders import load_county, load_crawl, load_registry as load_registry_into
from transforms import runner

ITEM = '<li><a href="./202101/t20210105_{n}.html" title="信息{n}">信息{n}</a><span>2021-01-05</span></li>'


def _list(n: int, pager: str) -> str:
    return f'<html><body><div class="list"><ul>{ITEM.format(n=n)}</ul></div>{pager}</body></html>'


@pytest.mark.parametrize("pager, count", [
    ('<script>var currentPage = 0;//所在页从0开始\nvar countPage = 3//共多少页\n'
     'createPageHTML(countPage, currentPage, "index", "html");</script>', 3),
    ("<script>var maxPageNum = 4; var currentPage = 0;</script>", 4),
    ('<div class="page">共5页 当前第1页</div>', 5),
    ("<script>createPageHTML( 2 , 0 , 'index' , 'html' );</script>", 2),
])
def test_trs_page_counts_in_every_variant(pager, count):
    page = parse_list(_list(1, pager), "http://x.gov.cn/col/index.html", make_config("trs", "http://x.gov.cn"))
    assert page.page_count == count and page.pager_problem is None
    assert page.page_urls == [f"http://x.gov.cn/col/index_{n}.html" for n in range(1, count)]


@pytest.mark.parametrize("pager, problem", [
    ('<script>createPageHTML(getTotal(), 0, "index", "html");</script>', "总页数无法读取"),
    ('<a href="javascript:goPage(2)">下一页</a>', "脚本跳转"),
    ("", None),  # no pager at all: a one-page column
    ('<a href="index_1.html">下一页</a>', None),  # plain next links are followed
])
def test_unreadable_pagers_are_named(pager, problem):
    page = parse_list(_list(1, pager), "http://x.gov.cn/col/index.html", make_config("trs", "http://x.gov.cn"))
    assert (page.pager_problem is None) if problem is None else (problem in page.pager_problem)


def _site(root: Path) -> None:
    article = ('<html><head><meta name="ArticleTitle" content="信息{n}"></head><body><div class="xxgk_table">'
               '<table><tr><td>发布机构：</td><td>某县财政局</td><td>发布日期：</td><td>2021-01-05</td></tr></table></div>'
               '<div class="TRS_Editor"><p>正文{n}，测试夹具。</p></div></body></html>')
    pages = {
        "ok/index.html": _list(1, '<script>var countPage = 2//共多少页\ncreatePageHTML(countPage, 0, "index", "html");</script>'),
        "ok/index_1.html": _list(2, '<script>var countPage = 2//共多少页\ncreatePageHTML(countPage, 1, "index", "html");</script>'),
        "script/index.html": _list(3, '<script>createPageHTML(getTotal(), 0, "index", "html");</script>'),
        "gap/index.html": _list(4, "<script>var countPage = 3\ncreatePageHTML(countPage, 0, 'index', 'html');</script>"),
        "gap/index_2.html": _list(5, "<script>var countPage = 3\ncreatePageHTML(countPage, 2, 'index', 'html');</script>"),
    }
    for n in range(1, 6):
        for col in ("ok", "script", "gap"):
            pages[f"{col}/202101/t20210105_{n}.html"] = article.format(n=n)
    for rel, text in pages.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def test_a_column_whose_pager_cannot_be_read_is_incomplete_not_complete(tmp_path):
    _site(tmp_path / "site")
    with serve_directory(tmp_path / "site") as base:
        cfg = make_config("trs", base, rate=500, columns=[
            Column("可读", f"{base}/ok/index.html"), Column("脚本分页", f"{base}/script/index.html"),
            Column("缺页", f"{base}/gap/index.html")])
        result = crawl(cfg, tmp_path / "store")
    status = {c.name: (c.status, c.reason) for c in result.columns}
    assert status["可读"] == ("ok", None)
    assert status["脚本分页"][0] == "partial" and "分页无法识别" in status["脚本分页"][1]
    assert status["缺页"][0] == "partial" and "第2页不存在" in status["缺页"][1]
    assert result.summary.columns_incomplete == 2
    from flows.ingest.crawler.store import CrawlStore

    with CrawlStore(tmp_path / "store") as store:  # the next crawl pages these columns again
        state = store.column_state(f"{base}/script/index.html")
        assert not state["complete_crawl"] and state["status"] == "partial"
        assert store.column_state(f"{base}/ok/index.html")["complete_crawl"] == result.summary.crawl_id


def _crawled(con, slug: str, crawl_id: str, items: list[tuple[str, str, str]]) -> None:
    load_crawl(con, county_slug=slug, crawl_id=crawl_id, summary={}, portal="某县人民政府门户网站", items=[
        {"url": f"http://x/{i}.html", "title": f"信息{i}", "unit_raw": unit, "column": "动态", "publish_date": day,
         "repost_of": repost} for i, (unit, day, repost) in enumerate(items)])


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_counts_source_auto_reported_or_crawl_and_the_reconciliation_keeps_both(seed_path, registry_path):
    from flows.steps.pipeline import ingest_file

    con = runner.connect(":memory:")
    slug = "huarong"
    load_registry_into(con, load_registry(registry_path, "华容县"), slug)
    load_county(con, county_slug=slug, county="华容县", counts_source="auto", portal="某县人民政府门户网站")
    _crawled(con, slug, "c1", [("华容县财政局", "2021-08-02", None), ("财政局", "2021-09-01", None),
                               ("华容县财政局", "2021-09-02", "http://x/0.html"),  # a repost: counts once
                               ("县融媒体中心", "2021-10-08", None), ("华容县公安局", "2021-06-30", None)])
    ingest_file(con, seed_path, county_slug=slug, county="华容县")

    def marts(period):
        runner.run_marts(con, slug, period)
        rows = runner.execute(con, "SELECT unit, count, rank, counts_source FROM unit_period_counts "
                                   "WHERE county_slug = $s AND period = $p", {"s": slug, "p": period})
        return {u: (c, r, s) for u, c, r, s in rows}

    h2 = marts("2021H2")  # no bulletin for H2: every registered unit valid in H2, from the crawl
    assert h2["财政局"] == (2, 1, "crawl") and h2["公安局"][0] == 0
    assert "乡村振兴局" in h2 and "扶贫办" not in h2  # registry validity: 扶贫办 ended 2021-06-30
    assert len([u for u in h2 if u != "县融媒体中心"]) == len(h2)  # the unknown publisher is not a row
    totals = runner.execute(con, "SELECT source_kind, sum_of_tables, stated_in_text FROM period_totals "
                                 "WHERE county_slug = $s AND period = '2021H2'", {"s": slug})
    assert totals == [("crawl", 2, None)]
    unknown = runner.query(con, "crawl_unknown_units", county_slug=slug, period_start=date(2021, 7, 1),
                           period_end=date(2021, 12, 31))
    assert unknown.to_dict("records")[0]["unit_raw"] == "县融媒体中心"

    assert marts("2021Q3")["财政局"][0] == 2 and marts("2021-08")["财政局"][0] == 1  # quarters, months alike
    assert marts("2021-10")["自然资源局"] == (0, 1, "crawl")  # only 县融媒体中心 published: zeros, by display order
    h1 = marts("2021H1")  # the seed's tables are loaded: they stay the bulletin's
    assert h1["自然资源局"] == (179, 1, "reported")
    assert runner.scalar(con, "SELECT count(*) FROM reconciliation WHERE period = '2021H1'") == 50

    load_county(con, county_slug=slug, county="华容县", counts_source="crawl")
    h1 = marts("2021H1")  # forced to the crawl: the portal's counts, the seed only in the reconciliation
    assert h1["公安局"] == (1, 1, "crawl") and h1["自然资源局"][0] == 0
    rec = runner.execute(con, "SELECT reported, crawled FROM reconciliation WHERE period = '2021H1' "
                              "AND unit = '自然资源局'")
    assert rec == [(179, 0)]
    assert runner.query(con, "rows_to_validate", county_slugs=[slug], period="2021H1").empty

    load_county(con, county_slug=slug, county="华容县", counts_source="reported")
    assert marts("2021H2") == {}
    con.close()


def test_no_data_message_says_what_each_source_lacks(tmp_path, registry_path):
    from flows.steps.pipeline import no_data_message

    wh = tmp_path / "wh.duckdb"
    con = runner.connect(wh)
    load_county(con, county_slug="x", county="某县", counts_source="auto")
    runner.run_marts(con, "x", "2030H1")
    con.close()
    message = no_data_message(wh, "x", "2030H1")
    assert "2030H1" in message and "通报或单位报送表" in message and "门户采集数据" in message


def test_config_counts_source_and_latest_default_period(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('county = "某县"\nslug = "x"\ndefault_period = "latest"\n[counts]\nsource = "crawl"\n',
                    encoding="utf-8")
    cfg = load_config(path)
    assert cfg.counts_source == "crawl" and cfg.default_period == "latest"
    path.write_text('county = "某县"\nslug = "x"\n[counts]\nsource = "portal"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="counts.source 应为 auto / crawl / reported"):
        load_config(path)
    path.write_text('county = "某县"\nslug = "x"\ndefault_period = "latest:week"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="default_period"):
        load_config(path)


@pytest.mark.parametrize("printed, expected", [
    ("青溪县财政局", ("财政局", "县直部门")), ("青溪县白沙镇人民政府", ("白沙镇", "乡镇")),
    ("河东街道办事处", ("河东街道", "乡镇")), ("石门乡", ("石门乡", "乡镇")),
    ("青溪县乡村振兴局", ("乡村振兴局", "县直部门")),  # 乡 inside a name is not a township
])
def test_guess_unit_for_a_drafted_registry(printed, expected):
    assert guess_unit(printed, "青溪县") == expected
