"""The region run's set-based steps (plain functions, no Prefect; flows/region_flow.py orchestrates them).

A region run keeps every county's inputs in ONE warehouse (``region-<slug>.duckdb``), written by the
flow's process only (DuckDB has one writer): each county's sources are ingested into it, the crawls the
Dask workers made (each into the county's own crawl store) are loaded into it, then

- ``transform_scope``: the rule settings and working days of every county, and the marts of all counties
  in one pass (``transforms.runner.run_scope``: county is a column, not a loop over warehouses);
- ``validate_scope``: the checks run once over the region's frames (expectations/scope.py); each county's
  result, and the file its Data Docs are rendered from, derived from that one run;
- ``export_scope``: the marts of the counties done → the Parquet tree the region models read;
- ``render_region``: the region bulletin from the region models (reports/region_render.py).

The county documents are rendered on the Dask workers from the same warehouse, read-only, after the
writer has closed it (flows/county_flow.py ``render_task``), the PDFs by one LibreOffice process per worker.
"""

from __future__ import annotations

from pathlib import Path

from flows.domain.periods import parse_period
from flows.steps.outputs import now_iso, write_json
from flows.steps.validate import no_data_message, scope_frames
from transforms import region_runner, runner


def input_errors() -> tuple[type[BaseException], ...]:
    """Failures caused by the inputs (exit 2 in the CLI), as flows/cli.py counts them."""
    from flows.domain.config import ConfigError
    from flows.domain.periods import PeriodError
    from flows.domain.registry import RegistryError
    from flows.ingest.annual_model import AnnualReportError
    from flows.ingest.bulletin_model import BulletinParseError
    from flows.steps.ownership import NotOurs
    from flows.steps.runlock import FolderNotWritable, WarehouseBusy
    from transforms.errors import StoreDamaged

    return (BulletinParseError, AnnualReportError, ConfigError, PeriodError, RegistryError, FileNotFoundError,
            LookupError, WarehouseBusy, NotOurs, StoreDamaged, FolderNotWritable)


def error_kind(exc: BaseException) -> str:
    return "input" if isinstance(exc, input_errors()) else "error"


def ingest_scope(warehouse: str | Path, period: str, configs: list[str]) -> dict:
    """Each county's sources into the region warehouse (``pipeline.ingest_config``, the county chain's ingest
    step, county by county in this one process). Returns slug → ingest result and slug → error."""
    from flows.domain.config import load_config
    from flows.steps.pipeline import ingest_config

    ingested, errors = {}, {}
    for path in configs:
        cfg = load_config(path)
        try:
            ingested[cfg.slug] = ingest_config(cfg, warehouse, period)
        except Exception as exc:  # noqa: BLE001 — reported for this county; the others go on
            errors[cfg.slug] = {"error": f"{type(exc).__name__}: {exc}", "kind": error_kind(exc)}
    return {"ingested": ingested, "errors": errors}


run_scope = runner.run_scope  # every (county, period) pair of the region in one pass of the model files


