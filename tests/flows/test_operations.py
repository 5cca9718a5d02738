"""Running it for years: alerts per run, reruns from cache, failures named, backfills, history,
and the served deployment — all through real Prefect runs under the session's test harness."""

import json
from pathlib import Path

import pytest
from prefect_helpers import task_states
from receivers import SMTPReceiver, WebhookReceiver, closed_port
from typer.testing import CliRunner

from flows.steps import pipeline
from flows.cli import app
from flows.domain.config import DEFAULT_CONFIG

pytestmark = pytest.mark.flow
ROOT = Path(__file__).resolve().parents[2]


def _config(tmp_path, seed_path, urls=(), texts=None):
    """A county config in tmp_path whose sources are the seed (or variants of it)."""
    reg = (ROOT / "data" / "registry" / "huarong.csv").read_text(encoding="utf-8")
    (tmp_path / "reg.csv").write_text(reg, encoding="utf-8")
    sources = ""
    for name, text in (texts or {"seed.txt": seed_path.read_text(encoding="utf-8")}).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        sources += f'[[sources]]\npath = "{name}"\n'
    url_list = ", ".join(json.dumps(u) for u in urls)
    path = tmp_path / "county.toml"
    path.write_text(f'county = "华容县"\nslug = "huarong"\nregistry = "reg.csv"\ndefault_period = "2021H1"\n'
                    f'{sources}[alerts]\nurls = [{url_list}]\n', encoding="utf-8")
    return path


def _run(config, tmp_path, **kw):
    from flows.county_flow import half_yearly_bulletin

    return half_yearly_bulletin(county="huarong", config=str(config), out_dir=str(tmp_path / "out"),
                                warehouse=str(tmp_path / "wh.duckdb"), **kw)


def test_seed_run_sends_exactly_one_alert_with_both_numbers(prefect_harness, tmp_path, seed_path):
    with WebhookReceiver() as hook, SMTPReceiver() as smtp:
        config = _config(tmp_path, seed_path, urls=[hook.url("json", "/zwgk"), smtp.mailto_url()])
        summary = _run(config, tmp_path)
        # the receivers record a request before they answer it, and the run returns after its alert was
        # answered: whatever the run sent is recorded by now, with no wait
        assert len(hook.requests) == 1 and len(smtp.messages) == 1
        body = json.dumps(hook.requests[0].json(), ensure_ascii=False)
        assert "1267" in body and "1298" in body and "华容县" in body
        assert "1267" in smtp.messages[0].text and "草稿" in smtp.messages[0].subject
    assert summary["alert"]["status"] == "sent"
    run = json.loads((tmp_path / "out" / "huarong" / "2021H1" / "run.json").read_text(encoding="utf-8"))
    assert run["alert"]["status"] == "sent"


def test_receiver_down_run_completes_and_says_alert_failed(prefect_harness, tmp_path, seed_path):
    config = _config(tmp_path, seed_path, urls=[f"json://127.0.0.1:{closed_port()}/hook"])
    summary = _run(config, tmp_path)
    assert summary["status"] == "draft"
    assert summary["alert"]["status"] == "failed" and summary["alert"]["errors"]
    assert (tmp_path / "out" / "huarong" / "2021H1" / "bulletin.md").exists()


def test_no_alert_when_final_unless_asked(prefect_harness, tmp_path, seed_path):
    fixed = seed_path.read_text(encoding="utf-8").replace("1267条", "1298条")
    with WebhookReceiver() as hook:
        config = _config(tmp_path, seed_path, urls=[hook.url("json", "/zwgk")], texts={"fixed.txt": fixed})
        assert _run(config, tmp_path)["alert"]["status"] == "not_needed"
        assert hook.requests == []  # recorded before answered: nothing was sent
        assert _run(config, tmp_path, notify_success=True)["alert"]["status"] == "sent"
        assert len(hook.wait_for(1)) == 1


def _content(path: Path) -> bytes:
    """A file's bytes with its timestamps set aside: zip members (docx/xlsx) without the zip dates
    and docProps/core.xml; PDF without CreationDate/ModDate/ID."""
    import re
    import zipfile

    if path.suffix in {".docx", ".xlsx"}:
        with zipfile.ZipFile(path) as z:
            return b"".join(n.encode() + z.read(n) for n in sorted(z.namelist()) if n != "docProps/core.xml")
    data = path.read_bytes()
    if path.suffix == ".pdf":
        data = re.sub(rb"/(CreationDate|ModDate)\s*\(D:[^)]*\)", b"", data)
        data = re.sub(rb"/ID\s*\[\s*<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>\s*\]", b"", data)
        data = re.sub(rb"<xmp:(CreateDate|ModifyDate|MetadataDate)>[^<]*</xmp:\1>", b"", data)
        data = re.sub(rb"uuid:[0-9a-f-]{36}", b"", data)
        data = re.sub(rb"/DocChecksum\s*/[0-9A-Fa-f]+", b"", data)
    return data


