"""The Prefect flow ``half_yearly_bulletin``: ingest → transform → validate (GX) → render.

The flow only orchestrates: every task calls one plain function in flows/pipeline.py and passes
paths, codes and small dicts, never connections or DataFrames.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from flows import prefect_env  # noqa: F401  (sets Prefect defaults before prefect is imported)
from prefect import flow, get_run_logger, task

from flows import pipeline
from flows.config import DEFAULT_CONFIG, load_config
from flows.periods import parse_period

DEFAULT_WAREHOUSE = Path("data/warehouse.duckdb")
DEFAULT_OUT = Path("reports/out")


@task(name="ingest", task_run_name="ingest-{period}")
def ingest_task(config_path: str, warehouse: str, period: str) -> dict:
    return pipeline.ingest_config(load_config(config_path), warehouse, period)


@task(name="transform", task_run_name="transform-{county_slug}-{period}")
def transform_task(warehouse: str, county_slug: str, period: str) -> dict:
    return pipeline.transform(warehouse, county_slug, period)


@task(name="validate", task_run_name="validate-{county_slug}-{period}")
def validate_task(warehouse: str, county_slug: str, period: str, docs_dir: str, blocking: dict) -> dict:
    return pipeline.validate_period(warehouse, county_slug, period, docs_dir=docs_dir, blocking=blocking)


@task(name="render", task_run_name="render-{county_slug}-{period}")
def render_task(config_path: str, warehouse: str, county_slug: str, period: str, validation: dict,
                staged_dir: str, extra: dict) -> dict:
    return pipeline.render_outputs(load_config(config_path), warehouse, period, validation, staged_dir, extra)


@flow(name="half_yearly_bulletin", flow_run_name="{county}-{period}", log_prints=True)
def half_yearly_bulletin(
    county: str = "huarong",
    period: str | None = None,
    config: str | None = None,
    out_dir: str | None = None,
    warehouse: str | None = None,
) -> dict:
    """Produce one county's bulletin for one period; returns the run summary (run.json)."""
    logger = get_run_logger()
    config_path = str(config or DEFAULT_CONFIG)
    cfg = load_config(config_path)
    if county not in {cfg.slug, cfg.county}:
        raise ValueError(f"配置 {config_path} 属于 {cfg.slug}（{cfg.county}），不是 {county}")
    code = parse_period(period or cfg.default_period or "").code
    warehouse = str(warehouse or DEFAULT_WAREHOUSE)
    out_root = str(out_dir or DEFAULT_OUT)
    started = pipeline.now_iso()

    staged = pipeline.staging_dir(out_root, cfg.slug, code)
    try:
        ingested = ingest_task(config_path, warehouse, code)
        marts = transform_task(warehouse, cfg.slug, code)
        validation = validate_task(warehouse, cfg.slug, code, str(staged / "validation"), cfg.blocking)
        summary = render_task(config_path, warehouse, cfg.slug, code, validation, str(staged),
                              {"ingest": ingested, "marts": marts, "started_at": started})
        final = pipeline.publish_dir(staged, out_root, cfg.slug, code)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    summary["out_dir"] = str(final.resolve())
    failed = [c["name"] for c in summary["checks"] if not c["success"] and c.get("blocking")]
    if failed:
        logger.warning("通报为草稿：阻断性检查未通过 %s", "、".join(failed))
    else:
        logger.info("通报为正式稿：全部阻断性检查通过")
    return summary
