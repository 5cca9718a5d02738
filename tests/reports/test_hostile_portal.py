"""Text from a portal is inert in every output (issue 21; docs/reliability.md "Never injected"): a portal on
127.0.0.1 whose titles and 发布机构 carry a Markdown link to javascript:, an unclosed right-to-left
override, a zero-width space, a formula and a script tag is crawled, loaded, ranked and rendered; then
bulletin.md (rendered by python-markdown), bulletin.html, attachments.xlsx and bulletin.docx are read."""

from __future__ import annotations

import pytest

import re
import zipfile
from pathlib import Path

from data.demo.portal import serve_directory
from flows.domain.config import load_config
from flows.domain.registry import load_registry
from flows.domain.rules_config import rules_settings
from flows.ingest.crawler.config import Column, make_config
from flows.ingest.crawler.crawl import crawl
from flows.steps import pipeline
from transforms import runner
from transforms.loaders import load_county, load_crawl, load_registry as load_registry_into
from transforms.rule_loaders import load_rule_settings, load_workdays

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ["[点我](javascript:alert(1))", "\u202e局政财县华容", "华容县\u200b公安局", '=HYPERLINK("http://evil","x")',
           "<script>alert(1)</script>局"]


def _site(root: Path) -> None:
    rows = "".join(f'<li><a href="./202103/t2021030{i + 1}_{i}.html" title="通知{i}{h}">通知{i}</a><span>2021-03-0{i + 1}</span></li>'
                   for i, h in enumerate(HOSTILE))
    (root / "tzgg").mkdir(parents=True)
    (root / "tzgg" / "index.html").write_text(f'<html><body><div class="list"><ul>{rows}</ul></div></body></html>',
                                              encoding="utf-8")
    for i, h in enumerate(HOSTILE):
        page = (f'<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="通知{i}{h.replace(chr(34), "&quot;")}">'
                f'</head><body><div class="xxgk_table"><table><tr><td>发布机构：</td><td>{h.replace("<", "&lt;")}</td>'
                f'<td>发布日期：</td><td>2021-03-0{i + 1}</td></tr></table></div>'
                f'<div class="TRS_Editor"><p>　　正文{i}（测试夹具）。</p></div></body></html>')
        path = root / "tzgg" / "202103" / f"t2021030{i + 1}_{i}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_hostile_titles_and_publishers_from_a_portal_are_inert_in_every_output(tmp_path, registry_path):
    _site(tmp_path / "site")
    with serve_directory(tmp_path / "site") as base:
        result = crawl(make_config("trs", base, rate=500, columns=[Column("通知公告", f"{base}/tzgg/index.html", "notice")]),
                       tmp_path / "store")
    assert len(result.items) == len(HOSTILE)
    (tmp_path / "reg.csv").write_text(registry_path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "county.toml").write_text('county = "华容县"\nslug = "huarong"\nregistry = "reg.csv"\n'
                                          '[counts]\nsource = "crawl"\n', encoding="utf-8")
    cfg = load_config(tmp_path / "county.toml")
    wh, out = tmp_path / "wh.duckdb", tmp_path / "out"
    con = runner.connect(wh)
    load_registry_into(con, load_registry(tmp_path / "reg.csv", "华容县"), "huarong")
    load_county(con, county_slug="huarong", county="华容县", counts_source="crawl", portal="华容县人民政府门户网站")
    load_crawl(con, county_slug="huarong", crawl_id=result.summary.crawl_id, items=result.items, summary={},
               portal="华容县人民政府门户网站", columns=[c.to_dict() for c in result.columns])
    load_rule_settings(con, "huarong", rules_settings({}))
    load_workdays(con, "huarong", "2021H1")
    runner.run_marts(con, "huarong", "2021H1")
    con.close()
    out.mkdir()
    validation = pipeline.validate_period(wh, "huarong", "2021H1", docs_dir=None)
    pipeline.render_outputs(cfg, wh, "2021H1", validation, out, {})

    md = (out / "bulletin.md").read_text(encoding="utf-8")
    html = (out / "bulletin.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(out / "bulletin.docx") as z:
        docx = z.read("word/document.xml").decode("utf-8")
    from openpyxl import load_workbook

    book = load_workbook(out / "attachments.xlsx")
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    for text in (md, html, docx, *[c.value for c in cells]):
        assert "\u202e" not in text and "\u200b" not in text
    assert "\\[点我\\](javascript:alert(1))" in md and "<script>" not in md and "<script>alert" not in html
    import markdown

    rendered = markdown.markdown(md, extensions=["tables"])
    assert not [h for h in re.findall(r'href="([^"]*)"', rendered) if h.lower().startswith("javascript")]
    formulas = [c for c in cells if c.value.startswith("=") and c.data_type == "f" and "HYPERLINK" in c.value]
    assert not formulas
    quoted = [c for c in cells if c.value.startswith("=HYPERLINK")]
    assert quoted and all(c.quotePrefix for c in quoted)  # the 未登记发布机构 sheet included
    assert "局政财县华容" in md  # the text itself is kept, without the override
