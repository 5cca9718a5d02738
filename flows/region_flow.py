"""Many counties at once, set-based: the region flow ``region_bulletin`` and the region bulletin.

A region config (flows/domain/region_config.py) lists county configs. The county chain is the county
flow's (flows/county_flow.py: the same tasks, names, retries); the region runs it once for all counties
where the work is set-based, and fans out on Dask (prefect-dask's ``DaskTaskRunner``: a LocalCluster, or
an existing scheduler by address) only what is per county by nature:

    region_bulletin(region, period)                                     flow process
    └─ region-counties (subflow, DaskTaskRunner)
         crawl ×N           Dask: each county's portal → its own crawl store   (crawl_task)
         ingest-scope       flow process → the ONE region warehouse (pipeline.ingest_config ×N)
         load_crawl ×N      flow process → the region warehouse                 (load_crawl_task)
         transform-scope    every county's marts in one pass (run_scope)
         validate-scope     the checks once over the region's frames; each county's result derived
         export-scope       the marts → Parquet (what the region models read)
         render ×N          Dask: each county's documents, warehouse read-only  (render_task, shared)
         pdf ×workers       Dask: one LibreOffice process per worker converts many Word files (pdf_task)
         notify → publish → record_run, per county                              (the county flow's tasks)
    region-transform → region-validate → region-render                  flow process
         <out>/<region>/<period>/  region.md, region.html, region.json, units.csv

A county that fails (unreadable input, no data, a failed crawl or render) is reported, alerted and left
out; the others go on. Tasks pass paths, codes and small dicts, never connections or frames. The steps
are plain functions in flows/steps/region.py.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from flows import prefect_env  # noqa: F401  (sets Prefect defaults before prefect is imported)
from prefect import flow, get_run_logger, task
from prefect.runtime import flow_run

from flows.county_flow import (crawl_task, load_crawl_task, notify_task, pdf_task, publish_task,
                               record_run_task, render_task)
from flows.steps.validate import run_settings
from flows.domain.config import ConfigError, load_config
from flows.domain.periods import parse_period
from flows.domain.region_config import load_region_config, region_warehouse
from flows.domain.settings import render_cache, settings as zwgk_settings
from flows.steps import pipeline
from flows.steps import region as steps
from flows.steps.region import county_result
from flows.steps.runs import failed_run, finished_run, run_record
from flows.steps.runlock import warehouse_lock
from reports.region_render import status_label


class RegionFailed(RuntimeError):
    """A region run that could not produce its bulletin (no county finished); carries the counties."""

    def __init__(self, message: str, counties: list[dict] | None = None):
        self.counties = counties or []
        super().__init__(message)


def task_runner_for(cfg):
    """The DaskTaskRunner the config asks for: an existing scheduler by address, else a LocalCluster."""
    from prefect_dask import DaskTaskRunner

    if cfg.dask.address:
        return DaskTaskRunner(address=cfg.dask.address)
    cluster = {"n_workers": cfg.dask.n_workers, "threads_per_worker": cfg.dask.threads_per_worker,
               "processes": cfg.dask.processes}
    if cfg.dask.dashboard_address:
        cluster["dashboard_address"] = cfg.dask.dashboard_address
    return DaskTaskRunner(cluster_kwargs=cluster)



# --------------------------------------------------------------------------------------------
# Set-based tasks (flow process: the region warehouse's one writer)
# --------------------------------------------------------------------------------------------


@task(name="ingest-scope", task_run_name="ingest-{region_slug}-{period}")
def ingest_scope_task(warehouse: str, region_slug: str, period: str, configs: list[str]) -> dict:
    return steps.ingest_scope(warehouse, period, configs)


@task(name="transform-scope", task_run_name="transform-{region_slug}-{period}")
def transform_scope_task(warehouse: str, region_slug: str, period: str, counties: list[dict],
                         memory_limit: str | None = None) -> dict:
    return steps.transform_scope(warehouse, period, counties, memory_limit=memory_limit)


@task(name="validate-scope", task_run_name="validate-{region_slug}-{period}")
def validate_scope_task(warehouse: str, region_slug: str, period: str, counties: list[dict], docs_root: str,
                        memory_limit: str | None = None) -> dict:
    return steps.validate_scope(warehouse, period, counties, docs_root, memory_limit=memory_limit)


@task(name="export-scope", task_run_name="export-{region_slug}-{period}")
def export_scope_task(warehouse: str, region_slug: str, period: str, slugs: list[str], parquet_root: str) -> dict:
    return steps.export_scope(warehouse, period, slugs, parquet_root)


@task(name="prepare-worker", task_run_name="prepare-worker-{i}")
def prepare_worker_task(i: int) -> int:
    return steps.prepare_worker()


@task(name="region-transform", task_run_name="region-transform-{region_slug}-{period}")
def region_transform_task(region_db: str, region_slug: str, parquet_root: str, period: str, counties: list[str],
                          memory_limit: str | None) -> dict:
    return steps.region_transform(region_db, parquet_root, period, counties, memory_limit)


@task(name="region-validate", task_run_name="region-validate-{region_slug}-{period}")
def region_validate_task(region_db: str, region_slug: str, period: str, counties: list[dict],
                         memory_limit: str | None) -> dict:
    return steps.validate_region(region_db, period, counties, memory_limit)


@task(name="region-render", task_run_name="region-render-{region_slug}-{period}")
def region_render_task(region_config: str, region_db: str, region_slug: str, period: str, counties: list[dict],
                       validation: dict, staged_dir: str, extra: dict, memory_limit: str | None) -> dict:
    return steps.render_region(load_region_config(region_config), region_db, period, counties, validation, staged_dir,
                               extra, memory_limit)


# --------------------------------------------------------------------------------------------
# Flows
# --------------------------------------------------------------------------------------------


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


class _Counties:
    """The counties of one run and what became of each: config, the steps' results, a failure."""

    def __init__(self, region_cfg):
        self.configs = {}
        for path in region_cfg.counties:
            cfg = load_config(path)
            self.configs[cfg.slug] = (str(path), cfg)
        self.failed: dict[str, tuple[str, str, str]] = {}  # slug → (step, error, kind)
        self.data: dict[str, dict] = {slug: {} for slug in self.configs}

    def ok(self) -> list[str]:
        return [slug for slug in self.configs if slug not in self.failed]

    def fail(self, slug: str, step: str, error: str, kind: str) -> None:
        self.failed.setdefault(slug, (step, f"任务 {step} 失败：{error}", kind))

    def fail_exc(self, slug: str, step: str, exc: BaseException) -> None:
        self.fail(slug, step, f"{type(exc).__name__}: {exc}", steps.error_kind(exc))


