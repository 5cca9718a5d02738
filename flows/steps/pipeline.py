"""The plain functions the flow's tasks call, one per step: ingest, crawl, transform here; validate
(flows/steps/validate.py), render and publish (outputs.py), notify and record (runs.py) beside it.

Nothing here imports Prefect: tests call these directly, the flow only orchestrates them.
Tasks exchange paths and small dicts (never connections or DataFrames), so Prefect can hash them.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from flows.ingest.bulletin_model import BulletinParseError, ParsedBulletin
from flows.domain.config import CountyConfig
from flows.domain.periods import parse_period
from flows.domain.registry import load_registry
from transforms.loaders import LoadResult, load_parsed
from transforms.loaders import load_county as load_county_into
from transforms.loaders import load_crawl as load_crawl_into
from transforms.loaders import prune_crawls
from transforms.loaders import load_registry as load_registry_into
from transforms import runner
from flows.steps.sources import file_sha256, parse_for_ingest, parse_source


@dataclass
class IngestReport:
    loads: list[dict] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)


def ingest_file(con, path: str | Path, *, county_slug: str, county: str, period: str | None = None,
                kind: str = "auto") -> tuple[ParsedBulletin, LoadResult]:
    """Parse one source and load it into the warehouse (one transaction)."""
    parsed, chosen = parse_for_ingest(path, period=period, county=county, kind=kind)
    return parsed, load_for_ingest(con, parsed, chosen, county_slug=county_slug, county=county)


def load_for_ingest(con, parsed: ParsedBulletin, code: str, *, county_slug: str, county: str) -> LoadResult:
    source_kind = "unit_report" if parsed.file_format in {"csv", "xlsx"} else "bulletin"
    return load_parsed(con, parsed, county_slug=county_slug, county=county, period=code, source_kind=source_kind)


def ingest_config(config: CountyConfig, warehouse: str | Path, period: str) -> dict:
    """Load the registry and every source of the period named in the config."""
    with runner.connect(warehouse) as con:
        load_county_into(con, county_slug=config.slug, county=config.county, counts_source=config.counts_source,
                         portal=portal_name(config))
        units = 0
        if config.registry:
            units = load_registry_into(con, load_registry(config.registry, config.county), config.slug)
        loads = []
        for source in config.sources_for(period):
            if source.kind == "adoptions":  # counts per scoring source (docs/rules.md, "Scores")
                from flows.ingest.adoptions import read_adoptions
                from transforms.scoring_loaders import load_adoptions

                sheet = read_adoptions(source.path, list(config.scoring.get("weights", {})))
                result = load_adoptions(con, sheet, county_slug=config.slug,
                                        period=source.period)
                loads.append({"source": str(source.path), "sha256": sheet.sha256, "load_id": result.load_id,
                              "new": result.new, "rows": result.rows, "period": source.period})
                continue
            parsed, result = ingest_file(con, source.path, county_slug=config.slug, county=config.county,
                                         period=source.period, kind=source.kind)
            loads.append({"source": str(source.path), "sha256": parsed.sha256, "load_id": result.load_id,
                          "new": result.new, "rows": result.rows, "period": source.period or parsed.period})
    return {"registry_units": units, "loads": loads}


def portal_name(config: CountyConfig) -> str | None:
    """The portal's name as the bulletin cites it (its crawl config's [portal] name)."""
    if config.crawl_demo:
        from data.demo.portal import DEMO_NAME

        return DEMO_NAME
    if config.crawl_config:
        from flows.ingest.crawler.config import load_crawl_config

        return load_crawl_config(config.crawl_config).name
    return None


def transform(warehouse: str | Path, county_slug: str, period: str, rules: dict | None = None,
              scoring: dict | None = None) -> dict[str, int]:
    """Load the rule settings, the [scoring] and the working days the period needs, then build its marts —
    skipped when nothing the build reads changed since the last one (transforms/builds.py)."""
    from transforms.rule_loaders import load_build_settings
    from flows.domain.rules_config import rules_settings

    from transforms.builds import build

    county = {"slug": county_slug, "rules": rules if rules is not None else rules_settings({}), "scoring": scoring}
    with runner.connect(warehouse) as con:
        load_build_settings(con, [county], period)  # as the region's transform_scope does, for one county
        counts, _skipped = build(con, county_slug, parse_period(period).code)
        return counts



# The steps moved to their own modules; their names stay importable from here (flows, tests, the CLI).
from flows.steps.outputs import (  # noqa: E402,F401
    TZ, LEGACY_STAGING_AGE, current_umask, final_dir, finalize, now_iso, period_check, publish_dir, publish_folder,
    with_period_check,
    remove_stale_staging, render_outputs, run_summary, staging_dir, staging_folder, write_json,
)
from flows.steps.runs import (  # noqa: E402,F401
    alert_summary, latest_completed, list_runs, notify, record_run, record_run_later,
)
from flows.steps.validate import (  # noqa: E402,F401
    fingerprint, frames_for, no_data_message, proofread, validate_period,
)


# --------------------------------------------------------------------------------------------
# Crawling the portal (issue: crawled records beside the reported counts)
# --------------------------------------------------------------------------------------------

# The bundled demo portal's loopback port (falls back to any free port); ZWGK_DEMO_PORT moves it, e.g. for
# two checkouts crawling on one machine at once.
DEMO_PORT = int(os.environ.get("ZWGK_DEMO_PORT", "18921"))


def crawl_store_dir(config: CountyConfig, warehouse: str | Path) -> Path:
    from flows.domain.settings import crawl_store_root

    return config.crawl_store or crawl_store_root(warehouse) / config.slug


def ensure_demo_portal(root: Path, seed: int = 2021) -> Path:
    """Generate the synthetic demo portal once (deterministic); reuse it afterwards."""
    from data.demo.portal import generate_demo_portal

    marker = root / f".generated-{seed}-annual"  # regenerate portals made before the annual-report bodies
    if not marker.exists():
        generate_demo_portal(root, seed=seed)
        marker.write_text("synthetic demo portal, generated by data/demo/portal.py\n", encoding="utf-8")
    return root


def format_age(seconds: float) -> str:
    """An age as the office reads it: 2 小时 5 分钟, 40 分钟, 12 秒."""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} 小时 {minutes} 分钟" if minutes else f"{hours} 小时"
    return f"{minutes} 分钟" if minutes else f"{secs} 秒"


def recent_crawl(config: CountyConfig, warehouse: str | Path, now: datetime | None = None) -> dict | None:
    """The county's last crawl when it may be reused instead of crawling again: loaded into this warehouse
    less than ``[crawl] max_age`` ago and complete (an incomplete crawl is always retried). Returns the
    crawl step's result marked ``skipped: true`` with its ``age``, or None (crawl now)."""
    if config.crawl_max_age <= 0 or not Path(warehouse).exists():
        return None
    with runner.connect(warehouse) as con:
        rows = runner.execute(con, runner.sql("queries/last_crawl"), {"county_slug": config.slug})
    if not rows:
        return None
    crawl_id, summary, loaded_at = rows[0]
    summary = json.loads(summary) if isinstance(summary, str) else (summary or {})
    age = ((now or datetime.now(timezone.utc)).replace(tzinfo=None) - loaded_at).total_seconds()
    if age < 0 or age >= config.crawl_max_age or summary.get("columns_incomplete", 0):
        return None
    return {"skipped": True, "age": format_age(age), "age_seconds": round(age), "max_age_seconds": config.crawl_max_age,
            "crawl_id": crawl_id, "items": summary.get("items", 0), "pages_fetched": 0, "requests": 0,
            "failed": summary.get("items_failed", 0), "summary": summary, "complete": True, "incomplete_columns": []}


