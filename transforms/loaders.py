"""Loading parsed inputs into the DuckDB warehouse, one transaction per source.

The raw tables are append-only: a file already loaded for a county and period (same sha256) is
not loaded twice; a new file for a period supersedes the older one in staging (the newest load
counts), while the older rows stay for the record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from flows.ingest.bulletin_model import ParsedBulletin
from flows.ingest.claims import find_claims
from flows.domain.periods import parse_period
from flows.domain.registry import Registry, normalize_name
from transforms.model_files import sql, template
from transforms.runner import execute, scalar, transaction


@contextmanager
def incoming(con: duckdb.DuckDBPyConnection, tables: Mapping[str, tuple[list[str], list]]):
    """Python rows as the temporary tables a load's statements read (``incoming_*``), dropped after:
    name → (column names, rows as dicts or as sequences in column order). DuckDB builds each table from
    one list per column, its types from the values (no dataframe library: a rerun's start-up does not
    pay for importing one)."""
    made = []
    try:
        for name, (names, rows) in tables.items():
            params = {f"c{i}": [row[column] if isinstance(row, Mapping) else row[i] for row in rows]
                      for i, column in enumerate(names)}
            execute(con, template("create_incoming", incoming=name, unnest=list(names)), params)
            made.append(name)
        yield con
    finally:
        for name in made:
            execute(con, template("drop_incoming", incoming=name))


@dataclass
class LoadResult:
    load_id: str
    new: bool  # False when this very file was already loaded for this county and period
    rows: int
    tables: int


def load_registry(con: duckdb.DuckDBPyConnection, registry: Registry, county_slug: str) -> int:
    """Replace the county's registry tables with this registry (one transaction)."""
    units = [(county_slug, u.unit_id, u.unit, u.short_name, u.category, u.display_order, _as_date(u.valid_from),
              _as_date(u.valid_to), u.successor_of) for u in registry.units]
    names = [(county_slug, name, unit.unit_id) for name, unit in registry.name_rows()]
    with incoming(con, {
        "incoming_units": (["county_slug", "unit_id", "unit", "short_name", "category", "display_order",
                            "valid_from", "valid_to", "successor_of"], units),
        "incoming_unit_names": (["county_slug", "name", "unit_id"], names),
    }), transaction(con):
        for statement in _statements(sql("load/replace_registry")):
            execute(con, statement, {"county_slug": county_slug} if "$county_slug" in statement else None)
    return len(units)


def load_county(con: duckdb.DuckDBPyConnection, *, county_slug: str, county: str, counts_source: str = "auto",
                portal: str | None = None) -> None:
    """Record the county job's settings the marts read (ref_counties): name, [counts] source, portal."""
    with transaction(con):
        execute(con, sql("load/replace_county"), {"county_slug": county_slug, "county": county,
                                                  "counts_source": counts_source, "portal": portal})


def _statements(text: str) -> list[str]:
    return [s.strip() for s in text.split(";") if s.strip()]


def load_parsed(
    con: duckdb.DuckDBPyConnection,
    parsed: ParsedBulletin,
    *,
    county_slug: str,
    county: str,
    period: str,
    source_kind: str = "bulletin",
) -> LoadResult:
    """Load one parsed bulletin or unit report as a single transaction."""
    p = parse_period(period)
    load_id = hashlib.sha256(f"{parsed.sha256}|{county_slug}|{p.code}".encode()).hexdigest()[:20]
    exists = scalar(con, sql("queries/load_exists"), {"id": load_id})
    rows = [
        {
            "load_id": load_id, "table_no": t.table_no, "row_no": i, "unit_raw": r.unit_raw,
            "unit_name": normalize_name(r.unit_raw), "count_raw": r.count_raw, "count": r.count,
            "rank_raw": r.rank_raw, "rank": r.rank, "line": r.line, "table_row": r.table_row, "where": r.where,
        }
        for t in parsed.tables
        for i, r in enumerate(t.rows, start=1)
    ]
    if exists:
        return LoadResult(load_id, False, len(rows), len(parsed.tables))
    tables = [(load_id, t.table_no, t.category, t.title, t.has_rank_column, t.printed_total_raw, t.printed_total,
               t.total_where, t.where) for t in parsed.tables]
    claims = [(load_id, c.claim_no, c.polarity, c.name_raw, c.sentence, c.where) for c in find_claims(parsed.paragraphs)]
    with incoming(con, {
        "incoming_tables": (["load_id", "table_no", "category", "title", "has_rank_column", "printed_total_raw",
                             "printed_total", "total_where", "table_where"], tables),
        "incoming_rows": (["load_id", "table_no", "row_no", "unit_raw", "unit_name", "count_raw", "count",
                           "rank_raw", "rank", "line", "table_row", "where"], rows),
        "incoming_claims": (["load_id", "claim_no", "polarity", "name_raw", "sentence", "where"], claims),
    }):
        with transaction(con):
            execute(con, sql("load/insert_load"), {
                "load_id": load_id, "county_slug": county_slug, "county": county, "period": p.code,
                "period_kind": p.kind, "period_start": p.start, "period_end": p.end,
                "source_kind": source_kind, "file_format": parsed.file_format,
                "source_path": str(Path(parsed.path).resolve()), "source_name": Path(parsed.path).name,
                "source_sha256": parsed.sha256, "title": parsed.title, "stated_total": parsed.stated_total,
                "stated_total_where": parsed.stated_total_where,
                "stated_total_sentence": parsed.stated_total_sentence,
                "loaded_at": datetime.now(timezone.utc).replace(tzinfo=None),
            })
            execute(con, sql("load/insert_reported_tables"))
            execute(con, sql("load/insert_reported_rows"))
            execute(con, sql("load/insert_claims"))
    return LoadResult(load_id, True, len(rows), len(parsed.tables))


