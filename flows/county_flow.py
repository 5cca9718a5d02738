"""The Prefect flows: ``half_yearly_bulletin`` (ingest → transform → validate → render → notify)
and ``backfill`` (the same for a range of periods, in order).

The flows only orchestrate: every task calls one plain function in flows/steps/pipeline.py and passes
paths, codes, hashes and small dicts, never connections or DataFrames, so Prefect can hash them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flows import prefect_env  # noqa: F401  (sets Prefect defaults before prefect is imported)
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote
from prefect.runtime import flow_run

from flows.steps import pipeline
from flows.domain.config import DEFAULT_CONFIG, load_config
from flows.domain.periods import parse_period_range
from flows.steps.validate import run_settings
from flows.domain.settings import render_cache, settings
from flows.steps.ownership import check_ours
from flows.steps.runs import RunFailed, failed_run, finished_run, resolve_period, run_record
# A scheduled run the busy warehouse kept out is tried again by its schedule (docs/reliability.md, "A scheduled
# run is never lost"); a run started by hand is not retried: the person who started it is told at once.
from flows.steps.runlock import BUSY_RETRIES, BUSY_RETRY_DELAY, WarehouseBusy, warehouse_lock


def schedule_retry(retries_left: int, delay: float) -> str | None:
    """Schedule this deployment's flow run again in ``delay`` seconds; returns when (Asia/Shanghai,
    ``YYYY-MM-DD HH:MM:SS``), or None when this run did not come from a deployment or no retry is left."""
    from prefect.runtime import deployment, flow_run

    deployment_id = deployment.id
    if not deployment_id or retries_left <= 0:
        return None
    from prefect.deployments import run_deployment

    when = datetime.now(timezone.utc) + timedelta(seconds=delay)
    parameters = {**flow_run.parameters, "busy_retries": retries_left - 1}
    run_deployment(deployment_id, parameters=parameters, scheduled_time=when, timeout=0, as_subflow=False,
                   tags=["zwgk", "busy-retry"])
    return when.astimezone(timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M:%S")


def retry_note(when: str | None, retries_left: int) -> str:
    """The sentence the failed run's record and alert carry about what happens next."""
    if when:
        return f"已安排于 {when} 自动重试（此后还可重试 {retries_left - 1} 次）"
    return "未安排自动重试，请在仓库空闲后手动运行"


@task(name="ingest", cache_policy=NO_CACHE, task_run_name="ingest-{period}")
def ingest_task(config_path: str, warehouse: str, period: str) -> dict:
    return pipeline.ingest_config(load_config(config_path), warehouse, period)


def _worth_retrying(task, task_run, state) -> bool:
    """A damaged crawl store or an unreadable config is not fixed by waiting: no retry for those."""
    from transforms.errors import StoreDamaged

    try:
        exc = state.result(raise_on_failure=False)
    except Exception:  # noqa: BLE001 - a result that cannot be read: retry as before
        return True
    return not isinstance(exc, (StoreDamaged, ValueError))


@task(name="crawl", cache_policy=NO_CACHE, task_run_name="crawl-{county_slug}", retries=2,
      retry_delay_seconds=[30, 120], retry_condition_fn=_worth_retrying)
def crawl_task(config_path: str, warehouse: str, county_slug: str) -> dict:
    """Network task: retried with backoff (the crawler itself retries each request on 5xx/timeouts).
    Writes the county's own crawl store only (never the warehouse): counties crawl in parallel."""
    return pipeline.crawl_portal(load_config(config_path), warehouse)


@task(name="load_crawl", cache_policy=NO_CACHE, task_run_name="load-crawl-{county_slug}")
def load_crawl_task(config_path: str, warehouse: str, county_slug: str, crawled: dict) -> dict:
    summary = pipeline.load_crawled(load_config(config_path), warehouse, crawled)
    summary.pop("columns", None)
    return summary


@task(name="transform", cache_policy=NO_CACHE, task_run_name="transform-{county_slug}-{period}")
def transform_task(warehouse: str, county_slug: str, period: str, rules: dict, scoring: dict | None = None) -> dict:
    return pipeline.transform(warehouse, county_slug, period, rules, scoring)


@task(name="fingerprint", cache_policy=NO_CACHE, task_run_name="fingerprint-{county_slug}-{period}")
def fingerprint_task(warehouse: str, county_slug: str, period: str, blocking: dict, settings: dict) -> str:
    return pipeline.fingerprint(warehouse, county_slug, period, blocking, settings)


