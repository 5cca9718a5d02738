"""The reliability pieces one by one (docs/reliability.md): publish stays inside --out, stale staging of dead
runs, one writer per warehouse, strict run history, 64-bit counts in an old warehouse, the validate cache
re-checked when its Data Docs are gone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from flows.steps import pipeline
from flows.domain.config import ConfigError
from flows.steps.runlock import WarehouseBusy, warehouse_lock
from transforms import runner

ROOT = Path(__file__).resolve().parents[2]


def test_publish_refuses_targets_outside_the_output_root(tmp_path):
    out = tmp_path / "out"
    victim = tmp_path / "victim" / "2021H1"
    victim.mkdir(parents=True)
    (victim / "important.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(ConfigError, match="不在输出根目录"):
        pipeline.staging_dir(out, "../victim", "2021H1")
    staged = pipeline.staging_dir(out, "huarong", "2021H1")
    with pytest.raises(ConfigError, match="不在输出根目录"):
        pipeline.publish_dir(staged, out, "../victim", "2021H1")
    assert (victim / "important.txt").read_text(encoding="utf-8") == "keep"


def test_config_slug_must_be_a_plain_folder_name(tmp_path):
    from flows.domain.config import load_config

    for slug in ("../victim", "a/b", "Huarong", "a b", ".", ""):
        path = tmp_path / "c.toml"
        path.write_text(f'county = "华容县"\nslug = {json.dumps(slug)}\n', encoding="utf-8")
        with pytest.raises(ConfigError, match="slug"):
            load_config(path)


def test_staging_of_dead_runs_removed_live_ones_kept(tmp_path):
    parent = tmp_path / "out" / "huarong"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    (parent / f".2021H1.{dead_pid}.abc").mkdir(parents=True)
    (parent / f".2021H1.{os.getpid()}.live").mkdir()
    (parent / f".2021H2.old.{dead_pid}").mkdir()  # killed between the two renames: no 2021H2 folder left
    (parent / ".2021H2.old.{}".format(dead_pid) / "bulletin.md").write_text("old", encoding="utf-8")
    staged = pipeline.staging_dir(tmp_path / "out", "huarong", "2021H1")
    names = sorted(p.name for p in parent.iterdir())
    assert f".2021H1.{dead_pid}.abc" not in names and f".2021H1.{os.getpid()}.live" in names
    assert (parent / "2021H2" / "bulletin.md").read_text(encoding="utf-8") == "old"  # put back
    assert staged.stat().st_mode & 0o777 == 0o777 & ~pipeline.current_umask()


def test_an_output_root_that_cannot_be_written_is_refused_before_the_run_starts(tmp_path):
    """check_writable_out, what `zwgk run`, `backfill` and `annual` ask before they start the Prefect server:
    the nearest existing folder on the way to --out must be a folder this process may write in."""
    from flows.steps.outputs import check_writable_out
    from flows.steps.runlock import FolderNotWritable

    check_writable_out(tmp_path / "out" / "deeper")  # not there yet, under a writable folder: fine
    blocker = tmp_path / "a_file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(FolderNotWritable, match=r"a_file/out: 无法写入（.*a_file 不是文件夹）——输出目录须可写"):
        check_writable_out(blocker / "out")
    assert not (tmp_path / "out").exists()  # asking writes nothing


def test_one_writer_per_warehouse(tmp_path):
    wh = tmp_path / "wh.duckdb"
    holder = _holder(wh, 60, "zwgk run huarong 2021H1")
    try:
        waited = []
        with pytest.raises(WarehouseBusy) as busy:
            with warehouse_lock(wh, "zwgk ingest", wait=0.5, on_wait=waited.append):
                pass
        assert f"进程 {holder.pid}" in str(busy.value) and "zwgk run huarong 2021H1" in str(busy.value)
        assert waited and "最多等待" in waited[0]
    finally:
        holder.kill()
        holder.wait()
    with warehouse_lock(wh, "zwgk ingest"):  # free once the holder is gone (even killed)
        with warehouse_lock(wh, "nested in the same process"):
            pass


def test_runs_json_is_strict_after_a_failed_run(tmp_path):
    wh = tmp_path / "wh.duckdb"
    pipeline.record_run(wh, {"run_id": "r1", "county_slug": "huarong", "period": "2021H1", "status": "failed",
                             "error": "任务 ingest 失败：文件不存在", "started_at": "2021-07-05T08:00:00+08:00"})
    runs = pipeline.list_runs(wh)
    text = json.dumps(runs, ensure_ascii=False, allow_nan=False)
    assert runs[0]["failed_checks"] == [] and runs[0]["out_dir"] is None and runs[0]["status"] == "failed"
    assert "任务 ingest 失败" in text and "NaN" not in text
    assert pipeline.list_runs(tmp_path / "empty.duckdb") == []


def test_old_warehouse_counts_widened_to_64_bit(tmp_path):
    wh = tmp_path / "old.duckdb"
    con = runner.connect(wh, schema=False)  # an old warehouse: only the table as it was
    con.execute("CREATE TABLE raw_reported_rows (load_id VARCHAR NOT NULL, table_no INTEGER NOT NULL, "
                "row_no INTEGER NOT NULL, unit_raw VARCHAR NOT NULL, unit_name VARCHAR NOT NULL, count_raw VARCHAR,"
                " count INTEGER, rank_raw VARCHAR, rank INTEGER, line INTEGER, table_row INTEGER, \"where\" VARCHAR,"
                " PRIMARY KEY (load_id, table_no, row_no))")
    con.close()
    con = runner.connect(wh)
    try:
        types = dict(runner.execute(con, "SELECT column_name, data_type FROM information_schema.columns "
                                         "WHERE table_name = 'raw_reported_rows'"))
        assert types["count"] == "BIGINT" and types["rank"] == "BIGINT"
        runner.execute(con, "INSERT INTO raw_reported_rows (load_id, table_no, row_no, unit_raw, unit_name, count) "
                            "VALUES ('x', 1, 1, '甲局', '甲局', 1000000000000)")
    finally:
        con.close()


@pytest.mark.flow
def test_validate_cache_is_local_and_checked(prefect_harness, tmp_path, seed_path):
    """Cached results live under the output root; when the cached Data Docs are gone the checks run again and
    the outputs still carry validation/."""
    from flows.county_flow import half_yearly_bulletin

    (tmp_path / "seed.txt").write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    config = tmp_path / "county.toml"
    config.write_text('county = "华容县"\nslug = "huarong"\n[[sources]]\npath = "seed.txt"\n', encoding="utf-8")

    def run():
        return half_yearly_bulletin(county="huarong", period="2021H1", config=str(config),
                                    out_dir=str(tmp_path / "out"), warehouse=str(tmp_path / "wh.duckdb"))

    run()
    results = tmp_path / "out" / ".cache" / "results"
    assert any(p.name.startswith("zwgk-validate-") for p in results.iterdir())
    import shutil

    from prefect_helpers import states_of

    def validate_states() -> list[str]:  # the validate task runs of the newest flow run
        return states_of(pipeline.list_runs(tmp_path / "wh.duckdb")[0]["flow_run_id"], "validate")

    run()
    assert validate_states() == ["Cached"]  # unchanged inputs, Data Docs in place: the cached result is used
    shutil.rmtree(tmp_path / "out" / ".cache" / "validation")
    summary = run()
    # the Data Docs the cached result pointed at are gone: the cached result is read, then the checks run again
    assert validate_states() == ["Cached", "Completed"]
    index = Path(summary["out_dir"]) / summary["outputs"]["validation"]
    assert index.is_file() and "Expectation" in index.read_text(encoding="utf-8")


def test_annual_takes_the_warehouse_lock_and_says_who_holds_it(prefect_harness, tmp_path):
    """`zwgk annual` beside a run on the same warehouse: one line naming the run, exit 2, never DuckDB's
    "Conflicting lock" (issue 21)."""
    from prefect.settings import PREFECT_API_URL

    wh = tmp_path / "wh.duckdb"
    holder = _holder(wh, 120, "zwgk run huarong 2021H1")
    try:
        proc = subprocess.run([sys.executable, "-m", "flows.cli", "annual", "--year", "2020", "--no-crawl",
                               "--warehouse", str(wh), "--out", str(tmp_path / "out")], cwd=ROOT,
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()})
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 2, proc.stdout + proc.stderr[-2000:]
    assert f"进程 {holder.pid}" in proc.stderr and "zwgk run huarong 2021H1" in proc.stderr
    assert "Conflicting lock" not in proc.stderr + proc.stdout and "Traceback" not in proc.stderr
    assert not (tmp_path / "out" / "huarong" / "2020-annual").exists()


def test_a_period_not_yet_ended_is_a_draft_unless_partial_ok():
    """--period 2026H2 on 2026-12-06: a draft saying 截至 which day; --partial-ok makes it a warning (issue 21)."""
    from datetime import date

    validation = {"checks": [{"name": "x", "success": True, "blocking": True}]}
    today = date(2026, 12, 6)
    check = pipeline.with_period_check(validation, "2026H2", False, today)["checks"][-1]
    assert check["blocking"] and not check["success"] and "统计截至2026年12月6日" in check["messages"][0]
    assert "--partial-ok" in check["messages"][0]
    warned = pipeline.with_period_check(validation, "2026H2", True, today)["checks"][-1]
    assert not warned["blocking"] and "截至2026年12月6日" in warned["messages"][0]
    assert pipeline.with_period_check(validation, "2026H1", False, today) is validation  # ended: no check
    assert pipeline.with_period_check(validation, "2026-12", False, today)["checks"][-1]["blocking"]


def test_a_run_of_the_current_half_year_comes_out_a_draft(prefect_harness, tmp_path, seed_path):
    """The seed relabelled as the half-year we are in: draft, with the reason in 数据质量说明; final with
    --partial-ok, saying 截至 which day."""
    from flows.county_flow import half_yearly_bulletin
    from flows.domain.periods import office_today, parse_period

    today = office_today()  # the office's day (Asia/Shanghai), as the flow counts it, not the machine's
    current = parse_period(f"{today.year}H{1 if today.month <= 6 else 2}")
    text = seed_path.read_text(encoding="utf-8").replace("2021年上半年", current.label).replace("2021年", f"{today.year}年")
    (tmp_path / "seed.txt").write_text(text, encoding="utf-8")
    reg = (ROOT / "data" / "registry" / "huarong.csv").read_text(encoding="utf-8")
    (tmp_path / "reg.csv").write_text(reg, encoding="utf-8")
    cfg = tmp_path / "county.toml"
    cfg.write_text('county = "华容县"\nslug = "huarong"\nregistry = "reg.csv"\n[[sources]]\npath = "seed.txt"\n',
                   encoding="utf-8")
    kw = dict(county="huarong", period=current.code, config=str(cfg), out_dir=str(tmp_path / "out"),
              warehouse=str(tmp_path / "wh.duckdb"))
    draft = half_yearly_bulletin(**kw)
    assert draft["status"] == "draft"
    assert any(c["name"] == "period_ended" and c["blocking"] for c in draft["checks"])
    md = (tmp_path / "out" / "huarong" / current.code / "bulletin.md").read_text(encoding="utf-8")
    assert "尚未结束" in md and f"统计截至{today.year}年{today.month}月{today.day}日" in md
    partial = half_yearly_bulletin(**kw, partial_ok=True)
    assert not any(c["name"] == "period_ended" and c["blocking"] for c in partial["checks"])
    assert any(c["name"] == "period_ended" for c in partial["checks"])


def _holder(wh, seconds: float, what: str = "zwgk run huarong 2021H1（手动）"):
    """A process holding the warehouse for ``seconds`` (started and holding when this returns)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from flows.steps.runlock import warehouse_lock\n"
         f"with warehouse_lock({str(wh)!r}, {what!r}):\n"
         f"    print('held', flush=True); time.sleep({seconds})"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.readline().strip() == "held"
    return proc


