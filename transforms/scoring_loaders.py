"""Loading what the scores need (docs/rules.md, "Scores"): a county's [scoring] settings, replaced on every
build, and its adoptions sheets (flows/ingest/adoptions.py), appended one transaction per file."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from flows.domain.periods import parse_period
from flows.domain.registry import normalize_name
from flows.ingest.adoptions import Adoptions
from transforms.loaders import LoadResult, incoming
from transforms.model_files import sql
from transforms.runner import execute, scalar, transaction

ADOPTION_COLUMNS = ["load_id", "row_no", "unit_raw", "unit_name", "source", "count", "where"]


def load_scoring(con: duckdb.DuckDBPyConnection, scoring_by_county: dict[str, dict]) -> None:
    """Replace the [scoring] of every county given (slug → the config's ``scoring``; {} = does not score)."""
    settings, weights = [], []
    for slug, scoring in scoring_by_county.items():
        if not scoring:
            continue
        settings.append({"county_slug": slug, "rank_by": scoring["rank_by"], "count_source": scoring["count_source"]})
        weights += [{"county_slug": slug, "source": source, "weight": float(weight)}
                    for source, weight in scoring["weights"].items()]
    with incoming(con, {
        "incoming_scoring": (["county_slug", "rank_by", "count_source"], settings),
        "incoming_weights": (["county_slug", "source", "weight"], weights),
    }), transaction(con):
        for statement in sql("load/replace_scoring").split(";"):
            if statement.strip():
                execute(con, statement, {"county_slugs": list(scoring_by_county)}
                        if "$county_slugs" in statement else None)


def load_adoptions(con: duckdb.DuckDBPyConnection, adoptions: Adoptions, *, county_slug: str,
                   period: str) -> LoadResult:
    """Append one adoptions sheet for a county and period (the same file twice is loaded once)."""
    p = parse_period(period)
    load_id = hashlib.sha256(f"adoptions|{adoptions.sha256}|{county_slug}|{p.code}".encode()).hexdigest()[:20]
    rows = [{"load_id": load_id, "row_no": i, "unit_raw": r.unit_raw, "unit_name": normalize_name(r.unit_raw),
             "source": r.source, "count": r.count, "where": r.where} for i, r in enumerate(adoptions.rows, start=1)]
    if scalar(con, sql("queries/adoption_load_exists"), {"id": load_id}):
        return LoadResult(load_id, False, len(rows), 1)
    with incoming(con, {"incoming_adoptions": (ADOPTION_COLUMNS, rows)}), transaction(con):
        execute(con, sql("load/insert_adoption_load"), {
            "load_id": load_id, "county_slug": county_slug, "period": p.code, "period_start": p.start,
            "period_end": p.end, "source_path": str(Path(adoptions.path).resolve()),
            "source_name": Path(adoptions.path).name, "source_sha256": adoptions.sha256,
            "loaded_at": datetime.now(timezone.utc).replace(tzinfo=None)})
        if rows:
            execute(con, sql("load/insert_adoption_counts"))
    return LoadResult(load_id, True, len(rows), 1)
