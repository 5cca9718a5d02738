"""Many counties at once: the region flow ``region_bulletin`` on Dask, and the region bulletin.

A region config (TOML) lists county configs; the flow runs every county's job as Prefect tasks
on prefect-dask's ``DaskTaskRunner`` — a ``LocalCluster`` by default, or an existing Dask
scheduler by address — and then ranks the counties in one region bulletin:

    region_bulletin(region, period)                                    parent process
    └─ region-counties (subflow, DaskTaskRunner)                       fans out per county
         per county, one chain of tasks on one Dask worker — half_yearly_bulletin's steps, then export:
         ingest → [crawl] → transform → fingerprint → validate → render → notify → publish → record → export
         · its own DuckDB file  <work>/<county>.duckdb (no other process opens it)
         · its bulletin         <out>/<county>/<period>/  (what half_yearly_bulletin writes)
         · its marts as Parquet <parquet_root>/<mart>/county_slug=<c>/period=<P>/part-0.parquet
    region-transform → region-validate → region-render                 parent process, in order
         · the region DuckDB    <work>/region-<slug>.duckdb (opened by the parent only, with a
           memory limit), models transforms/region/*.sql over the Parquet in place
         · <out>/<region>/<period>/  region.md, region.html, region.json, units.csv

Tasks pass paths, codes and small dicts; the county tasks never see the region DuckDB's path.
Great Expectations checks per-county aggregates only (never the region's unit rows), and no
step loads the region's units into pandas.

Region config::

    name = "岳阳市"                      # as the bulletin names the region
    slug = "yueyang"                     # folder name: <out>/yueyang/<period>/
    issuer = "岳阳市政务公开办"           # who signs the region bulletin (optional)
    default_period = "2021H1"            # optional
    parquet_root = "../work/parquet"     # optional; default <work>/parquet
    memory_limit = "1GB"                 # the region DuckDB's memory limit (optional)
    counties = ["../counties/huarong.toml"]   # county configs, relative to this file

    [dask]
    address = ""                         # "" → a LocalCluster; else tcp://host:8786
    n_workers = 2                        # LocalCluster only
    threads_per_worker = 1               # LocalCluster only
    processes = true                     # LocalCluster only: worker processes (not threads)
    dashboard_address = ""               # LocalCluster only: "" → Dask's default (:8787, else a free port)
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tomllib
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flows import prefect_env  # noqa: F401  (sets Prefect defaults before prefect is imported)
from prefect import flow, get_run_logger, task
from prefect.runtime import flow_run

from flows.steps import pipeline
from flows.county_flow import crawl_task, fingerprint_task, ingest_task, render_task, transform_task
from flows.domain.config import ConfigError, load_config
from flows.domain.periods import PeriodError, parse_period
from flows.domain.settings import settings
from transforms import region_runner

TOP_UNITS = 10


class RegionFailed(RuntimeError):
    """A region run that could not produce its bulletin (no county finished); carries the counties."""

    def __init__(self, message: str, counties: list[dict] | None = None):
        self.counties = counties or []
        super().__init__(message)


def input_errors() -> tuple[type[BaseException], ...]:
    """Failures caused by the inputs (exit 2 in the CLI), as flows/cli.py counts them."""
    from flows.ingest.bulletin_model import BulletinParseError
    from flows.domain.registry import RegistryError

    return (BulletinParseError, ConfigError, PeriodError, RegistryError, FileNotFoundError, LookupError)


# --------------------------------------------------------------------------------------------
# Region config
# --------------------------------------------------------------------------------------------


@dataclass
class DaskSettings:
    address: str = ""
    n_workers: int = 2
    threads_per_worker: int = 1
    processes: bool = True
    dashboard_address: str = ""


@dataclass
class RegionConfig:
    path: Path
    name: str
    slug: str
    counties: list[Path]
    issuer: str = ""
    addressee: str = "各县市区人民政府："
    default_period: str | None = None
    parquet_root: Path | None = None
    memory_limit: str | None = "1GB"
    dask: DaskSettings = field(default_factory=DaskSettings)

    def parquet_dir(self, work_dir: str | Path) -> Path:
        return (self.parquet_root or Path(work_dir) / "parquet").resolve()


def load_region_config(path: str | Path) -> RegionConfig:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: 区域配置文件不存在") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: 不是有效的 TOML：{exc}") from None
    base = path.resolve().parent

    def text(key: str, required: bool = False, default: str = "") -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or (required and not value.strip()):
            raise ConfigError(f"{path}: 缺少 {key}（应为非空字符串）" if required else f"{path}: {key} 应为字符串")
        return value.strip()

    name, slug = text("name", True), text("slug", True)
    if not region_runner._SLUG.match(slug):
        raise ConfigError(f"{path}: slug 只能含字母、数字、- 和 _，实为 {slug!r}")
    counties = data.get("counties")
    if not isinstance(counties, list) or not counties or not all(isinstance(c, str) for c in counties):
        raise ConfigError(f"{path}: counties 应为县级配置文件路径的列表（相对于本文件）")
    county_paths = [(base / c).resolve() for c in counties]
    for i, p in enumerate(county_paths, start=1):
        if not p.is_file():
            raise ConfigError(f"{path}: counties 第{i}项 {counties[i - 1]} 不存在（{p}）")
    if len(set(county_paths)) != len(county_paths):
        raise ConfigError(f"{path}: counties 中有重复的县级配置")
    default_period = data.get("default_period")
    if default_period:
        try:
            default_period = parse_period(str(default_period)).code
        except PeriodError as exc:
            raise ConfigError(f"{path}: default_period：{exc}") from None
    raw_dask = data.get("dask", {})
    if not isinstance(raw_dask, dict):
        raise ConfigError(f"{path}: [dask] 应为一个表")
    try:
        dask = DaskSettings(
            address=str(raw_dask.get("address", "") or "").strip(),
            n_workers=int(raw_dask.get("n_workers", 2)),
            threads_per_worker=int(raw_dask.get("threads_per_worker", 1)),
            processes=bool(raw_dask.get("processes", True)),
            dashboard_address=str(raw_dask.get("dashboard_address", "") or "").strip(),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: [dask] 的 n_workers / threads_per_worker 应为整数：{exc}") from None
    if dask.n_workers < 1 or dask.threads_per_worker < 1:
        raise ConfigError(f"{path}: [dask] n_workers 和 threads_per_worker 至少为 1")
    parquet_root = data.get("parquet_root")
    memory_limit = data.get("memory_limit", "1GB")
    return RegionConfig(
        path=path.resolve(), name=name, slug=slug, counties=county_paths, issuer=text("issuer"),
        addressee=text("addressee", default="各县市区人民政府："), default_period=default_period,
        parquet_root=(base / parquet_root).resolve() if parquet_root else None,
        memory_limit=str(memory_limit) if memory_limit else None, dask=dask,
    )


def task_runner_for(cfg: RegionConfig):
    """The DaskTaskRunner the config asks for: an existing scheduler by address, else a LocalCluster."""
    from prefect_dask import DaskTaskRunner

    if cfg.dask.address:
        return DaskTaskRunner(address=cfg.dask.address)
    cluster = {"n_workers": cfg.dask.n_workers, "threads_per_worker": cfg.dask.threads_per_worker,
               "processes": cfg.dask.processes}
    if cfg.dask.dashboard_address:
        cluster["dashboard_address"] = cfg.dask.dashboard_address
    return DaskTaskRunner(cluster_kwargs=cluster)


def county_warehouse(work_dir: str | Path, county_slug: str) -> Path:
    return (Path(work_dir) / f"{county_slug}.duckdb").resolve()


def region_warehouse(work_dir: str | Path, region_slug: str) -> Path:
    return (Path(work_dir) / f"region-{region_slug}.duckdb").resolve()


def scope_word(name: str) -> str:
    """全市 for 岳阳市, 全州 for 湘西州 …: how the region bulletin names the whole region."""
    for suffix, word in (("市", "全市"), ("州", "全州"), ("盟", "全盟"), ("省", "全省"), ("地区", "全区")):
        if name.endswith(suffix):
            return word
    return "全区域"


# --------------------------------------------------------------------------------------------
# Plain functions (the region tasks call these; tests call them directly)
# --------------------------------------------------------------------------------------------


def export_marts(warehouse: str | Path, county_slug: str, period: str, parquet_root: str | Path) -> dict:
    """One county's marts of the period → Parquet partitions (atomic per file; a rerun replaces them)."""
    return region_runner.export_county_marts(warehouse, county_slug, parse_period(period).code, parquet_root)