def _gather_inputs(counties: _Counties, db: str, region_slug: str, period: str) -> None:
    """Crawl every crawled county on Dask while this process ingests every county's sources into the
    region warehouse; then load the crawls into it."""
    logger = get_run_logger()
    crawls = {}
    for slug, (path, cfg) in counties.configs.items():
        if cfg.crawls:
            recent = pipeline.recent_crawl(cfg, db)
            if recent:
                logger.info("%s：未重新采集，上次采集在 %s 前（[crawl] max_age）", slug, recent["age"])
            crawls[slug] = recent or crawl_task.submit(path, db, slug)
    done = ingest_scope_task(db, region_slug, period, [path for path, _ in counties.configs.values()])
    for slug, result in done["ingested"].items():
        counties.data[slug]["ingest"] = result
    for slug, e in done["errors"].items():
        counties.fail(slug, "ingest", e["error"], e["kind"])
    for slug, crawl in crawls.items():
        try:
            result = crawl if isinstance(crawl, dict) else crawl.result()
            if slug not in counties.failed:
                counties.data[slug]["crawl"] = result if result.get("skipped") else load_crawl_task(
                    counties.configs[slug][0], db, slug, result)
        except Exception as exc:  # noqa: BLE001
            counties.fail_exc(slug, "crawl", exc)


