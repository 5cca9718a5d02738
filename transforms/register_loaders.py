"""Load an imported applications register (flows/ingest/applications.py) into the warehouse: one load row and
its applications, with each one's due date, in one transaction. The newest load of a county is the register
that counts (transforms/staging/stg_applications.sql); an older import stays for the record."""

from __future__ import annotations

import uuid
from datetime import datetime

import duckdb

from transforms.loaders import incoming
from transforms.model_files import sql
from transforms.runner import execute, transaction

APPLICATION_COLUMNS = ["load_id", "row_no", "number", "received", "channel", "applicant", "content", "unit",
                       "correction_notice", "correction_received", "consult_from", "consult_to", "extended_on",
                       "extension_approver", "answered", "answer_channel", "result", "review", "review_result",
                       "litigation", "litigation_result", "due", "clock_notes"]


def load_register(con: duckdb.DuckDBPyConnection, *, county_slug: str, source: str, sha256: str,
                  applications: list, deadlines: list) -> str:
    """Append the register (``applications`` with their ``deadlines``, same order); returns the load id."""
    load_id = uuid.uuid4().hex
    rows = []
    for app, clock in zip(applications, deadlines, strict=True):
        rows.append({**{k: getattr(app, k) for k in APPLICATION_COLUMNS[2:-2]}, "load_id": load_id, "row_no": app.row,
                     "due": clock.due, "clock_notes": list(clock.notes)})
    with incoming(con, {"incoming_applications": (APPLICATION_COLUMNS, rows)}), transaction(con):
        execute(con, sql("load/insert_application_load"), {
            "load_id": load_id, "county_slug": county_slug, "source": source, "sha256": sha256,
            "applications": len(rows), "loaded_at": datetime.now()})
        if rows:
            execute(con, sql("load/insert_applications"))
    return load_id