def region_transform(region_db: str | Path, parquet_root: str | Path, period: str, counties: list[str],
                     memory_limit: str | None) -> dict[str, int]:
    con = region_runner.connect(region_db, memory_limit=memory_limit)
    try:
        return region_runner.run_region(con, parquet_root, parse_period(period).code, counties)
    finally:
        con.close()


def _gxe():
    import great_expectations.expectations as gxe  # lazy: GX takes seconds to import

    return gxe


def _n(value) -> str:
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return str(value)


def region_checks():
    """The region's GX checks, on per-county aggregates only (expectations.checks.Check objects)."""
    from expectations.checks import Check

    return (
        Check(name="county_items_non_negative", code="bad_count", frame="rows", severity="error",
              description="各县市区各类单位发布条数不小于0。",
              expectation=lambda *_: _gxe().ExpectColumnValuesToBeBetween(column="items", min_value=0),
              index_columns=("county", "category", "items", "where"),
              message=lambda r: f"{r['county']}{r['category']}发布条数为{_n(r['items'])}（负数）"),
        Check(name="county_ranks_unique", code="rank_inconsistent", frame="rows", severity="error",
              description="同一类别中各县市区的排名互不相同（1…N）。",
              expectation=lambda *_: _gxe().ExpectColumnValuesToBeUnique(column="rank_key"),
              index_columns=("county", "category", "rank", "where"),
              message=lambda r: f"{r['category']}排名第{_n(r['rank'])}名不唯一（{r['county']}）"),
        Check(name="county_ranks_in_range", code="rank_inconsistent", frame="rows", severity="error",
              description="各县市区排名在1至参与排名的县市区数之间。",
              expectation=lambda *_: _gxe().ExpectColumnValuesToBeInSet(column="rank_in_range", value_set=[True]),
              index_columns=("county", "category", "rank", "where"),
              message=lambda r: f"{r['county']}{r['category']}排名{_n(r['rank'])}超出范围"),
        Check(name="county_items_match_bulletin", code="region_total_mismatch", frame="tables", severity="error",
              description="区域汇总表中每个县市区的条数等于该县通报附件合计。",
              expectation=lambda *_: _gxe().ExpectColumnPairValuesToBeEqual(column_A="items", column_B="bulletin_total"),
              index_columns=("county", "items", "bulletin_total", "where"),
              message=lambda r: (f"{r['county']}在区域汇总中为{_n(r['items'])}条，"
                                 f"与该县通报附件合计{_n(r['bulletin_total'])}条不一致")),
        Check(name="county_stated_total_matches", code="overall_total_mismatch", frame="tables", severity="error",
              description="各县市区通报正文所述总数与附件合计一致（沿用各县核查结果）。",
              expectation=lambda *_: _gxe().ExpectColumnValuesToBeInSet(column="stated_matches", value_set=[True]),
              index_columns=("county", "stated_in_text", "sum_of_tables", "where"),
              message=lambda r: (f"{r['county']}通报正文所述公开总数{_n(r['stated_in_text'])}条"
                                 f"与附件合计{_n(r['sum_of_tables'])}条不一致")),
        Check(name="counties_final", code="county_draft", frame="tables", severity="error",
              description="各县市区通报均为正式稿（阻断性检查全部通过）。",
              expectation=lambda *_: _gxe().ExpectColumnValuesToBeInSet(column="county_status", value_set=["final"]),
              index_columns=("county", "county_status", "other_failures", "where"),
              message=lambda r: f"{r['county']}通报为草稿" + (f"：{r['other_failures']}" if r.get("other_failures")
                                                             else "，须更正后方可印发")),
        Check(name="counties_complete", code="county_missing", frame="period", severity="error",
              description="区域汇总包含本次完成的全部县市区。",
              expectation=lambda *_: _gxe().ExpectColumnPairValuesToBeEqual(
                  column_A="counties_in_table", column_B="counties_expected"),
              index_columns=("counties_in_table", "counties_expected", "where"),
              message=lambda r: (f"区域汇总含{_n(r['counties_in_table'])}个县市区，"
                                 f"应为{_n(r['counties_expected'])}个")),
        Check(name="region_items_add_up", code="region_total_mismatch", frame="period", severity="error",
              description="全部单位条数之和等于各县市区条数之和。",
              expectation=lambda *_: _gxe().ExpectColumnPairValuesToBeEqual(
                  column_A="items_of_units", column_B="items_of_counties"),
              index_columns=("items_of_units", "items_of_counties", "where"),
              message=lambda r: (f"全部单位合计{_n(r['items_of_units'])}条，"
                                 f"各县市区合计{_n(r['items_of_counties'])}条，二者不一致")),
    )


