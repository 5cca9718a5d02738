"""The bulletin parser: the seed (golden), its .docx twin, text layouts and malformed input."""

from __future__ import annotations

import hashlib

import pytest
from docx import Document

from flows.ingest.bulletin import NO_TABLE, parse_bulletin, parse_count
from flows.ingest.bulletin_model import BulletinParseError
from tests.bulletin_fixtures import (
    COUNT_HEADER,
    SEED,
    SEED_DEPARTMENTS,
    SEED_DEPARTMENTS_FIRST_LINE,
    SEED_DEPARTMENTS_TITLE,
    SEED_STATED_SENTENCE,
    SEED_TITLE,
    SEED_TOWNS,
    SEED_TOWNS_FIRST_LINE,
    SEED_TOWNS_TITLE,
    seed_body,
    seed_docx,
    seed_tables,
    table_rows,
    text_bulletin,
    write_docx_bulletin,
    write_text_bulletin,
)

TOWNS_HEADER = ["乡镇名称", COUNT_HEADER, "排名"]


@pytest.fixture(scope="module")
def seed():
    return parse_bulletin(SEED)


def rows_of(table):
    return [(r.unit_raw, r.count, r.rank) for r in table.rows]


def parse_text(tmp_path, text, name="b.txt", encoding="utf-8"):
    return parse_bulletin(write_text_bulletin(tmp_path / name, text, encoding))


def assert_seed_tables(bulletin):
    dept, towns = bulletin.tables
    assert rows_of(dept) == SEED_DEPARTMENTS
    assert rows_of(towns) == SEED_TOWNS
    assert (dept.printed_total, towns.printed_total) == (915, 383)
    assert (dept.category, towns.category) == ("县直部门", "乡镇")
    assert (dept.title, towns.title) == (SEED_DEPARTMENTS_TITLE, SEED_TOWNS_TITLE)


def expect_error(path, *fragments):
    with pytest.raises(BulletinParseError) as info:
        parse_bulletin(path)
    message = str(info.value)
    assert path.name in message
    for fragment in fragments:
        assert fragment in message, message
    return info.value


# --- the seed: golden check ------------------------------------------------------------------------
def test_seed_document_fields(seed):
    assert seed.file_format == "txt"
    assert seed.path == str(SEED)
    assert seed.title == SEED_TITLE
    assert seed.county == "华容县"
    assert seed.period == "2021H1"
    assert seed.stated_total == 1267
    assert seed.stated_total_where == "第6行"
    assert seed.stated_total_sentence == SEED_STATED_SENTENCE
    assert seed.sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()


def test_seed_departments_every_row(seed):
    table = seed.tables[0]
    assert table.table_no == 1
    assert table.category == "县直部门"
    assert table.title == SEED_DEPARTMENTS_TITLE
    assert table.where == "第24行"
    assert table.has_rank_column
    assert len(table.rows) == 36
    assert rows_of(table) == SEED_DEPARTMENTS
    assert sum(r.count for r in table.rows) == 915
    for k, row in enumerate(table.rows):
        line = SEED_DEPARTMENTS_FIRST_LINE + 4 * k
        assert (row.line, row.where, row.table_row) == (line, f"第{line}行", None)
        assert row.count_raw == str(row.count) and row.rank_raw == str(row.rank)
    assert (table.printed_total_raw, table.printed_total, table.total_where) == ("915", 915, "第176行")


def test_seed_towns_every_row(seed):
    table = seed.tables[1]
    assert table.table_no == 2
    assert table.category == "乡镇"
    assert table.title == SEED_TOWNS_TITLE
    assert table.where == "第188行"
    assert len(table.rows) == 14
    assert rows_of(table) == SEED_TOWNS
    assert sum(r.count for r in table.rows) == 383
    for k, row in enumerate(table.rows):
        line = SEED_TOWNS_FIRST_LINE + 4 * k
        assert (row.line, row.where) == (line, f"第{line}行")
    # The 合计 row at the end of file has no rank line at all.
    assert (table.printed_total_raw, table.printed_total, table.total_where) == ("383", 383, "第248行")