ITEM_COLUMNS = ["crawl_id", "county_slug", "url", "title", "unit_raw", "unit_name", "column", "column_type",
                "columns", "publish_date", "doc_date", "doc_number", "index_number", "topic", "repost_of",
                "fetched_at", "body_text", "format_facts"]


def _as_date(value):
    if value in (None, ""):
        return None
    if hasattr(value, "year"):
        return value if not hasattr(value, "hour") else value.date()
    return datetime.fromisoformat(str(value)[:10]).date()


def _as_timestamp(value):
    if value in (None, ""):
        return None
    stamp = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return stamp.astimezone(timezone.utc).replace(tzinfo=None) if stamp.tzinfo else stamp


def load_crawl(con: duckdb.DuckDBPyConnection, *, county_slug: str, crawl_id: str, items: list[dict],
               summary: dict, portal: str = "", columns: list[dict] | None = None) -> int:
    """Append one crawl's items to raw_crawled_items (one transaction). A crawl id loads once."""
    import pandas as pd  # imported when a load runs, not with the module (a warm rerun's start-up)

    import json

    if scalar(con, sql("queries/crawl_loaded"),
              {"c": crawl_id, "s": county_slug}):
        return 0
    rows = []
    seen: set[str] = set()
    for item in items:
        url = item.get("url")
        if not url or url in seen:
            continue
        seen.add(url)
        rows.append({
            "crawl_id": crawl_id, "county_slug": county_slug, "url": url, "title": item.get("title"),
            "unit_raw": item.get("unit_raw"), "unit_name": normalize_name(item.get("unit_raw")) or None,
            "column": item.get("column"), "column_type": item.get("column_type"),
            "columns": list(item.get("columns") or ([item["column"]] if item.get("column") else [])),
            "publish_date": _as_date(item.get("publish_date")), "doc_date": _as_date(item.get("doc_date")),
            "doc_number": item.get("doc_number"), "index_number": item.get("index_number"),
            "topic": item.get("topic"), "repost_of": item.get("repost_of"),
            "fetched_at": _as_timestamp(item.get("fetched_at")), "body_text": item.get("body_text"),
            "format_facts": json.dumps(item.get("format_facts") or {}, ensure_ascii=False, default=str),
        })
    frame = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    for column in ("publish_date", "doc_date"):
        frame[column] = pd.Series([r[column] for r in rows], dtype="object")
    frame["fetched_at"] = pd.to_datetime(frame["fetched_at"])
    column_rows = [
        {"crawl_id": crawl_id, "county_slug": county_slug, "column": c["name"], "url": c.get("url"),
         "column_type": c.get("type"), "unit_raw": c.get("unit"), "unit_name": normalize_name(c.get("unit")) or None,
         "status": c.get("status"), "reason": c.get("reason")}
        for c in {c["name"]: c for c in (columns or [])}.values()
    ]
    column_frame = pd.DataFrame(column_rows, columns=["crawl_id", "county_slug", "column", "url", "column_type",
                                                      "unit_raw", "unit_name", "status", "reason"])
    con.register("incoming_columns", column_frame)
    con.register("incoming_items", frame)
    try:
        with transaction(con):
            execute(con, sql("load/insert_crawl"), {
                "crawl_id": crawl_id, "county_slug": county_slug, "portal": portal,
                "summary": json.dumps(summary, ensure_ascii=False, default=str),
                "loaded_at": datetime.now(timezone.utc).replace(tzinfo=None),
            })
            execute(con, sql("load/insert_crawled_items"))
            execute(con, sql("load/insert_crawl_columns"))
            mark_superseded(con, [county_slug])
    finally:
        con.unregister("incoming_items")
        con.unregister("incoming_columns")
    return len(rows)


def mark_superseded(con: duckdb.DuckDBPyConnection, county_slugs: list[str]) -> None:
    """List again the counties' crawled items a newer record of the same URL supersedes
    (raw/raw_superseded_items.sql); inside the caller's transaction (a load or a prune)."""
    with transaction(con):
        execute(con, sql("load/clear_superseded"), {"county_slugs": list(county_slugs)})
        execute(con, sql("load/mark_superseded"), {"county_slugs": list(county_slugs)})


def prune_crawls(con: duckdb.DuckDBPyConnection, county_slug: str, keep_crawls: int = 1) -> int:
    """Delete the county's crawled items a newer crawl supersedes, and old crawls' column lists, keeping the
    newest ``keep_crawls`` crawls whole (docs/reliability.md, "Retention"); one transaction. Returns the
    number of items deleted. What the marts read does not change."""
    params = {"county_slug": county_slug, "keep_crawls": max(1, int(keep_crawls))}
    before = scalar(con, sql("queries/crawled_item_count"), {"county_slug": county_slug})
    with transaction(con):
        execute(con, sql("load/prune_superseded_items"), params)
        execute(con, sql("load/prune_old_crawl_columns"), params)
        mark_superseded(con, [county_slug])
    after = scalar(con, sql("queries/crawled_item_count"), {"county_slug": county_slug})
    return int(before) - int(after)