def region_frames(con, period: str, counties: list[dict]) -> dict:
    """The three small frames the region checks read: ranking rows, one row per county, a summary."""
    import pandas as pd

    code = parse_period(period).code
    ranking = region_runner.frame(con, "ranking", period=code)
    table = region_runner.frame(con, "counties", period=code).drop(columns=["by_category"])
    carried = pd.DataFrame([
        {"county_slug": c["county_slug"], "bulletin_total": c["totals"].get("all"),
         "stated_matches": c["stated_matches"], "county_status": c["status"],
         # what else made it a draft (the stated-vs-table result has its own check above)
         "other_failures": "；".join(c["other_messages"])}
        for c in counties if c["status"] in {"final", "draft"}
    ], columns=["county_slug", "bulletin_total", "stated_matches", "county_status", "other_failures"])
    table = table.merge(carried, on="county_slug", how="outer")
    table["where"] = table["county"]
    summary = region_runner.frame(con, "summary", period=code)
    summary["counties_expected"] = len(carried)
    summary["where"] = "区域汇总"
    return {"rows": ranking, "tables": table, "period": summary}


def validate_region(region_db: str | Path, period: str, counties: list[dict], memory_limit: str | None) -> dict:
    """Run the region checks (GX) on per-county aggregates; results as plain dicts."""
    from expectations.runner import validate

    con = region_runner.connect(region_db, memory_limit=memory_limit, read_only=True)
    try:
        frames = region_frames(con, period, counties)
    finally:
        con.close()
    outcome = validate(frames, checks=region_checks(), docs_dir=None, run_name=f"region.{parse_period(period).code}")
    return {"checks": [r.to_dict() for r in outcome.results]}