def test_seed_paragraphs_are_the_body_only(seed):
    texts = [t for t, _ in seed.paragraphs]
    assert seed.paragraphs[0] == ("各乡镇人民政府、县直各单位：", "第3行")
    assert ("一、总体情况", "第5行") in seed.paragraphs
    assert seed.paragraphs[-1] == ("2、华容县各乡镇2021年上半年信息公开情况统计", "第17行")
    assert len(seed.paragraphs) == 14  # lines 3-17 less the empty line 15
    assert not any(t.startswith("附件1") or t == "自然资源局" for t in texts)


def test_seed_is_not_modified(seed):
    before = SEED.read_bytes()
    parse_bulletin(SEED)
    assert SEED.read_bytes() == before
    assert hashlib.sha256(before).hexdigest() == seed.sha256


def test_to_dict_round_trip(seed):
    data = seed.to_dict()
    assert data["tables"][1]["rows"][0]["unit_raw"] == "禹山镇"
    assert data["period"] == "2021H1"


# --- the seed as a Word document -------------------------------------------------------------------
def test_docx_twin_of_seed(tmp_path):
    bulletin = parse_bulletin(seed_docx(tmp_path / "seed.docx"))
    assert bulletin.file_format == "docx"
    assert (bulletin.title, bulletin.county, bulletin.period) == (SEED_TITLE, "华容县", "2021H1")
    assert bulletin.stated_total == 1267
    assert bulletin.stated_total_where == "第5段"  # title is 第1段, the 总体情况 paragraph 第5段
    assert bulletin.stated_total_sentence == SEED_STATED_SENTENCE
    assert_seed_tables(bulletin)
    dept, towns = bulletin.tables
    for table_no, table in enumerate(bulletin.tables, start=1):
        assert table.where == f"表{table_no}第1行"
        for k, row in enumerate(table.rows):
            assert (row.table_row, row.line, row.where) == (k + 2, None, f"表{table_no}第{k + 2}行")
    assert dept.total_where == "表1第38行" and towns.total_where == "表2第16行"
    assert bulletin.paragraphs[0] == ("各乡镇人民政府、县直各单位：", "第2段")
    assert len(bulletin.paragraphs) == len(seed_body()) - 1  # no title, no 附件 marker, no table title


def test_docx_merged_title_row_serial_column_and_blank_row(tmp_path):
    path = tmp_path / "merged.docx"
    doc = Document()
    doc.add_paragraph("关于2022年第一季度政务公开工作情况的通报")
    doc.add_paragraph("一季度，全县共发布政府信息1,020条。")
    table = doc.add_table(rows=6, cols=4)
    title = table.cell(0, 0).merge(table.cell(0, 3))
    title.text = "澧县各乡镇2022年第一季度信息公开情况统计"
    for r, row in enumerate([["序号", "乡镇名称", "数量（条）", "名次"], ["", "", "", ""],
                             ["1", "禹山镇", "12条", "1"], ["2", "团洲乡", "１０", "2"],
                             ["合  计", "", "22", ""]], start=1):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    doc.save(path)

    bulletin = parse_bulletin(path)
    assert (bulletin.county, bulletin.period, bulletin.stated_total) == ("澧县", "2022Q1", 1020)
    (towns,) = bulletin.tables
    assert towns.title == "澧县各乡镇2022年第一季度信息公开情况统计"
    assert towns.category == "乡镇"
    assert towns.where == "表1第2行"
    assert rows_of(towns) == [("禹山镇", 12, 1), ("团洲乡", 10, 2)]
    assert [r.where for r in towns.rows] == ["表1第4行", "表1第5行"]
    assert towns.rows[1].count_raw == "１０"
    assert (towns.printed_total, towns.total_where) == (22, "表1第6行")


