"""Load an annual review into the warehouse and read last year's reports back (transforms/*/…annual…).

One review of a county and year is one load: its reports (with provenance: URL or file, sha256),
their table cells and the findings go into the append-only raw tables in one transaction, then the
year's annual marts are rebuilt (the newest load counts; a rerun replaces that year's mart rows).
"""

from __future__ import annotations

import uuid
from datetime import datetime

import pandas as pd

from flows.ingest.annual_model import AnnualReport
from transforms import runner

REPORT_COLUMNS = ["load_id", "report_no", "county_slug", "year", "report_year", "unit_printed", "unit_id", "unit",
                  "source", "sha256", "medium", "format", "title", "published", "has_total_column", "body_text",
                  "loaded_at"]
CELL_COLUMNS = ["load_id", "report_no", "table_no", "row_key", "column_key", "value"]
FINDING_COLUMNS = ["load_id", "finding_no", "report_no", "unit_id", "unit", "code", "severity", "message", "where"]


def load_review(con, *, county_slug: str, county: str, year: int, reports: list[AnnualReport],
                matches: list[dict], findings: list[dict], registered: list[str]) -> str:
    """Append one review (reports, cells, findings) and rebuild the year's annual marts. Returns the load id."""
    load_id = uuid.uuid4().hex
    now = datetime.now()
    rep_rows, cell_rows = [], []
    for no, (r, m) in enumerate(zip(reports, matches)):
        rep_rows.append([load_id, no, county_slug, year, r.year, m.get("printed"), m.get("unit_id"), r.unit, r.source,
                         r.sha256, r.medium, r.format, r.title, r.published, r.has_total_column, r.text, now])
        for row, cells in r.table3.items():
            cell_rows.extend([load_id, no, "三", row, col, v] for col, v in cells.items())
        for group, cells in r.table4.items():
            cell_rows.extend([load_id, no, "四", group, part, v] for part, v in cells.items())
    frames = {
        "incoming_annual_reports": pd.DataFrame(rep_rows, columns=REPORT_COLUMNS),
        "incoming_annual_cells": pd.DataFrame(cell_rows, columns=CELL_COLUMNS).astype({"value": "Int64"}),
        "incoming_annual_findings": pd.DataFrame(
            [[load_id, i, f.get("report_no"), f.get("unit_id"), f.get("unit"), f["code"], f["severity"], f["message"],
              f.get("where")] for i, f in enumerate(findings)], columns=FINDING_COLUMNS).astype({"report_no": "Int64"}),
    }
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        with runner.transaction(con):
            runner.execute(con, runner.sql("load/insert_annual_load"), {
                "load_id": load_id, "county_slug": county_slug, "county": county, "year": year,
                "registered": registered, "loaded_at": now})
            for name in ("reports", "cells", "findings"):
                runner.execute(con, runner.sql(f"load/insert_annual_{name}"))
    finally:
        for name in frames:
            con.unregister(name)
    runner.run_marts(con, county_slug, str(year), family="annual")
    return load_id


def previous_reports(con, county_slug: str, year: int) -> dict[str, AnnualReport]:
    """Last year's reports of the county as the warehouse holds them, by unit (for annual_copied)."""
    frame = runner.query(con, "annual_previous_reports", county_slug=county_slug, year=year)
    out: dict[str, AnnualReport] = {}
    for no, rows in frame.groupby("report_no", sort=True):
        first = rows.iloc[0]
        r = AnnualReport(source=first["source"], sha256=first["sha256"], medium="warehouse", unit=first["unit"],
                         year=None if pd.isna(first["report_year"]) else int(first["report_year"]),
                         format=first["format"], text=first["body_text"] or "",
                         has_total_column=bool(first["has_total_column"]))
        for rec in rows.dropna(subset=["table_no"]).to_dict("records"):
            target = r.table3 if rec["table_no"] == "三" else r.table4
            target.setdefault(rec["row_key"], {})[rec["column_key"]] = None if pd.isna(rec["value"]) else int(rec["value"])
        out[r.unit] = r
    return out


def review_rows(con, county_slug: str, year: int) -> tuple[list[dict], dict]:
    """The year's per-unit review rows and its summary, from the marts."""
    units = runner.query(con, "annual_unit_review", county_slug=county_slug, period=str(year))
    summary = runner.query(con, "annual_summary", county_slug=county_slug, period=str(year))
    rows = [{k: _plain(v) for k, v in rec.items()} for rec in units.to_dict("records")]
    for rec in rows:
        rec["codes"] = list(rec.get("codes") or [])
    s = summary.to_dict("records")[0] if len(summary) else {}
    return rows, {k: (int(v) if k not in ("county_slug", "period") else v) for k, v in s.items()}


def _plain(value):
    """A value from a DuckDB frame as plain Python (lists, ISO dates, None for NA)."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return list(value)
    if value is None or value is pd.NaT:
        return None
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value