def region_context(cfg: RegionConfig, region_db: str | Path, period: str, counties: list[dict],
                   validation: dict, memory_limit: str | None) -> dict:
    """Everything region.md / region.html / region.json show, from the region tables (small queries)."""
    p = parse_period(period)
    con = region_runner.connect(region_db, memory_limit=memory_limit, read_only=True)
    try:
        rows = region_runner.records(con, "counties", period=p.code)
        categories = region_runner.records(con, "categories", period=p.code)
        ranking = region_runner.records(con, "ranking", period=p.code)
        top = region_runner.records(con, "top_units", period=p.code, top=TOP_UNITS)
    finally:
        con.close()
    by_slug = {c["county_slug"]: c for c in counties}
    table = []
    for r in rows:
        c = by_slug.get(r["county_slug"], {})
        by_category = {k: {"items": int(v["items"]), "rank": int(v["rank"]), "units": int(v["units"])}
                       for k, v in (r["by_category"] or {}).items()}
        table.append({
            "rank": int(r["rank"]), "county_slug": r["county_slug"], "county": r["county"],
            "status": c.get("status"), "status_label": _status_label(c.get("status")),
            "items": int(r["items"]), "units": int(r["units"]), "by_category": by_category,
            "stated_in_text": _int(r["stated_in_text"]), "sum_of_tables": _int(r["sum_of_tables"]),
            "failed_checks": c.get("failed_checks", []), "messages": c.get("messages", []),
            "out_dir": c.get("out_dir"), "error": None, "error_kind": None,
        })
    for c in counties:  # counties that did not finish: listed after the ranked ones, without a rank
        if c["status"] not in {"final", "draft"}:
            table.append({"rank": None, "county_slug": c["county_slug"], "county": c["county"],
                          "status": c["status"], "status_label": _status_label(c["status"]), "items": None,
                          "units": None, "by_category": {}, "stated_in_text": None, "sum_of_tables": None,
                          "failed_checks": [], "messages": [], "out_dir": None, "error": c.get("error"),
                          "error_kind": c.get("error_kind")})
    cats = [c["category"] for c in categories if c["category"] != "合计"]
    totals = {c["category"]: int(c["items"]) for c in categories if c["category"] != "合计"}
    totals["all"] = sum(totals.values())
    checks = validation["checks"]
    failed = [c for c in checks if not c["success"]]
    blocking = [c for c in failed if c.get("blocking")]
    unfinished = [c for c in counties if c["status"] not in {"final", "draft"}]
    status = "draft" if blocking or unfinished else "final"
    ranked = [t for t in table if t["rank"] is not None]
    n = len(ranked)
    most = [t["county"] for t in ranked[: min(3, max(n - 1, 0))]]
    fewest = [t["county"] for t in ranked[max(len(most), n - 2):]][::-1] if n > 3 else []
    scope = scope_word(cfg.name)
    return {
        "region": cfg.name, "region_slug": cfg.slug, "scope": scope,
        "period": p.code, "period_label": p.label,
        "title": f"关于{p.label}各县市区政务公开信息发布情况的通报",
        "addressee": cfg.addressee, "issuer": cfg.issuer,
        "status": status, "status_label": _status_label(status),
        "categories": cats, "totals": totals,
        "counties": table,
        "counted": n, "listed": len(counties),
        "most": most, "fewest": fewest,
        "ranking": {cat: [{"rank": int(r["rank"]), "county_slug": r["county_slug"], "county": r["county"],
                           "items": int(r["items"])} for r in ranking if r["category"] == cat]
                    for cat in [*cats, "合计"]},
        "top_units": {cat: [{"rank": int(u["rank_in_region"]), "county": u["county"], "county_slug": u["county_slug"],
                             "unit": u["unit"], "count": _int(u["count"]), "rank_in_county": _int(u["rank_in_county"])}
                            for u in top if u["category"] == cat] for cat in cats},
        "top_n": TOP_UNITS,
        "quality": {
            "blocking": [m for c in blocking for m in (c.get("findings") and [f["message"] for f in c["findings"]]
                                                       or [c["description"]])]
                        + [f"{c['county']}未完成：{c.get('error')}" for c in unfinished],
            "warnings": [f["message"] for c in failed if not c.get("blocking") for f in c.get("findings", [])],
        },
        "checks": checks,
    }