def test_docx_two_level_header_with_title_inside_table(tmp_path):
    path = tmp_path / "two_level.docx"
    doc = Document()
    doc.add_paragraph("关于2021年上半年政务公开工作情况的通报")
    doc.add_paragraph("全县共公开信息90条。")
    table = doc.add_table(rows=6, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "附件1：华容县县直部门信息公开情况统计"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "单位名称"
    table.cell(1, 1).merge(table.cell(1, 2)).text = "2021年上半年"
    table.cell(2, 1).text, table.cell(2, 2).text = "更新条数", "排名"
    for r, row in enumerate([("公安局", "50", "1"), ("财政局", "40", "2"), ("合计", "90", "")], start=3):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    doc.save(path)

    bulletin = parse_bulletin(path)
    (dept,) = bulletin.tables
    assert dept.title == "华容县县直部门信息公开情况统计"
    assert dept.where == "表1第3行"
    assert rows_of(dept) == [("公安局", 50, 1), ("财政局", 40, 2)]
    assert (dept.printed_total, dept.total_where) == (90, "表1第6行")
    assert bulletin.paragraphs == [("全县共公开信息90条。", "第2段")]
    assert (bulletin.county, bulletin.stated_total_where) == ("华容县", "第2段")


def test_docx_total_merged_over_serial_and_name(tmp_path):
    rows = [["序号", "单位名称", "条数", "排名"], ["1", "公安局", "59", "1"], ["2", "财政局", "8", "2"],
            ["合计", "", "67", ""]]
    path = write_docx_bulletin(tmp_path / "total.docx", ["通报"], [(SEED_DEPARTMENTS_TITLE, rows)])
    doc = Document(path)
    total = doc.tables[0].rows[-1].cells
    total[0].merge(total[1]).text = "合计"
    doc.save(path)
    (table,) = parse_bulletin(path).tables
    assert rows_of(table) == [("公安局", 59, 1), ("财政局", 8, 2)]
    assert (table.printed_total_raw, table.printed_total, table.total_where) == ("67", 67, "表1第4行")


def test_docx_starting_with_a_table_titled_inside(tmp_path):
    rows = [[SEED_TOWNS_TITLE, SEED_TOWNS_TITLE, SEED_TOWNS_TITLE],
            *table_rows(SEED_TOWNS[:2], name_header="乡镇名称")]
    path = write_docx_bulletin(tmp_path / "first.docx", [], [("", rows)])
    doc = Document(path)
    first = doc.tables[0].rows[0].cells
    first[0].merge(first[2]).text = SEED_TOWNS_TITLE
    doc.add_paragraph("注：以上数据由各乡镇自报。")
    doc.save(path)
    bulletin = parse_bulletin(path)
    (table,) = bulletin.tables
    assert (table.title, table.category, table.where) == (SEED_TOWNS_TITLE, "乡镇", "表1第2行")
    assert rows_of(table) == SEED_TOWNS[:2]
    assert (bulletin.county, bulletin.period) == ("华容县", "2021H1")


def test_docx_text_table_in_paragraphs(tmp_path):
    rows = table_rows(SEED_TOWNS[:3], name_header="乡镇名称")
    paragraphs = ["关于2021年下半年政务公开工作情况的通报", "全县共公开信息100条。", SEED_TOWNS_TITLE,
                  *("\t".join(r) for r in rows)]
    bulletin = parse_bulletin(write_docx_bulletin(tmp_path / "p.docx", paragraphs, []))
    (table,) = bulletin.tables
    assert rows_of(table) == SEED_TOWNS[:3]
    assert table.rows[0].where == "第5段" and table.rows[0].line is None


# --- text layouts ------------------------------------------------------------------------------------
@pytest.mark.parametrize("layout", ["block", "tab", "pipe", "space"])
def test_layouts_give_the_seed_tables(tmp_path, layout):
    bulletin = parse_text(tmp_path, text_bulletin(seed_tables(), layout))
    assert_seed_tables(bulletin)
    assert (bulletin.county, bulletin.period, bulletin.stated_total) == ("华容县", "2021H1", 1267)
    header_line = len(seed_body()) + 5  # body, blank, 附件1：, title, blank, header
    assert bulletin.tables[0].where == f"第{header_line}行"
    first_row = header_line + {"block": 4, "tab": 1, "pipe": 2, "space": 1}[layout]
    assert bulletin.tables[0].rows[0].line == first_row


def test_full_width_digits(tmp_path):
    text = SEED.read_text(encoding="utf-8").translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    bulletin = parse_text(tmp_path, text)
    assert_seed_tables(bulletin)
    assert bulletin.tables[0].rows[0].count_raw == "１７９"
    assert (bulletin.period, bulletin.stated_total) == ("2021H1", 1267)


def test_stray_tabs_and_spaces(tmp_path):
    lines = SEED.read_text(encoding="utf-8").split("\n")
    messy = []
    for no, line in enumerate(lines):
        if line.startswith("\t") and line.strip():
            line = ("  " if no % 3 == 0 else "") + line + ("\t " if no % 2 else "  ")
        elif not line and no > 40 and no % 5 == 0:
            line = "\t"  # a stray TAB on a row separator glues two rows together
        messy.append(line)
    bulletin = parse_text(tmp_path, "\n".join(messy))
    assert_seed_tables(bulletin)
    assert bulletin.tables[0].rows[1].line == SEED_DEPARTMENTS_FIRST_LINE + 4


def test_crlf_and_utf8_bom(tmp_path):
    data = b"\xef\xbb\xbf" + SEED.read_bytes().replace(b"\n", b"\r\n")
    path = tmp_path / "crlf.txt"
    path.write_bytes(data)
    bulletin = parse_bulletin(path)
    assert_seed_tables(bulletin)
    assert bulletin.tables[0].rows[-1].line == SEED_DEPARTMENTS_FIRST_LINE + 4 * 35


def test_gbk_encoded(tmp_path):
    bulletin = parse_text(tmp_path, SEED.read_text(encoding="utf-8"), encoding="gbk")
    assert_seed_tables(bulletin)
    assert bulletin.title == SEED_TITLE


@pytest.mark.parametrize("keep", [
    lambda line: line.strip(),  # every blank line removed, blank cells too
    lambda line: line != "",  # empty lines removed, TAB-only blank cells kept
])
def test_block_layout_without_row_separators(tmp_path, keep):
    lines = SEED.read_text(encoding="utf-8").split("\n")
    bulletin = parse_text(tmp_path, "\n".join(line for line in lines if keep(line)))
    assert_seed_tables(bulletin)
    assert bulletin.tables[0].rows[1].line == bulletin.tables[0].rows[0].line + 3


def test_utf16_with_bom(tmp_path):
    assert_seed_tables(parse_text(tmp_path, SEED.read_text(encoding="utf-8"), encoding="utf-16"))


def test_block_layout_without_tabs(tmp_path):
    text = "\n".join(line.strip() for line in SEED.read_text(encoding="utf-8").split("\n"))
    bulletin = parse_text(tmp_path, text)
    assert rows_of(bulletin.tables[0]) == SEED_DEPARTMENTS
    assert rows_of(bulletin.tables[1]) == SEED_TOWNS


@pytest.mark.parametrize("layout", ["block", "tab", "pipe", "space"])
def test_table_without_rank_column(tmp_path, layout):
    rows = table_rows(SEED_TOWNS, name_header="乡镇名称", rank=False)
    bulletin = parse_text(tmp_path, text_bulletin([(SEED_TOWNS_TITLE, rows)], layout))
    (table,) = bulletin.tables
    assert not table.has_rank_column
    assert [(r.unit_raw, r.count) for r in table.rows] == [(u, c) for u, c, _ in SEED_TOWNS]
    assert all(r.rank is None and r.rank_raw == "" for r in table.rows)
    assert table.printed_total == 383


@pytest.mark.parametrize("layout", ["block", "tab", "pipe", "space"])
def test_blank_and_bad_counts_do_not_raise(tmp_path, layout):
    printed = ["", "十二", "12.5", "-3", "179条", "1,267", "１２"]
    units = [(f"单位{i}", 0, i + 1) for i in range(len(printed))]
    rows = table_rows(units, total=False)
    for row, count in zip(rows[1:], printed):
        row[1] = count
    bulletin = parse_text(tmp_path, text_bulletin([(SEED_DEPARTMENTS_TITLE, rows)], layout))
    (table,) = bulletin.tables
    assert [r.count_raw for r in table.rows] == printed
    assert [r.count for r in table.rows] == [None, None, None, -3, 179, 1267, 12]
    assert [r.rank for r in table.rows] == list(range(1, len(printed) + 1))
    assert table.printed_total_raw is None and table.printed_total is None


@pytest.mark.parametrize("header, rank", [
    (["责任单位", "信息数", "名次"], True),
    (["单位（部门）", "发布数量（条）", "排序"], True),
    (["乡镇（街道）", "更新数"], False),
    (["部门", "数量"], False),
])
def test_header_variants(tmp_path, header, rank):
    rows = [header, *(([u, str(c), str(r)] if rank else [u, str(c)]) for u, c, r in SEED_TOWNS[:3])]
    (table,) = parse_text(tmp_path, text_bulletin([(SEED_TOWNS_TITLE, rows)], "tab")).tables
    assert table.has_rank_column is rank
    assert [(r.unit_raw, r.count) for r in table.rows] == [(u, c) for u, c, _ in SEED_TOWNS[:3]]


def test_serial_column_and_bad_rank(tmp_path):
    rows = [["序号", "部门名称", "公开数量", "排名"], ["1", "自然资源局", "179", "第1名"],
            ["2", "公安局", "59", "二"], ["", "合计", "238", ""]]
    text = text_bulletin([("县直部门信息公开情况统计", rows)], "tab", body=["信息公开通报", "按照县委、县政府部署。"])
    bulletin = parse_text(tmp_path, text)
    (table,) = bulletin.tables
    assert [(r.unit_raw, r.count, r.rank, r.rank_raw) for r in table.rows] == [
        ("自然资源局", 179, 1, "第1名"), ("公安局", 59, None, "二")]
    assert table.printed_total == 238
    assert table.category == "县直部门"
    assert bulletin.county is None


def test_tables_without_total_rows_end_at_next_title(tmp_path):
    tables = [(SEED_DEPARTMENTS_TITLE, table_rows(SEED_DEPARTMENTS[:3], total=False)),
              (SEED_TOWNS_TITLE, table_rows(SEED_TOWNS[:2], name_header="乡镇名称", total=False))]
    for layout in ("block", "tab"):
        bulletin = parse_text(tmp_path, text_bulletin(tables, layout))
        dept, towns = bulletin.tables
        assert rows_of(dept) == SEED_DEPARTMENTS[:3] and rows_of(towns) == SEED_TOWNS[:2]
        assert dept.printed_total is None and dept.total_where == ""


def test_space_layout_with_blank_count_and_ideographic_spaces(tmp_path):
    text = "\n".join([
        "关于2021年下半年政务公开工作情况的通报", "下半年，全县共公开信息88条。", "",
        "附件2：华容县各乡镇2021年下半年信息公开情况统计",
        "乡镇名称　　　条数　　排名",
        "禹山镇　　　　61　　　1",
        "团洲乡                    2",
        "合计　　　　　61",
    ])
    bulletin = parse_text(tmp_path, text)
    (table,) = bulletin.tables
    assert table.title == "华容县各乡镇2021年下半年信息公开情况统计"
    assert [(r.unit_raw, r.count_raw, r.count, r.rank) for r in table.rows] == [
        ("禹山镇", "61", 61, 1), ("团洲乡", "", None, 2)]
    assert (bulletin.period, bulletin.stated_total, table.printed_total) == ("2021H2", 88, 61)


def test_pipe_table_with_alignment_rules_and_total_in_name_column(tmp_path):
    text = "\n".join([
        "关于2021年下半年安乡县政务公开情况的通报", "全县共发布1,234条信息。", "",
        "附件1：安乡县县直部门2021年下半年统计表",
        "|:---|---:|--:|",
        "| 序号 | 单位 | 数量 |",
        "|:---|:---:|---:|",
        "| 1 | 县公安局 | 5 |",
        "| 2 | 县 财政局 | ５条 |",
        "| | 合计 | 10 |",
    ])
    bulletin = parse_text(tmp_path, text)
    (table,) = bulletin.tables
    assert table.title == "安乡县县直部门2021年下半年统计表"
    assert [(r.unit_raw, r.count_raw, r.count, r.line) for r in table.rows] == [
        ("县公安局", "5", 5, 8), ("县 财政局", "５条", 5, 9)]
    assert not table.has_rank_column
    assert (table.printed_total, table.total_where) == (10, "第10行")
    assert (bulletin.county, bulletin.period, bulletin.stated_total) == ("安乡县", "2021H2", 1234)


def test_document_title_is_not_a_table_title(tmp_path):
    text = "通报 2021年度\n\t单位名称\t条数\t排名\n\t县公安局\t5\t1\n"
    bulletin = parse_text(tmp_path, text)
    assert bulletin.title == "通报2021年度"
    assert bulletin.period == "2021"
    (table,) = bulletin.tables
    assert table.title == "" and table.category == "县直部门"
    assert rows_of(table) == [("县公安局", 5, 1)]


def test_tab_table_edges(tmp_path):
    """A repeated header is skipped, a stray leading TAB is dropped, a TAB-indented paragraph ends it."""
    text = "\n".join([
        "通报", "华容县各乡镇2021年上半年统计", "乡镇\t条数", "禹山镇\t5", "乡镇\t条数",
        "\t团洲乡\t\t", "\t三、工作要求", "\t各单位要加强。",
    ])
    (table,) = parse_text(tmp_path, text).tables
    assert [(r.unit_raw, r.count_raw, r.line) for r in table.rows] == [("禹山镇", "5", 4), ("团洲乡", "", 6)]


def test_note_row_ends_a_word_table(tmp_path):
    rows = [*table_rows(SEED_TOWNS[:2], name_header="乡镇名称", total=False), ["注：数据截至6月30日", "", ""]]
    path = tmp_path / "note.docx"
    write_docx_bulletin(path, ["通报"], [(SEED_TOWNS_TITLE, rows)])
    doc = Document(path)
    last = doc.tables[0].rows[-1].cells
    last[0].merge(last[2])
    doc.save(path)
    (table,) = parse_bulletin(path).tables
    assert rows_of(table) == SEED_TOWNS[:2]


def test_category_from_units_when_title_is_silent(tmp_path):
    rows = [["名称", "条数"], ["禹山镇", "3"], ["团洲乡", "2"], ["公安局", "1"]]
    text = "\n".join(["信息公开通报", "", "附件1：", "各单位得分", *("\t".join(r) for r in rows)])
    bulletin = parse_text(tmp_path, text)
    (table,) = bulletin.tables
    assert table.category == "乡镇"
    assert table.title == ""  # "各单位得分" is not title-like
    assert (bulletin.period, bulletin.county, bulletin.stated_total) == (None, None, None)


def test_period_from_table_title_when_document_title_has_none(tmp_path):
    tables = [(SEED_TOWNS_TITLE, table_rows(SEED_TOWNS[:2], name_header="乡镇名称"))]
    bulletin = parse_text(tmp_path, text_bulletin(tables, "tab", body=["政务公开工作通报", "正文。"]))
    assert bulletin.period == "2021H1"
    assert bulletin.title == "政务公开工作通报"
    assert bulletin.county == "华容县"


def test_long_body_parses_in_linear_time(tmp_path):
    import time

    body = [SEED_TITLE, *(f"正文第{i}段，短句" for i in range(3000))]
    path = write_text_bulletin(tmp_path / "long.txt", text_bulletin(seed_tables(), "block", body=body))
    started = time.perf_counter()
    bulletin = parse_bulletin(path)
    assert time.perf_counter() - started < 10  # quadratic scanning took minutes
    assert_seed_tables(bulletin)
    assert len(bulletin.paragraphs) == 3000


@pytest.mark.parametrize("body, total, where", [
    (["通报", "一、总体情况", "上半年，全县各单位公开信息1,298条。"], 1298, "第3行"),
    (["通报", "一、总体情况", "上半年，县直部门共公开915条。"], None, ""),
    (["通报", "一、总体情况", "其中县直部门共公开915条。", "全县共公开1298条，同比增长。"], 1298, "第4行"),
    (["通报", "全县共发布100条。", "一、总体情况", "全县共发布200条。", "二、问题", "全县共300条。"], 200, "第4行"),
    (["通报", "二、存在问题", "全县共有5个单位未更新。"], None, ""),
])
def test_stated_total_variants(tmp_path, body, total, where):
    tables = [(SEED_TOWNS_TITLE, table_rows(SEED_TOWNS[:2], name_header="乡镇名称"))]
    bulletin = parse_text(tmp_path, text_bulletin(tables, "tab", body=body))
    assert (bulletin.stated_total, bulletin.stated_total_where) == (total, where)


def test_stated_total_after_the_tables_is_ignored(tmp_path):
    tables = [(SEED_TOWNS_TITLE, table_rows(SEED_TOWNS[:2], name_header="乡镇名称"))]
    text = text_bulletin(tables, "tab", body=["通报", "正文。"]) + "全县共公开999条。\n"
    assert parse_text(tmp_path, text).stated_total is None


# --- counts --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("179", 179), ("１７９", 179), (" 179 ", 179), ("179条", 179), ("1,267", 1267), ("1，267", 1267),
    ("-3", -3), ("0", 0), ("", None), ("十二", None), ("12.5", None), ("1,26", None), ("abc", None),
])
def test_parse_count(raw, expected):
    assert parse_count(raw) == expected