def _validate_cache_key(context, parameters: dict) -> str:
    """Cache on the content hash of what the checks see and on where this checkout keeps the Data Docs
    and its warehouse: two checkouts (or two output roots) never share a cached result."""
    where = f"{Path(parameters['docs_dir']).resolve()}|{Path(parameters['warehouse']).resolve()}"
    return f"zwgk-validate-{parameters['fingerprint']}-{hashlib.sha256(where.encode()).hexdigest()[:16]}"


def validate_cached(warehouse: str, county_slug: str, period: str, blocking: dict, settings: dict, key: str,
                    cache_dir: Path) -> dict:
    """The validate task with its results kept under the output root's .cache (not ~/.prefect), and a
    cached result used only when the Data Docs it points at still exist (else validated again)."""
    from prefect.filesystems import LocalFileSystem

    results = cache_dir.parent / "results"
    storage = LocalFileSystem(basepath=str(results))
    # Prefect keeps only saved storage blocks on a task: one block per results folder, named by its path.
    storage.save(f"zwgk-results-{hashlib.sha256(str(results).encode()).hexdigest()[:16]}", overwrite=True)
    args = (warehouse, county_slug, period, blocking, settings, key, str(cache_dir / key))
    validation = validate_task.with_options(result_storage=storage)(*args)
    if not _docs_present(validation):
        get_run_logger().info("缓存的核查结果所指的 Data Docs 已不存在：重新核查")
        validation = validate_task.with_options(result_storage=storage, refresh_cache=True)(*args)
    return validation


def _docs_present(validation: dict) -> bool:
    docs_dir, index = validation.get("docs_dir"), validation.get("docs_index")
    return (docs_dir is None or Path(docs_dir).is_dir()) and (index is None or Path(index).is_file())


@task(name="validate", task_run_name="validate-{county_slug}-{period}",
      cache_key_fn=_validate_cache_key, cache_expiration=timedelta(days=180), persist_result=True)
def validate_task(warehouse: str, county_slug: str, period: str, blocking: dict, settings: dict,
                  fingerprint: str, docs_dir: str) -> dict:
    return pipeline.validate_period(warehouse, county_slug, period, docs_dir=docs_dir, blocking=blocking,
                                    settings=settings)


@task(name="render", cache_policy=NO_CACHE, task_run_name="render-{county_slug}-{period}")
def render_task(config_path: str, warehouse: str, county_slug: str, period: str, validation: dict,
                staged_dir: str, extra: dict, cache_root: str | None = None, shared: bool = False) -> dict:
    """``shared`` (the region run): the warehouse is opened read-only (counties render at once) and
    bulletin.pdf is left to one LibreOffice process for all counties (``pdf_task``): the result then
    carries ``pdf_batch``, the conversions to do."""
    batch = [] if shared else None
    summary = pipeline.render_outputs(load_config(config_path), warehouse, period, validation, staged_dir, extra,
                                      cache_dir=cache_root, read_only=shared, pdf_batch=batch)
    return {**summary, "pdf_batch": batch, "worker_pid": os.getpid()} if shared else summary


@task(name="pdf", cache_policy=NO_CACHE, task_run_name="pdf-{n}-documents")
def pdf_task(batch: list, n: int) -> dict:
    """Convert many Word files to PDF in one LibreOffice process (reports/pdf.py, convert_batch)."""
    from reports.pdf import convert_batch

    return {"converted": convert_batch([tuple(job) for job in batch]), "worker_pid": os.getpid()}


@task(name="notify", cache_policy=NO_CACHE, task_run_name="notify-{county_slug}-{period}", retries=2, retry_delay_seconds=[5, 30])
def notify_task(summary: dict, county_slug: str, period: str, urls: list[str], notify_success: bool) -> dict:
    return pipeline.notify(pipeline.alert_summary(summary), urls, notify_success)


@task(name="publish", cache_policy=NO_CACHE, task_run_name="publish-{county_slug}-{period}")
def publish_task(staged: str, summary: dict, out_root: str, county_slug: str, period: str,
                 force: bool = False) -> dict:
    """Complete run.json (finished_at) and swap the staged outputs into place (the previous version to
    .history/; refused over files zwgk did not write unless ``force``: flows/steps/ownership.py)."""
    summary = {**summary, "finished_at": pipeline.now_iso()}
    pipeline.finalize(staged, summary, out_root, county_slug, period, force=force)
    return summary