def _int(value):
    try:
        return None if value is None or value != value else int(value)
    except (TypeError, ValueError):
        return None


def _status_label(status: str | None) -> str:
    return {"final": "正式", "draft": "草稿", "failed": "未完成"}.get(status or "", status or "")


def render_region(cfg: RegionConfig, region_db: str | Path, period: str, counties: list[dict], validation: dict,
                  out_dir: str | Path, extra: dict, memory_limit: str | None) -> dict:
    """Write region.md, region.html, units.csv and region.json into out_dir; returns the region summary."""
    from reports.region_render import render_region_outputs

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    context = region_context(cfg, region_db, period, counties, validation, memory_limit)
    outputs = render_region_outputs(context, out_dir)
    con = region_runner.connect(region_db, memory_limit=memory_limit, read_only=True)
    try:
        region_runner.copy_to_csv(con, "units_export", out_dir / "units.csv", period=context["period"])
    finally:
        con.close()
    outputs["units.csv"] = "units.csv"
    outputs["region.json"] = "region.json"
    summary = {
        key: context[key] for key in ("region", "region_slug", "period", "period_label", "status", "totals",
                                      "counties", "ranking", "top_units", "quality")
    }
    summary["checks"] = [
        {"name": c["name"], "success": c["success"], "observed": c.get("observed"), "expected": c.get("expected"),
         "severity": c.get("severity"), "blocking": c.get("blocking"), "code": c.get("code"),
         "messages": [f["message"] for f in c.get("findings", [])]}
        for c in context["checks"]
    ]
    summary["outputs"] = outputs
    summary.update({"started_at": extra.get("started_at"), "finished_at": pipeline.now_iso(),
                    "marts": extra.get("marts"), "parquet_root": extra.get("parquet_root"),
                    "warehouse": str(region_db)})
    pipeline.write_json(out_dir / "region.json", summary)
    return summary


def county_result(slug: str, county: str, config: str, summary: dict | None = None, *,
                  error: str | None = None, step: str | None = None, exported: dict | None = None,
                  error_kind: str | None = None) -> dict:
    """What the parent keeps of one county's run: a small dict (never the county's rows)."""
    if summary is None:
        return {"county_slug": slug, "county": county, "config": config, "status": "failed", "error": error,
                "error_kind": error_kind, "step": step, "out_dir": None, "totals": {}, "stated_matches": None, "failed_checks": [],
                "messages": [], "other_messages": [], "exported": None}
    failed = [c for c in summary["checks"] if not c["success"] and c.get("blocking")]
    stated = next((c for c in summary["checks"] if c["name"] == "overall_total_matches_tables"), None)
    return {"county_slug": slug, "county": summary.get("county") or county, "config": config,
            "status": summary["status"], "error": None, "error_kind": None, "step": None, "out_dir": summary.get("out_dir"),
            "totals": summary["totals"], "stated_matches": bool(stated["success"]) if stated else True,
            "failed_checks": [c["name"] for c in failed],
            "messages": [m for c in failed for m in c.get("messages") or []],
            "other_messages": [m for c in failed if c["name"] != "overall_total_matches_tables"
                               for m in c.get("messages") or [c["name"]]],
            "exported": exported}


# --------------------------------------------------------------------------------------------
# Tasks. County tasks run on the Dask workers (one county's chain on one worker); the region
# tasks are called, not submitted: they run in the parent, the region DuckDB's only writer.
# --------------------------------------------------------------------------------------------