def _compute(counties: _Counties, db: str, region_slug: str, period: str, docs_root: str, parquet_root: str,
             memory_limit: str | None = None) -> dict:
    """Marts in one pass, the checks once, the Parquet export; returns slug → validation of the counties left."""
    built = transform_scope_task(db, region_slug, period, [
        {"slug": s, "rules": counties.configs[s][1].rules, "scoring": counties.configs[s][1].scoring}
        for s in counties.ok()], memory_limit)
    for slug, e in built["errors"].items():
        counties.fail(slug, "transform", e["error"], e["kind"])
    for slug, marts in built["marts"].items():
        counties.data[slug]["marts"] = marts
    knobs = []
    for slug in counties.ok():
        settings, blocking = run_settings(counties.configs[slug][1])
        knobs.append({"slug": slug, "settings": settings, "blocking": blocking})
    validated = validate_scope_task(db, region_slug, period, knobs, docs_root, memory_limit) if knobs else {
        "validations": {}, "errors": {}}
    for slug, e in validated["errors"].items():
        counties.fail(slug, "validate", e["error"], e["kind"])
    if counties.ok():
        exported = export_scope_task(db, region_slug, period, counties.ok(), parquet_root)
        for slug, rows in exported.items():
            counties.data[slug]["exported"] = rows
    return validated["validations"]


def _render(counties: _Counties, db: str, period: str, out_dir: str, validations: dict, started: str,
            n_workers: int) -> dict:
    """Every county's documents on Dask (read-only), then the PDFs, a LibreOffice process per worker."""
    cache_root = str(render_cache(out_dir))
    futures, staged = {}, {}
    for slug in counties.ok():
        path, _ = counties.configs[slug]
        data = counties.data[slug]
        staged[slug] = str(pipeline.staging_dir(out_dir, slug, period))
        futures[slug] = render_task.submit(path, db, slug, period, validations[slug], staged[slug], {
            "ingest": data.get("ingest"), "marts": data.get("marts"), "started_at": started,
            "crawl": data.get("crawl")}, cache_root, shared=True)
    summaries, batches = {}, {}
    for slug, future in futures.items():
        try:
            summary = future.result()
        except Exception as exc:  # noqa: BLE001
            counties.fail_exc(slug, "render", exc)
            continue
        batches[slug] = summary.pop("pdf_batch") or []
        counties.data[slug]["worker_pid"] = summary.pop("worker_pid", None)
        summaries[slug] = summary
    jobs = [(slug, job) for slug, batch in batches.items() for job in batch]
    chunks = steps.pdf_chunks(jobs, n_workers)
    pdfs = [(chunk, pdf_task.submit([job for _, job in chunk], len(chunk))) for chunk in chunks]
    for chunk, future in pdfs:
        try:
            future.result()
        except Exception as exc:  # noqa: BLE001 — the counties of this chunk fail at render
            for slug, _ in chunk:
                counties.fail_exc(slug, "render", exc)
    for slug in list(summaries):
        if slug in counties.failed:
            summaries.pop(slug)
    for slug in staged:
        if slug not in summaries:
            shutil.rmtree(staged[slug], ignore_errors=True)
    return {slug: (staged[slug], s) for slug, s in summaries.items()}