def crawl_county(config: CountyConfig, warehouse: str | Path, *, since=None, full: bool = False,
                 progress: bool = False) -> dict:
    """Crawl the county's portal (or the bundled demo portal) and load the items into the warehouse."""
    return load_crawled(config, warehouse, crawl_portal(config, warehouse, since=since, full=full, progress=progress))


def crawl_portal(config: CountyConfig, warehouse: str | Path, *, since=None, full: bool = False,
                 progress: bool = False) -> dict:
    """Crawl the county's portal (or the bundled demo portal) into its own crawl store; the items go to a
    JSONL file there (``items_file``), loaded by ``load_crawled``: the warehouse is not opened here, so
    counties crawl in parallel while one process writes the warehouse (the region run)."""
    from flows.domain.settings import demo_portal_dir
    from flows.ingest.crawler.export import export_jsonl
    from flows.ingest.crawler.config import load_crawl_config, with_limits
    from flows.ingest.crawler.crawl import crawl

    registry = load_registry(config.registry, config.county) if config.registry else None
    store = crawl_store_dir(config, warehouse)
    if config.crawl_demo:
        from data.demo.portal import demo_config, serve_directory

        root = ensure_demo_portal(demo_portal_dir(warehouse))
        with serve_directory(root, port=DEMO_PORT) as base:
            crawl_config = with_limits(demo_config(base), **config.crawl_limits, where=str(config.path))
            result = crawl(crawl_config, store, since=since, full=full, registry=registry,
                           rate=config.crawl_rate, progress=progress)
    else:
        crawl_config = with_limits(load_crawl_config(config.crawl_config), **config.crawl_limits,
                                   where=str(config.path))
        result = crawl(crawl_config, store, since=since, full=full, registry=registry,
                       rate=config.crawl_rate, progress=progress)
    summary = result.summary.to_dict()
    items_file = store / "items" / f"{summary['crawl_id']}.jsonl"
    export_jsonl(result.items, items_file)
    write_json(store / "last_summary.json", summary)
    return {"crawl_id": summary["crawl_id"], "items": summary["items"], "items_file": str(items_file),
            "portal": crawl_config.name, "pages_fetched": summary["pages_fetched"], "requests": summary["requests"],
            "failed": summary["items_failed"], "summary": summary,
            "complete": result.complete, "incomplete_columns": result.incomplete_columns(),
            "columns": [c.to_dict() for c in result.columns], "single_pages": result.pages}