# --- unreadable input ------------------------------------------------------------------------------
def test_missing_file(tmp_path):
    expect_error(tmp_path / "nope.txt", "文件不存在")


@pytest.mark.parametrize("name", ["b.pdf", "b.doc", "b"])
def test_unsupported_format(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"x")
    expect_error(path, "不支持的文件格式", ".txt", ".docx")


def test_empty_txt(tmp_path):
    expect_error(write_text_bulletin(tmp_path / "empty.txt", " \n\t\n"), "第1行", "文件为空")


def test_undecodable_txt(tmp_path):
    path = tmp_path / "binary.txt"
    path.write_bytes("通报".encode() + b"\x80\xff\x80\xff" * 20)
    expect_error(path, "无法解码", "UTF-8", "GB18030")


def test_no_table(tmp_path):
    path = write_text_bulletin(tmp_path / "notable.txt", "\n".join(seed_body()))
    error = expect_error(path, NO_TABLE)
    assert error.where == "全文"


def test_header_without_rows(tmp_path):
    text = "\n".join(["通报", "", SEED_TOWNS_TITLE, "\t".join(TOWNS_HEADER), "", "三、其他事项。"])
    expect_error(write_text_bulletin(tmp_path / "norows.txt", text), "第4行", "没有数据行")


def test_header_followed_only_by_total(tmp_path):
    text = "\n".join(["通报", SEED_TOWNS_TITLE, "\t".join(TOWNS_HEADER), "合计\t0\t"])
    expect_error(write_text_bulletin(tmp_path / "total.txt", text), "第3行", "没有数据行")


