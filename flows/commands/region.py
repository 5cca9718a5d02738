"""``zwgk run --region FILE`` — the region flow from the command line.

``run_region_command`` is a typer command function (options as in ``zwgk run``), registered as
``zwgk run-region``; ``zwgk run --region FILE --period P`` (flows/commands/run.py) calls it too. It can also
run on its own::

    python -m flows.commands.region --region data/regions/example.toml --period 2021H1

Exit codes as ``zwgk run``: 0 every county final and the region checks pass · 3 done, but a
county's bulletin (or the region bulletin) is a draft · 2 a config or input cannot be read (a
county whose input cannot be read fails with 2 when no other county failed otherwise) · 1 an
unexpected failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.text import Text

from flows import prefect_env  # noqa: F401
from flows.commands.common import EPHEMERAL_HELP, EXIT_BAD_INPUT, EXIT_FOUND, console, fail, use_server
from flows.domain.settings import settings


def region_period(period: str) -> str:
    """A period code; ``latest`` (``latest:quarter`` …) is the latest ended one, as for one county."""
    from flows.steps.runs import resolve_period

    return resolve_period(period)


def run_region_command(
    region: Annotated[Path, typer.Option(help="区域配置（TOML），列出各县级配置")],
    period: Annotated[Optional[str], typer.Option(help="期间：2021H1、2021、2021Q2、2021-03；默认取区域配置")] = None,
    out: Annotated[Optional[Path], typer.Option(
        help="输出根目录：各县 <out>/<县>/<期间>/，区域 <out>/<区域>/<期间>/（默认 工作目录/out）")] = None,
    work: Annotated[Optional[Path], typer.Option(
        help="工作目录：各县 DuckDB、区域 DuckDB、Parquet（默认 工作目录/work）")] = None,
    ephemeral: Annotated[bool, typer.Option("--ephemeral", help=EPHEMERAL_HELP)] = False,
) -> None:
    """Run every county of a region on Dask, then the region bulletin (Prefect flow region_bulletin)."""
    from flows.domain.region_config import load_region_config
    from flows.steps.region import input_errors

    try:
        cfg = load_region_config(region)
    except input_errors() as exc:
        fail(str(exc))
    use_server(ephemeral)
    out = out if out is not None else settings().out  # resolved when the command runs (ZWGK_HOME counts)
    work = work if work is not None else settings().work
    from flows.region_flow import RegionFailed, region_bulletin
    if not (period or cfg.default_period):
        fail(f"{region}: 未指定期间（--period），区域配置中也没有 default_period")
    try:
        code = region_period(period or cfg.default_period)
    except input_errors() as exc:
        fail(str(exc))
    try:
        summary = region_bulletin(region=str(region), period=code, out_dir=str(out), work_dir=str(work))
    except RegionFailed as exc:
        _print_counties(exc.counties)
        kinds = {c.get("error_kind") for c in exc.counties if c["status"] == "failed"}
        fail(str(exc), EXIT_BAD_INPUT if kinds == {"input"} else 1)
    except input_errors() as exc:
        fail(str(exc))
    _print_region(summary)
    failed = [c for c in summary["counties"] if c["status"] == "failed"]
    if failed:
        kinds = {c.get("error_kind") for c in failed}
        raise typer.Exit(EXIT_BAD_INPUT if kinds == {"input"} else 1)
    if summary["status"] == "draft" or any(c["status"] == "draft" for c in summary["counties"]):
        raise typer.Exit(EXIT_FOUND)


STATUS = {"final": Text("正式", style="green"), "draft": Text("草稿", style="bold red"),
          "failed": Text("未完成", style="bold red")}


def _print_counties(counties: list[dict]) -> None:
    for c in counties:
        rank = f"第{c['rank']}名" if c.get("rank") else "未排名"
        items = f"{c['items']} 条" if c.get("items") is not None else ""
        console.print(Text(f"  {c['county_slug']:<12} {c['county']:<8} ")
                      + STATUS.get(c["status"], Text(str(c["status"]))) + f" {rank} {items}", highlight=False)
        for m in c.get("messages") or []:
            console.print(f"      [阻断] {m}", highlight=False)
        if c.get("error"):
            console.print(f"      {c['error']}", highlight=False)
        if c.get("out_dir"):
            console.print(f"      输出目录：{c['out_dir']}", highlight=False)


def _print_region(summary: dict) -> None:
    console.rule(f"{summary['region']} {summary['period_label']} 各县市区政务公开信息发布情况")
    _print_counties(summary["counties"])
    totals = summary["totals"]
    parts = "，".join(f"{k} {v} 条" for k, v in totals.items() if k != "all")
    console.print(f"合计 {totals['all']} 条（{parts}）", highlight=False)
    if summary["status"] == "draft":
        console.print(Text("区域通报：草稿", style="bold red") + " —— 有县市区未完成或核查未通过：", highlight=False)
    else:
        console.print(Text("区域通报：正式稿", style="bold green") + " —— 全部县市区为正式稿，区域核查通过。",
                      highlight=False)
    quality = summary.get("quality") or {}
    for m in quality.get("blocking", []):
        console.print(f"  [阻断] {m}", highlight=False)
    for m in quality.get("warnings", []):
        console.print(f"  [提醒] {m}", highlight=False)
    console.print(f"区域输出目录：{summary['out_dir']}", highlight=False)
    for name, rel in summary["outputs"].items():
        console.print(f"  {name}: {Path(summary['out_dir']) / rel}", highlight=False)


def register(app: typer.Typer) -> None:
    """``zwgk run-region``; ``zwgk run --region FILE`` runs the same command."""
    app.command("run-region", short_help="区域：在 Dask 上运行区域配置中的每个县，再出区域通报")(run_region_command)


if __name__ == "__main__":
    typer.run(run_region_command)
