"""``zwgk annual`` (the annual-report review, flows/annual_flow.py) and the annual-report part of
``zwgk check REPORT``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.text import Text

from flows.commands.common import (EPHEMERAL_HELP, EXIT_BAD_INPUT, EXIT_FOUND, OUT_HELP, WAREHOUSE_HELP, console, err,
                                   fail, out_or_default, use_server, warehouse_or_default)
from flows.steps.runlock import FolderNotWritable, WarehouseBusy, warehouse_lock
from flows.domain.config import DEFAULT_CONFIG
from flows.ingest.annual_model import COLUMN_LABELS, COLUMNS, ROW_LABELS, AnnualReportError

FORMAT_NAMES = {"2019": "2019年试行格式", "2021": "2021年格式", None: "未识别"}


def check_annual_report(file: Path, *, as_json: bool, docs: Path | None) -> None:
    from flows.steps.annual import check_report

    try:
        report = check_report(file, docs_dir=docs)
    except AnnualReportError as exc:
        if as_json:
            print(json.dumps({"kind": "annual_report", "file": str(file), "error": str(exc), "findings": []},
                             ensure_ascii=False, indent=2))
        fail(str(exc))
    print_annual_report(report, as_json=as_json)


def print_annual_report(report: dict, *, as_json: bool) -> None:
    """The report on the terminal, or its JSON object; exit 3 when something was found."""
    if as_json:
        print(json.dumps({k: report[k] for k in ("kind", "unit", "year", "format", "published", "tables", "findings")}
                         | {"stated": report["stated"], "file": report["file"]}, ensure_ascii=False, indent=2))
    else:
        _print(report)
    raise typer.Exit(EXIT_FOUND if report["findings"] else 0)


def _print(report: dict) -> None:
    console.print(Text(str(report["file"]), style="bold")
                  + f"  {report['unit'] or '（单位未识别）'} {report['year'] or ''}年度"
                  f"政府信息公开工作年度报告（{FORMAT_NAMES.get(report['format'], report['format'])}）", highlight=False)
    t3 = report["tables"]["table3"]
    if t3:
        from rich.table import Table

        table = Table("表三", *(COLUMN_LABELS[c] for c in COLUMNS))
        for key in ("new", "carried_in", "results_total", "carried_out"):
            if key in t3:
                table.add_row(ROW_LABELS[key], *("" if t3[key].get(c) is None else str(t3[key][c]) for c in COLUMNS))
        console.print(table)
    for note in report.get("notes") or []:
        console.print(Text("注意", style="yellow") + f" {note}", highlight=False)
    if not report["findings"]:
        console.print(Text("未发现问题。", style="green"))
    for f in report["findings"]:
        colour, label = ("red", "错误") if f["severity"] == "error" else ("yellow", "提醒")
        console.print(Text(label, style=colour) + f" {f['code']}：{f['message']}", highlight=False, soft_wrap=True)
    if report.get("validation"):
        console.print(f"核查报告：{report['validation']}", highlight=False)


def annual_command(
    config: Path = typer.Option(DEFAULT_CONFIG, help="县级配置（TOML）"),
    year: int = typer.Option(None, help="审查哪一年度的报告（默认：上一年）"),
    out: Path = typer.Option(None, help=OUT_HELP),
    warehouse: Path = typer.Option(None, help=WAREHOUSE_HELP),
    files: list[Path] = typer.Option([], "--file", help="另行收到的年度报告文件（.html/.docx/.txt），可多次给出"),
    no_crawl: bool = typer.Option(False, "--no-crawl", help="不采集门户，只审查 --file 给出的文件"),
    force: bool = typer.Option(False, "--force", help="输出文件夹中有不是 zwgk 写的或改过的文件时也替换（原文件夹移到 .history/，不删除）"),
    notify_success: bool = typer.Option(False, "--notify-success", help="未发现问题也发送通知"),
    ephemeral: bool = typer.Option(False, "--ephemeral", help=EPHEMERAL_HELP),
    draft: str = typer.Option(None, "--draft", help="不审查，按依申请公开登记表起草该单位的年度报告（2021年格式 .docx），须同时给出 --year"),
) -> None:
    """Review every unit's annual disclosure report for a year (Prefect flow annual_report_review)."""
    if draft is not None:
        _draft(config, draft, year, out, warehouse)
        return
    from flows.domain.config import ConfigError, load_config
    from flows.steps.outputs import check_writable_out

    try:
        cfg = load_config(config)
        from flows.steps.annual import annual_settings

        annual_settings(cfg)
    except ConfigError as exc:
        fail(str(exc))
    from flows.steps.runs import RunFailed

    try:
        check_writable_out(out_or_default(out))
        # the command takes the warehouse before the flow starts (the flow takes it again), so a busy
        # warehouse is one line, not a failed flow run's traceback; the Prefect server is started after
        with warehouse_lock(warehouse_or_default(warehouse), f"zwgk annual {cfg.slug} {year or ''}".strip()):
            use_server(ephemeral)
            from flows.annual_flow import annual_report_review
            from flows.steps.runlog import route_logs

            route_logs(warehouse_or_default(warehouse))  # tracebacks to the log file, not the terminal
            summary = annual_report_review(county=cfg.slug, year=year, config=str(config),
                                           out_dir=str(out_or_default(out)),
                                           warehouse=str(warehouse_or_default(warehouse)), files=[str(f) for f in files],
                                           crawl=not no_crawl, notify_success=notify_success or None, force=force)
    except (WarehouseBusy, FolderNotWritable) as exc:  # another command holds the warehouse, or its folder is read-only
        fail(str(exc))
    except RunFailed as exc:
        from flows.commands.common import INPUT_ERRORS

        if isinstance(exc.__cause__, INPUT_ERRORS):
            fail(str(exc))
        fail(str(exc), 1)
    _print_review(summary)
    raise typer.Exit(EXIT_FOUND if summary["status"] == "findings" else 0)


