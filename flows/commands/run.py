"""``zwgk run`` (one county and period, or a region with --region) and ``zwgk backfill`` (a range of periods)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from flows.commands.common import (EPHEMERAL_HELP, EXIT_FOUND, INPUT_ERRORS, LATEST_KINDS, OUT_HELP, WAIT_HELP,
                                   WAREHOUSE_HELP, console, fail, out_or_default, say, styled, use_server,
                                   warehouse_or_default)
from flows.domain.config import DEFAULT_CONFIG, load_config
from flows.domain.periods import PeriodError, parse_period
from flows.domain.settings import settings
from flows.steps.outputs import check_writable_out
from flows.steps.ownership import NotOurs, check_ours
from flows.steps.runs import RunFailed
from flows.steps.runlock import FolderNotWritable, WarehouseBusy, warehouse_lock

TZ = ZoneInfo("Asia/Shanghai")  # run_history's times (flows/steps/outputs.py TZ)


def run_command(
    config: Annotated[Path, typer.Option(help="县级配置（TOML）")] = DEFAULT_CONFIG,
    period: Annotated[Optional[str], typer.Option(help="期间：2021H1、2021、2021Q2、2021-03；默认取配置")] = None,
    out: Annotated[Optional[Path], typer.Option(help=OUT_HELP)] = None,
    warehouse: Annotated[Optional[Path], typer.Option(help=WAREHOUSE_HELP)] = None,
    draft_ok: Annotated[bool, typer.Option("--draft-ok", help="草稿也以 0 退出（供 make run 使用）")] = False,
    notify_success: Annotated[bool, typer.Option("--notify-success", help="正式稿也发送通知")] = False,
    region: Annotated[Optional[Path], typer.Option(help="区域配置（TOML）：在 Dask 上运行其中每个县，再出区域通报")] = None,
    work: Annotated[Optional[Path], typer.Option(help="区域运行的工作目录（各县 DuckDB、Parquet；默认 工作目录/work）")] = None,
    wait: Annotated[float, typer.Option(help=WAIT_HELP)] = 0,
    recrawl: Annotated[bool, typer.Option("--recrawl", help="无论上次采集多久以前，都重新采集门户（[crawl] max_age）")] = False,
    ephemeral: Annotated[bool, typer.Option("--ephemeral", help=EPHEMERAL_HELP)] = False,
    partial_ok: Annotated[bool, typer.Option("--partial-ok", help="期间尚未结束时也出正式稿（注明统计截至当日）；默认为草稿")] = False,
    force: Annotated[bool, typer.Option("--force", help="输出文件夹中有不是 zwgk 写的或改过的文件时也替换（原文件夹移到 .history/，不删除）")] = False,
) -> None:
    """Run the bulletin flow for one county and period (Prefect): ingest, transform, validate, render."""
    out = out_or_default(out)
    if region is not None:
        from flows.commands.region import run_region_command

        return run_region_command(region=region, period=period, out=out,
                                  work=work if work is not None else settings().work, ephemeral=ephemeral)
    try:
        cfg = load_config(config)
        if period and period.startswith("latest"):
            if period.partition(":")[2] not in LATEST_KINDS:
                raise PeriodError(f"无法识别的期间“{period}”：应为 latest、latest:year、latest:quarter 或 latest:month")
        elif period:
            period = parse_period(period).code
        else:
            period = cfg.default_period or parse_period("").code  # a code, or latest[:kind]
    except INPUT_ERRORS as exc:
        fail(str(exc))
    if not force and not period.startswith("latest"):  # refused before anything runs (flows/steps/ownership.py)
        final = out / cfg.slug / period
        try:
            if final.exists():
                check_ours(final)
        except NotOurs as exc:
            fail(str(exc))
    summary = _run_flow(cfg, config, period, out, warehouse_or_default(warehouse), notify_success, wait, recrawl,
                        force, partial_ok, ephemeral)
    _print_run(summary)
    if summary["status"] == "draft" and not draft_ok:
        raise typer.Exit(EXIT_FOUND)


def _run_flow(cfg, config: Path, period: str, out: Path, warehouse: Path, notify_success: bool, wait: float,
              recrawl: bool = False, force: bool = False, partial_ok: bool = False, ephemeral: bool = False) -> dict:
    """Run the flow holding the warehouse; a failure is one line on the terminal (its traceback is in the
    log file): exit 2 for what the office can fix (input, config, period, a busy warehouse, a folder that
    cannot be written), else 1. The Prefect server is started only once the output folder looks writable
    and the warehouse is held: a doomed run says so at once, not after the server's start-up."""
    started = datetime.now(TZ).replace(tzinfo=None, microsecond=0)
    try:
        check_writable_out(out)
        with warehouse_lock(warehouse, f"zwgk run {cfg.slug} {period}", wait=wait, on_wait=say):
            use_server(ephemeral)
            from flows.county_flow import half_yearly_bulletin
            from flows.prefect_env import foreground_run
            from flows.steps.runlog import route_logs

            log = route_logs(warehouse)
            try:
                with foreground_run():
                    return half_yearly_bulletin(county=cfg.slug, period=period, config=str(config),
                                                out_dir=str(out), warehouse=str(warehouse),
                                                notify_success=notify_success or None, recrawl=recrawl,
                                                force=force, partial_ok=partial_ok)
            except RunFailed as exc:
                cause = exc.__cause__
                if isinstance(cause, INPUT_ERRORS):
                    fail(f"{cfg.county} {period}：{cause}（在“{exc.task_name}”步骤停止，未发布任何输出）")
                if _disk_full(exc):
                    fail(f"磁盘已满：{warehouse.parent} 所在的磁盘没有空间（{exc}）——未发布任何输出；请清理磁盘"
                         "（zwgk vacuum 可整理仓库）后重试", 1)
                fail(f"{exc}（未发布任何输出；详细信息见 {log}）", 1)
            except INPUT_ERRORS as exc:
                fail(str(exc))
            except KeyboardInterrupt:
                fail("已中断（Ctrl-C）：未发布任何输出，已记入运行记录（zwgk runs）", 130)
            except Exception as exc:  # noqa: BLE001 - one line here, the traceback is in the log
                import logging

                logging.getLogger("zwgk").error("运行失败", exc_info=exc)
                published = published_since(warehouse, cfg.slug, started)
                if published is not None:  # the bulletin is out and recorded: Prefect's bookkeeping failed after
                    say(f"警告：通报已发布并已记入运行记录，但 Prefect 记录运行状态时出错（{type(exc).__name__}: {exc}；"
                        f"详细信息见 {log}）")
                    return published
                if _disk_full(exc):
                    fail(f"磁盘已满：{warehouse.parent} 所在的磁盘没有空间（{type(exc).__name__}）——未发布任何输出；"
                         "请清理磁盘（zwgk vacuum 可整理仓库）后重试", 1)
                if _prefect_unreachable(exc):
                    fail(f"无法连接 Prefect 服务器（{_api_url()}：{type(exc).__name__}）——运行 zwgk server status 查看，"
                         f"zwgk server start 重新启动，或加 --ephemeral 用临时服务器（详细信息见 {log}）", 1)
                fail(f"运行失败：{type(exc).__name__}: {exc}（详细信息见 {log}）", 1)
    except (WarehouseBusy, FolderNotWritable) as exc:
        fail(str(exc))


