"""The rendered bulletin from the seed, through the plain pipeline functions (no Prefect)."""

import json
import os
from pathlib import Path

import pytest

from flows.steps import pipeline
from bulletin_fixtures import SEED_DEPARTMENTS, SEED_TOWNS
from flows.domain.config import DEFAULT_CONFIG, load_config
from reports.render import render_template

pytestmark = pytest.mark.slow  # an expensive module fixture: in `make test`, not in `make test-fast`

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("render")
    cfg = load_config(DEFAULT_CONFIG)
    warehouse = tmp / "wh.duckdb"
    pipeline.ingest_config(cfg, warehouse, "2021H1")
    pipeline.transform(warehouse, cfg.slug, "2021H1")
    out = tmp / "out"
    out.mkdir()
    validation = pipeline.validate_period(warehouse, cfg.slug, "2021H1", docs_dir=out / "validation")
    summary = pipeline.render_outputs(cfg, warehouse, "2021H1", validation, out, {})
    return summary, out


def test_bulletin_md_matches_golden(seed_run):
    """Golden file: reviewed output. Regenerate with ZWGK_UPDATE_GOLDEN=1 and review the diff."""
    _, out = seed_run
    text = (out / "bulletin.md").read_text(encoding="utf-8")
    golden = GOLDEN / "huarong_2021H1_bulletin.md"
    if os.environ.get("ZWGK_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_run_json_matches_seed_tables_row_for_row(seed_run, seed_path):
    summary, out = seed_run
    data = json.loads((out / "run.json").read_text(encoding="utf-8"))
    # the seed's attachment rows as typed by hand (tests/bulletin_fixtures.py), not as the pipeline's parser reads them
    printed = [(u, c, r, "县直部门") for u, c, r in SEED_DEPARTMENTS] + [(u, c, r, "乡镇") for u, c, r in SEED_TOWNS]
    produced = [(u["unit"], u["count"], u["rank"], u["category"]) for u in data["units"]]
    assert produced == printed
    assert data["totals"] == {"县直部门": 915, "乡镇": 383, "all": 1298, "stated_in_text": 1267}
    assert data["status"] == "draft"
    failed = [c for c in data["checks"] if not c["success"]]
    assert [(c["name"], c["observed"], c["expected"]) for c in failed] == [
        ("overall_total_matches_tables", 1267, 1298)]
    assert data["outputs"]["validation"] == "validation/index.html"
    assert (out / "validation" / "index.html").exists()


def test_markdown_tables_match_seed(seed_run, seed_path):
    _, out = seed_run
    lines = (out / "bulletin.md").read_text(encoding="utf-8").splitlines()
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in lines if line.startswith("| ")]
    body = [r for r in rows if r[0] not in {"单位名称", "乡镇名称", "合计"} and not r[0].startswith("---")]
    assert body == [[u, str(c), str(r)] for u, c, r in SEED_DEPARTMENTS + SEED_TOWNS]  # typed by hand
    totals = [r[1] for r in rows if r[0] == "合计"]
    assert totals == ["915", "383"]


def test_draft_mark_and_quality_note(seed_run):
    _, out = seed_run
    html = (out / "bulletin.html").read_text(encoding="utf-8")
    assert "草稿" in html and "1267" in html and "1298" in html
    assert 'class="table-wrap"' in html


def test_html_autoescapes_parsed_text(seed_run):
    summary, _ = seed_run
    ctx = {"title": "<script>alert(1)</script>", "status": "final", "addressee": "x", "period_short": "上半年",
           "totals": {"all": 1}, "tables": [{"category": "<b>", "total": 1, "title": "t", "name_header": "n",
                                            "count_header": "c", "rows": [{"unit": "<img src=x>", "count": 1,
                                                                           "rank": 1}]}],
           "most": [], "fewest": [], "quality": {"blocking": [], "warnings": []}, "issuer": "", "issued_on": None,
           "source": {"name": "a", "sha256": "0" * 64}, "validation_index": None, "comparison": None}
    html = render_template("bulletin.html", ctx)
    assert "<script>" not in html and "&lt;script&gt;" in html and "<img src=x>" not in html


