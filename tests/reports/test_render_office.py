"""The office formats from the seed: bulletin.docx (GB/T 9704 layout), bulletin.pdf (LibreOffice), attachments.xlsx
and the charts, each read back and compared with the seed's numbers.

The contexts come from the real pipeline functions (ingest → transform → validate → build_context), rendered once
per module. PDF pages and charts are kept under var/test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path

import pytest
from bulletin_fixtures import SEED, SEED_DEPARTMENTS, SEED_TOWNS
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import load_workbook

from flows.steps import pipeline
from flows.domain.config import DEFAULT_CONFIG, load_config
from reports import charts as charts_module
from reports.docx import render_docx
from reports.pdf import find_soffice
from reports.render import render_all
from reports.xlsx import render_xlsx
from transforms import runner

pytestmark = pytest.mark.slow  # not in `make test-fast`

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "var" / "test-artifacts"
MM = Mm(1)


# --- contexts from the real pipeline ----------------------------------------------------------------

def seed_context(tmp: Path, *, compared: bool = False, final: bool = False) -> dict:
    """build_context on the seed warehouse, as render_outputs does. compared: 2020H2 in the warehouse too
    (the seed with 自然资源局 at 170 instead of 179); final: the failed check is made non-blocking."""
    from reports.context import build_context

    cfg = load_config(DEFAULT_CONFIG)
    warehouse = tmp / "wh.duckdb"
    if compared:
        from flows.domain.registry import load_registry
        from transforms.loaders import load_registry as load_registry_into

        earlier = tmp / "2020H2.txt"
        text = SEED.read_text(encoding="utf-8")
        text = text.replace("2021年上半年", "2020年下半年").replace("\t179\n", "\t170\n").replace("\t915\n", "\t906\n")
        earlier.write_text(text, encoding="utf-8")
        con = runner.connect(warehouse)
        load_registry_into(con, load_registry(cfg.registry, cfg.county), cfg.slug)
        pipeline.ingest_file(con, earlier, county_slug=cfg.slug, county=cfg.county)
        runner.run_marts(con, cfg.slug, "2020H2")
        con.close()
    pipeline.ingest_config(cfg, warehouse, "2021H1")
    pipeline.transform(warehouse, cfg.slug, "2021H1")
    validation = pipeline.validate_period(warehouse, cfg.slug, "2021H1", docs_dir=None)
    checks = validation["checks"]
    if final:
        checks = [dict(c, blocking=False) for c in checks]
    con = runner.connect(warehouse)
    try:
        return build_context(con, county_slug=cfg.slug, period="2021H1", checks=checks, issuer=cfg.issuer)
    finally:
        con.close()


@pytest.fixture(scope="module")
def draft(tmp_path_factory):
    """The seed as it is (a blocking check fails → draft), every output rendered once (PDF included)."""
    tmp = tmp_path_factory.mktemp("office_draft")
    ctx = seed_context(tmp)
    out = tmp / "out"
    outputs = render_all(ctx, out)
    return ctx, out, outputs


@pytest.fixture(scope="module")
def final(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("office_final")
    ctx = seed_context(tmp, final=True)
    out = tmp / "out"
    out.mkdir()
    charts_module.add_charts(ctx, out)
    render_docx(ctx, out)
    render_xlsx(ctx, out)
    return ctx, out


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("office_compared")
    ctx = seed_context(tmp, compared=True)
    out = tmp / "out"
    out.mkdir()
    charts_module.add_charts(ctx, out)
    render_docx(ctx, out)
    render_xlsx(ctx, out)
    return ctx, out


def all_text(path: Path) -> str:
    """Every w:t text of the document, headers and footers included."""
    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if re.match(r"word/(document|header\d*|footer\d*)\.xml$", n)]
        return "".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", z.read(n).decode())) for n in parts)


def east_asian_font(style) -> str | None:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def table_values(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


# --- Word -------------------------------------------------------------------------------------------

def test_docx_page_is_a4_with_gb9704_margins(draft):
    _, out, _ = draft
    section = Document(out / "bulletin.docx").sections[0]
    for value, mm in ((section.page_width, 210), (section.page_height, 297), (section.top_margin, 37),
                      (section.left_margin, 28), (section.right_margin, 26), (section.bottom_margin, 35)):
        assert abs(value / MM - mm) <= 0.5, (value / MM, mm)
    text_width = (section.page_width - section.left_margin - section.right_margin) / MM
    text_height = (section.page_height - section.top_margin - section.bottom_margin) / MM
    assert abs(text_width - 156) <= 0.5 and abs(text_height - 225) <= 0.5


def test_docx_fonts_sizes_and_line_spacing(draft):
    ctx, out, _ = draft
    doc = Document(out / "bulletin.docx")
    normal = doc.styles["Normal"]
    assert east_asian_font(normal) == "仿宋_GB2312" and normal.font.name == "仿宋_GB2312"
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing == Pt(28.95)
    body = doc.styles["公文正文"]
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert body.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    title = doc.styles["公文标题"]
    assert east_asian_font(title) == "方正小标宋简体" and title.font.size == Pt(22)
    assert east_asian_font(doc.styles["一级标题"]) == "黑体"
    assert east_asian_font(doc.styles["二级标题"]) == "楷体_GB2312"

    paragraphs = [p for p in doc.paragraphs if p.text.strip()]
    title_p = next(p for p in paragraphs if p.style.name == "公文标题")
    assert title_p.text.replace("\n", "") == ctx["title"]
    assert title_p.alignment is None or title_p.alignment == 1  # centred by its style
    sections = ["总体情况"] + (["存在问题"] if ctx.get("problems") else []) + ["数据质量说明"]
    assert [p.text for p in paragraphs if p.style.name == "一级标题"] == [
        f"{'一二三'[i]}、{name}" for i, name in enumerate(sections)]
    assert [p.text for p in paragraphs if p.style.name == "二级标题"] == ["（一）须更正"]
    body_text = "".join(p.text for p in paragraphs)
    assert "全县各单位在政府门户网站共公开政府信息1298条" in body_text
    assert "正文所述公开总数1267条与附件合计1298条不一致" in body_text  # the data-quality note
    assert "附件：1.华容县县直部门2021年上半年信息公开情况统计" in body_text
    # The fallbacks Word uses when the office fonts are missing.
    with zipfile.ZipFile(out / "bulletin.docx") as z:
        font_table = z.read("word/fontTable.xml").decode()
    assert re.search(r'w:name="仿宋_GB2312".*?<w:altName w:val="仿宋"', font_table, re.S)


def test_docx_attachment_tables_match_seed_and_fit_the_text_block(draft):
    _, out, _ = draft
    doc = Document(out / "bulletin.docx")
    assert len(doc.tables) == 2
    for table, seed, total in ((doc.tables[0], SEED_DEPARTMENTS, "915"), (doc.tables[1], SEED_TOWNS, "383")):
        values = table_values(table)
        assert values[0][1:] == ["2021年上半年度更新条数", "排名"]
        assert [tuple(r) for r in values[1:-1]] == [(u, str(c), str(rank)) for u, c, rank in seed]
        assert values[-1][:2] == ["合计", total]
        tbl = table._tbl
        assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"  # autofit off
        grid = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.findall(qn("w:gridCol"))]
        width_mm = sum(grid) / 1440 * 25.4
        assert width_mm <= 156 + 0.01
        assert int(tbl.tblPr.find(qn("w:tblW")).get(qn("w:w"))) == sum(grid)
        for row in table.rows:
            assert sum(cell.width for cell in row.cells) / MM <= 156 + 0.01
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # header repeated on each page
    assert len(doc.inline_shapes) == 2  # one chart per attachment


def test_docx_draft_mark_on_page_one_and_in_every_header(draft, final):
    _, out, _ = draft
    doc = Document(out / "bulletin.docx")
    first = next(p for p in doc.paragraphs if p.text.strip())
    assert first.text == "草稿"
    assert str(first.style.font.color.rgb) == "C00000" and first.style.font.size >= Pt(22)  # red, prominent
    section = doc.sections[0]
    assert doc.settings.odd_and_even_pages_header_footer
    assert "草稿" in section.header.paragraphs[0].text
    assert "草稿" in section.even_page_header.paragraphs[0].text
    _, final_out = final
    assert "草稿" in all_text(out / "bulletin.docx")
    assert "草稿" not in all_text(final_out / "bulletin.docx")
    final_doc = Document(final_out / "bulletin.docx")
    # Final: the failed check is a warning now, listed under （一）请核实.
    assert "（一）请核实" in [p.text for p in final_doc.paragraphs]


def test_docx_footer_has_page_field_in_dashes(draft):
    _, out, _ = draft
    section = Document(out / "bulletin.docx").sections[0]
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert re.search(r"<w:instrText[^>]*>\s*PAGE\s*</w:instrText>", xml)
        assert "fldCharType=\"begin\"" in xml and "fldCharType=\"end\"" in xml
        p = footer.paragraphs[0]
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert p.style.font.size == Pt(14)
        assert east_asian_font(p.style) == "宋体"


def test_docx_period_over_period_columns(compared):
    ctx, out = compared
    doc = Document(out / "bulletin.docx")
    values = table_values(doc.tables[0])
    assert values[0] == ["单位名称", "2021年上半年度更新条数", "排名", "2020年下半年", "增减"]
    assert values[1] == ["自然资源局", "179", "1", "170", "+9"]
    assert values[3] == ["公安局", "59", "3", "59", "0"]
    assert values[-1] == ["合计", "915", "", "906", "+9"]
    grid = [int(c.get(qn("w:w"))) for c in doc.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(grid) == 5 and sum(grid) / 1440 * 25.4 <= 156 + 0.01
    assert "与2020年下半年（1289条）相比增加9条" in "".join(p.text for p in doc.paragraphs)
    assert len(doc.inline_shapes) == 4  # items and change chart per attachment


# --- PDF --------------------------------------------------------------------------------------------

needs_pdf_tools = pytest.mark.skipif(
    find_soffice() is None or not all(shutil.which(t) for t in ("pdftoppm", "pdffonts", "pdftotext")),
    reason="LibreOffice or poppler-utils not installed (make system-deps)")


@needs_pdf_tools
def test_pdf_shows_chinese_text_in_embedded_cjk_fonts(draft):
    _, out, outputs = draft
    pdf = out / "bulletin.pdf"
    assert outputs["bulletin.pdf"] == "bulletin.pdf" and pdf.stat().st_size > 10_000
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "A4" in info
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert any("CJK" in r.split()[0] and " yes " in r for r in rows), fonts  # Noto … CJK, embedded
    assert not any("Type 3" in r for r in rows), fonts  # no bitmap fallback
    assert all(re.search(r"\byes\s+yes\s+(yes|no)\s+\d+", r) for r in rows), fonts  # every font embedded
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    squeezed = re.sub(r"\s+", "", text)  # pdftotext spaces out letter-spaced and mixed-script text
    for expected in ("华容县", "自然资源局", "关于2021年上半年全县", "合计", "草稿", "—1—", "—2—", "915", "383"):
        assert expected in squeezed, expected
    assert "\ufffd" not in text and "□" not in text
    target = ARTIFACTS / "pdf"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(target / "bulletin")], check=True, timeout=120)
    pages = sorted(target.glob("bulletin-*.png"))
    assert len(pages) >= 4  # body, two attachments over several pages, charts
    shutil.copy(pdf, target / "bulletin.pdf")


def test_pdf_is_skipped_with_a_warning_without_libreoffice(draft, tmp_path, monkeypatch):
    ctx, _, _ = draft
    monkeypatch.setenv("ZWGK_SOFFICE", str(tmp_path / "no-such-soffice"))
    outputs = render_all(copy.deepcopy(ctx), tmp_path / "out")
    assert "bulletin.pdf" not in outputs and not (tmp_path / "out" / "bulletin.pdf").exists()
    assert "LibreOffice 未安装" in outputs.skipped["bulletin.pdf"]
    assert any("bulletin.pdf" in w for w in outputs.warnings)
    assert {"bulletin.md", "bulletin.html", "bulletin.docx", "attachments.xlsx"} <= set(outputs)


# --- Excel ------------------------------------------------------------------------------------------

def test_xlsx_sheets_headers_formulas_and_values(draft):
    _, out, outputs = draft
    assert outputs["attachments.xlsx"] == "attachments.xlsx"
    ctx = draft[0]
    wb = load_workbook(out / "attachments.xlsx")
    assert wb.sheetnames[:3] == ["附件1", "附件2", "数据核查"]
    assert len(wb.sheetnames) == 3 + len({r["rule"] for r in ctx.get("rules") or []})  # one sheet per rule
    for name, seed, header, title in (("附件1", SEED_DEPARTMENTS, "单位名称", "华容县县直部门"),
                                      ("附件2", SEED_TOWNS, "乡镇名称", "华容县各乡镇")):
        ws = wb[name]
        assert title in ws["A1"].value and "A1:C1" in {str(r) for r in ws.merged_cells.ranges}
        assert [c.value for c in ws[2]] == [header, "2021年上半年度更新条数", "排名"]
        assert ws["A2"].font.b and ws["A2"].fill.fgColor.rgb.endswith("D9E1F2")
        rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=3, max_row=2 + len(seed))]
        assert rows == list(seed)
        total = ws.cell(row=3 + len(seed), column=2)
        assert ws.cell(row=3 + len(seed), column=1).value == "合计"
        assert total.value == f"=SUM(B3:B{2 + len(seed)})"
        assert sum(c for _, c, _ in seed) == {"附件1": 915, "附件2": 383}[name]
        assert ws["B3"].alignment.horizontal == "right" and ws["B3"].border.left.style == "thin"
        assert ws.freeze_panes == "B3"
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.page_setup.orientation == "portrait"
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.column_dimensions["A"].width >= 20
    checks = wb["数据核查"]
    assert [c.value for c in checks[1]] == ["检查项", "说明", "结果", "观测值", "期望值", "问题"]
    results = {row[0].value: row for row in checks.iter_rows(min_row=2)}
    failed = results["overall_total_matches_tables"]
    assert failed[2].value == "未通过" and failed[3].value == 1267 and failed[4].value == 1298
    assert "1267" in failed[5].value
    assert results["table_totals_match"][2].value == "通过"


def test_xlsx_period_over_period_columns(compared):
    _, out = compared
    ws = load_workbook(out / "attachments.xlsx")["附件1"]
    assert [c.value for c in ws[2]] == ["单位名称", "2021年上半年度更新条数", "排名", "2020年下半年", "增减"]
    assert [c.value for c in ws[3]] == ["自然资源局", 179, 1, 170, 9]
    last = 2 + len(SEED_DEPARTMENTS)
    assert [c.value for c in ws[last + 1]] == ["合计", f"=SUM(B3:B{last})", None, f"=SUM(D3:D{last})",
                                                f"=B{last + 1}-D{last + 1}"]


def test_xlsx_one_sheet_per_rule(draft, tmp_path):
    ctx, _, _ = draft
    ctx = copy.deepcopy(ctx)
    ctx["rules"] = [
        {"rule": "链接失效", "severity": "error", "unit": "公安局", "column": "通知公告",
         "url": "http://example.invalid/a", "detail": "HTTP 404"},
        {"rule": "链接失效", "severity": "error", "unit": "民政局", "column": "政策文件",
         "url": "http://example.invalid/b", "detail": "HTTP 500"},
        {"rule": "栏目长期未更新", "severity": "warning", "unit": "水利局", "column": "工作动态",
         "url": None, "detail": "超过90天未更新"},
    ]
    ctx["rules"].append({"rule": "key_area", "severity": "warning", "unit": "财政局", "column": "财政资金",
                         "url": "http://example.invalid/c", "detail": {"verdict": "missing", "due": "2021-04-20"}})
    ctx["problems"] = [{"rule": "key_area", "title": "重点领域信息公开不到位"}]
    wb = load_workbook(render_xlsx(ctx, tmp_path))
    assert wb.sheetnames == ["附件1", "附件2", "数据核查", "链接失效", "栏目长期未更新", "重点领域信息公开不到位"]
    key_area = [c.value for c in wb["重点领域信息公开不到位"][2]]
    assert key_area[:3] == ["重点领域信息公开不到位", "提醒", "财政局"]
    assert key_area[5] == "verdict：missing\ndue：2021-04-20"
    ws = wb["链接失效"]
    assert [c.value for c in ws[1]] == ["规则", "严重程度", "单位", "栏目", "链接", "详情"]
    assert [c.value for c in ws[2]] == ["链接失效", "错误", "公安局", "通知公告", "http://example.invalid/a", "HTTP 404"]
    assert ws["E2"].hyperlink.target == "http://example.invalid/a"
    assert ws.max_row == 3 and wb["栏目长期未更新"]["B2"].value == "提醒"


# --- charts -----------------------------------------------------------------------------------------

def test_charts_use_a_cjk_font_and_have_the_expected_size(draft, tmp_path):
    from PIL import Image

    ctx, out, outputs = draft
    assert [c["path"] for c in ctx["charts"]] == ["charts/units_县直部门.png", "charts/units_乡镇.png"]
    for chart, n in zip(ctx["charts"], (len(SEED_DEPARTMENTS), len(SEED_TOWNS))):
        assert outputs[chart["path"]] == chart["path"]
        with Image.open(out / chart["path"]) as img:
            assert img.size == charts_module.figure_px(n) == (chart["width"], chart["height"])
    font = charts_module.cjk_font()
    assert "CJK" in font.name or "WenQuanYi" in font.name or "AR PL" in font.name
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drawn = charts_module.add_charts(copy.deepcopy(ctx), tmp_path)
    glyphs = [str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert not glyphs
    assert len(drawn) == 2
    target = ARTIFACTS / "charts"
    target.mkdir(parents=True, exist_ok=True)
    for chart in drawn:
        shutil.copy(tmp_path / chart["path"], target / Path(chart["path"]).name)


def test_change_charts_when_compared(compared):
    ctx, out = compared
    paths = [c["path"] for c in ctx["charts"]]
    assert paths == ["charts/units_县直部门.png", "charts/change_县直部门.png", "charts/units_乡镇.png",
                     "charts/change_乡镇.png"]
    from PIL import Image

    with Image.open(out / "charts/change_县直部门.png") as img:
        assert img.size == charts_module.figure_px(len(SEED_DEPARTMENTS), "change")
    target = ARTIFACTS / "charts"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(out / "charts/change_县直部门.png", target / "change_县直部门.png")


def test_charts_in_html_and_markdown(draft):
    ctx, out, _ = draft
    html = (out / "bulletin.html").read_text(encoding="utf-8")
    md = (out / "bulletin.md").read_text(encoding="utf-8")
    for i, chart in enumerate(ctx["charts"], 1):
        assert f'<img src="{chart["path"]}" alt="{chart["alt"]}"' in html
        assert f"![图{i}　{chart['title']}]({chart['path']})" in md
    assert html.index("一、总体情况") < html.index('class="charts"') < html.index("、数据质量说明")
    assert md.index("## 一、总体情况") < md.index("![图1") < md.index("、数据质量说明")


def test_no_cjk_font_leaves_charts_out_with_a_warning(draft, tmp_path, monkeypatch):
    ctx, _, _ = draft

    def missing():
        raise charts_module.CJKFontMissing("没有可显示中文的字体")

    monkeypatch.setattr(charts_module, "cjk_font", missing)
    monkeypatch.setenv("ZWGK_SOFFICE", str(tmp_path / "no-such-soffice"))
    ctx = copy.deepcopy(ctx)
    outputs = render_all(ctx, tmp_path / "out")
    assert ctx["charts"] == [] and "charts" in outputs.skipped
    assert not (tmp_path / "out" / "charts").exists()
    assert "<figure" not in (tmp_path / "out" / "bulletin.html").read_text(encoding="utf-8")


def test_cjk_font_installed_after_matplotlib_cached_its_font_list(monkeypatch):
    """make system-deps may install the fonts after matplotlib wrote its font cache: they are still found."""
    from matplotlib import font_manager

    if charts_module._known_cjk_font() is None:
        pytest.skip("no CJK font installed (make system-deps)")
    stale = [f for f in font_manager.fontManager.ttflist if f.name not in charts_module.CJK_FAMILIES]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    assert charts_module._known_cjk_font() is None
    assert charts_module.cjk_font().name in charts_module.CJK_FAMILIES


def test_a_chart_has_a_bounded_size_whatever_the_number_of_units(tmp_path):
    """500 units in a category: the chart shows the first MAX_CHART_UNITS and says so; its size is that of
    MAX_CHART_UNITS units, not 500 (issue 21). The attachment tables still list every unit."""
    from PIL import Image

    from reports.charts import MAX_CHART_UNITS, figure_px, units_chart

    rows = [{"unit": f"单位{i}", "short_name": f"单位{i}", "count": 1000 - i, "rank": i + 1} for i in range(500)]
    chart = units_chart({"category": "县直部门", "rows": rows}, "2021年上半年", "华容县", tmp_path / "c.png")
    assert (chart["width"], chart["height"]) == figure_px(MAX_CHART_UNITS, "units")
    assert chart["title"].endswith(f"（前{MAX_CHART_UNITS}名）")
    with Image.open(tmp_path / "c.png") as img:
        assert img.height <= figure_px(MAX_CHART_UNITS, "units")[1] * 2