def partition_counts(con, pairs: list[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """Rows per bulletin mart of each county and period (what a county run reports as its marts)."""
    return runner.partition_counts(con, pairs)


def transform_scope(warehouse: str | Path, period: str, counties: list[dict], *, memory_limit: str | None = None
                    ) -> dict:
    """Rule settings and working days of each county (``{"slug", "rules"}``), then the marts of all of them
    in one pass. Returns slug → rows per mart, and slug → error for a county whose settings cannot load
    (when the pass itself fails, each county is built alone so that one county's failure is its own)."""
    from transforms.rule_loaders import load_build_settings

    code = parse_period(period).code
    marts, errors = {}, {}
    with runner.connect(warehouse, memory_limit=memory_limit) as con:
        ready = []
        try:  # every county's settings and working days at once
            load_build_settings(con, counties, code)
            ready = [c["slug"] for c in counties]
        except Exception:  # one county's settings or dates broke it: load each alone, to name it
            for c in counties:
                try:
                    load_build_settings(con, [c], code)
                    ready.append(c["slug"])
                except Exception as exc:  # noqa: BLE001 — reported for this county; the others go on
                    errors[c["slug"]] = {"error": f"{type(exc).__name__}: {exc}", "kind": error_kind(exc)}
        try:
            run_scope(con, [(slug, code) for slug in ready])
        except Exception:  # one county broke the pass: build each alone, to name it
            for slug in ready:
                try:
                    runner.run_marts(con, slug, code)
                except Exception as exc:  # noqa: BLE001
                    errors[slug] = {"error": f"{type(exc).__name__}: {exc}", "kind": error_kind(exc)}
        marts = partition_counts(con, [(slug, code) for slug in ready if slug not in errors])
    return {"marts": marts, "errors": errors}


def validate_scope(warehouse: str | Path, period: str, counties: list[dict], docs_root: str | Path, *,
                   memory_limit: str | None = None) -> dict:
    """Validate every county (``{"slug", "blocking", "settings"}``) in one GX run over the region's frames.
    Returns slug → ``{"checks", "docs_results"}`` and slug → error for a county with no data for the period.
    ``docs_results`` (the file the county's Data Docs are rendered from, under docs_root) is written for a
    county with a failed blocking check only (its bulletin is a draft); any other county's Data Docs are
    rendered on demand (``zwgk docs``)."""
    from expectations.scope import CountyFrames, DocsCache, county_docs_results, validate_region, write_docs_results

    code = parse_period(period).code
    errors = {}
    with runner.connect(warehouse, memory_limit=memory_limit) as con:
        shares = CountyFrames(scope_frames(con, [c["slug"] for c in counties], code))
    with_data = set(shares.slugs("period"))
    for c in counties:
        if c["slug"] not in with_data:
            errors[c["slug"]] = {"error": f"LookupError: {no_data_message(warehouse, c['slug'], code)}",
                                 "kind": "input"}
    slugs = [c["slug"] for c in counties if c["slug"] in with_data]
    if not slugs:
        return {"validations": {}, "errors": errors}
    knobs = {c["slug"]: c for c in counties}
    validations, outcomes = validate_region(
        shares, slugs, blocking={s: knobs[s]["blocking"] for s in slugs},
        settings={s: knobs[s]["settings"] for s in slugs}, run_name=f"region.{code}")
    out = {}
    cache = DocsCache()
    for slug, validation in validations.items():
        out[slug] = {"checks": [r.to_dict() for r in validation.results], "docs_results": None}
        if validation.blocking_failures:
            path = write_docs_results(Path(docs_root) / f"{slug}.{code}.json",
                                      county_docs_results(outcomes[slug], slug, shares.of(slug), cache, prepared=True))
            out[slug]["docs_results"] = str(path)
    return {"validations": out, "errors": errors}


def export_scope(warehouse: str | Path, period: str, slugs: list[str], parquet_root: str | Path) -> dict:
    """The marts of these counties → their Parquet partitions (the region models read them in place)."""
    code = parse_period(period).code
    return {slug: region_runner.export_county_marts(warehouse, slug, code, parquet_root) for slug in slugs}


def region_transform(region_db: str | Path, parquet_root: str | Path, period: str, counties: list[str],
                     memory_limit: str | None) -> dict[str, int]:
    con = region_runner.connect(region_db, memory_limit=memory_limit)
    try:
        return region_runner.run_region(con, parquet_root, parse_period(period).code, counties)
    finally:
        con.close()


def validate_region(region_db: str | Path, period: str, counties: list[dict], memory_limit: str | None) -> dict:
    from expectations.region import validate_region as validate

    return validate(region_db, period, counties, memory_limit)


def export_marts(warehouse: str | Path, county_slug: str, period: str, parquet_root: str | Path) -> dict:
    """One county's marts of the period → Parquet partitions (atomic per file; a rerun replaces them)."""
    return region_runner.export_county_marts(warehouse, county_slug, parse_period(period).code, parquet_root)


def render_region(cfg, region_db: str | Path, period: str, counties: list[dict], validation: dict,
                  out_dir: str | Path, extra: dict, memory_limit: str | None) -> dict:
    """Write region.md, region.html, units.csv and region.json into out_dir; returns the region summary."""
    from reports.region_render import region_context, region_summary, render_region_outputs, render_validation_index

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
    outputs["validation.html"] = render_validation_index(context["region"], period, counties, out_dir,
                                                           region_db).name
    outputs["region.json"] = "region.json"
    summary = region_summary(context, outputs)
    summary.update({"started_at": extra.get("started_at"), "finished_at": now_iso(),
                    "marts": extra.get("marts"), "parquet_root": extra.get("parquet_root"),
                    "warehouse": str(region_db)})
    write_json(out_dir / "region.json", summary)
    return summary


def county_result(slug: str, county: str, config: str, summary: dict | None = None, *,
                  error: str | None = None, step: str | None = None, exported: dict | None = None,
                  error_kind: str | None = None) -> dict:
    """What the region keeps of one county's run: a small dict (never the county's rows)."""
    if summary is None:
        return {"county_slug": slug, "county": county, "config": config, "status": "failed", "error": error,
                "error_kind": error_kind, "step": step, "out_dir": None, "totals": {}, "stated_matches": None,
                "failed_checks": [], "messages": [], "other_messages": [], "exported": None}
    failed = [c for c in summary["checks"] if not c["success"] and c.get("blocking")]
    stated = next((c for c in summary["checks"] if c["name"] == "overall_total_matches_tables"), None)
    return {"county_slug": slug, "county": summary.get("county") or county, "config": config,
            "status": summary["status"], "error": None, "error_kind": None, "step": None,
            "out_dir": summary.get("out_dir"), "totals": summary["totals"],
            "stated_matches": bool(stated["success"]) if stated else True,
            "failed_checks": [c["name"] for c in failed],
            "messages": [m for c in failed for m in c.get("messages") or []],
            "other_messages": [m for c in failed if c["name"] != "overall_total_matches_tables"
                               for m in c.get("messages") or [c["name"]]],
            "exported": exported}


def pdf_chunks(batch: list, workers: int) -> list[list]:
    """The deferred PDF conversions split into at most ``workers`` chunks (one LibreOffice process each)."""
    n = max(1, min(workers, len(batch)))
    return [batch[i::n] for i in range(n) if batch[i::n]]


def prepare_worker() -> int:
    """Import what rendering a county needs (Great Expectations for its Data Docs, matplotlib, python-docx:
    seconds each) while the flow's process ingests, transforms and validates; returns the worker's pid."""
    import os

    import great_expectations  # noqa: F401
    import matplotlib.pyplot  # noqa: F401

    import expectations.scope  # noqa: F401
    import reports.context  # noqa: F401
    import reports.render  # noqa: F401

    return os.getpid()
