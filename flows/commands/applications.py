"""``zwgk applications import|due|tables|template``: the 依申请公开 applications register
(docs/applications.md; step functions in flows/steps/applications.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.text import Text

from flows.commands.common import EXIT_FOUND, INPUT_ERRORS, WAREHOUSE_HELP, console, fail, warehouse_or_default
from flows.domain.config import DEFAULT_CONFIG

applications_app = typer.Typer(help="依申请公开登记表：导入、答复期限、表三表四、模板", no_args_is_help=True,
                               rich_markup_mode=None)
CONFIG_HELP = "县级配置（TOML）"


def _config(config: Path):
    from flows.domain.config import ConfigError, load_config

    try:
        return load_config(config)
    except ConfigError as exc:
        fail(str(exc))


def _day(text: str | None) -> date:
    from flows.domain.periods import office_today

    if not text:
        return office_today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--today 应为日期，如 2024-03-15，实为 {text!r}")


@applications_app.command("import", short_help="导入登记表（.xlsx/.csv）：逐行校验，有一行不合格则整表不导入")
def import_command(
    file: Path = typer.Argument(..., help="依申请公开登记表（.xlsx 或 .csv，模板：zwgk applications template）"),
    config: Path = typer.Option(DEFAULT_CONFIG, help=CONFIG_HELP),
    warehouse: Path = typer.Option(None, help=WAREHOUSE_HELP),
) -> None:
    """Validate the register and load it as the county's current register (the previous import stays on record)."""
    from flows.steps.applications import import_register
    from flows.steps.runlock import warehouse_lock

    cfg = _config(config)
    path = warehouse_or_default(warehouse)
    try:
        with warehouse_lock(path, f"zwgk applications import {file.name}"):
            result = import_register(cfg, path, file)
    except INPUT_ERRORS as exc:
        fail(str(exc))
    console.print(f"已导入 {result['applications']} 件申请（{result['units']} 个承办单位）：{file}", highlight=False)
    for note in result["notes"]:
        console.print(Text("提醒", style="yellow") + f" {note}", highlight=False, soft_wrap=True)


def _line(r: dict) -> str:
    due = r["due"].isoformat() if r["due"] else "—"
    if r["late_working_days"]:
        return f"{r['number']}  收到 {r['received']}  期限 {due}  已超期 {r['late_working_days']} 个工作日"
    return f"{r['number']}  收到 {r['received']}  期限 {due}  剩 {r['days_left']} 个工作日"


@applications_app.command("due", short_help="N 个工作日内到期和已超期的申请，按承办单位列出（有超期时退出码 3）")
def due_command(
    within: int = typer.Option(3, "--within", min=0, help="列出多少个工作日内到期的申请"),
    today: str = typer.Option(None, "--today", help="按哪一天计算（默认今天），如 2024-03-15"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
    config: Path = typer.Option(DEFAULT_CONFIG, help=CONFIG_HELP),
    warehouse: Path = typer.Option(None, help=WAREHOUSE_HELP),
) -> None:
    """What is due within N working days and what is overdue, per unit (statutory holidays and adjusted
    working weekends counted)."""
    from flows.steps.applications import due_report

    cfg = _config(config)
    day = _day(today)
    try:
        report = due_report(warehouse_or_default(warehouse), cfg.slug, day, within)
    except INPUT_ERRORS as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        _print_due(cfg.county, report)
    raise typer.Exit(EXIT_FOUND if report["overdue"] else 0)


def _print_due(county: str, report: dict) -> None:
    console.rule(f"{county}依申请公开答复期限（截至{report['today'].isoformat()}）")
    if not report["applications"]:
        console.print("尚未导入登记表：zwgk applications import 登记表.xlsx", highlight=False)
        return
    console.print(f"登记 {report['applications']} 件，办理中 {report['open']} 件：已超期 {len(report['overdue'])} 件，"
                  f"{report['within']} 个工作日内到期 {len(report['due_soon'])} 件；"
                  f"期限中止（待补正、征求意见中）{len(report['stopped'])} 件", highlight=False)
    for unit in report["units"]:
        if not unit["overdue"] and not unit["due_soon"]:
            continue
        console.print(Text(unit["unit"], style="bold"), highlight=False)
        for r in unit["overdue"]:
            console.print(Text("  超期 ", style="red") + _line(r), highlight=False)
        for r in unit["due_soon"]:
            console.print(Text("  将到期 ", style="yellow") + _line(r), highlight=False)


@applications_app.command("tables", short_help="按登记表统计某年度各单位年报的表三、表四")
def tables_command(
    year: int = typer.Option(..., "--year", help="年度，如 2020"),
    unit: str = typer.Option(None, "--unit", help="只看一个单位"),
    config: Path = typer.Option(DEFAULT_CONFIG, help=CONFIG_HELP),
    warehouse: Path = typer.Option(None, help=WAREHOUSE_HELP),
) -> None:
    """Tables 三 and 四 of the year's annual reports, counted from the register, as JSON (unit → tables)."""
    from flows.steps.applications import county_tables

    cfg = _config(config)
    try:
        tables = county_tables(warehouse_or_default(warehouse), cfg.slug, year)
    except INPUT_ERRORS as exc:
        fail(str(exc))
    if unit is not None:
        if unit not in tables:
            fail(f"{unit}：登记表中没有该单位{year}年办理的申请（有：{'、'.join(tables) or '无'}）")
        tables = {unit: tables[unit]}
    print(json.dumps(tables, ensure_ascii=False, indent=2))


@applications_app.command("template", short_help="写出登记表模板（.xlsx，带下拉选项）")
def template_command(out: Path = typer.Argument(Path("依申请公开登记表.xlsx"), help="模板文件路径")) -> None:
    from reports.register_template import write_template

    if out.exists():
        fail(f"{out} 已存在：请换一个文件名，或先移走原文件")
    console.print(f"已写出模板：{write_template(out)}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(applications_app, name="applications", short_help="依申请公开登记表：导入、答复期限、表三表四、模板")
