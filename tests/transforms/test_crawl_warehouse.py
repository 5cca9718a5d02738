"""Crawled items in the warehouse: dedup, reposts, registry resolution, reconciliation."""

import pytest
from model_fixtures import bulletin, row

from expectations.runner import validate
from flows.steps.pipeline import frames_for
from flows.domain.registry import load_registry
from transforms.loaders import load_crawl, load_parsed, load_registry as load_registry_into
from transforms import runner


def item(url, unit, day, column="工作动态", repost_of=None):
    return {"url": url, "title": f"标题{url}", "unit_raw": unit, "column": column, "column_type": "dynamics",
            "publish_date": day, "doc_date": None, "doc_number": None, "index_number": None, "topic": None,
            "repost_of": repost_of, "fetched_at": "2021-07-01T08:00:00+08:00", "body_text": "正文",
            "format_facts": {"empty_paragraphs": 0}}


@pytest.fixture
def con(registry_path):
    con = runner.connect(":memory:")
    load_registry_into(con, load_registry(registry_path, "华容县"), "huarong")
    load_parsed(con, bulletin([("县直部门", [row("公安局", 2, 1, 1), row("民政局", 1, 2, 2)], 3)], stated_total=3),
                county_slug="huarong", county="华容县", period="2021H1")
    yield con
    con.close()


def _crawl(con, crawl_id, items):
    return load_crawl(con, county_slug="huarong", crawl_id=crawl_id, items=items, summary={"items": len(items)})


def test_dedup_reposts_unknown_units_and_undated(con):
    _crawl(con, "c1", [
        item("/a", "县公安局", "2021-03-01"),
        item("/b", "公安局", "2021-04-01"),
        item("/b-repost", "公安局", "2021-04-01", column="通知公告", repost_of="/b"),  # one item
        item("/c", "民政局", "2021-07-02"),  # outside 2021H1
        item("/d", "火星局", "2021-05-05"),  # unknown publisher: kept, listed
        item("/e", "民政局", None),  # no publish date: recorded, counted in no period
    ])
    _crawl(con, "c2", [item("/a", "公安局", "2021-03-01")])  # the same URL again: one item
    assert _crawl(con, "c2", [item("/z", "公安局", "2021-03-01")]) == 0  # a crawl id loads once
    runner.run_marts(con, "huarong", "2021H1")
    staged = con.execute("SELECT url FROM stg_crawled_items ORDER BY url").fetchall()
    assert [u for (u,) in staged] == ["/a", "/b", "/c", "/d", "/e"]
    crawled = dict(con.execute("SELECT unit, crawled FROM unit_period_crawled WHERE period = '2021H1'").fetchall())
    assert crawled == {"公安局": 2, "火星局": 1}
    rec = runner.query(con, "reconciliation_for_period", county_slugs=["huarong"], period="2021H1")
    got = {r["unit"]: (r["reported"], r["crawled"]) for r in rec.to_dict("records")}
    assert got["公安局"] == (2, 2) and got["民政局"][1] == 0 and got["火星局"][1] == 1
    assert got["火星局"][0] != got["火星局"][0]  # NaN: not reported
    unknown = runner.query(con, "crawl_unknown_units", county_slug="huarong", period="2021H1",
                           period_start=__import__("datetime").date(2021, 1, 1),
                           period_end=__import__("datetime").date(2021, 6, 30))
    assert list(unknown["unit_raw"]) == ["火星局"]


def test_the_same_path_on_another_scheme_host_or_port_is_one_item(con):
    _crawl(con, "c1", [item("http://www.x.gov.cn/zwgk/a.html", "公安局", "2021-03-01"),
                       item("http://www.x.gov.cn/zwgk/b.html?id=1", "公安局", "2021-03-02")])
    _crawl(con, "c2", [item("https://www.x.gov.cn:8443/zwgk/a.html", "公安局", "2021-03-01"),
                       item("https://x.gov.cn/zwgk/b.html?id=1", "公安局", "2021-03-02"),
                       item("https://x.gov.cn/zwgk/b.html?id=2", "公安局", "2021-03-02")])
    runner.run_marts(con, "huarong", "2021H1")
    urls = sorted(u for (u,) in con.execute("SELECT url FROM stg_crawled_items").fetchall())
    assert urls == ["https://www.x.gov.cn:8443/zwgk/a.html", "https://x.gov.cn/zwgk/b.html?id=1",
                    "https://x.gov.cn/zwgk/b.html?id=2"]  # the newest crawl's record of each
    assert con.execute("SELECT count(*) FROM stg_column_items").fetchone()[0] == 3  # each column lists 3
    crawled = dict(con.execute("SELECT unit, crawled FROM unit_period_crawled WHERE period = '2021H1'").fetchall())
    assert crawled == {"公安局": 3}


def test_reconciliation_check_with_tolerance(con):
    _crawl(con, "c1", [item("/a", "公安局", "2021-03-01"), item("/b", "公安局", "2021-03-02"),
                       item("/c", "公安局", "2021-03-03")])  # 公安局 3 crawled vs 2 reported; 民政局 0 vs 1
    runner.run_marts(con, "huarong", "2021H1")
    frames = frames_for(con, "huarong", "2021H1")
    strict = validate(frames, settings={"tolerance": 0})
    messages = [f.message for f in strict.findings if f.code == "reconciliation_mismatch"]
    assert "公安局：通报列2条，网站实际采集3条（相差1条）" in messages
    assert "民政局：通报列1条，网站实际采集0条（相差1条）" in messages
    assert not strict.blocking_failures  # a warning by default: it goes to the data-quality note
    relaxed = validate(frames, settings={"tolerance": 1})
    assert not [f for f in relaxed.findings if f.code == "reconciliation_mismatch"]


def test_no_crawl_no_reconciliation(con):
    runner.run_marts(con, "huarong", "2021H1")
    assert runner.query(con, "reconciliation_for_period", county_slugs=["huarong"], period="2021H1").empty
