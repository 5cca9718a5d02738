"""The Prefect flow ``annual_report_review``: every January's review of the units' annual disclosure
reports (docs/annual-reports.md). collect (crawl the 年报 column) → review (parse, match, check with
GX, load into the warehouse) → render → notify → publish <out>/<county>/<year>-annual/ (default var/out/:
flows/domain/settings.py).

Tasks call plain functions in flows/steps/annual.py with paths, years and small dicts.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from flows import prefect_env  # noqa: F401  (Prefect defaults before prefect is imported)
from prefect import flow, get_run_logger, task

from flows.steps import annual as annual_steps
from flows.county_flow import retry_note, schedule_retry
from flows.steps.runs import RunFailed
from flows.domain.config import DEFAULT_CONFIG, load_config
from flows.domain.periods import office_today
from flows.domain.settings import settings
from flows.steps.runlock import BUSY_RETRY_DELAY, WarehouseBusy, warehouse_lock


@task(name="collect_annual_reports", task_run_name="collect-{county_slug}-{year}", retries=2,
      retry_delay_seconds=[30, 120])
def collect_task(config_path: str, warehouse: str, county_slug: str, year: int) -> dict:
    return annual_steps.collect_reports(load_config(config_path), warehouse, year)


@task(name="review_annual_reports", task_run_name="review-{county_slug}-{year}")
def review_task(config_path: str, warehouse: str, county_slug: str, year: int, collected: dict, files: list[str],
                docs_dir: str) -> dict:
    return annual_steps.review_year(load_config(config_path), warehouse, year, collected, files=files,
                                    docs_dir=docs_dir)


@task(name="render_annual_review", task_run_name="render-{county_slug}-{year}")
def render_task(review: dict, staged: str, county_slug: str, year: int) -> dict:
    return annual_steps.render_review(review, staged)


@task(name="notify_annual_review", task_run_name="notify-{county_slug}-{year}", retries=2, retry_delay_seconds=[5, 30])
def notify_task(review: dict, out_dir: str, urls: list[str], notify_success: bool, status: str, county_slug: str,
                year: int) -> dict:
    return annual_steps.notify(review, out_dir, urls, notify_success, status)


def previous_year(today: date | None = None) -> int:
    return (today or office_today()).year - 1


@flow(name="annual_report_review", flow_run_name="{county}-{year}-annual", log_prints=True)
def annual_report_review(county: str = "huarong", year: int | None = None, config: str | None = None,
                         out_dir: str | None = None, warehouse: str | None = None, files: list[str] | None = None,
                         crawl: bool = True, notify_success: bool | None = None, force: bool = False,
                         busy_wait: float = 0, busy_retries: int = 0,
                         busy_retry_delay: float = BUSY_RETRY_DELAY) -> dict:
    """Review one county's annual reports for one year (default: last year); returns run.json."""
    logger = get_run_logger()
    config_path = str(config or DEFAULT_CONFIG)
    cfg = load_config(config_path)
    if county not in {cfg.slug, cfg.county}:
        raise ValueError(f"配置 {config_path} 属于 {cfg.slug}（{cfg.county}），不是 {county}")
    year = int(year or previous_year())
    warehouse = str(warehouse or settings().warehouse)
    notify_success = cfg.notify_success if notify_success is None else notify_success
    # the review loads into the warehouse: it takes the warehouse like every writing command
    # (flows/steps/runlock.py); a run holding it makes this one stop with one line (exit 2) — or, for a
    # scheduled run that waited busy_wait in vain, an alert and a retry (flows/county_flow.py ``schedule_retry``)
    try:
        with warehouse_lock(warehouse, f"zwgk annual {cfg.slug} {year}", wait=busy_wait, on_wait=logger.warning):
            return _review(cfg, config_path, year, warehouse, str(out_dir or settings().out), files, crawl,
                           notify_success, force)
    except WarehouseBusy as exc:
        try:
            next_try = retry_note(schedule_retry(busy_retries, busy_retry_delay), busy_retries)
        except Exception as retry_error:
            next_try = f"自动重试未能安排（{type(retry_error).__name__}: {retry_error}），请在仓库空闲后手动运行"
        error = f"仓库被占用，本次审查未进行：{exc}；{next_try}"
        logger.error("运行失败：%s", error)
        annual_steps.notify({"county": cfg.county, "year": year}, None, cfg.alert_urls, notify_success, "failed",
                            error)
        raise


def _review(cfg, config_path: str, year: int, warehouse: str, out_root: str, files: list[str] | None, crawl: bool,
            notify_success: bool, force: bool) -> dict:
    logger = get_run_logger()
    started = annual_steps_now()
    staged = annual_steps.staging_dir(out_root, cfg.slug, year)
    step = "collect"
    review: dict = {"county": cfg.county, "year": year}
    try:
        collected = collect_task(config_path, warehouse, cfg.slug, year) if crawl and cfg.crawls else {}
        step = "review"
        review = review_task(config_path, warehouse, cfg.slug, year, collected, [str(f) for f in files or []],
                             str(staged / "validation"))
        step = "render"
        outputs = render_task(review, str(staged), cfg.slug, year)
        final = str(Path(out_root) / cfg.slug / annual_steps.folder_name(year))
        status = annual_steps.run_status(review)
        step = "notify"
        alert = notify_task(review, final, cfg.alert_urls, notify_success, status, cfg.slug, year)
        summary = {"county": cfg.county, "county_slug": cfg.slug, "year": year, "status": status,
                   "started_at": started, "finished_at": annual_steps_now(), "summary": review["summary"],
                   "units": review["units"], "findings": review["findings"], "checks": review["checks"],
                   "notes": review["notes"], "crawl": (collected or {}).get("crawl"), "alert": alert,
                   "outputs": outputs, "out_dir": final, "load_id": review["load_id"]}
        step = "publish"
        annual_steps.publish(staged, summary, out_root, cfg.slug, year, force=force)
    except Exception as exc:
        shutil.rmtree(staged, ignore_errors=True)
        failure = RunFailed(step, exc)
        logger.error("运行失败：%s", failure)
        annual_steps.notify(review, None, cfg.alert_urls, notify_success, "failed", str(failure))
        raise failure from exc
    logger.info("年度报告审查完成：%s", summary["summary"])
    return summary


def annual_steps_now() -> str:
    from flows.steps.pipeline import now_iso

    return now_iso()
