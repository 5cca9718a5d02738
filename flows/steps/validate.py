"""The validate step: the frames the checks read, the cache fingerprint, Great Expectations, and
``zwgk check`` (proofreading one bulletin in memory through the same parse → SQL → GX path).

Plain functions, no Prefect (flows/county_flow.py orchestrates them).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flows.domain.periods import parse_period
from flows.domain.registry import Registry, load_registry
from flows.domain.rules import RULES
from flows.ingest.bulletin_model import BulletinParseError, ParsedBulletin
from transforms import runner
from transforms.loaders import load_parsed
from transforms.loaders import load_registry as load_registry_into


FRAME_QUERIES = {
    "rows": "rows_to_validate", "tables": "tables_to_validate", "period": "period_to_validate",
    "claims": "claims_to_validate", "reconciliation": "reconciliation_for_period",
    "crawl_columns": "crawl_columns_to_validate", "rule_summary": "rule_unit_summary",
}


def _frame_queries() -> dict[str, str]:
    """frame → query: the frames GX validates, and each rule check's findings (its offending items only)."""
    from expectations.checks import CHECKS

    return {**FRAME_QUERIES, **{c.findings_frame: c.findings_query for c in CHECKS if c.findings_query}}


def frames_for(con, county_slug: str, period: str) -> dict:
    """The frames the checks validate for one county and period (frame name → DataFrame)."""
    return frames_for_scope(con, [county_slug], period)[county_slug]


def scope_frames(con, county_slugs: list[str], period: str) -> dict:
    """frame → one DataFrame holding every county's rows (a ``county_slug`` column): one query per
    frame whatever the number of counties (the region run)."""
    params = {"county_slugs": list(county_slugs), "period": parse_period(period).code}
    return {frame: runner.query(con, name, **params) for frame, name in _frame_queries().items()}


def frames_for_scope(con, county_slugs: list[str], period: str) -> dict[str, dict]:
    """county → its frames, for many counties of one period (``scope_frames`` split by county), each
    county's share the same frame a county run alone gets."""
    whole = scope_frames(con, county_slugs, period)
    out: dict[str, dict] = {slug: {} for slug in county_slugs}
    for frame, df in whole.items():
        parts = dict(iter(df.groupby("county_slug", sort=False))) if len(df) else {}
        for slug, frames in out.items():
            part = parts.get(slug)
            frames[frame] = _as_alone(part) if part is not None else df.iloc[0:0].reset_index(drop=True)
    return out


RULE_MARTS = tuple(r.mart for r in RULES)  # flows/domain/rules.py


def rule_rows(con, county_slug: str, period: str) -> dict:
    """Every row the five rules judged for one county and period (mart name → DataFrame), flagged or
    not: what an analyst inspects. The checks read only the unit summary and the findings."""
    params = {"county_slugs": [county_slug], "period": parse_period(period).code}
    return {mart: _as_alone(runner.query(con, mart, **params)) for mart in RULE_MARTS}


def _as_alone(part):
    """A county's share of a frame with the dtypes its own query gives: DuckDB hands a column holding a
    NULL over as a nullable pandas dtype (Int32, boolean), one without as numpy's; a NULL in another
    county must not change this county's frame."""
    part = part.reset_index(drop=True)
    for column, dtype in part.dtypes.items():
        numpy_dtype = getattr(dtype, "numpy_dtype", None)
        if numpy_dtype is not None and numpy_dtype.kind in "iub" and not part[column].isna().any():
            part[column] = part[column].to_numpy(dtype=numpy_dtype)
    return part


def no_data_message(warehouse: str | Path, county_slug: str, period: str) -> str:
    """Why a period has no tables, in the office's words: what its [counts] source found."""
    with runner.connect(warehouse) as con:
        rows = runner.query(con, "counts_source_for_period", county_slug=county_slug,
                            period=parse_period(period).code).to_dict("records")
    code = parse_period(period).code
    source = rows[0] if rows else {"configured": "auto", "crawl_id": None}
    reported = "没有该期已导入的通报或单位报送表（zwgk ingest，或配置 [[sources]]）"
    if source.get("crawl_id") is None:
        crawled = "也没有门户采集数据（配置 [crawl]）"
    else:
        crawled = (f"门户采集数据中没有发布日期在该期内的信息（最近一次采集：{source.get('crawled_on')}）")
    if source["configured"] == "reported":
        why = f"{reported}（[counts] source = \"reported\"）"
    elif source["configured"] == "crawl":
        why = f"{crawled}（[counts] source = \"crawl\"）"
    else:
        why = f"{reported}，{crawled}"
    return f"仓库中没有 {county_slug} {code} 的数据：{why}"


