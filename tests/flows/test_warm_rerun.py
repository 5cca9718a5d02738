"""Warm reruns do only what changed (issue 12): bulletin.pdf reused while bulletin.docx's content is the same,
the crawl skipped while the county's last crawl is younger than [crawl] max_age, lazy imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from flows.steps import pipeline
from flows.domain.config import ConfigError, load_config, parse_duration
from transforms.loaders import load_crawl
from reports import pdf
from transforms import runner

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text, seconds", [("6 hours", 21600), ("30 minutes", 1800), ("1 day", 86400),
                                           ("90s", 90), ("2 小时", 7200), (0, 0), (45, 45), ("1.5h", 5400)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["6 fortnights", "-1 hours", "hours", True, -5, [1]])
def test_parse_duration_rejects(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


def _config(tmp_path: Path, crawl: str = "") -> Path:
    path = tmp_path / "c.toml"
    path.write_text(f'county = "华容县"\nslug = "huarong"\n[crawl]\ndemo = true\n{crawl}\n', encoding="utf-8")
    return path


def test_max_age_config(tmp_path):
    assert load_config(_config(tmp_path)).crawl_max_age == 6 * 3600
    assert load_config(_config(tmp_path, 'max_age = "20 minutes"')).crawl_max_age == 1200
    with pytest.raises(ConfigError, match=r"crawl\.max_age"):
        load_config(_config(tmp_path, 'max_age = "soon"'))


def _warehouse_with_crawl(tmp_path: Path, loaded_at: datetime, incomplete: int = 0) -> Path:
    warehouse = tmp_path / "w.duckdb"
    con = runner.connect(warehouse)
    try:
        load_crawl(con, county_slug="huarong", crawl_id="c1", items=[], portal="demo",
                   summary={"crawl_id": "c1", "items": 7, "items_failed": 0, "columns_incomplete": incomplete})
        con.execute("UPDATE raw_crawls SET loaded_at = ?", [loaded_at])
    finally:
        con.close()
    return warehouse


def test_recent_crawl_reused_until_max_age(tmp_path):
    now = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
    warehouse = _warehouse_with_crawl(tmp_path, (now - timedelta(hours=2, minutes=5)).replace(tzinfo=None))
    cfg = load_config(_config(tmp_path))
    reused = pipeline.recent_crawl(cfg, warehouse, now=now)
    assert reused["skipped"] is True and reused["crawl_id"] == "c1" and reused["items"] == 7
    assert reused["age"] == "2 小时 5 分钟" and reused["age_seconds"] == 7500
    assert pipeline.recent_crawl(cfg, warehouse, now=now + timedelta(hours=4)) is None  # 6 h 5 min old
    short = load_config(_config(tmp_path, 'max_age = "1 hour"'))
    assert pipeline.recent_crawl(short, warehouse, now=now) is None
    never = load_config(_config(tmp_path, "max_age = 0"))
    assert pipeline.recent_crawl(never, warehouse, now=now) is None
    assert pipeline.recent_crawl(cfg, tmp_path / "absent.duckdb", now=now) is None


def test_incomplete_crawl_is_never_reused(tmp_path):
    now = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
    warehouse = _warehouse_with_crawl(tmp_path, (now - timedelta(minutes=5)).replace(tzinfo=None), incomplete=2)
    assert pipeline.recent_crawl(load_config(_config(tmp_path)), warehouse, now=now) is None


def _docx(path: Path, body: str, modified: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", f"<w:document>{body}</w:document>")
        archive.writestr("docProps/core.xml", f'<cp:coreProperties><dcterms:created xsi:type="x">{modified}'
                                              f'</dcterms:created><dcterms:modified xsi:type="x">{modified}'
                                              "</dcterms:modified><dc:title>t</dc:title></cp:coreProperties>")
    return path


def test_docx_hash_ignores_timestamps_only(tmp_path):
    a = pdf.docx_content_hash(_docx(tmp_path / "a.docx", "一", "2026-01-01T00:00:00Z"))
    b = pdf.docx_content_hash(_docx(tmp_path / "b.docx", "一", "2026-06-30T08:00:00Z"))
    c = pdf.docx_content_hash(_docx(tmp_path / "c.docx", "二", "2026-01-01T00:00:00Z"))
    assert a == b != c


@pytest.mark.skipif(pdf.skip_reason() is not None, reason="LibreOffice is not installed")
@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_pdf_reused_while_docx_unchanged(tmp_path, monkeypatch):
    docx = pytest.importorskip("docx")
    out, cache = tmp_path / "out", tmp_path / ".cache"
    out.mkdir()
    document = docx.Document()
    document.add_paragraph("华容县政务公开通报")
    document.save(out / "bulletin.docx")
    first = pdf.render_pdf({}, out, cache_dir=cache).read_bytes()  # real LibreOffice
    assert first.startswith(b"%PDF") and len(list((cache / "pdf").glob("*.pdf"))) == 1

    conversions = []

    def convert(source, out_pdf, **_):
        conversions.append(source)
        Path(out_pdf).write_bytes(b"%PDF-fresh")
        return out_pdf

    monkeypatch.setattr(pdf, "convert_to_pdf", convert)
    (out / "bulletin.pdf").unlink()
    assert pdf.render_pdf({}, out, cache_dir=cache).read_bytes() == first and conversions == []
    for cached in (cache / "pdf").glob("*.pdf"):  # the cache is checked before it is used
        cached.unlink()
    assert pdf.render_pdf({}, out, cache_dir=cache).read_bytes() == b"%PDF-fresh" and len(conversions) == 1
    document.add_paragraph("新增一段")
    document.save(out / "bulletin.docx")
    pdf.render_pdf({}, out, cache_dir=cache)
    assert len(conversions) == 2


HEAVY = ("prefect", "great_expectations", "matplotlib", "docx", "openpyxl")
PROBE = """
import json, sys
from flows.cli import app
try:
    app(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"exit": code, "loaded": sorted(m for m in %r if m in sys.modules)}))
