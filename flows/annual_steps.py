"""Plain step functions of the annual-report review (docs/annual-reports.md); flows/annual_flow.py
orchestrates them. Tests call them without Prefect.

- ``check_report``      one file → the ``zwgk check REPORT --json`` object;
- ``collect_reports``   crawl the county's 年报 column(s) → report pages in the crawl store;
- ``review_year``       parse, match to registered units, load into the warehouse, check, and
                        return the review (one row per unit, findings);
- ``write_review``      review.xlsx / review.html / review.md / run.json beside the Data Docs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from flows.ingest.annual_model import AnnualReport
from flows.ingest.annual_report import parse_annual_report_file


def report_json(report: AnnualReport, findings: list) -> dict:
    return {"kind": "annual_report", "unit": report.unit, "year": report.year, "format": report.format,
            "published": report.published.isoformat() if report.published else None,
            "tables": report.tables(), "findings": [f.to_dict() for f in findings],
            "file": report.source, "notes": report.notes}


def check_report(path: str | Path, *, docs_dir: str | Path | None = None, published: date | None = None,
                 deadlines=None) -> dict:
    """Parse and check one annual report (no registry, no last year: the report's own checks + late)."""
    from expectations.annual import validate_annual
    from expectations.annual_frames import Deadlines, ReviewContext, build_frames

    report = parse_annual_report_file(path)
    if published is not None:
        report.published = published
    ctx = ReviewContext(deadlines=deadlines or Deadlines())
    outcome = validate_annual(build_frames([report], ctx), docs_dir=docs_dir, run_name="check")
    out = report_json(report, outcome.findings_by_report.get(0, []))
    out["validation"] = str(outcome.docs_index) if outcome.docs_index else None
    return out


def deadlines_from(settings: Mapping | None):
    """Deadlines from a county's ``[annual]`` table: ``department = "01-31"``, ``township``, ``county``."""
    from expectations.annual_frames import Deadlines

    d = Deadlines()
    for kind in ("department", "township", "county"):
        value = (settings or {}).get(f"deadline_{kind}")
        if value:
            month, day = (int(x) for x in str(value).split("-"))
            date(2001, month, day)  # validates
            setattr(d, kind, (month, day))
    return d