@task(name="record_run", cache_policy=NO_CACHE, task_run_name="record-{county_slug}-{period}")
def record_run_task(warehouse: str, county_slug: str, period: str, record: dict | list[dict]) -> None:
    """One run's record, or a region's county runs at once (a list; county_slug names the region)."""
    pipeline.record_run(warehouse, record)


def _flow_run_name() -> str:
    params = flow_run.parameters
    return f"{params.get('county')}-{params.get('period') or 'default'}"


@flow(name="half_yearly_bulletin", flow_run_name=_flow_run_name, log_prints=True)
def half_yearly_bulletin(
    county: str = "huarong",
    period: str | None = None,
    config: str | None = None,
    out_dir: str | None = None,
    warehouse: str | None = None,
    notify_success: bool | None = None,
    recrawl: bool = False,
    force: bool = False,
    partial_ok: bool = False,
    busy_wait: float = 0,
    busy_retries: int = 0,
    busy_retry_delay: float = BUSY_RETRY_DELAY,
) -> dict:
    """Produce one county's bulletin for one period; returns the run summary (run.json). The portal is
    crawled again only when its last crawl is older than ``[crawl] max_age`` (or incomplete), or ``recrawl``.

    Holds the warehouse for the whole run (flows/steps/runlock.py): a second run on it is refused with the
    name of this one instead of failing in a task."""
    logger = get_run_logger()
    what = f"zwgk run {county} {period or ''}".strip()
    try:
        with warehouse_lock(warehouse or settings().warehouse, what, wait=busy_wait, on_wait=logger.warning):
            return _bulletin(county, period, config, out_dir, warehouse, notify_success, recrawl, force, partial_ok)
    except WarehouseBusy as exc:  # a scheduled run that waited busy_wait in vain: recorded and alerted
        _busy(exc, county, period, config, warehouse, notify_success, busy_retries, busy_retry_delay)
        raise


def _busy(exc: WarehouseBusy, county: str, period: str | None, config: str | None, warehouse: str | None,
          notify_success: bool | None, retries: int = 0, delay: float = BUSY_RETRY_DELAY) -> None:
    """A run the busy warehouse kept out (docs/reliability.md, "A scheduled run is never lost"): kept
    beside the warehouse for ``zwgk runs`` (flows/steps/runs.py ``record_run_later``), alerted, and —
    when it came from a deployment — scheduled again (``schedule_retry``)."""
    logger = get_run_logger()
    cfg = load_config(str(config or DEFAULT_CONFIG))
    code = resolve_period(period, cfg.default_period)
    now = pipeline.now_iso()
    try:
        next_try = retry_note(schedule_retry(retries, delay), retries)
    except Exception as retry_error:  # the retry could not be scheduled: said in the record and the alert
        next_try = f"自动重试未能安排（{type(retry_error).__name__}: {retry_error}），请在仓库空闲后手动运行"
    error = f"仓库被占用，本次运行未进行：{exc}；{next_try}"
    record = run_record(cfg.slug, cfg.county, code, now, str(flow_run.id) if flow_run.id else None)
    kept = pipeline.record_run_later(warehouse or settings().warehouse, failed_run(
        record, cfg.county, code, error, cfg.alert_urls, cfg.notify_success if notify_success is None else notify_success))
    logger.error("运行失败：%s（已记入 %s，并已通知）", error, kept)


