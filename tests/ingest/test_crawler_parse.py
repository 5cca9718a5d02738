"""Parsing per preset on fixture pages (tests/crawler_fixtures/), dates, format facts, configs."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "crawler_fixtures"))

from fault_server import Resp, serve  # noqa: E402

from flows.ingest.crawler.config import (  # noqa: E402
    PRESETS, Column, ConfigError, config_from_dict, infer_column_type, load_crawl_config, make_config,
    write_config,
)
from flows.ingest.crawler.crawl import crawl  # noqa: E402
from flows.ingest.crawler.dates import find_dates, parse_date  # noqa: E402
from flows.ingest.crawler.parse import hanweb_requests, parse_article, parse_list, parse_trs_paging  # noqa: E402

FIX = Path(__file__).resolve().parents[1] / "crawler_fixtures"
ROOT = Path(__file__).resolve().parents[2]


def fixture(name: str) -> str:
    return (FIX / name).read_text(encoding="utf-8")


# --- dates -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("2021年07月03日", date(2021, 7, 3)), ("2021年7月3日", date(2021, 7, 3)), ("2021-07-03", date(2021, 7, 3)),
    ("2021/7/3", date(2021, 7, 3)), ("2021.07.03", date(2021, 7, 3)), ("2021-07-03 23:59:59", date(2021, 7, 3)),
    ("发布时间：2021-07-03 09:30", date(2021, 7, 3)), ("２０２１－０７－０３", date(2021, 7, 3)),
    ("1625328000000", date(2021, 7, 4)),   # 2021-07-03 16:00 UTC = 2021-07-04 00:00 Asia/Shanghai
    ("1625327999000", date(2021, 7, 3)), (1625328000000, date(2021, 7, 4)), ("1625328000", date(2021, 7, 4)),
    ("二〇二一年七月三日", date(2021, 7, 3)), ("二〇二一年十二月三十一日", date(2021, 12, 31)),
    ("", None), (None, None), ("暂无", None), ("2021-02-30", None),
])
def test_parse_date_forms(text, expected):
    assert parse_date(text) == expected


def test_find_dates_in_order():
    assert find_dates("自2021年1月1日起至2021/6/30止") == [date(2021, 1, 1), date(2021, 6, 30)]


# --- TRS ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("script, expected", [
    ('createPageHTML(7, 0, "index", "html");', (7, 0, "index", "html")),
    ("createPageHTML(7,2,'index','html')", (7, 2, "index", "html")),
    ("createPageHTML( 12 ,\n 0 , 'index' , 'shtml' ) ;", (12, 0, "index", "shtml")),
    ("createPageHTML('page_div',14, 1,'index','html',280);", (14, 1, "index", "html")),
    ('createPageHTML("5","0","list","htm")', (5, 0, "list", "htm")),
])
def test_trs_create_page_html_variants(script, expected):
    assert parse_trs_paging(f"<script>{script}</script>") == expected


def test_trs_list_and_article():
    cfg = make_config("trs", "http://www.example.gov.cn")
    page_url = "http://www.example.gov.cn/zwgk/tzgg/index.html"
    page = parse_list(fixture("trs_list.html"), page_url, cfg)
    assert page.page_count == 7 and len(page.page_urls) == 6
    assert page.page_urls[0] == "http://www.example.gov.cn/zwgk/tzgg/index_1.html"
    assert page.page_urls[-1].endswith("index_6.html")
    first = page.items[0]
    assert first.url == "http://www.example.gov.cn/zwgk/tzgg/202107/t20210703_1234567.html"
    assert first.title.endswith("（测试夹具，标题完整版）")  # the full title from title=, not the truncated text
    assert [it.list_date for it in page.items] == [date(2021, 7, 3), date(2021, 6, 30), date(2021, 6, 1), date(2021, 5, 20)]
    assert len(page.items) == 4  # navigation links are not items

    art = parse_article(fixture("trs_article.html"), first.url, cfg)
    assert art["title"] == "关于做好2021年防汛抗旱工作的通知"
    assert art["index_number"] == "11430623MB1234567X/2021-00123"
    assert art["topic"] == "水利、水务"
    assert art["unit_raw"] == "某县水利局"
    assert art["doc_date"] == "2021-06-28" and art["publish_date"] == "2021-07-03"
    assert art["doc_number"] == "某水发〔2021〕12号"
    facts = art["format_facts"]
    assert facts["empty_paragraphs"] == 1 and facts["max_empty_run"] == 1
    assert facts["space_runs"] == 1
    assert facts["tables"] == [{"columns": 3, "rows": 2, "width": "980px", "width_px": 980}]
    assert facts["word_markup"] == {"mso_classes": 1, "o_p_tags": 1, "mso_styles": 2}
    assert facts["has_word_markup"]
    assert "\u00a0\u00a0\u00a0\u00a0各单位" in facts["paragraphs"][3]  # text as shown, nbsp kept


# --- Hanweb -------------------------------------------------------------------------------------
def test_hanweb_datastore_and_dataproxy_requests():
    cfg = make_config("hanweb", "http://www.example.gov.cn")
    page_url = "http://www.example.gov.cn/col/col4399/index.html"
    head = parse_list(fixture("hanweb_col.html"), page_url, cfg)
    assert [it.url.rsplit("/", 1)[-1] for it in head.items] == [
        "art_4399_700001.html", "art_4399_700002.html", "art_4399_700003.html"]
    assert head.items[2].list_date == date(2021, 5, 7)  # epoch ms in the list
    assert head.hanweb["total"] == 8 and head.hanweb["perpage"] == 3
    assert head.hanweb["params"]["columnid"] == "4399" and head.hanweb["params"]["unitid"] == "12345"
    reqs = hanweb_requests(head, cfg)
    assert [(q["startrecord"], q["endrecord"]) for _u, q, _d in reqs] == [("4", "8")]
    assert reqs[0][0] == "http://www.example.gov.cn/module/web/jpage/dataproxy.jsp"
    more = parse_list(fixture("hanweb_dataproxy.xml"), reqs[0][0], cfg, head=False)
    assert [it.title for it in more.items] == ["第四条（测试夹具）", "第五条（测试夹具）"]

    art = parse_article(fixture("hanweb_article.html"), head.items[0].url, cfg)
    assert art["index_number"] == "014-000123/2021-00456"
    assert art["topic"] == "农业、农村"
    assert art["unit_raw"] == "某县人民政府办公室"
    assert art["doc_date"] == "2021-06-15" and art["publish_date"] == "2021-06-18"
    assert art["doc_number"] == "某政办发〔2021〕9号"
    assert art["format_facts"]["empty_paragraphs"] == 3 and art["format_facts"]["max_empty_run"] == 3


def test_hanweb_crawl_pages_through_dataproxy(tmp_path):
    col_html = fixture("hanweb_col.html")
    records = [f'<record><![CDATA[<li><a href="/art/2021/4/{i}/art_4399_70{i:04d}.html" title="第{i}条">第{i}条</a>'
               f'<span>2021-04-{i:02d}</span></li>]]></record>' for i in range(4, 9)]
    posts = []

    def dataproxy(req):
        from urllib.parse import parse_qs
        q = {k: v[0] for k, v in parse_qs(req.path.split("?", 1)[1]).items()}
        posts.append(q)
        s, e = int(q["startrecord"]), int(q["endrecord"])
        body = "<datastore><totalrecord>8</totalrecord><recordset>" + "".join(records[s - 4:e - 3]) + "</recordset></datastore>"
        return Resp(200, body, content_type="text/xml; charset=utf-8")

    article = fixture("hanweb_article.html")
    with serve({"/col/col4399/index.html": Resp(200, col_html), "/module/web/jpage/dataproxy.jsp": dataproxy,
                "*": Resp(200, article)}) as srv:
        cfg = make_config("hanweb", srv.base, rate=1000, paging={"hanweb_batch": 2},
                          columns=[Column("政策文件", srv.base + "/col/col4399/index.html", "policy")])
        res = crawl(cfg, tmp_path)
        post_log = [e for e in srv.log if e["method"] == "POST"]
    assert [(q["startrecord"], q["endrecord"], q["perpage"]) for q in posts] == [("4", "5", "3"), ("6", "7", "3"), ("8", "8", "3")]
    assert all("columnid=4399" in e["body"] and "unitid=12345" in e["body"] for e in post_log)
    assert res.columns[0].items == 8 and res.columns[0].pages == 4
    assert len(res.items) == 8


# --- Yueyang -----------------------------------------------------------------------------------
def test_yueyang_list_page_count_and_items():
    cfg = make_config("yueyang", "http://www.huarong.gov.cn")
    url = "http://www.huarong.gov.cn/zwgk/bm/zrzyj/gzdt/index.htm"
    page = parse_list(fixture("yueyang_list.html"), url, cfg)
    assert (page.current, page.page_count) == (1, 37)
    assert len(page.page_urls) == 36
    assert page.page_urls[0] == "http://www.huarong.gov.cn/zwgk/bm/zrzyj/gzdt/index_1.htm"
    assert page.page_urls[-1].endswith("/index_36.htm")
    assert page.items[0].title == "县自然资源局召开2021年耕地保护工作推进会暨业务培训会（合成）"
    assert page.items[0].url.endswith("/gzdt/content_3012345.html")
    assert page.items[2].url == "http://www.huarong.gov.cn/zwgk/bm/zrzyj/tzgg/content_3011000.html"
    assert len(page.items) == 3


def test_yueyang_article_metadata_and_facts():
    cfg = make_config("yueyang", "http://www.huarong.gov.cn")
    art = parse_article(fixture("yueyang_article.html"), "http://www.huarong.gov.cn/x/content_2030141.html", cfg)
    assert art["title"] == "华容县自然资源局关于印发《耕地保护工作方案》的通知（合成）"
    assert art["index_number"] == "006383196E/2021-2030141"
    assert art["unit_raw"] == "华容县自然资源局"
    assert art["doc_date"] == "2021-01-20"      # 生成日期
    assert art["publish_date"] == "2021-03-05"  # 公开日期 (the body's "发布日期：" is not metadata)
    assert art["doc_number"] == "华自然资发〔2021〕3号"  # from the document's own heading
    assert art["body_date"] == "2021-01-20"
    facts = art["format_facts"]
    # "联系电话…　　　　联系人" and the right-aligning U+3000 run count; the 2-char indent does not
    assert facts["space_runs"] == 2
    assert facts["paragraphs"][1] == "\u3000\u3000各乡镇人民政府，县直有关单位："


def test_page_without_publish_date_is_kept():
    cfg = make_config("yueyang", "http://www.huarong.gov.cn")
    html = fixture("yueyang_article.html").replace('<meta name="PubDate" content="2021-03-05 10:22">', "")
    html = html.replace("<td>2021-03-05</td>", "<td></td>")
    art = parse_article(html, "http://www.huarong.gov.cn/x/content_1.html", cfg)
    assert art["publish_date"] is None and art["title"] and art["doc_date"] == "2021-01-20"


def test_label_mapping_override():
    data = {"portal": {"name": "测试", "base_url": "http://www.example.gov.cn", "preset": "yueyang"},
            "labels": {"印发日期": "publish_date", "公开范围": "topic"}}
    cfg = config_from_dict(data)
    html = fixture("yueyang_article.html").replace("公开日期：", "印发日期：")
    art = parse_article(html, "http://www.example.gov.cn/a.html", cfg)
    assert art["publish_date"] == "2021-03-05" and art["topic"] == "面向社会"


def test_next_link_paging_crawl(tmp_path):
    def list_page(n, last):
        nxt = "" if last else f'<a href="list{n + 1}.html">下一页</a>'
        return Resp(200, f"<html><body><div class='list'><ul><li><a href='a{n}.html' title='第{n}条'>第{n}条</a>"
                         f"<span>2021-0{n}-01</span></li></ul></div>{nxt}</body></html>")
    article = fixture("trs_article.html")
    routes = {"/c/list1.html": list_page(1, False), "/c/list2.html": list_page(2, False), "/c/list3.html": list_page(3, True),
              "*": Resp(200, article)}
    with serve(routes) as srv:
        cfg = make_config("trs", srv.base, rate=1000, paging={"kind": "next"},
                          columns=[Column("通知公告", srv.base + "/c/list1.html", "notice")])
        res = crawl(cfg, tmp_path)
    assert sorted(it["url"].rsplit("/", 1)[-1] for it in res.items) == ["a1.html", "a2.html", "a3.html"]
    assert res.columns[0].pages == 3


# --- configs ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, kind", [
    ("工作动态", "dynamics"), ("政务要闻", "dynamics"), ("通知公告", "notice"), ("政策文件", "policy"),
    ("行政规范性文件", "normative"), ("人事信息", "personnel"), ("规划计划", "plan"),
    ("政府信息公开年报", "annual_report"), ("年度报告", "annual_report"), ("部门预决算", "budget"),
    ("财政信息", "budget"), ("三公经费", "budget"), ("机构职能", "other"),
])
def test_infer_column_type(name, kind):
    assert infer_column_type(name) == kind


def test_config_roundtrip_and_preset_override(tmp_path):
    cfg = make_config("trs", "http://www.example.gov.cn", name="某县", county="某县", contact="0730-1",
                      selectors={"article_body": ["div.custom_body"]}, labels={"发布时间": "publish_date"},
                      columns=[Column("通知公告", "http://www.example.gov.cn/tzgg/index.html", "notice", "政府办")])
    path = write_config(cfg, tmp_path / "c.toml")
    again = load_crawl_config(path)
    assert again.selectors.article_body == ["div.custom_body"]
    assert again.selectors.list_container == PRESETS["trs"]["selectors"]["list_container"]  # from the preset
    assert again.columns == cfg.columns and again.labels == cfg.labels
    assert again.paging == cfg.paging and again.politeness == cfg.politeness


@pytest.mark.parametrize("body, needle", [
    ('[portal]\nname="x"\nbase_url="http://a.gov.cn"\npreset="wordpress"\n', "portal.preset"),
    ('[portal]\nname="x"\nbase_url="http://a.gov.cn"\n[politeness]\nrate="fast"\n', "politeness.rate"),
    ('[portal]\nname="x"\nbase_url="http://a.gov.cn"\n[[columns]]\nname="a"\nurl="/a/"\ntype="news"\n', "columns[1].type"),
    ('[portal]\nname="x"\nbase_url="http://a.gov.cn"\n[[columns]]\nname="a"\nurl="http://evil.com/"\n', "allowed_hosts"),
    ('[portal]\nname="x"\nbase_url="http://a.gov.cn"\n[paging]\nkind="infinite"\n', "paging.kind"),
    ('[portal]\nname="x"\nbase_url="http://a.gov.cn"\n[selectors]\nbody="div"\n', "'body'"),
    ('[portal]\nname="x"\n', "portal.base_url"),
    ('[portal\nname=', "TOML"),
])
def test_bad_configs_name_file_and_key(tmp_path, body, needle):
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_crawl_config(path)
    assert str(path) in str(exc.value) and needle in str(exc.value)


def test_shipped_huarong_config_loads():
    cfg = load_crawl_config(ROOT / "data" / "portals" / "huarong.toml")
    assert cfg.preset == "yueyang" and cfg.base_url == "http://www.huarong.gov.cn"
    assert "www.huarong.gov.cn" in cfg.allowed_hosts and cfg.columns
    assert cfg.labels["生成日期"] == "doc_date" and cfg.labels["公开日期"] == "publish_date"
    assert cfg.politeness.rate <= 2


def test_hanweb_without_total_asks_until_empty(tmp_path):
    col_html = fixture("hanweb_col.html").replace("totalRecord: 8, ", "")
    calls = []

    def dataproxy(req):
        q = dict(p.split("=") for p in req.path.split("?", 1)[1].split("&"))
        calls.append(q["startrecord"])
        recs = "" if int(q["startrecord"]) > 4 else (
            '<record><![CDATA[<li><a href="/art/2021/4/4/art_4399_709.html" title="第四条">第四条</a>'
            '<span>2021-04-04</span></li>]]></record>')
        return Resp(200, f"<datastore><recordset>{recs}</recordset></datastore>", content_type="text/xml")

    with serve({"/col/col4399/index.html": Resp(200, col_html), "/module/web/jpage/dataproxy.jsp": dataproxy,
                "*": Resp(200, fixture("hanweb_article.html"))}) as srv:
        cfg = make_config("hanweb", srv.base, rate=1000, paging={"hanweb_batch": 1},
                          columns=[Column("政策文件", srv.base + "/col/col4399/index.html", "policy")])
        res = crawl(cfg, tmp_path)
    assert calls == ["4", "5"] and res.columns[0].items == 4


def test_runs_of_ordinary_spaces_count_and_source_line_breaks_do_not():
    """docs/rules.md: U+0020 runs inside a paragraph count (six spaces pasted into a line), though a
    browser shows one space; the page source's line breaks and indentation are not a run."""
    cfg = make_config("yueyang", "http://www.huarong.gov.cn")
    page = fixture("yueyang_article.html")
    pasted = page.replace("各乡镇人民政府，县直有关单位：", "各乡镇人民政府，      县直有关单位：", 1)
    wrapped = page.replace("各乡镇人民政府，县直有关单位：", "各乡镇人民政府，\n            县直有关单位：", 1)
    base = parse_article(page, "http://www.huarong.gov.cn/x/content_2030141.html", cfg)["format_facts"]["space_runs"]
    assert parse_article(pasted, "http://www.huarong.gov.cn/x/content_2030141.html", cfg)["format_facts"]["space_runs"] \
        == base + 1
    assert parse_article(wrapped, "http://www.huarong.gov.cn/x/content_2030141.html", cfg)["format_facts"]["space_runs"] \
        == base