def _validate_cache_key(context, parameters: dict) -> str:
    where = hashlib.sha256(str(Path(parameters["cache_dir"]).resolve()).encode()).hexdigest()[:12]
    return f"zwgk-region-validate-{parameters['fingerprint']}-{where}"


@task(name="validate", task_run_name="validate-{county_slug}-{period}",
      cache_key_fn=_validate_cache_key, cache_expiration=timedelta(days=180), persist_result=True)
def validate_county_task(warehouse: str, county_slug: str, period: str, blocking: dict, settings: dict,
                         fingerprint: str, cache_dir: str) -> dict:
    """bulletin_flow.validate_task, with the Data Docs folder named inside the task (the key is a future)."""
    return pipeline.validate_period(warehouse, county_slug, period, docs_dir=str(Path(cache_dir) / fingerprint),
                                    blocking=blocking, settings=settings)


@task(name="notify", task_run_name="notify-{county_slug}-{period}", retries=2, retry_delay_seconds=[5, 30])
def notify_county_task(summary: dict, out_dir: str, county_slug: str, period: str, urls: list[str],
                       notify_success: bool) -> dict:
    return pipeline.notify(pipeline.alert_summary({**summary, "out_dir": out_dir}), urls, notify_success)


@task(name="publish", task_run_name="publish-{county_slug}-{period}")
def publish_county_task(staged: str, summary: dict, alert: dict, out_root: str, county_slug: str,
                        period: str) -> dict:
    """Complete run.json as half_yearly_bulletin does (out_dir, alert, finished_at) and swap it in."""
    summary = dict(summary)
    summary["out_dir"] = str(pipeline.final_dir(out_root, county_slug, period))
    summary["alert"] = alert
    summary["finished_at"] = pipeline.now_iso()
    pipeline.finalize(staged, summary, out_root, county_slug, period)
    return summary


@task(name="record_run", task_run_name="record-{county_slug}-{period}")
def record_county_run_task(warehouse: str, county_slug: str, period: str, record: dict, summary: dict) -> None:
    failed = [c["name"] for c in summary["checks"] if not c["success"] and c.get("blocking")]
    pipeline.record_run(warehouse, {**record, "status": summary["status"], "failed_checks": failed,
                                    "out_dir": summary["out_dir"], "alert": summary["alert"]["status"],
                                    "finished_at": summary["finished_at"]})


@task(name="export", task_run_name="export-{county_slug}-{period}")
def export_marts_task(warehouse: str, county_slug: str, period: str, parquet_root: str) -> dict:
    return {"rows": export_marts(warehouse, county_slug, period, parquet_root), "worker_pid": os.getpid()}


@task(name="region-transform", task_run_name="region-transform-{region_slug}-{period}")
def region_transform_task(region_db: str, region_slug: str, parquet_root: str, period: str, counties: list[str],
                          memory_limit: str | None) -> dict:
    return region_transform(region_db, parquet_root, period, counties, memory_limit)


@task(name="region-validate", task_run_name="region-validate-{region_slug}-{period}")
def region_validate_task(region_db: str, region_slug: str, period: str, counties: list[dict],
                         memory_limit: str | None) -> dict:
    return validate_region(region_db, period, counties, memory_limit)


@task(name="region-render", task_run_name="region-render-{region_slug}-{period}")
def region_render_task(region_config: str, region_db: str, region_slug: str, period: str, counties: list[dict],
                       validation: dict, staged_dir: str, extra: dict, memory_limit: str | None) -> dict:
    return render_region(load_region_config(region_config), region_db, period, counties, validation, staged_dir,
                         extra, memory_limit)


# --------------------------------------------------------------------------------------------
# Flows
# --------------------------------------------------------------------------------------------

COUNTY_STEPS = ("ingest", "crawl", "transform", "fingerprint", "validate", "render", "notify", "publish", "record_run",
                "export")


def _dask_workers() -> list[str]:
    """The workers of the flow's Dask cluster (to keep each county's chain on one of them)."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    client = getattr(getattr(ctx, "task_runner", None), "client", None) if ctx else None
    if client is None or not hasattr(client, "scheduler_info"):
        return []
    try:
        return sorted(client.scheduler_info(n_workers=-1).get("workers", {}))
    except Exception:  # not a Dask runner, or the scheduler does not answer: no pinning
        return []


def _on_worker(worker: str | None):
    """Submit inside this to keep tasks on one worker (loosely: another takes over if it goes away)."""
    if not worker:
        return nullcontext()
    import dask

    return dask.annotate(workers=[worker], allow_other_workers=True)


def county_task_parameters(config_path: str, county_db: str, slug: str, code: str, out_root: str,
                           parquet_root: str, cache_dir: str) -> dict:
    """Every path a county's tasks receive — the region DuckDB is not among them."""
    return {"config": config_path, "warehouse": county_db, "out_root": out_root, "parquet_root": parquet_root,
            "cache_dir": cache_dir, "county_slug": slug, "period": code}