@pytest.mark.parametrize("layout, bad_line", [("tab", 8), ("pipe", 9), ("block", 14)])
def test_row_with_more_cells_than_header(tmp_path, layout, bad_line):
    rows = table_rows(SEED_TOWNS[:3], name_header="乡镇名称")
    rows[2] = rows[2] + ["多余"]
    text = text_bulletin([(SEED_TOWNS_TITLE, rows)], layout, body=["通报"])
    error = expect_error(write_text_bulletin(tmp_path / "wide.txt", text),
                         f"第{bad_line}行", "4个单元格", "3列")
    assert error.where == f"第{bad_line}行"


def test_corrupt_docx(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not a zip")
    expect_error(path, "无法作为 Word 文档")


def test_empty_docx_file(tmp_path):
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    expect_error(path, "文件为空")


def test_docx_without_tables(tmp_path):
    expect_error(write_docx_bulletin(tmp_path / "plain.docx", seed_body(), []), NO_TABLE)


def test_docx_row_with_more_cells_than_header(tmp_path):
    path = tmp_path / "wide.docx"
    doc = Document()
    doc.add_paragraph(SEED_TOWNS_TITLE)
    table = doc.add_table(rows=3, cols=4)
    for r, row in enumerate([[*TOWNS_HEADER, ""], ["禹山镇", "61", "1", ""], ["团洲乡", "10", "2", "x"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    doc.save(path)
    expect_error(path, "表1第3行", "4个单元格", "3列")
