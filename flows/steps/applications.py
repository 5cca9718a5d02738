"""Plain step functions of the 依申请公开 applications register (docs/applications.md); the ``zwgk applications``
commands and the flows call them, tests call them without Prefect.

- ``import_register``  read and validate a register file, give each application its due date, load it;
- ``standing``         where every application of the county's register stands on a given day;
- ``due_report``       what is due within N working days and what is overdue, per unit;
- ``table3`` / ``table4``  the annual report's tables 三 and 四 of a unit and year, counted from the register.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

from flows.domain.application_clock import Clock, deadline
from flows.domain.periods import office_today
from flows.domain.workdays import load_calendar
from flows.ingest.annual_model import COLUMNS, REVIEW_GROUPS, REVIEW_PARTS, table3_rows
from transforms import runner

@contextmanager
def _reading(warehouse: str | Path):
    """A read-only connection, or WarehouseBusy naming who holds the warehouse (one line, exit 2)."""
    from transforms.errors import WarehouseInUse

    try:
        con = runner.connect(warehouse, read_only=True, schema=False)
    except WarehouseInUse as exc:
        from flows.steps.runlock import WarehouseBusy, holder

        raise WarehouseBusy(f"仓库 {warehouse} 正被{holder(warehouse)}使用，暂时无法读取依申请公开登记表（{exc}）") from None
    with con:
        yield con


STATUS_LABELS = {"answered": "已答复", "pending": "办理中", "awaiting_correction": "待补正", "consulting": "征求意见中"}


def import_register(cfg, warehouse: str | Path, file: str | Path) -> dict:
    """Validate the file (a bad row: RegisterError naming it; nothing loaded) and load it as the county's
    current register. Returns what was loaded."""
    from flows.domain.registry import load_registry
    from flows.ingest.applications import read_register
    from transforms.register_loaders import load_register

    resolve = None
    if cfg.registry:
        registry = load_registry(cfg.registry, cfg.county)

        def resolve(name: str) -> str | None:
            unit = registry.resolve(name)
            return unit.unit if unit else None

    register = read_register(file, resolve=resolve)
    cal = load_calendar()
    today = office_today()
    clocks = [deadline(app.clock(), cal, today) for app in register.applications]
    with runner.connect(warehouse) as con:
        load_id = load_register(con, county_slug=cfg.slug, source=str(Path(file).resolve()), sha256=register.sha256,
                                applications=register.applications, deadlines=clocks)
    units = sorted({a.unit for a in register.applications})
    return {"county": cfg.slug, "file": str(file), "sha256": register.sha256, "load_id": load_id,
            "applications": len(register.applications), "units": len(units),
            "notes": [f"{a.number}（第{a.row}行）：{n}" for a, c in zip(register.applications, clocks) for n in c.notes]}


def _clock(row: dict) -> Clock:
    consult = ((row["consult_from"], row["consult_to"]),) if row["consult_from"] else ()
    return Clock(received=row["received"], correction_notice=row["correction_notice"],
                 correction_received=row["correction_received"], consultations=consult,
                 extended_on=row["extended_on"], answered=row["answered"])


def standing(warehouse: str | Path, county_slug: str, today: date) -> list[dict]:
    """Every application of the county's current register with its clock on ``today`` (none before the first
    ``zwgk applications import``)."""
    if not Path(warehouse).exists():
        return []
    with _reading(warehouse) as con:
        if runner.columns(con, "stg_applications") is None:  # a warehouse from before registers were imported
            return []
        rows = runner.records(con, "applications", county_slug=county_slug)
    cal = load_calendar()
    out = []
    for row in rows:
        d = deadline(_clock(row), cal, today)
        out.append({"number": row["number"], "unit": row["unit"], "received": row["received"], "due": d.due,
                    "answered": row["answered"], "status": d.status, "days_left": d.days_left,
                    "late_working_days": d.late_working_days, "on_time": d.on_time, "notes": d.notes})
    return out


def due_report(warehouse: str | Path, county_slug: str, today: date, within: int) -> dict:
    """Open applications due within ``within`` working days of ``today``, the overdue ones, and answers given
    late, per unit."""
    rows = standing(warehouse, county_slug, today)
    open_rows = [r for r in rows if r["status"] == "pending"]
    due_soon = [r for r in open_rows if not r["late_working_days"] and r["days_left"] is not None
                and r["days_left"] <= within]
    overdue = [r for r in open_rows if r["late_working_days"]]
    answered_late = [r for r in rows if r["status"] == "answered" and r["on_time"] is False]
    units: dict[str, dict] = {}
    for key, group in (("due_soon", due_soon), ("overdue", overdue), ("answered_late", answered_late)):
        for r in group:
            units.setdefault(r["unit"], {"unit": r["unit"], "due_soon": [], "overdue": [], "answered_late": []})[key].append(r)
    return {"county": county_slug, "today": today, "within": within, "applications": len(rows),
            "open": len(open_rows), "due_soon": due_soon, "overdue": overdue, "answered_late": answered_late,
            "stopped": [r for r in rows if r["status"] in ("awaiting_correction", "consulting")],
            "units": sorted(units.values(), key=lambda u: (-len(u["overdue"]), -len(u["due_soon"]), u["unit"]))}


def table3(con, county_slug: str, year: int) -> dict[str, dict[str, dict[str, int]]]:
    """unit → table 三 row key → column → count (zeros filled in: every row of the 2021 format, every column)."""
    rows = [key for key, _g, _label, _k in table3_rows("2021")]
    out: dict[str, dict[str, dict[str, int]]] = {}
    for unit in [r["unit"] for r in runner.records(con, "application_units", county_slug=county_slug, year=year)]:
        out[unit] = {row: {column: 0 for column in COLUMNS} for row in rows}
    for r in runner.records(con, "application_table3", county_slug=county_slug, year=year):
        out[r["unit"]][r["row_key"]][r["column_key"]] = int(r["value"])
    return out


def register_table3(con, county_slug: str, year: int) -> dict | None:
    """Table 三 of the year for every unit the county's register holds (zeros for a unit without an application in
    the year); None when the county has no register. What annual_register_mismatch compares reports with."""
    units = [r["unit"] for r in runner.records(con, "register_units", county_slug=county_slug)]
    if not units:
        return None
    counted = table3(con, county_slug, year)
    zeros = {key: {column: 0 for column in COLUMNS} for key, _g, _l, _k in table3_rows("2021")}
    return {unit: counted.get(unit, zeros) for unit in units}


def table4(con, county_slug: str, year: int) -> dict[str, dict[str, dict[str, int]]]:
    """unit → table 四 group → part → count (zeros filled in)."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    for r in runner.records(con, "application_table4", county_slug=county_slug, year=year):
        unit = out.setdefault(r["unit"], {g: {p: 0 for p in REVIEW_PARTS} for g in REVIEW_GROUPS})
        unit[r["group_key"]][r["part"]] = int(r["value"])
    return out