def county_knobs(cfg) -> dict:
    """What half_yearly_bulletin derives from a county config before its transform and validate
    steps (from bulletin_flow.run_settings: the region's county outputs must be the county flow's)."""
    from flows.county_flow import run_settings

    settings, blocking = run_settings(cfg)
    return {"settings": settings, "blocking": blocking, "transform_args": (cfg.rules,)}


def _submit_county(params: dict, cfg, staged: str, started: str, record: dict, worker: str | None) -> dict:
    """Submit one county's chain — the steps of half_yearly_bulletin, in its order — and the export;
    returns step → future. Each task waits for the one before it, so the county's DuckDB file is
    only ever open in one task at a time."""
    db, slug, code = params["warehouse"], params["county_slug"], params["period"]
    final = str(pipeline.final_dir(params["out_root"], slug, code))
    knobs = county_knobs(cfg)
    blocking, settings = knobs["blocking"], knobs["settings"]
    with _on_worker(worker):
        f = {}
        f["ingest"] = ingest_task.with_options(task_run_name=f"ingest-{slug}-{code}").submit(
            params["config"], db, code)
        f["crawl"] = crawl_task.submit(params["config"], db, slug, wait_for=[f["ingest"]]) if cfg.crawls else None
        f["transform"] = transform_task.submit(db, slug, code, *knobs["transform_args"],
                                               wait_for=[f["crawl"] or f["ingest"]])
        f["fingerprint"] = fingerprint_task.submit(db, slug, code, blocking, settings, wait_for=[f["transform"]])
        f["validate"] = validate_county_task.submit(db, slug, code, blocking, settings, f["fingerprint"],
                                                    params["cache_dir"])
        f["render"] = render_task.submit(params["config"], db, slug, code, f["validate"], staged,
                                         {"ingest": f["ingest"], "marts": f["transform"], "started_at": started,
                                          "crawl": f["crawl"]})
        f["notify"] = notify_county_task.submit(f["render"], final, slug, code, cfg.alert_urls, cfg.notify_success)
        f["publish"] = publish_county_task.submit(staged, f["render"], f["notify"], params["out_root"], slug, code)
        f["record_run"] = record_county_run_task.submit(db, slug, code, record, f["publish"])
        f["export"] = export_marts_task.submit(db, slug, code, params["parquet_root"], wait_for=[f["record_run"]])
    return f


def _outcome(futures: dict) -> tuple[dict | None, dict | None, str | None, tuple[str, str] | None]:
    """(summary, exported, failed step, (error, input|error)) of one county's chain."""
    for step in COUNTY_STEPS:
        future = futures[step]
        if future is None:  # a step this county does not have (crawl without a [crawl] config)
            continue
        future.wait()
        state = future._final_state or future.state
        if not state.is_completed():
            # The state's message is written where the task ran: it names the exception even when the
            # exception itself cannot travel back (an exception class whose __init__ takes other
            # arguments than its message does not unpickle).
            message = str(state.message or "").removeprefix("Task run encountered an exception ").strip()
            try:
                error = future.result(raise_on_failure=False)
            except Exception as exc:  # noqa: BLE001 — whatever the task raised is the reason
                error = exc
            names = {cls.__name__ for cls in input_errors()}
            if isinstance(error, input_errors()) or message.split(":", 1)[0] in names:
                kind = "input"
            else:
                kind = "error"
            reason = message or (f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else "未知原因")
            return None, None, step, (f"任务 {step} 失败：{reason}", kind)
    return futures["publish"].result(), futures["export"].result(), None, None