""" % (HEAVY,)


def _modules_loaded(*args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=300)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_help_imports_nothing_heavy():
    for args in (["--help"], ["server", "--help"], ["run", "--help"]):
        assert _modules_loaded(*args) == {"exit": 0, "loaded": []}, args


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_check_imports_only_what_it_runs():
    """zwgk check on a .txt bulletin runs the GX checks (so GX is imported) and nothing else heavy."""
    result = _modules_loaded("check", str(ROOT / "data/bulletins/huarong_2021H1.txt"))
    assert result["exit"] == 3  # the seed's 1267 vs 1298
    assert set(result["loaded"]) <= {"great_expectations"}


def test_charts_reused_while_their_data_is_unchanged(tmp_path):
    pytest.importorskip("matplotlib")
    from reports.chart_cache import cached_charts, store_charts
    from reports.charts import CJKFontMissing, add_charts

    def context(count: int) -> dict:
        return {"tables": [{"category": "县直部门", "rows": [{"unit": "县财政局", "short_name": "财政局", "count": count,
                                                             "rank": 1}]}],
                "period_label": "2021年上半年", "county": "华容县", "comparison": None}

    first, cache = tmp_path / "one", tmp_path / ".cache"
    assert cached_charts(context(3), first, cache) is None
    try:
        charts = add_charts(context(3), first)
    except CJKFontMissing:
        pytest.skip("no CJK font")
    store_charts(context(3), charts, first, cache)
    second = tmp_path / "two"
    again = context(3)
    assert cached_charts(again, second, cache) == charts == again["charts"]
    assert (second / charts[0]["path"]).read_bytes() == (first / charts[0]["path"]).read_bytes()
    assert cached_charts(context(4), tmp_path / "three", cache) is None  # other data: drawn again
    for png in (cache / "charts").rglob("*.png"):
        png.unlink()
    assert cached_charts(context(3), tmp_path / "four", cache) is None  # a cache entry missing a file: not used


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_the_transform_is_skipped_when_the_inputs_are_unchanged(tmp_path):
    """The transform step (pipeline.transform, as the flow calls it) rebuilds only when its inputs'
    fingerprint changed, and returns the same rows per mart either way (run.json's "marts")."""
    from transforms import builds

    warehouse = _warehouse_with_crawl(tmp_path, datetime.now(timezone.utc).replace(tzinfo=None))
    first = pipeline.transform(warehouse, "huarong", "2021H1")
    with runner.connect(warehouse) as con:
        built_at = con.execute("SELECT built_at FROM build_fingerprints").fetchall()
    assert pipeline.transform(warehouse, "huarong", "2021H1") == first
    with runner.connect(warehouse) as con:
        assert con.execute("SELECT built_at FROM build_fingerprints").fetchall() == built_at  # not rebuilt
        load_crawl(con, county_slug="huarong", crawl_id="c2", portal="demo", summary={}, items=[{
            "url": "http://p/1", "title": "通知", "unit_raw": "司法局", "column": "通知公告", "publish_date": "2021-03-01"}])
        stale = builds.fingerprint(con, "huarong", "2021H1")
    assert pipeline.transform(warehouse, "huarong", "2021H1") != first
    with runner.connect(warehouse) as con:
        assert con.execute("SELECT fingerprint FROM build_fingerprints").fetchall() == [(stale,)]


def test_zwgk_docs_bad_input_is_one_line_exit_2(tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    cli = CliRunner()
    result = cli.invoke(app, ["docs", "2021H9", "--warehouse", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2 and "不是可识别的期间" in result.output and "Traceback" not in result.output
    result = cli.invoke(app, ["docs", "2021H1", "--warehouse", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "仓库不存在" in result.output
    assert not (tmp_path / "none.duckdb").exists()
