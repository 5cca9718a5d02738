"""After the outputs: the alert (notify), the run history (record_run, list_runs), and the period a
scheduled run takes (latest_completed). Plain functions, no Prefect.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flows.domain.periods import parse_period
from flows.steps.outputs import TZ
from transforms import runner


def notify(summary: dict, config_urls: list[str], notify_success: bool) -> dict:
    """Send one alert for this run when it is a draft or failed (or final, when asked)."""
    from flows.alerts import alert_urls, compose_alert, send_alert, should_alert

    if not should_alert(summary.get("status", ""), notify_success):
        return {"status": "not_needed", "sent": [], "failed": [], "errors": []}
    urls = alert_urls(config_urls)
    if not urls:
        return {"status": "no_urls", "sent": [], "failed": [], "errors": []}
    title, body = compose_alert(summary)
    result = send_alert(urls, title, body)
    return {"status": "sent" if not result.failed else "failed", "sent": result.sent,
            "failed": result.failed, "errors": result.errors}


def alert_summary(summary: dict) -> dict:
    """The part of a run summary the alert message needs."""
    out_dir = summary.get("out_dir")
    validation = (summary.get("outputs") or {}).get("validation")
    return {
        "county": summary.get("county"), "period": summary.get("period"),
        "period_label": summary.get("period_label"), "status": summary.get("status"),
        "error": summary.get("error"), "outputs_dir": out_dir,
        "validation_index": str(Path(out_dir) / validation) if out_dir and validation else None,
        "failed_checks": [
            {"name": c["name"], "blocking": c.get("blocking"),
             "message": "；".join(c.get("messages") or []) or c["name"]}
            for c in summary.get("checks", []) if not c.get("success")
        ],
    }


def record_run(warehouse: str | Path, record: dict | list[dict]) -> None:
    """Append one run (or the runs of a region's counties, a list) to run_history, in one transaction."""
    records = record if isinstance(record, list) else [record]
    con = runner.connect(warehouse)
    try:
        with runner.transaction(con):
            for record in records:
                runner.execute(con, runner.sql("load/insert_run"), {
                    "run_id": record["run_id"], "flow_run_id": record.get("flow_run_id"),
                    "county_slug": record["county_slug"], "county": record.get("county"),
                    "period": record["period"], "status": record["status"],
                    "failed_checks": record.get("failed_checks") or [], "error": record.get("error"),
                    "out_dir": record.get("out_dir"), "alert": record.get("alert"),
                    "started_at": _naive(record.get("started_at")),
                    "finished_at": _naive(record.get("finished_at")),
                })
    finally:
        con.close()


def _naive(stamp: str | None):
    if not stamp:
        return None
    return datetime.fromisoformat(stamp).astimezone(TZ).replace(tzinfo=None)


def list_runs(warehouse: str | Path, county_slug: str | None = None, period: str | None = None,
              limit: int = 20) -> list[dict]:
    """Past runs, newest first, as plain JSON-ready dicts (None for missing values, lists, ISO times)."""
    import duckdb

    if not Path(warehouse).exists():
        return []
    try:
        con = runner.connect(warehouse, read_only=True)  # reading the history never writes the file
    except duckdb.IOException as exc:
        from flows.steps.runlock import WarehouseBusy, holder

        raise WarehouseBusy(f"仓库 {warehouse} 正被{holder(warehouse)}使用，暂时无法读取运行记录（{exc}）") from None
    try:
        frame = runner.query(con, "runs", county_slug=county_slug,
                             period=parse_period(period).code if period else None, limit=limit)
    except duckdb.CatalogException:  # a warehouse no run has been recorded in yet
        return []
    finally:
        con.close()
    return [{k: _json_value(v) for k, v in record.items()} for record in frame.to_dict("records")]


def _json_value(value):
    """A DataFrame cell as strict JSON: NaN/NaT → None, arrays → lists, timestamps → ISO strings."""
    if value is None:
        return None
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()  # numpy arrays and scalars
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "isoformat"):
        import pandas as pd

        return None if pd.isna(value) else value.isoformat()
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def latest_completed(kind: str = "half", today=None):
    """The period of this kind that ended most recently before today (Asia/Shanghai)."""
    from flows.domain.periods import Period

    today = today or datetime.now(TZ).date()
    per_year = {"year": 1, "half": 2, "quarter": 4, "month": 12}[kind]
    current = next(Period(kind, today.year, n) for n in range(1, per_year + 1)
                   if Period(kind, today.year, n).contains(today))
    return current.previous()
