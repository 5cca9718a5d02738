"""After the outputs: the alert (notify), the run history (record_run, list_runs), and the period a
scheduled run takes (latest_completed). Plain functions, no Prefect.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flows.domain.periods import office_today, parse_period
from flows.steps.outputs import TZ
from transforms import runner


class RunFailed(RuntimeError):
    """A flow run that failed in one of its tasks; the message names the task and the reason."""

    def __init__(self, task_name: str, reason: BaseException):
        self.task_name = task_name
        super().__init__(f"任务 {task_name} 失败：{type(reason).__name__}: {reason}")


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


def pending_path(warehouse: str | Path) -> Path:
    """Runs that could not be written into the warehouse (it was busy): ``<warehouse>.runs-pending.jsonl``."""
    path = Path(warehouse).resolve()
    return path.with_name(path.name + ".runs-pending.jsonl")


def record_run_later(warehouse: str | Path, record: dict) -> Path:
    """Keep a run the busy warehouse cannot take (a scheduled run that found it held): one JSON line beside
    it, shown by ``zwgk runs`` and moved into run_history by the next run that records one."""
    import json
    import os

    path = pending_path(warehouse)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return path


def _pending(warehouse: str | Path) -> list[dict]:
    import json

    try:
        lines = pending_path(warehouse).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:  # a line cut by a crash: the others still count
            continue
    return out


def record_run(warehouse: str | Path, record: dict | list[dict]) -> None:
    """Append one run (or the runs of a region's counties, a list) to run_history, in one transaction,
    with any runs kept aside while the warehouse was busy (``record_run_later``)."""
    pending = _pending(warehouse)
    records = pending + (record if isinstance(record, list) else [record])
    with runner.connect(warehouse) as con:
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
    if pending:
        pending_path(warehouse).unlink(missing_ok=True)


def _naive(stamp: str | None):
    if not stamp:
        return None
    return datetime.fromisoformat(stamp).astimezone(TZ).replace(tzinfo=None)


def list_runs(warehouse: str | Path, county_slug: str | None = None, period: str | None = None,
              limit: int = 20) -> list[dict]:
    """Past runs, newest first, as plain JSON-ready dicts (None for missing values, lists, ISO times)."""
    import duckdb

    from transforms.errors import WarehouseInUse

    kept = [_pending_row(r) for r in _pending(warehouse)
            if (county_slug is None or r.get("county_slug") == county_slug)
            and (period is None or r.get("period") == parse_period(period).code)]
    if not Path(warehouse).exists():
        return kept[:limit]
    try:
        con = runner.connect(warehouse, read_only=True)  # reading the history never writes the file
    except WarehouseInUse as exc:
        from flows.steps.runlock import WarehouseBusy, holder

        raise WarehouseBusy(f"仓库 {warehouse} 正被{holder(warehouse)}使用，暂时无法读取运行记录（{exc}）") from None
    try:
        frame = runner.query(con, "runs", county_slug=county_slug,
                             period=parse_period(period).code if period else None, limit=limit)
    except duckdb.CatalogException:  # a warehouse no run has been recorded in yet
        return kept[:limit]
    finally:
        con.close()
    rows = [{k: _json_value(v) for k, v in record.items()} for record in frame.to_dict("records")]
    return sorted(kept + rows, key=lambda r: r.get("started_at") or "", reverse=True)[:limit]


def _pending_row(record: dict) -> dict:
    """A kept-aside run in the shape of a run_history row."""
    started = _naive(record.get("started_at"))
    finished = _naive(record.get("finished_at"))
    return {"run_id": record.get("run_id"), "flow_run_id": record.get("flow_run_id"),
            "county_slug": record.get("county_slug"), "county": record.get("county"), "period": record.get("period"),
            "status": record.get("status"), "failed_checks": record.get("failed_checks") or [],
            "error": record.get("error"), "out_dir": record.get("out_dir"), "alert": record.get("alert"),
            "started_at": started.isoformat() if started else None,
            "finished_at": finished.isoformat() if finished else None}


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

    today = today or office_today()
    per_year = {"year": 1, "half": 2, "quarter": 4, "month": 12}[kind]
    current = next(Period(kind, today.year, n) for n in range(1, per_year + 1)
                   if Period(kind, today.year, n).contains(today))
    return current.previous()


LATEST_KINDS = ("half", "year", "quarter", "month")


def resolve_period(period: str | None, default: str | None = None) -> str:
    """The period a run is for — one county's or a region's: ``None`` → the config's default period;
    ``latest`` → the half-year just ended (``latest:year``, ``latest:quarter``, ``latest:month``: that kind);
    anything else as ``parse_period`` reads it (2021H1, 2021年上半年 …)."""
    from flows.domain.periods import PeriodError

    if period in (None, ""):
        if not default:
            raise PeriodError("未指定期间，配置中也没有 default_period")
        period = default
    if period.startswith("latest"):
        kind = period.partition(":")[2] or "half"
        if period not in ("latest", f"latest:{kind}") or kind not in LATEST_KINDS:
            raise PeriodError(f"无法识别的期间“{period}”：应为 latest、latest:year、latest:quarter 或 latest:month")
        return latest_completed(kind).code
    return parse_period(period).code


# One run's record in run_history (``zwgk runs``), the same for a county run and each county of a region run.


def run_record(county_slug: str, county: str, period: str, started: str, flow_run_id) -> dict:
    """The record a run starts with (its outcome is added by ``finished_run`` or ``failed_run``)."""
    import uuid

    return {"run_id": uuid.uuid4().hex, "flow_run_id": flow_run_id, "county_slug": county_slug, "county": county,
            "period": period, "started_at": started}


def finished_run(record: dict, summary: dict) -> dict:
    """A run that wrote its bulletin: final or draft (the blocking checks that failed), where, the alert."""
    failed_checks = [c["name"] for c in summary["checks"] if not c["success"] and c.get("blocking")]
    return {**record, "status": summary["status"], "failed_checks": failed_checks, "out_dir": summary["out_dir"],
            "alert": summary["alert"]["status"], "finished_at": summary["finished_at"]}


def failed_run(record: dict, county: str, period: str, error: str, alert_urls: list[str],
               notify_success: bool) -> dict:
    """A run that failed: the office is alerted (one message naming the county, the period and the error),
    and the record says so."""
    from flows.steps.outputs import now_iso

    failed = {"county": county, "period": period, "period_label": parse_period(period).label,
              "status": "failed", "error": error, "checks": [], "out_dir": None}
    alert = notify(alert_summary(failed), alert_urls, notify_success)
    return {**record, "status": "failed", "error": error, "alert": alert["status"], "finished_at": now_iso()}