def run_settings(cfg) -> tuple[dict, dict]:
    """(settings, blocking) the validate step uses for a county config — one place, shared by the county
    flow, the region flow and ``zwgk docs``, so a county's checks are the same wherever they run."""
    from flows.domain.rules_config import blocking_overrides

    settings = {"tolerance": cfg.tolerance, "rules": cfg.rules}
    blocking = {**blocking_overrides(cfg.rules), **cfg.blocking}
    return settings, blocking


def validate_period(warehouse: str | Path, county_slug: str, period: str, *, docs_dir: str | Path | None,
                    blocking: dict[str, bool] | None = None, settings: dict | None = None) -> dict:
    """Run the GX checks on the period's marts; returns the results as plain dicts."""
    from expectations.runner import validate

    with runner.connect(warehouse, read_only=False) as con:
        frames = frames_for(con, county_slug, period)
    if frames["period"].empty:
        raise LookupError(no_data_message(warehouse, county_slug, period))
    outcome = validate(frames, blocking=blocking, docs_dir=docs_dir, run_name=f"{county_slug}.{period}",
                       settings=settings)
    return {
        "checks": [r.to_dict() for r in outcome.results],
        "docs_index": str(outcome.docs_index) if outcome.docs_index else None,
        "docs_dir": str(Path(docs_dir).resolve()) if docs_dir is not None else None,
    }


def fingerprint(warehouse: str | Path, county_slug: str, period: str, blocking: dict | None = None,
                settings: dict | None = None) -> str:
    """A hash of what the checks see for this period, of the checks' own code and of the blocking
    settings: the validate task's cache key. Unchanged inputs → the same key → GX is skipped."""
    params = {"county_slugs": [county_slug], "period": parse_period(period).code}
    data = hashlib.sha256()
    with runner.connect(warehouse) as con:  # the rows of every frame query, as plain tuples
        for frame, name in sorted(_frame_queries().items()):
            for row in runner.records(con, name, **params):
                data.update(f"{frame}|{row!r}".encode())
    data = data.hexdigest()
    # The code that makes the cached result: every check module and this step's module (which shapes
    # the result dict), so an upgraded zwgk never reuses a result an older version made.
    code = hashlib.sha256()
    root = Path(__file__).resolve().parents[2]
    for module in sorted((root / "expectations").glob("*.py")) + [Path(__file__).resolve()]:
        code.update(module.read_bytes())
    knobs = json.dumps({"blocking": blocking or {}, "settings": settings or {}}, sort_keys=True, default=str)
    return hashlib.sha256(f"{data}|{code.hexdigest()}|{knobs}".encode()).hexdigest()[:32]


# --------------------------------------------------------------------------------------------
# Proofreading a single bulletin (zwgk check): the same parse → SQL → GX path, in memory.
# --------------------------------------------------------------------------------------------


def proofread(path: str | Path, *, registry: str | Path | Registry | None = None, period: str | None = None,
              docs_dir: str | Path | None = None, parsed: ParsedBulletin | None = None) -> dict:
    """Check one bulletin before it is published. Returns the ``zwgk check --json`` object."""
    from expectations.runner import validate
    from flows.steps.sources import PERIOD_HINT_CLI, parse_for_ingest

    parsed, code = parse_for_ingest(path, period=period, county=None, parsed=parsed, hint=PERIOD_HINT_CLI)
    with runner.connect(":memory:") as con:
        if registry is not None:
            reg = registry if isinstance(registry, Registry) else load_registry(registry, parsed.county or "")
            load_registry_into(con, reg, "check")
        load_parsed(con, parsed, county_slug="check", county=parsed.county or "", period=code,
                    source_kind="unit_report" if parsed.file_format in {"csv", "xlsx"} else "bulletin")
        runner.run_marts(con, "check", code)
        frames = frames_for(con, "check", code)
    outcome = validate(frames, docs_dir=docs_dir, run_name="check")
    tables = [
        {"category": r["category"], "rows": int(r["rows"]), "sum": int(r["sum"]),
         "printed_total": None if r["printed_total"] != r["printed_total"] or r["printed_total"] is None
         else int(r["printed_total"])}
        for r in frames["tables"].to_dict("records")
    ]
    return {
        "file": str(path),
        "county": parsed.county,
        "period": code,
        "tables": tables,
        "overall": {"in_text": parsed.stated_total, "sum_of_tables": sum(t["sum"] for t in tables)},
        "findings": [f.to_dict() for f in outcome.findings],
        "checks": [{"name": r.name, "success": r.success} for r in outcome.results],
        "validation": str(outcome.docs_index) if outcome.docs_index else None,
    }