def _bulletin(county: str, period: str | None, config: str | None, out_dir: str | None, warehouse: str | None,
              notify_success: bool | None, recrawl: bool = False, force: bool = False,
              partial_ok: bool = False) -> dict:
    logger = get_run_logger()
    config_path = str(config or DEFAULT_CONFIG)
    cfg = load_config(config_path)
    if county not in {cfg.slug, cfg.county}:
        raise ValueError(f"配置 {config_path} 属于 {cfg.slug}（{cfg.county}），不是 {county}")
    code = resolve_period(period, cfg.default_period)
    warehouse = str(warehouse or settings().warehouse)
    out_root = str(out_dir or settings().out)
    notify_success = cfg.notify_success if notify_success is None else notify_success
    started = pipeline.now_iso()
    record = run_record(cfg.slug, cfg.county, code, started, flow_run.id)
    cache_dir = Path(out_root).resolve() / ".cache" / "validation"
    cache_root = render_cache(out_root)  # charts, documents, PDFs: <out>/.cache or $ZWGK_RENDER_CACHE

    staged = pipeline.staging_dir(out_root, cfg.slug, code)
    step = "check_outputs"
    try:
        final = pipeline.final_dir(out_root, cfg.slug, code)
        if final.exists() and not force:  # a folder with the office's files: refused before anything runs
            check_ours(final)
        step = "ingest"
        ingested = ingest_task(config_path, warehouse, code)
        crawled = None
        if cfg.crawls:
            step = "crawl"
            crawled = None if recrawl else pipeline.recent_crawl(cfg, warehouse)
            if crawled:
                logger.info("未重新采集：上次采集在 %s 前，未超过 [crawl] max_age（--recrawl 可强制采集）", crawled["age"])
            else:
                crawled = load_crawl_task(config_path, warehouse, cfg.slug, crawl_task(config_path, warehouse, cfg.slug))
            if not crawled.get("complete", True):
                logger.warning("采集不完整：%s 个栏目未完整读取（详见 run.json 的 crawl.incomplete_columns）",
                               len(crawled.get("incomplete_columns", [])))
        step = "transform"
        marts = transform_task(warehouse, cfg.slug, code, cfg.rules, cfg.scoring)
        step = "fingerprint"
        # (not "settings": that name is the work-directory settings object this function also uses)
        check_settings, blocking = run_settings(cfg)
        key = fingerprint_task(warehouse, cfg.slug, code, blocking, check_settings)
        step = "validate"
        validation = validate_cached(warehouse, cfg.slug, code, blocking, check_settings, key, cache_dir)
        # a period that has not ended: a draft, or (--partial-ok) a bulletin saying 截至 which day
        validation = pipeline.with_period_check(validation, code, partial_ok)
        step = "render"
        # quote(): big dicts handed over as they are (Prefect would otherwise visit every element of them)
        summary = render_task(config_path, warehouse, cfg.slug, code, quote(validation), str(staged),
                              quote({"ingest": ingested, "marts": marts, "started_at": started, "crawl": crawled}),
                              str(cache_root))
        summary["out_dir"] = str(pipeline.final_dir(out_root, cfg.slug, code))
        step = "notify"
        summary["alert"] = notify_task(quote(summary), cfg.slug, code, cfg.alert_urls, notify_success)
        step = "publish"
        summary = publish_task(str(staged), quote(summary), out_root, cfg.slug, code, force)
    except KeyboardInterrupt:  # Ctrl-C: nothing half-written stays, and `zwgk runs` says the run was stopped
        shutil.rmtree(staged, ignore_errors=True)
        pipeline.record_run(warehouse, {**record, "status": "failed", "error": f"在“{step}”步骤被中断（Ctrl-C），未发布任何输出",
                                        "alert": "not_needed", "finished_at": pipeline.now_iso()})
        raise
    except Exception as exc:
        shutil.rmtree(staged, ignore_errors=True)
        failure = RunFailed(step, exc)
        logger.error("运行失败：%s", failure)
        record_run_task(warehouse, cfg.slug, code,
                        failed_run(record, cfg.county, code, str(failure), cfg.alert_urls, notify_success))
        raise failure from exc

    finished = finished_run(record, summary)
    record_run_task(warehouse, cfg.slug, code, finished)
    failed_checks = finished["failed_checks"]
    if failed_checks:
        logger.warning("通报为草稿：阻断性检查未通过 %s", "、".join(failed_checks))
    else:
        logger.info("通报为正式稿：全部阻断性检查通过")
    if summary["alert"]["status"] == "failed":
        logger.warning("告警发送失败：%s", "；".join(summary["alert"]["errors"]))
    return summary


@flow(name="backfill", flow_run_name="backfill-{county}-{periods}", log_prints=True)
def backfill(
    county: str = "huarong",
    periods: str = "2021H1",
    config: str | None = None,
    out_dir: str | None = None,
    warehouse: str | None = None,
) -> list[dict]:
    """Run the bulletin flow for each period of a range (2019H1..2021H2), oldest first.

    Periods run in order so that each one can compare with the one before it. A period that
    fails (no data, unreadable source) is reported and the backfill goes on.
    """
    logger = get_run_logger()
    results = []
    for p in parse_period_range(periods):
        try:
            summary = half_yearly_bulletin(county=county, period=p.code, config=config, out_dir=out_dir,
                                           warehouse=warehouse, notify_success=False)
            results.append({"period": p.code, "status": summary["status"], "out_dir": summary["out_dir"],
                            "error": None})
        except Exception as exc:  # reported per period; the others still run
            logger.error("%s 失败：%s", p.code, exc)
            results.append({"period": p.code, "status": "failed", "out_dir": None, "error": str(exc)})
    return results