def _deliver(counties: _Counties, db: str, region_slug: str, period: str, out_dir: str, rendered: dict,
             started: str) -> list[dict]:
    """Per county, as the county flow: notify → publish; a failed county alerts. Then every county's run
    recorded at once (one transaction in the region warehouse)."""
    logger = get_run_logger()
    results, records = [], []
    for slug, (path, cfg) in counties.configs.items():
        record = run_record(slug, cfg.county, period, started, flow_run.id)
        if slug in rendered:
            staged, summary = rendered[slug]
            summary["out_dir"] = str(pipeline.final_dir(out_dir, slug, period))
            summary["alert"] = notify_task(summary, slug, period, cfg.alert_urls, cfg.notify_success)
            summary = publish_task(staged, summary, out_dir, slug, period)
            records.append(finished_run(record, summary))
            logger.info("%s：%s", summary.get("county"), status_label(summary["status"]))
            results.append(county_result(slug, cfg.county, path, summary, exported=counties.data[slug].get("exported")))
            results[-1]["worker_pid"] = counties.data[slug].get("worker_pid")
            continue
        step, error, kind = counties.failed[slug]
        logger.error("%s（%s）失败：%s", cfg.county, slug, error)
        records.append(failed_run(record, cfg.county, period, error, cfg.alert_urls, cfg.notify_success))
        results.append(county_result(slug, cfg.county, path, error=error, step=step, error_kind=kind))
    record_run_task(db, region_slug, period, records)
    return results


@flow(name="region-counties", flow_run_name="region-counties-{region_slug}-{period}", log_prints=True)
def region_counties(region: str, region_slug: str, period: str, out_dir: str, work_dir: str,
                    parquet_root: str) -> list[dict]:
    """Every county of the region, set-based where it can be, on Dask where it is per county."""
    logger = get_run_logger()
    cfg = load_region_config(region)
    counties = _Counties(cfg)
    db = str(region_warehouse(work_dir, region_slug))
    n_workers = len(_dask_workers()) or cfg.dask.n_workers
    logger.info("县市区 %d 个，Dask 工作进程 %d 个，区域仓库 %s", len(counties.configs), n_workers, db)
    started = pipeline.now_iso()
    # The workers import the renderers while this process ingests, transforms and validates.
    warm = [prepare_worker_task.submit(i) for i in range(n_workers)]
    _gather_inputs(counties, db, region_slug, period)
    docs_root = str(Path(work_dir) / "validation" / region_slug)
    validations = (_compute(counties, db, region_slug, period, docs_root, parquet_root, cfg.memory_limit)
                   if counties.ok() else {})
    for future in warm:
        future.wait()
    rendered = _render(counties, db, period, out_dir, validations, started, n_workers)
    return _deliver(counties, db, region_slug, period, out_dir, rendered, started)


def _flow_run_name() -> str:
    params = flow_run.parameters
    return f"region-{Path(str(params.get('region'))).stem}-{params.get('period') or 'default'}"


@flow(name="region_bulletin", flow_run_name=_flow_run_name, log_prints=True)
def region_bulletin(region: str, period: str | None = None, out_dir: str | None = None,
                    work_dir: str | None = None) -> dict:
    """Every county of the region, then the region bulletin; returns region.json's object."""
    logging.getLogger("distributed").setLevel(logging.WARNING)
    cfg = load_region_config(region)
    if period in (None, ""):
        if not cfg.default_period:
            raise ValueError("未指定期间，区域配置中也没有 default_period")
        period = cfg.default_period
    code = parse_period(period).code
    work = Path(work_dir or zwgk_settings().work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    region_db = str(region_warehouse(work, cfg.slug))
    with warehouse_lock(region_db, f"zwgk run --region {cfg.path.name} {code}"):
        return _region(cfg, code, str(Path(out_dir or zwgk_settings().out).resolve()), work, region_db)


def _region(cfg, code: str, out_root: str, work: Path, region_db: str) -> dict:
    logger = get_run_logger()
    parquet_root = str(cfg.parquet_dir(work))
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
    summary["county_runs"] = counties  # returned, not in region.json: each county's run as the flow saw it
    logger.info("区域通报：%s（%s），输出目录 %s", cfg.name, status_label(summary["status"]), summary["out_dir"])
    return summary