def load_crawled(config: CountyConfig, warehouse: str | Path, crawled: dict) -> dict:
    """Load a crawl's items (``crawl_portal``'s JSONL file) into the warehouse (one transaction; a crawl
    loads once); returns the crawl step's result, as run.json reports it."""
    with open(crawled["items_file"], encoding="utf-8") as fh:
        items = [json.loads(line) for line in fh if line.strip()]
    with runner.connect(warehouse) as con:
        loaded = load_crawl_into(con, county_slug=config.slug, crawl_id=crawled["crawl_id"], items=items,
                                 summary=crawled["summary"], portal=crawled["portal"], columns=crawled["columns"])
        # retention: what a newer crawl supersedes is never read again (docs/reliability.md "Retention")
        pruned = prune_crawls(con, config.slug, config.keep_crawls)
    prune_item_files(Path(crawled["items_file"]).parent, config.keep_item_files)
    out = {k: v for k, v in crawled.items() if k not in {"items_file", "portal"}}
    return {"crawl_id": out.pop("crawl_id"), "items": out.pop("items"), "loaded": loaded, "pruned": pruned, **out}


def prune_item_files(folder: str | Path, keep: int) -> list[Path]:
    """Keep the newest ``keep`` item files (``<crawl_id>.jsonl``) of a crawl store; remove the older ones."""
    files = sorted(Path(folder).glob("*.jsonl"), key=lambda p: (p.stat().st_mtime, p.name))
    stale = files[:-max(1, keep)]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale
