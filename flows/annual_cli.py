"""`zwgk check REPORT` for annual reports and `zwgk annual` (registered from flows/cli.py)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from flows.ingest.annual_model import COLUMN_LABELS, COLUMNS, ROW_LABELS, AnnualReportError

EXIT_FOUND, EXIT_BAD_INPUT = 3, 2
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
FORMAT_NAMES = {"2019": "2019年试行格式", "2021": "2021年格式", None: "未识别"}


def _fail(message: str) -> None:
    err.print(f"[bold red]错误[/]：{message}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def check_annual_report(file: Path, *, as_json: bool, docs: Path | None) -> None:
    from flows.annual_steps import check_report

    try:
        report = check_report(file, docs_dir=docs)
    except AnnualReportError as exc:
        _fail(str(exc))
    if as_json:
        print(json.dumps({k: report[k] for k in ("kind", "unit", "year", "format", "tables", "findings")}
                         | {"file": report["file"]}, ensure_ascii=False, indent=2))
    else:
        _print(report)
    raise typer.Exit(EXIT_FOUND if report["findings"] else 0)


def _print(report: dict) -> None:
    console.print(f"[bold]{report['file']}[/]  {report['unit'] or '（单位未识别）'} {report['year'] or ''}年度"
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
        console.print(f"[yellow]注意[/] {note}", highlight=False)
    if not report["findings"]:
        console.print("[green]未发现问题。[/]")
    for f in report["findings"]:
        colour, label = ("red", "错误") if f["severity"] == "error" else ("yellow", "提醒")
        console.print(f"[{colour}]{label}[/] {f['code']}：{f['message']}", highlight=False, soft_wrap=True)
    if report.get("validation"):
        console.print(f"核查报告：{report['validation']}", highlight=False)
