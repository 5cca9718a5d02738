"""The annual-report parser: both formats, HTML / .docx / copied text, awkward cells."""

from __future__ import annotations

import pytest

from flows.ingest.annual_model import AnnualReportError
from flows.ingest.annual_cells import read_cell
from flows.ingest.annual_report import parse_annual_report, sniff_annual_report
from tests.annual_fixtures import MEDIA, render, spec


@pytest.mark.parametrize("medium", MEDIA)
@pytest.mark.parametrize("year,fmt", [(2020, "2019"), (2022, "2021")])
def test_every_medium_reads_both_formats(medium, year, fmt):
    s = spec(year=year)
    r = parse_annual_report(render(s, medium), f"report.{medium}")
    assert (r.unit, r.year, r.format) == ("华容县财政局", year, fmt)
    assert r.table3 == s.table3
    assert r.table4 == s.table4
    assert r.has_total_column and not r.notes
    assert ("other_handling" in r.table3) == (fmt == "2019")
    kinds = {x.kind: x.value for x in r.stated}
    assert kinds["received"] == s.table3["new"]["total"]
    assert kinds["review"] == s.table4["review"]["total"]
    assert "share" in kinds
    assert len(r.table2) == 5 and r.table2[1]["values"]


@pytest.mark.parametrize("medium", MEDIA)
def test_missing_total_column_and_blank_cells_are_read(medium):
    s = spec(year=2022, seed=3)
    s.has_total_column = False
    for row in s.table3.values():
        row.pop("total")
    s.table3["partial"]["research"] = None   # a blank cell: kept as a blank, not a zero
    s.table3["unhandled_repeat"]["natural"] = None
    r = parse_annual_report(render(s, medium), f"r.{medium}")
    assert r.has_total_column is False
    assert all(row["total"] is None for row in r.table3.values())
    assert r.table3["partial"]["research"] is None
    assert r.table3["unhandled_repeat"]["natural"] is None
    assert r.table3["new"]["natural"] == s.table3["new"]["natural"]


def test_full_width_digits_and_x_jian_cells():
    s = spec(year=2021, seed=5)
    text = render(s, "tab").decode()
    lines = text.splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith("一、本年新收"))
    cells = lines[i].split("\t")
    cells[1] = str(s.table3["new"]["natural"]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    cells[2] = f"{s.table3['new']['business']}件"
    lines[i] = "\t".join(cells)
    r = parse_annual_report("\n".join(lines).encode("gb18030"), "gbk.txt")
    assert r.table3["new"] == s.table3["new"]


def test_read_cell():
    assert read_cell("１２") == (True, 12)
    assert read_cell(" 3件 ") == (True, 3)
    assert read_cell("") == (True, None)
    assert read_cell("2.5万元") == (True, 2.5)
    assert read_cell("无") == (False, None)


def test_not_an_annual_report(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("华容县2021年上半年政务公开工作情况通报\n各单位：……\n", encoding="utf-8")
    assert not sniff_annual_report(f)
    with pytest.raises(AnnualReportError, match="不是政府信息公开工作年度报告"):
        parse_annual_report(f.read_bytes(), str(f))
    with pytest.raises(AnnualReportError, match="文件为空"):
        parse_annual_report(b"", "empty.txt")
    with pytest.raises(AnnualReportError, match="无法作为 Word 文档"):
        parse_annual_report(b"PK\x03\x04broken", "broken.docx")


def test_recognised_by_headings_without_title(tmp_path):
    s = spec(year=2022)
    body = render(s, "tab").decode().split("\n", 1)[1]  # drop the title line
    f = tmp_path / "r.txt"
    f.write_text(body, encoding="utf-8")
    assert sniff_annual_report(f)


def test_the_generator_types_the_national_form_itself_and_agrees_with_the_parser():
    """The demo generator's form (data/demo/annual.py) is typed from the national form, not imported from the
    parser (issue 23), so the generated reports check the parser independently; the two spell every row and
    column the same."""
    import ast
    from pathlib import Path

    import data.demo.annual as generator
    from flows.ingest import annual_model as parser

    source = Path(generator.__file__).read_text(encoding="utf-8")
    imported = {a.module for a in ast.walk(ast.parse(source)) if isinstance(a, ast.ImportFrom)}
    assert not any(m and m.startswith("flows.ingest") for m in imported), imported
    for fmt in ("2019", "2021"):
        assert [(k, g, label) for k, g, label, _ in generator.table3_rows(fmt)] == \
            [(k, g, label) for k, g, label, _ in parser.table3_rows(fmt)], fmt
    assert generator.COLUMN_LABELS == parser.COLUMN_LABELS
    assert generator.REVIEW_GROUPS == parser.REVIEW_GROUPS and generator.REVIEW_PARTS == parser.REVIEW_PARTS