def test_period_over_period_change(tmp_path, seed_path):
    """With the previous half-year in the warehouse, text and tables show the change per unit."""
    from bulletin_fixtures import SEED_DEPARTMENTS, SEED_TOWNS

    cfg = load_config(DEFAULT_CONFIG)
    warehouse = tmp_path / "wh.duckdb"
    earlier = tmp_path / "2020H2.txt"
    text = seed_path.read_text(encoding="utf-8").replace("2021年上半年", "2020年下半年")
    text = text.replace("\t179\n", "\t170\n").replace("\t915\n", "\t906\n")  # 自然资源局 9 fewer
    earlier.write_text(text, encoding="utf-8")
    from transforms import runner
    con = runner.connect(warehouse)
    from flows.domain.registry import load_registry
    from transforms.loaders import load_registry as load_registry_into
    load_registry_into(con, load_registry(cfg.registry, cfg.county), cfg.slug)
    pipeline.ingest_file(con, earlier, county_slug=cfg.slug, county=cfg.county)
    runner.run_marts(con, cfg.slug, "2020H2")
    con.close()
    pipeline.ingest_config(cfg, warehouse, "2021H1")
    pipeline.transform(warehouse, cfg.slug, "2021H1")
    out = tmp_path / "out"
    out.mkdir()
    validation = pipeline.validate_period(warehouse, cfg.slug, "2021H1", docs_dir=None)
    pipeline.render_outputs(cfg, warehouse, "2021H1", validation, out, {})
    md = (out / "bulletin.md").read_text(encoding="utf-8")
    assert "与2020年下半年（1289条）相比增加9条" in md
    assert "| 自然资源局 | 179 | 1 | 170 | +9 |" in md
    assert "| 公安局 | 59 | 3 | 59 | 0 |" in md
    unchanged = len(SEED_DEPARTMENTS) + len(SEED_TOWNS) - 1
    assert md.count(" | 0 |") == unchanged + 1  # …and the townships' 合计 row


def test_hostile_unit_names_stay_text(tmp_path):
    """A unit named like a formula, a script or console markup: a string cell in attachments.xlsx (only zwgk's
    own 合计 SUMs are formulas), escaped text in bulletin.md and bulletin.html."""
    from bad_inputs import _seed_with_units
    from openpyxl import load_workbook

    names = ['=HYPERLINK("http://evil","x")', "<script>alert(1)</script>局", "[/]局", "@SUM(1+1)局",
             "[点我](javascript:alert(1))局", "\u202e局政财县\u200b"]
    (tmp_path / "hostile.txt").write_text(_seed_with_units(names), encoding="utf-8")
    (tmp_path / "county.toml").write_text('county = "华容县"\nslug = "huarong"\n[[sources]]\npath = "hostile.txt"\n',
                                          encoding="utf-8")
    cfg = load_config(tmp_path / "county.toml")
    warehouse, out = tmp_path / "wh.duckdb", tmp_path / "out"
    out.mkdir()
    pipeline.ingest_config(cfg, warehouse, "2021H1")
    pipeline.transform(warehouse, cfg.slug, "2021H1")
    validation = pipeline.validate_period(warehouse, cfg.slug, "2021H1", docs_dir=None)
    pipeline.render_outputs(cfg, warehouse, "2021H1", validation, out, {})

    book = load_workbook(out / "attachments.xlsx")
    formulas, texts = [], set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(str(cell.value))
                elif isinstance(cell.value, str):
                    texts.add(cell.value)
    assert formulas and all(f.startswith(("=SUM(", "=B")) for f in formulas), formulas
    # the bidi override and the zero-width space are gone everywhere; the rest is kept as text
    shown = {n.replace("\u202e", "").replace("\u200b", "") for n in names}
    assert shown <= texts and not any("\u202e" in t or "\u200b" in t for t in texts)
    starts = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
              if isinstance(c.value, str) and c.value[:1] in "=@" and c.data_type != "f"]
    assert starts and all(c.quotePrefix for c in starts)  # kept text when the office edits the cell
    md = (out / "bulletin.md").read_text(encoding="utf-8")
    html = (out / "bulletin.html").read_text(encoding="utf-8")
    assert "<script>" not in md and "&lt;script&gt;alert(1)&lt;/script&gt;局" in md
    assert "<script>alert" not in html
    assert "\\[/\\]局" in md and "\\[点我\\](javascript:alert(1))局" in md
    assert "\u202e" not in md + html and "局政财县" in md and "局政财县" in html
    import markdown  # any renderer: no link zwgk did not write

    rendered = markdown.markdown(md, extensions=["tables"])
    assert "javascript:" not in "".join(__import__("re").findall(r'href="[^"]*"', rendered))
    assert "[点我](javascript:alert(1))局" in rendered