def test_unchanged_rerun_is_cached_and_byte_identical(prefect_harness, tmp_path, seed_path):
    config = _config(tmp_path, seed_path)
    first = _run(config, tmp_path)
    final = tmp_path / "out" / "huarong" / "2021H1"
    before = {p.relative_to(final): _content(p) for p in final.rglob("*") if p.is_file()}
    second = _run(config, tmp_path)
    after = {p.relative_to(final): _content(p) for p in final.rglob("*") if p.is_file()}
    assert before.keys() == after.keys()
    changed = [str(k) for k in before if before[k] != after[k]]
    # only run.json's timestamps and run metadata differ (and the manifest, which records run.json's hash)
    assert sorted(changed) == [".zwgk-manifest.json", "run.json"]
    strip = lambda d: {k: v for k, v in d.items() if k not in {"started_at", "finished_at", "ingest", "marts"}}
    assert strip(json.loads(before[Path("run.json")])) == strip(json.loads(after[Path("run.json")]))

    # The second run's validate task came from the cache (Great Expectations did not run).
    runs = pipeline.list_runs(tmp_path / "wh.duckdb")
    names = task_states(runs[0]["flow_run_id"])
    assert names["validate"] == "Cached", names
    assert first["status"] == second["status"] == "draft"


def test_failed_run_names_the_task_and_is_recorded(prefect_harness, tmp_path, seed_path, monkeypatch):
    from flows.county_flow import RunFailed

    with WebhookReceiver() as hook:
        config = _config(tmp_path, seed_path, urls=[hook.url("json", "/zwgk")])

        def broken(*args, **kwargs):
            raise OSError("磁盘已满（测试注入）")

        monkeypatch.setattr(pipeline, "render_outputs", broken)
        with pytest.raises(RunFailed, match="任务 render 失败.*磁盘已满"):
            _run(config, tmp_path)
        assert "render" in json.dumps(hook.wait_for(1)[0].json(), ensure_ascii=False)
    runs = pipeline.list_runs(tmp_path / "wh.duckdb")
    assert runs[0]["status"] == "failed" and "render" in runs[0]["error"]
    result = CliRunner().invoke(app, ["runs", "--warehouse", str(tmp_path / "wh.duckdb"), "--json"])
    assert json.loads(result.stdout)[0]["status"] == "failed"


def _variant(seed_text, label, factor):
    """The seed re-dated to another half-year, each count scaled (totals kept consistent)."""
    import re

    text = seed_text.replace("2021年上半年", label)
    lines = text.splitlines()
    out = []
    for line in lines:
        m = re.fullmatch(r"\t(\d+)", line)
        out.append(f"\t{int(m[1]) * factor}" if m and int(m[1]) > 36 else line)
    return "\n".join(out) + "\n"


def test_backfill_three_periods_fills_the_warehouse(prefect_harness, tmp_path, seed_path):
    seed = seed_path.read_text(encoding="utf-8")
    texts = {"2020H1.txt": seed.replace("2021年上半年", "2020年上半年"),
             "2020H2.txt": seed.replace("2021年上半年", "2020年下半年").replace("1267条", "1298条"),
             "2021H1.txt": seed}
    config = _config(tmp_path, seed_path, texts=texts)
    result = CliRunner().invoke(app, ["backfill", "2020H1..2021H1", "--config", str(config),
                                      "--out", str(tmp_path / "out"), "--warehouse", str(tmp_path / "wh.duckdb")])
    assert result.exit_code == 3, result.output  # two drafts (1267 ≠ 1298), one final
    assert sorted(p.name for p in (tmp_path / "out" / "huarong").iterdir()) == ["2020H1", "2020H2", "2021H1"]
    statuses = {r["period"]: r["status"] for r in pipeline.list_runs(tmp_path / "wh.duckdb")}
    assert statuses == {"2020H1": "draft", "2020H2": "final", "2021H1": "draft"}
    md = (tmp_path / "out" / "huarong" / "2021H1" / "bulletin.md").read_text(encoding="utf-8")
    assert "与2020年下半年（1298条）相比持平" in md  # period-over-period from the backfilled warehouse


def test_backfill_reports_a_period_without_data(prefect_harness, tmp_path, seed_path):
    from flows.county_flow import backfill

    config = _config(tmp_path, seed_path)
    results = backfill(county="huarong", periods="2020H2..2021H1", config=str(config),
                       out_dir=str(tmp_path / "out"), warehouse=str(tmp_path / "wh.duckdb"))
    assert [(r["period"], r["status"]) for r in results] == [("2020H2", "failed"), ("2021H1", "draft")]
    assert "没有" in results[0]["error"]


def test_served_deployment_runs_through_the_api(prefect_harness, tmp_path, seed_path):
    from prefect_helpers import serve_and_trigger

    config = _config(tmp_path, seed_path)
    args = ["--config", str(config), "--period", "2021H1", "--out", str(tmp_path / "out"),
            "--warehouse", str(tmp_path / "wh.duckdb"), "--name", "test"]
    flow_run = serve_and_trigger(args, "half_yearly_bulletin/test-huarong", tmp_path / "serve.log", ROOT)
    assert flow_run is not None, (tmp_path / "serve.log").read_text()
    assert flow_run.state.is_completed(), flow_run.state
    assert (tmp_path / "out" / "huarong" / "2021H1" / "run.json").exists()
