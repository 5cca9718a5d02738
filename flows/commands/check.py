"""``zwgk check FILE``: proofread a bulletin, a unit report or an annual disclosure report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table
from rich.text import Text

from flows.commands.common import EXIT_FOUND, INPUT_ERRORS, console, fail, styled


def _refuse(file: Path, message: str, as_json: bool) -> None:
    """A file that cannot be read at all: one line (exit 2); with --json, one object on stdout too."""
    if as_json:
        print(json.dumps({"kind": None, "file": str(file), "error": message, "findings": []},
                         ensure_ascii=False, indent=2))
    fail(message)


def check_command(
    file: Annotated[Path, typer.Argument(help="通报文件（.txt / .docx / .html）、单位报送表（.csv / .xlsx）或年度报告（.html / .docx / .txt）")],
    registry: Annotated[Optional[Path], typer.Option(help="单位名册 CSV；给出时核对每个单位都在名册中")] = None,
    period: Annotated[Optional[str], typer.Option(help="期间（如 2021H1），文件标题和正文中都读不到时用")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象（无法读取时含 error）")] = False,
    docs: Annotated[Optional[Path], typer.Option(help="把 GX 数据文档（Data Docs）写到此目录")] = None,
    config: Annotated[Optional[Path], typer.Option(help="县配置 TOML：用其名册（未给 --registry 时）、[scoring]（按得分排名时核对名次与得分列）和 [quotas]（未达最低标准的单位正文是否点名）")] = None,
) -> None:
    """Proofread a bulletin (every table column, totals in tables and prose, rates, ranks, unit names) or an annual report."""
    from flows.steps.document_check import check_file

    rank_by = quotas = None
    if config is not None:
        from flows.domain.config import load_config

        try:
            cfg = load_config(config)
        except INPUT_ERRORS as exc:
            _refuse(file, str(exc), as_json)
        registry = registry or cfg.registry
        rank_by, quotas = cfg.scoring.get("rank_by"), cfg.quotas
    try:
        report = check_file(file, registry=registry, period=period, docs=docs, rank_by=rank_by, quotas=quotas)
    except INPUT_ERRORS as exc:
        _refuse(file, str(exc), as_json)
    if report["kind"] == "annual_report":
        from flows.commands.annual import print_annual_report

        return print_annual_report(report, as_json=as_json)
    if as_json:
        keys = ("kind", "file", "title", "county", "period", "period_source", "tables", "overall", "stated",
                "findings", "read_completely", "validation")
        print(json.dumps({k: report[k] for k in keys if k in report}, ensure_ascii=False, indent=2))
    else:
        _print_check(report)
    raise typer.Exit(EXIT_FOUND if report["findings"] else 0)


def _sums_text(t: dict) -> str:
    sums = t.get("sums")
    if sums is None:
        return str(t.get("sum", ""))
    return "；".join(f"{name} {value}" for name, value in sums.items()) or "—"


def _printed_text(t: dict) -> str:
    printed = t.get("printed_totals")
    if printed is None:
        return "" if t.get("printed_total") is None else str(t["printed_total"])
    return "；".join(f"{name} {value}" for name, value in printed.items())


def _print_check(report: dict) -> None:
    console.print(Text(str(report["file"]), style="bold")
                  + f"  {report.get('county') or report.get('title') or ''} {report.get('period') or '（期间未读出）'}",
                  highlight=False)
    table = Table("附件", "类别", "单位数", "各列相加", "合计栏", "完整")
    for i, t in enumerate(report["tables"], start=1):
        category = "正文所列" if t.get("from_prose") else (t.get("category") or "")
        table.add_row(str(i), category, str(t["rows"]), _sums_text(t), _printed_text(t),
                      "是" if t.get("complete", True) else "否（副本截断）")
    console.print(table)
    overall = report.get("overall")
    if overall is not None:
        stated = overall["in_text"] if overall["in_text"] is not None else "（未写明）"
        console.print(f"正文所述总数：{stated}　附件合计：{overall['sum_of_tables']}", highlight=False)
    else:
        totals = [s for s in report.get("stated", []) if s["kind"] == "total"][:5]
        for s in totals:
            console.print(f"正文所述：{s['text']}（{s['where']}）", highlight=False)
    if not report["findings"]:
        console.print(styled("[green]未发现问题。[/]"))
        return
    for f in report["findings"]:
        colour, label = {"error": ("red", "错误"), "warning": ("yellow", "提醒")}.get(f["severity"], ("cyan", "说明"))
        console.print(Text(label, style=colour) + f" {f['code']}：{f['message']}", highlight=False, soft_wrap=True)
    if report.get("validation"):
        console.print(f"核查报告：{report['validation']}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("check", short_help="核对通报或政府信息公开工作年度报告")(check_command)