def county_tables(warehouse: str | Path, county_slug: str, year: int) -> dict:
    """Tables 三 and 四 of every unit in the year: {unit: {"table3": …, "table4": …}} ({} before the first import)."""
    if not Path(warehouse).exists():
        return {}
    with _reading(warehouse) as con:
        if runner.columns(con, "stg_applications") is None:
            return {}
        t3, t4 = table3(con, county_slug, year), table4(con, county_slug, year)
    empty4 = {g: {p: 0 for p in REVIEW_PARTS} for g in REVIEW_GROUPS}
    return {unit: {"table3": t3[unit], "table4": t4.get(unit, empty4)} for unit in sorted(set(t3) | set(t4))}



def compose_due_alert(county: str, report: dict) -> tuple[str, str] | None:
    """(title, body) of the morning alert, or None when nothing is overdue or due within the window."""
    from flows.alerts import TITLE_PREFIX

    if not report["overdue"] and not report["due_soon"]:
        return None
    day = report["today"]
    title = (f"{TITLE_PREFIX}{county}依申请公开答复期限：已超期{len(report['overdue'])}件，"
             f"{report['within']}个工作日内到期{len(report['due_soon'])}件")
    lines = [f"截至{day.year}年{day.month}月{day.day}日（按工作日计算，条例第三十三条）："]
    for unit in report["units"]:
        parts = [f"{r['number']}已超期{r['late_working_days']}个工作日（期限{r['due'].isoformat()}）" for r in unit["overdue"]]
        parts += [f"{r['number']}剩{r['days_left']}个工作日（期限{r['due'].isoformat()}）" for r in unit["due_soon"]]
        if parts:
            lines.append(f"{unit['unit']}：{'；'.join(parts)}")
    return title, "\n".join(lines)