def _disk_full(exc: BaseException) -> bool:
    """A full disk, however it surfaced (OSError ENOSPC, DuckDB's "No space left on device" text)."""
    import errno

    while exc is not None:
        if getattr(exc, "errno", None) == errno.ENOSPC or "No space left on device" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _prefect_unreachable(exc: BaseException) -> bool:
    """An error that says the Prefect API cannot be reached (httpx's connect/timeout errors, wherever raised)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if type(exc).__module__.split(".")[0] in ("httpx", "httpcore") and any(
                word in type(exc).__name__ for word in ("Connect", "Timeout", "Network", "RemoteProtocol")):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _api_url() -> str:
    import os

    return os.environ.get("PREFECT_API_URL") or "Prefect API"


def published_since(warehouse: Path, county_slug: str, started: datetime) -> dict | None:
    """The run.json of a run of this county recorded as final or draft since ``started``, when its outputs
    are in place: the run did its work although the command saw an error afterwards."""
    from flows.steps.pipeline import list_runs

    try:
        runs = list_runs(warehouse, county_slug, None, 5)
    except Exception:  # noqa: BLE001 - the warehouse itself may be what failed
        return None
    for r in runs:
        if r.get("status") in ("final", "draft") and (r.get("started_at") or "") >= started.isoformat() \
                and r.get("out_dir"):
            try:
                return json.loads((Path(r["out_dir"]) / "run.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
    return None


def _print_checks(summary: dict) -> None:
    failed = [c for c in summary["checks"] if not c["success"]]
    for c in sorted(failed, key=lambda c: not c["blocking"]):
        messages = c["messages"] or [c["name"]]
        if c["blocking"]:
            if isinstance(c.get("observed"), int) and isinstance(c.get("expected"), int):
                console.print(f"  {c['name']}: {c['observed']} ≠ {c['expected']}", highlight=False)
            for m in messages:
                console.print(f"  [阻断] {m}", highlight=False)
        else:
            more = f"（等{len(messages)}项，详见通报“存在问题”及 attachments.xlsx）" if len(messages) > 2 else ""
            console.print(f"  [提醒] {c['name']}：{'；'.join(messages[:2])}{more}", highlight=False)


def _print_run(summary: dict) -> None:
    out_dir = Path(summary["out_dir"])
    console.rule(f"{summary['county']} {summary['period_label']} 政务公开通报")
    totals = summary["totals"]
    parts = [f"{k} {v} 条" for k, v in totals.items() if k not in {"all", "stated_in_text"}]
    stated = (f"正文原述 {totals['stated_in_text']} 条" if totals.get("stated_in_text") is not None
              else "条数按门户采集统计" if summary.get("counts_source") == "crawl" else "正文未写明总数")
    console.print(f"附件合计 {totals['all']} 条（{'，'.join(parts)}）；{stated}", highlight=False)
    if summary["status"] == "draft":
        console.print(styled("[bold red]结果：草稿[/] —— 阻断性检查未通过，通报不得印发："), highlight=False)
    else:
        console.print(styled("[bold green]结果：正式稿[/] —— 全部阻断性检查通过。"), highlight=False)
    _print_checks(summary)
    crawl = summary.get("crawl") or {}
    if crawl and crawl.get("complete") is False:  # a crawl limit or fault: crawled counts may be short
        cols = crawl.get("incomplete_columns") or []
        names = "、".join(f"{c['name']}（{c.get('incomplete') or c.get('status')}）" for c in cols[:3])
        console.print(f"  [采集不完整] {len(cols)} 个栏目未完整读取：{names}{'等' if len(cols) > 3 else ''}；"
                      "网站采集条数可能偏少，详见 run.json 的 crawl.incomplete_columns", highlight=False)
    if crawl.get("skipped"):
        console.print(f"门户未重新采集：沿用 {crawl['age']} 前的采集（未超过 [crawl] max_age；--recrawl 强制重新采集）",
                      highlight=False)
    alert = summary.get("alert") or {}
    if alert.get("status") == "sent":
        console.print(f"已通知：{'、'.join(alert['sent'])}", highlight=False)
    elif alert.get("status") == "failed":
        console.print(styled("[yellow]通知发送失败[/]", "：", "；".join(alert["errors"])), highlight=False)
    console.print(f"输出目录：{out_dir}", highlight=False)
    for name, rel in summary["outputs"].items():
        console.print(f"  {name}: {out_dir / rel}", highlight=False)


def backfill_command(
    periods: Annotated[str, typer.Argument(help="期间范围，如 2019H1..2021H2（也可单个期间）")],
    config: Annotated[Path, typer.Option(help="县级配置（TOML）")] = DEFAULT_CONFIG,
    out: Annotated[Optional[Path], typer.Option(help=OUT_HELP)] = None,
    warehouse: Annotated[Optional[Path], typer.Option(help=WAREHOUSE_HELP)] = None,
    wait: Annotated[float, typer.Option(help=WAIT_HELP)] = 0,
    ephemeral: Annotated[bool, typer.Option("--ephemeral", help=EPHEMERAL_HELP)] = False,
    partial_ok: Annotated[bool, typer.Option("--partial-ok", help="期间尚未结束时也出正式稿（注明统计截至当日）；默认为草稿")] = False,
    force: Annotated[bool, typer.Option("--force", help="输出文件夹中有不是 zwgk 写的或改过的文件时也替换（原文件夹移到 .history/，不删除）")] = False,
) -> None:
    """Run the bulletin flow for every period of a range, oldest first, and report each period."""
    from flows.domain.periods import parse_period_range

    out, warehouse = out_or_default(out), warehouse_or_default(warehouse)
    try:
        cfg = load_config(config)
        codes = [p.code for p in parse_period_range(periods)]
    except INPUT_ERRORS as exc:
        fail(str(exc))
    try:
        check_writable_out(out)
        with warehouse_lock(warehouse, f"zwgk backfill {cfg.slug} {periods}", wait=wait, on_wait=say):
            use_server(ephemeral)
            from flows.county_flow import backfill
            from flows.steps.runlog import route_logs

            route_logs(warehouse)
            results = backfill(county=cfg.slug, periods=f"{codes[0]}..{codes[-1]}", config=str(config),
                               out_dir=str(out), warehouse=str(warehouse))
    except (WarehouseBusy, FolderNotWritable) as exc:
        fail(str(exc))
    table = Table("期间", "结果", "输出目录 / 原因")
    labels = {"final": styled("[green]正式稿[/]"), "draft": styled("[yellow]草稿[/]"), "failed": styled("[red]失败[/]")}
    for r in results:
        table.add_row(r["period"], labels.get(r["status"], r["status"]), r["out_dir"] or r["error"] or "")
    console.print(table)
    if any(r["status"] == "failed" for r in results):
        raise typer.Exit(1)
    if any(r["status"] == "draft" for r in results):
        raise typer.Exit(EXIT_FOUND)


def register(app: typer.Typer) -> None:
    app.command("run", short_help="运行通报流程：导入 → 汇总 → 核查 → 生成通报")(run_command)
    app.command("backfill", short_help="按期间范围依次补跑通报流程")(backfill_command)