def _draft(config: Path, unit: str, year: int | None, out: Path | None, warehouse: Path | None) -> None:
    """``zwgk annual --draft UNIT --year Y``: the unit's report drafted from the register (docs/applications.md §5)."""
    from flows.commands.common import INPUT_ERRORS
    from flows.domain.config import ConfigError, load_config
    from flows.steps.applications import draft_annual_report

    if year is None:
        fail("--draft 须同时给出 --year（起草哪一年度的报告），如 zwgk annual --draft 人社局 --year 2020")
    try:
        path = draft_annual_report(load_config(config), warehouse_or_default(warehouse), unit, year,
                                   out_or_default(out))
    except (ConfigError, *INPUT_ERRORS) as exc:
        fail(str(exc))
    console.print(f"已起草：{path}（表三、表四按登记表统计；标注【待填写】的内容请本单位补充）", highlight=False)


def _print_review(summary: dict) -> None:
    s = summary["summary"]
    console.rule(f"{summary['county']} {summary['year']}年度政府信息公开工作年度报告审查")
    console.print(f"应公布 {s['registered']} 个单位：已公布 {s['published']}（按时 {s['on_time']}，逾期 {s['late']}），"
                  f"未公布 {s['missing']}，报告有问题 {s['with_defects']}", highlight=False)
    for f in summary["findings"]:
        label = "错误" if f["severity"] == "error" else "提醒"
        console.print(f"  [{label}] {f['unit']} {f['code']}：{f['message']}", highlight=False, soft_wrap=True)
    alert = summary.get("alert") or {}
    if alert.get("status") == "sent":
        console.print(f"已通知：{'、'.join(alert['sent'])}", highlight=False)
    elif alert.get("status") == "failed":
        console.print(Text("通知发送失败", style="yellow") + f"：{'；'.join(alert['errors'])}", highlight=False)
    console.print(f"输出目录：{summary['out_dir']}", highlight=False)
    for name, rel in summary["outputs"].items():
        console.print(f"  {name}: {Path(summary['out_dir']) / rel}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("annual", short_help="审查各单位政府信息公开工作年度报告（每年1月）")(annual_command)
