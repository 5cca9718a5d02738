"""``zwgk inspect`` (issue 20; docs/crawler.md, "Inspecting a page"): one page read the way a crawl
reads it — a saved file, a URL on a real local server (robots.txt obeyed), the preset chosen and why,
and one clear line with exit 2 for what cannot be read."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "crawler_fixtures"))

from fault_server import Resp, serve  # noqa: E402

from flows.cli import app  # noqa: E402
from flows.ingest.crawler.config.presets import choose_preset  # noqa: E402

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real_portal"
TRS_LIST = ("<html><head><meta charset='utf-8'><title>通知公告_某县人民政府</title></head><body>"
            "<div class='list'><ul>"
            + "".join(f"<li><a href='./202103/t2021030{i}_{i}.html' title='关于第{i}项工作的通知'>关于第{i}项工作的通知</a>"
                      f"<span>2021-03-0{i}</span></li>" for i in range(1, 6))
            + "</ul></div><script>var countPage = 3//共多少页\ncreatePageHTML(countPage, 0, \"index\", \"html\");"
              "</script></body></html>")


def invoke(*args):
    return CliRunner().invoke(app, ["inspect", *map(str, args)])


def test_a_saved_list_page_shows_items_pager_and_preset():
    result = invoke(REAL / "empirecms_jiayu_column_list_3.html", "--json")
    assert result.exit_code == 0, result.output
    view = json.loads(result.output)
    assert view["kind"] == "column_list" and view["preset"] == "empirecms" and "帝国CMS" in view["preset_reason"]
    assert [i["list_date"] for i in view["items"]] == ["2011-10-26", "2011-10-26"]
    assert view["pager"]["total_items"] == 22 and view["pager"]["total_pages"] == 2
    assert view["pager"]["current_page"] == 2


def test_a_url_is_fetched_once_and_read_with_the_trs_preset():
    with serve({"/tzgg/index.html": Resp(200, TRS_LIST)}) as srv:
        result = invoke(srv.base + "/tzgg/index.html", "--json")
        hits = srv.hits("/tzgg/index.html")
    view = json.loads(result.output)
    assert result.exit_code == 0 and hits == 1
    assert view["kind"] == "column_list" and view["preset"] == "trs" and len(view["items"]) == 5
    assert view["items"][0]["url"] == srv.base + "/tzgg/202103/t20210301_1.html"
    assert view["pager"]["total_pages"] == 3 and view["pager"]["current_page"] == 1


def test_the_office_may_force_a_preset_and_sees_what_the_page_looks_like():
    with serve({"/tzgg/index.html": Resp(200, TRS_LIST)}) as srv:
        result = invoke(srv.base + "/tzgg/index.html", "--preset", "hanweb")
    assert result.exit_code == 0
    assert "预设 hanweb：按 --preset 指定" in result.output and "页面特征更像 trs" in result.output


def test_robots_txt_is_obeyed_and_said_in_one_line():
    routes = {"/robots.txt": Resp(200, "User-agent: *\nDisallow: /search/\n", content_type="text/plain"),
              "/search/index.html": Resp(200, TRS_LIST)}
    with serve(routes) as srv:
        result = invoke(srv.base + "/search/index.html")
        hits = srv.hits("/search/index.html")
    assert result.exit_code == 2 and hits == 0
    assert "robots" in result.output and "Traceback" not in result.output


def test_a_missing_file_and_an_unknown_preset_are_one_line_with_exit_2(tmp_path):
    result = invoke(tmp_path / "none.html")
    assert result.exit_code == 2 and "none.html" in result.output and "Traceback" not in result.output
    result = invoke(REAL / "empirecms_jiayu_article_1.html", "--preset", "wordpress")
    assert result.exit_code == 2 and "--preset" in result.output


def test_an_article_shows_its_metadata_and_format_facts():
    result = invoke(REAL / "other_wanzai_article_1.html")
    assert result.exit_code == 0
    assert "索引号：014742224A/2023-0043406" in result.output and "发布机构：万载县统计局" in result.output
    assert "空白段落" in result.output


def test_choose_preset_reads_signs_not_links_to_other_sites():
    page = "<html><body><a href='http://other.gov.cn/col/col5280/index.html'>国税局</a></body></html>"
    assert choose_preset(page, "http://www.x.gov.cn/")[0] == "generic"
    assert choose_preset(page.replace("http://other.gov.cn", ""), "http://www.x.gov.cn/")[0] == "hanweb"
    assert choose_preset("<script>var pageChnlInfo = {recordCount: 3};</script>", "")[0] == "trs_trt"
