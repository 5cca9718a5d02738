"""Staging carries numbers, not body text (issue 22): the crawler's space runs equal what staging computes
from the stored paragraphs of an older crawl; supersession and reposts are listed at load, and a warehouse
made before that list existed gets it when opened."""

from __future__ import annotations

from flows.ingest.crawler.parse.articles import format_facts
from flows.ingest.crawler.parse.markup import parse_html
from transforms import runner
from transforms.loaders import load_crawl

PARAGRAPHS = ["\u3000\u3000第一段\u3000\u3000\u3000有三个全角空格", "  前导空格不算  中间两个 一个", "末尾空格\u3000\u3000\u3000",
              "\u00a0\u00a0\u00a0\u3000不换行空格开头"]


def item(url: str, facts: dict, repost_of: str | None = None) -> dict:
    return {"url": url, "title": "标题", "unit_raw": "司法局", "column": "司法局/工作动态", "column_type": "dynamics",
            "columns": ["司法局/工作动态"], "publish_date": "2021-03-01", "doc_date": None, "doc_number": None,
            "index_number": None, "topic": None, "repost_of": repost_of, "fetched_at": "2021-12-31T08:00:00+08:00",
            "body_text": "正文", "format_facts": facts}


def test_the_crawler_measures_the_runs_staging_would_count():
    html = "<html><body><div id='c'>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div></body></html>"
    body = parse_html(html).css_first("div#c")
    facts = format_facts(body, html)
    # by hand: [3], [2, 1] (the leading spaces are an indent; HTML drops ASCII ones at the edges anyway),
    # [3] (trailing full-width spaces), [] (all leading)
    assert facts["space_run_lengths"] == [3, 2, 1, 3]


def test_an_older_crawl_gets_the_same_numbers_from_its_paragraphs(tmp_path):
    con = runner.connect(tmp_path / "wh.duckdb")
    new = {"paragraphs": PARAGRAPHS, "space_run_lengths": [3, 2, 1, 3], "max_empty_run": 2}
    old = {"paragraphs": PARAGRAPHS, "max_empty_run": 2}  # stored before the crawler measured the runs
    load_crawl(con, county_slug="x", crawl_id="c1", summary={}, columns=[],
               items=[item("http://p/new", new), item("http://p/old", old)])
    rows = dict(con.execute("SELECT url, space_run_lengths FROM stg_latest_items").fetchall())
    assert rows == {"http://p/new": [3, 2, 1, 3], "http://p/old": [3, 2, 1, 3]}
    assert "body_text" not in [c for c, _ in runner.columns(con, "stg_crawled_items")]
    con.close()


def test_supersession_and_reposts_are_listed_at_load(tmp_path):
    con = runner.connect(tmp_path / "wh.duckdb")
    load_crawl(con, county_slug="x", crawl_id="c1", summary={}, columns=[],
               items=[item("http://p/1", {}), item("http://p/2", {})])
    load_crawl(con, county_slug="x", crawl_id="c2", summary={}, columns=[],
               items=[item("https://p/1", {}), item("http://p/3", {}, repost_of="https://p/1"),
                      item("http://p/4", {}, repost_of="http://elsewhere/9")])
    listed = sorted(con.execute("SELECT crawl_id, url, reason FROM raw_superseded_items").fetchall())
    # c1's /1 is superseded by c2's https://p/1; /3 reposts an original on the portal; /4's original is not
    assert listed == [("c1", "http://p/1", "newer"), ("c2", "http://p/3", "repost")]
    assert sorted(u for (u,) in con.execute("SELECT url FROM stg_crawled_items").fetchall()) == [
        "http://p/2", "http://p/4", "https://p/1"]
    assert sorted(u for (u,) in con.execute("SELECT url FROM stg_latest_items").fetchall()) == [
        "http://p/2", "http://p/3", "http://p/4", "https://p/1"]  # a column lists its reposts
    con.close()


def test_a_warehouse_made_before_the_list_gets_it_when_opened(tmp_path):
    path = tmp_path / "wh.duckdb"
    con = runner.connect(path)
    load_crawl(con, county_slug="x", crawl_id="c1", summary={}, columns=[], items=[item("http://p/1", {})])
    load_crawl(con, county_slug="x", crawl_id="c2", summary={}, columns=[], items=[item("https://p/1", {})])
    con.close()
    raw = runner.connect(path, schema=False)
    raw.execute("DROP TABLE raw_superseded_items")  # as an older zwgk left it
    raw.close()
    con = runner.connect(path)
    assert con.execute("SELECT crawl_id, url, reason FROM raw_superseded_items").fetchall() == [
        ("c1", "http://p/1", "newer")]
    assert con.execute("SELECT url FROM stg_crawled_items").fetchall() == [("https://p/1",)]
    con.close()


def test_keyword_lists_match_as_like_did(tmp_path):
    """The rule marts test a title against a key's keywords as one list (stg_rule_keyword_lists); the result
    is what `title LIKE '%keyword%'` over each keyword row gave, LIKE's wildcards included."""
    con = runner.connect(tmp_path / "wh.duckdb")
    keywords = ["预算", "a.b", "1%2", "x_y", "(c)"]
    con.executemany("INSERT INTO ref_rule_keywords (county_slug, rule, key, keyword) VALUES ('x', 'r', 'k', ?)",
                    [[k] for k in keywords])
    (listed,) = con.execute("SELECT keywords FROM stg_rule_keyword_lists WHERE county_slug = 'x'").fetchone()
    assert sorted(listed) == sorted(keywords)
    titles = ["2021年部门预算", "aXb", "a.b", "1 and 2", "xzy", "(c)", "c", "无关", "多行\n1\n2"]
    for title in titles:
        by_rows = any(con.execute("SELECT ? LIKE '%' || ? || '%'", [title, k]).fetchone()[0] for k in keywords)
        by_list = con.execute("SELECT len(list_filter(keywords, lambda k: ? LIKE '%' || k || '%')) > 0 "
                              "FROM stg_rule_keyword_lists WHERE county_slug = 'x'", [title]).fetchone()[0]
        assert by_list == by_rows, title
    con.close()