@flow(name="region-counties", flow_run_name="region-counties-{region_slug}-{period}", log_prints=True)
def region_counties(region: str, region_slug: str, period: str, out_dir: str, work_dir: str,
                    parquet_root: str) -> list[dict]:
    """Every county's job, fanned out on the flow's Dask task runner; returns one small dict per county."""
    logger = get_run_logger()
    cfg = load_region_config(region)
    workers = _dask_workers()
    logger.info("县市区 %d 个，Dask 工作进程 %d 个", len(cfg.counties), len(workers))
    cache_dir = str(Path(out_dir).resolve() / ".cache" / "validation")
    started = pipeline.now_iso()
    plans = []
    for i, config_path in enumerate(cfg.counties):
        county_cfg = load_config(config_path)
        params = county_task_parameters(str(config_path), str(county_warehouse(work_dir, county_cfg.slug)),
                                        county_cfg.slug, period, out_dir, parquet_root, cache_dir)
        staged = str(pipeline.staging_dir(out_dir, county_cfg.slug, period))
        record = {"run_id": uuid.uuid4().hex, "flow_run_id": flow_run.id, "county_slug": county_cfg.slug,
                  "county": county_cfg.county, "period": period, "started_at": started}
        worker = workers[i % len(workers)] if workers else None
        futures = _submit_county(params, county_cfg, staged, started, record, worker)
        plans.append((county_cfg, params, staged, futures))

    results = []
    for county_cfg, params, staged, futures in plans:
        summary, exported, step, failure = _outcome(futures)
        if summary is None:
            error, kind = failure
            shutil.rmtree(staged, ignore_errors=True)
            logger.error("%s（%s）失败：%s", county_cfg.county, county_cfg.slug, error)
            failed = {"county": county_cfg.county, "period": period, "period_label": parse_period(period).label,
                      "status": "failed", "error": error, "checks": [], "out_dir": None}
            pipeline.notify(pipeline.alert_summary(failed), county_cfg.alert_urls, county_cfg.notify_success)
            results.append(county_result(county_cfg.slug, county_cfg.county, params["config"], error=error,
                                         step=step, error_kind=kind))
        else:
            results.append(county_result(county_cfg.slug, county_cfg.county, params["config"], summary,
                                         exported=exported))
            logger.info("%s：%s", summary.get("county"), _status_label(summary["status"]))
    # Each result names the paths its county's tasks were given (the region DuckDB is never one).
    return [dict(r, tasks=params) for r, (_, params, _, _) in zip(results, plans)]


def _flow_run_name() -> str:
    params = flow_run.parameters
    return f"region-{Path(str(params.get('region'))).stem}-{params.get('period') or 'default'}"


@flow(name="region_bulletin", flow_run_name=_flow_run_name, log_prints=True)
def region_bulletin(region: str, period: str | None = None, out_dir: str | None = None,
                    work_dir: str | None = None) -> dict:
    """Every county of the region (on Dask), then the region bulletin; returns region.json's object."""
    logger = get_run_logger()
    logging.getLogger("distributed").setLevel(logging.WARNING)
    cfg = load_region_config(region)
    if period in (None, ""):
        if not cfg.default_period:
            raise ValueError("未指定期间，区域配置中也没有 default_period")
        period = cfg.default_period
    code = parse_period(period).code
    out_root = str(Path(out_dir or settings().out).resolve())
    work = Path(work_dir or settings().work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    parquet_root = str(cfg.parquet_dir(work))
    region_db = str(region_warehouse(work, cfg.slug))
    slugs = [load_config(p).slug for p in cfg.counties]
    if len(set(slugs)) != len(slugs) or cfg.slug in slugs:
        raise ConfigError(f"{cfg.path}: 县市区的 slug 须互不相同，且不同于区域 slug {cfg.slug}")
    started = pipeline.now_iso()

    counties = region_counties.with_options(task_runner=task_runner_for(cfg))(
        region=str(cfg.path), region_slug=cfg.slug, period=code, out_dir=out_root, work_dir=str(work),
        parquet_root=parquet_root)
    done = [c["county_slug"] for c in counties if c["status"] in {"final", "draft"}]
    if not done:
        raise RegionFailed(f"{cfg.name}：没有县市区完成，无法生成区域通报", counties)

    marts = region_transform_task(region_db, cfg.slug, parquet_root, code, done, cfg.memory_limit)
    validation = region_validate_task(region_db, cfg.slug, code, counties, cfg.memory_limit)
    staged = pipeline.staging_dir(out_root, cfg.slug, code)
    try:
        summary = region_render_task(str(cfg.path), region_db, cfg.slug, code, counties, validation, str(staged),
                                     {"started_at": started, "marts": marts, "parquet_root": parquet_root},
                                     cfg.memory_limit)
        summary["out_dir"] = str(pipeline.final_dir(out_root, cfg.slug, code))
        pipeline.write_json(Path(staged) / "region.json", summary)
        pipeline.publish_dir(staged, out_root, cfg.slug, code)
    except Exception:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    # Returned, not in region.json: each county's run as the parent saw it, and the paths its tasks got.
    summary["county_runs"] = counties
    summary["county_tasks"] = [c["tasks"] for c in counties]
    logger.info("区域通报：%s（%s），输出目录 %s", cfg.name, _status_label(summary["status"]), summary["out_dir"])
    return summary
