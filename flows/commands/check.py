"""``zwgk check FILE``: proofread a bulletin, a unit report or an annual disclosure report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table
from rich.text import Text

from flows.commands.common import EXIT_FOUND, INPUT_ERRORS, console, fail, styled
from flows.ingest.bulletin_model import BulletinParseError


def _within_caps(file: Path) -> bool:
    """Whether a file may be read at all (a regular file under the size cap; a .docx within the
    decompression caps): anything else is left to the bulletin parser, which says why, and is never
    handed to a reader without caps."""
    from flows.domain.limits import check_archive, read_input

    try:
        data = read_input(file, "通报或年度报告")
        if file.suffix.lower() == ".docx":
            check_archive(data, str(file), "Word 文档（.docx）")
    except BulletinParseError:
        return False
    return True


def check_command(
    file: Annotated[Path, typer.Argument(help="通报文件（.txt / .docx）、单位报送表（.csv / .xlsx）或年度报告（.html / .docx / .txt）")],
    registry: Annotated[Optional[Path], typer.Option(help="单位名册 CSV；给出时核对每个单位都在名册中")] = None,
    period: Annotated[Optional[str], typer.Option(help="期间（如 2021H1），文件标题中读不到时用")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象")] = False,
    docs: Annotated[Optional[Path], typer.Option(help="把 GX 数据文档（Data Docs）写到此目录")] = None,
) -> None:
    """Proofread a bulletin (totals, duplicates, ranks, counts, unit names) or an annual report (its tables and text)."""
    from flows.ingest.annual_report import sniff_annual_report

    if file.suffix.lower() not in {".csv", ".xlsx"} and _within_caps(file) and sniff_annual_report(file):
        from flows.annual_cli import check_annual_report

        return check_annual_report(file, as_json=as_json, docs=docs)
    try:
        # Parse before importing the pipeline (pandas, DuckDB: seconds): unreadable input fails fast.
        if file.suffix.lower() in {".csv", ".xlsx"}:
            from flows.ingest.unit_report import parse_unit_report

            parsed = parse_unit_report(file, period=period)
        else:
            from flows.ingest.bulletin import parse_bulletin

            parsed = parse_bulletin(file)
        from flows.steps.pipeline import proofread

        report = proofread(file, registry=registry, period=period, docs_dir=docs, parsed=parsed)
    except INPUT_ERRORS as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps({"kind": "bulletin"} | {k: report[k] for k in ("period", "tables", "overall", "findings")}
                         | {"file": report["file"], "county": report["county"]}, ensure_ascii=False, indent=2))
    else:
        _print_check(report)
    raise typer.Exit(EXIT_FOUND if report["findings"] else 0)


def _print_check(report: dict) -> None:
    console.print(Text(str(report["file"]), style="bold") + f"  {report['county'] or ''} {report['period']}",
                  highlight=False)
    table = Table("附件", "类别", "单位数", "各单位相加", "合计栏")
    for i, t in enumerate(report["tables"], start=1):
        table.add_row(str(i), t["category"], str(t["rows"]), str(t["sum"]),
                      "" if t["printed_total"] is None else str(t["printed_total"]))
    console.print(table)
    overall = report["overall"]
    stated = overall["in_text"] if overall["in_text"] is not None else "（未写明）"
    console.print(f"正文所述总数：{stated}　附件合计：{overall['sum_of_tables']}", highlight=False)
    if not report["findings"]:
        console.print(styled("[green]未发现问题。[/]"))
        return
    for f in report["findings"]:
        colour = "red" if f["severity"] == "error" else "yellow"
        label = "错误" if f["severity"] == "error" else "提醒"
        console.print(Text(label, style=colour) + f" {f['code']}：{f['message']}", highlight=False, soft_wrap=True)
    if report.get("validation"):
        console.print(f"核查报告：{report['validation']}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("check", short_help="核对通报或政府信息公开工作年度报告")(check_command)