def _release_when_said(log: Path, text: str, holder: subprocess.Popen, timeout: float = 240) -> None:
    """Kill the holder as soon as ``text`` appears in ``log`` (or the holder is gone, or at the timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and holder.poll() is None:
        if log.exists() and text in log.read_text(encoding="utf-8", errors="replace"):
            break
        time.sleep(0.2)
    holder.kill()


def _seed_config(tmp_path, seed_path, urls=()):
    (tmp_path / "seed.txt").write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "reg.csv").write_text((ROOT / "data" / "registry" / "huarong.csv").read_text(encoding="utf-8"),
                                      encoding="utf-8")
    path = tmp_path / "county.toml"
    listed = ", ".join(json.dumps(u) for u in urls)
    path.write_text('county = "华容县"\nslug = "huarong"\nregistry = "reg.csv"\ndefault_period = "2021H1"\n'
                    f'[[sources]]\npath = "seed.txt"\n[alerts]\nurls = [{listed}]\n', encoding="utf-8")
    return path


def test_a_scheduled_run_waits_for_a_busy_warehouse_then_runs(prefect_harness, tmp_path, seed_path):
    """`zwgk serve` fires while a manual run holds the warehouse: the scheduled run waits and runs once the
    lock frees — never dropped (issue 21)."""
    from prefect_helpers import serve_and_trigger

    config = _seed_config(tmp_path, seed_path)
    out, wh = tmp_path / "out", tmp_path / "wh.duckdb"
    holder = _holder(wh, 300)
    # the holder lets go once the scheduled run has said it is waiting (not after a fixed time)
    releaser = threading.Thread(target=_release_when_said, args=(tmp_path / "serve.log", "正被进程", holder),
                                daemon=True)
    releaser.start()
    try:
        args = ["--config", str(config), "--out", str(out), "--warehouse", str(wh), "--name", "busy",
                "--period", "2021H1", "--busy-wait", "300", "--annual-cron", ""]
        flow_run = serve_and_trigger(args, "half_yearly_bulletin/busy-huarong", tmp_path / "serve.log", ROOT)
    finally:
        holder.kill()
        holder.wait()
        releaser.join(timeout=5)
    assert flow_run is not None and flow_run.state.is_completed(), (tmp_path / "serve.log").read_text()[-3000:]
    assert (out / "huarong" / "2021H1" / "bulletin.md").exists()
    assert "正被进程" in (tmp_path / "serve.log").read_text(encoding="utf-8")  # it said it was waiting


def test_a_scheduled_run_that_waited_in_vain_is_recorded_alerted_and_retried_by_the_schedule(
        prefect_harness, tmp_path, seed_path):
    """`zwgk serve` fires while a run holds the warehouse past --busy-wait: the scheduled run fails, is
    recorded in `zwgk runs` and alerted, and its deployment runs it again --busy-retry-delay later — after
    the lock freed, that retry publishes the bulletin (issue 21)."""
    from prefect_helpers import serve_and_trigger, wait_for_flow_run
    from receivers import WebhookReceiver

    out, wh = tmp_path / "out", tmp_path / "wh.duckdb"
    with WebhookReceiver() as hook:
        config = _seed_config(tmp_path, seed_path, urls=[hook.url("json", "/zwgk")])
        holder = _holder(wh, 600)
        seen = {}

        def release_then_wait_for_the_retry(first):
            seen["first"] = first
            seen["runs_while_busy"] = pipeline.list_runs(wh)  # the side file: the warehouse is still held
            holder.kill()
            holder.wait()
            return wait_for_flow_run(first.deployment_id, "busy-retry")

        try:
            args = ["--config", str(config), "--out", str(out), "--warehouse", str(wh), "--name", "retry",
                    "--period", "2021H1", "--busy-wait", "1", "--busy-retries", "2", "--busy-retry-delay", "2",
                    "--annual-cron", ""]
            retried = serve_and_trigger(args, "half_yearly_bulletin/retry-huarong", tmp_path / "serve.log", ROOT,
                                        then=release_then_wait_for_the_retry)
        finally:
            holder.kill()
            holder.wait()
        alerts = [json.dumps(json.loads(r.body), ensure_ascii=False) for r in hook.wait_for(1)]
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert seen["first"].state.is_failed(), log[-3000:]
    kept = seen["runs_while_busy"]
    assert [r["status"] for r in kept] == ["failed"] and "已安排于" in kept[0]["error"], kept
    assert "还可重试 1 次" in kept[0]["error"]
    assert any("仓库被占用" in a and "自动重试" in a for a in alerts), alerts
    assert retried is not None and retried.state.is_completed(), log[-3000:]
    assert retried.parameters["busy_retries"] == 1  # one retry fewer than the deployment's 2
    assert (out / "huarong" / "2021H1" / "bulletin.md").exists()
    statuses = sorted(r["status"] for r in pipeline.list_runs(wh))
    assert statuses == ["draft", "failed"], statuses  # the failed try and the retry's bulletin, both recorded


def test_a_run_kept_out_of_a_busy_warehouse_is_recorded_and_alerted(prefect_harness, tmp_path, seed_path):
    from receivers import WebhookReceiver

    from flows.county_flow import half_yearly_bulletin

    wh = tmp_path / "wh.duckdb"
    with WebhookReceiver() as hook:
        config = _seed_config(tmp_path, seed_path, urls=[hook.url("json", "/zwgk")])
        holder = _holder(wh, 120)
        try:
            with pytest.raises(WarehouseBusy):
                half_yearly_bulletin(county="huarong", config=str(config), out_dir=str(tmp_path / "out"),
                                     warehouse=str(wh), busy_wait=0.5)
            runs = pipeline.list_runs(wh)
        finally:
            holder.kill()
            holder.wait()
        received = hook.wait_for(1)
        assert received and "仓库被占用" in json.dumps(json.loads(received[0].body), ensure_ascii=False)
    assert runs[0]["status"] == "failed" and "仓库被占用" in runs[0]["error"] and runs[0]["period"] == "2021H1"
    # the next run records it in run_history and empties the side file
    half_yearly_bulletin(county="huarong", config=str(config), out_dir=str(tmp_path / "out"), warehouse=str(wh))
    from flows.steps.runs import pending_path

    assert not pending_path(wh).exists()
    statuses = [r["status"] for r in pipeline.list_runs(wh)]
    assert sorted(statuses) == ["draft", "failed"]


def test_a_log_file_that_cannot_be_written_never_makes_logging_recurse(tmp_path, capsys):
    """Disk full under the warehouse: one line on stderr naming the log file, then silence — not 25,000
    lines of "Logging error" ending in RecursionError (issue 21)."""
    import logging

    from flows.steps.runlog import SafeFileHandler

    handler = SafeFileHandler(tmp_path / "zwgk.log", encoding="utf-8")
    handler.stream = open("/dev/full", "w", encoding="utf-8")  # every write fails with ENOSPC
    logger = logging.getLogger("zwgk.test.full")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for i in range(200):
            logger.error("记录 %s", i)
    finally:
        logger.removeHandler(handler)
    err = capsys.readouterr().err
    assert err.count("无法写入日志文件") == 1 and "Logging error" not in err and "zwgk.log" in err


def test_the_exit_code_says_the_bulletin_was_published_when_prefect_fails_afterwards(
        prefect_harness, tmp_path, seed_path, monkeypatch):
    """The flow publishes and records the run, then Prefect's bookkeeping fails (its server stopped): the
    command says the bulletin is out, warns about the bookkeeping, and exits as for the run — not 运行失败 /
    exit 1 (issue 21)."""
    import httpx
    from typer.testing import CliRunner

    import flows.county_flow as county_flow
    from flows.cli import app

    config = _seed_config(tmp_path, seed_path)
    real = county_flow.half_yearly_bulletin

    def publishes_then_fails(**kw):
        real(**kw)
        raise httpx.ConnectError("All connection attempts failed")

    monkeypatch.setattr(county_flow, "half_yearly_bulletin", publishes_then_fails)
    result = CliRunner().invoke(app, ["run", "--config", str(config), "--period", "2021H1", "--out", str(tmp_path / "out"),
                                      "--warehouse", str(tmp_path / "wh.duckdb")])
    assert result.exit_code == 3, result.output  # the seed's bulletin is a draft: exit 3, as without the error
    assert "通报已发布并已记入运行记录" in result.output and "ConnectError" in result.output
    assert "运行失败" not in result.output and (tmp_path / "out" / "huarong" / "2021H1" / "bulletin.md").exists()


def test_a_failed_data_docs_copy_is_one_short_line(tmp_path):
    """shutil.Error lists every file it could not copy; the message names the first and the count (issue 21)."""
    from flows.steps.outputs import DocsCopyFailed, copy_docs

    src = tmp_path / "docs"
    for i in range(300):
        (src / "validations" / f"v{i}").mkdir(parents=True)
        (src / "validations" / f"v{i}" / "result.html").write_text("<html></html>", encoding="utf-8")
        # where each folder should go, a file stands: every folder's copy fails (even for root)
        blocker = tmp_path / "out" / "validation" / "validations" / f"v{i}"
        blocker.parent.mkdir(parents=True, exist_ok=True)
        blocker.write_text("", encoding="utf-8")
    with pytest.raises(DocsCopyFailed) as failed:
        copy_docs(src, tmp_path / "out" / "validation")
    message = str(failed.value)
    assert len(message) < 600 and "共 300 个文件未能复制" in message and "\n" not in message


def test_prefect_unreachable_is_named_in_one_line(tmp_path, seed_path, monkeypatch):
    """The Prefect server gone before the run could record anything: one line saying so and what to do,
    never a bare ConnectError (issue 21)."""
    import httpx
    from typer.testing import CliRunner

    import flows.county_flow as county_flow
    from flows.cli import app

    config = _seed_config(tmp_path, seed_path)

    def unreachable(**kw):
        raise httpx.ConnectError("All connection attempts failed")

    monkeypatch.setattr(county_flow, "half_yearly_bulletin", unreachable)
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    result = CliRunner().invoke(app, ["run", "--config", str(config), "--period", "2021H1", "--out",
                                      str(tmp_path / "out"), "--warehouse", str(tmp_path / "wh.duckdb")])
    assert result.exit_code == 1
    assert "无法连接 Prefect 服务器（http://127.0.0.1:9/api" in result.output and "zwgk server start" in result.output


def test_a_run_with_the_default_warehouse_and_output_folder(prefect_harness, tmp_path, seed_path, monkeypatch):
    """The flow called with no warehouse and no output folder takes them from the settings (a deployment
    whose parameters leave them out) — it used to stop on UnboundLocalError (issue 23's known bug)."""
    from flows.county_flow import half_yearly_bulletin
    from flows.domain.settings import settings

    monkeypatch.setenv("ZWGK_HOME", str(tmp_path / "home"))
    summary = half_yearly_bulletin(county="huarong", config=str(_seed_config(tmp_path, seed_path)))
    assert summary["status"] == "draft" and Path(summary["out_dir"]).is_relative_to(settings().out)
    assert settings().warehouse.exists()