def due_alert(cfg, warehouse: str | Path, today: date, within: int = 3) -> dict:
    """The morning check: on a working day, one alert to the county's alert URLs when an application is due within
    ``within`` working days or overdue. Returns what happened (status: not_a_workday | no_register | clear | sent |
    failed | no_urls)."""
    from flows.alerts import alert_urls, send_alert

    if not load_calendar().is_workday(today):
        return {"status": "not_a_workday", "today": today.isoformat()}
    report = due_report(warehouse, cfg.slug, today, within)
    summary = {"today": today.isoformat(), "applications": report["applications"],
               "overdue": [r["number"] for r in report["overdue"]], "due_soon": [r["number"] for r in report["due_soon"]]}
    if not report["applications"]:
        return {"status": "no_register", **summary}
    message = compose_due_alert(cfg.county, report)
    if message is None:
        return {"status": "clear", **summary}
    targets = alert_urls(cfg.alert_urls)
    if not targets:
        return {"status": "no_urls", **summary}
    result = send_alert(targets, *message)
    return {"status": "sent" if not result.failed else "failed", "sent": result.sent, "errors": result.errors,
            **summary}


def draft_annual_report(cfg, warehouse: str | Path, unit: str, year: int, out_root: str | Path) -> Path:
    """The unit's annual report for the year drafted in the 2021 format from the register (reports/annual_draft.py),
    written to ``<out>/<county>/<year>-annual-drafts/``. A unit the registry does not know, or a county without a
    register, is a LookupError naming what to do."""
    from flows.domain.registry import load_registry
    from reports.annual_draft import write_draft

    name = unit
    if cfg.registry:
        found = load_registry(cfg.registry, cfg.county).resolve(unit)
        if found is None:
            raise LookupError(f"{unit}：不在单位名录（{cfg.registry}）中：应为名录中的单位名称或别名")
        name = found.unit
    if not Path(warehouse).exists():
        raise LookupError(f"{warehouse}：仓库中还没有依申请公开登记表：先运行 zwgk applications import 登记表.xlsx")
    with _reading(warehouse) as con:
        counted = register_table3(con, cfg.slug, year) if runner.columns(con, "stg_applications") else None
        if counted is None:
            raise LookupError(f"{cfg.county}尚未导入依申请公开登记表，表三、表四无法统计：先运行 zwgk applications import 登记表.xlsx")
        t3, t4 = counted.get(name), table4(con, cfg.slug, year).get(name)
        source = runner.records(con, "applications", county_slug=cfg.slug)[0]["register_file"]
    zeros3 = {key: {column: 0 for column in COLUMNS} for key, _g, _l, _k in table3_rows("2021")}
    zeros4 = {g: {p: 0 for p in REVIEW_PARTS} for g in REVIEW_GROUPS}
    title = f"{name if name.startswith(cfg.county) else cfg.county + name}{year}年政府信息公开工作年度报告"
    path = Path(out_root) / cfg.slug / f"{year}-annual-drafts" / f"{name}.docx"
    return write_draft(path, title=title, year=year, t3=t3 or zeros3, t4=t4 or zeros4, register=Path(source).name)
