"""``zwgk crawl``: crawl a county portal from a config, or discover a config from a preset.

    zwgk crawl --config data/portals/huarong.toml [--since 2021-01-01] [--full] [--export out.jsonl]
    zwgk crawl --preset yueyang --start http://www.huarong.gov.cn/zwgk/index.htm \\
               --registry data/registry/huarong.csv --write-config data/portals/huarong_discovered.toml

Registered in the main app with ``app.command("crawl")(crawl_command)``. Exit codes: 0 every column
was read completely; 3 the crawl finished but a column is incomplete (item cap, time budget, a page
or article that failed, robots.txt unreadable …: each listed with its reason); 2 bad input (a bad
config or option, with a message naming the file, the key and what was expected).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Optional
from urllib.parse import urlsplit

import typer

from .discovery import discover_config
from .config import (PRESETS, ConfigError, CrawlConfig, load_crawl_config, with_limits, with_rate,
                     write_config as _write_config)
from .dates import parse_date

SUMMARY_LABELS = [
    ("columns", "栏目数"), ("columns_not_modified", "未变化栏目"), ("columns_failed", "无法读取的栏目"),
    ("columns_incomplete", "未完整读取的栏目"),
    ("pages_fetched", "抓取列表页"), ("requests", "请求数"), ("not_modified", "304 未修改"),
    ("items_new", "新增信息"), ("items_seen", "已有信息"), ("items_failed", "抓取失败"),
    ("items_unfetched", "未采集（达到上限）"), ("rate_limited", "限流 429（已重试）"),
    ("robots_unreadable", "robots.txt 无法读取"), ("blocked", "被拦截（WAF/403）"), ("missing", "不存在（404/软404）"), ("external", "站外链接"),
    ("skipped_robots", "robots 禁止"), ("too_large", "超过大小上限"), ("items", "信息条数"),
    ("reposts", "重复转载"), ("bytes", "下载字节"), ("seconds", "用时（秒）"),
]


def _fail(message: str) -> None:
    typer.echo(f"错误：{message}", err=True)
    raise typer.Exit(code=2)


def _slug(config: CrawlConfig, config_path: Path | None) -> str:
    if config_path is not None:
        return config_path.stem
    host = urlsplit(config.base_url).hostname or "portal"
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", host)


def crawl_command(
    config: Annotated[Optional[Path], typer.Option("--config", help="采集配置 TOML 文件")] = None,
    preset: Annotated[Optional[str], typer.Option("--preset", help="CMS 预设：trs | hanweb | yueyang")] = None,
    start: Annotated[Optional[str], typer.Option("--start", help="门户“政务公开”首页网址（用于发现栏目）")] = None,
    registry: Annotated[Optional[Path], typer.Option("--registry", help="单位名册 CSV（把发布机构归到标准单位名）")] = None,
    rate: Annotated[Optional[float], typer.Option("--rate", help="每个主机每秒最多请求数（默认按配置，2）")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="只采集该日期（YYYY-MM-DD）及以后的信息")] = None,
    full: Annotated[bool, typer.Option("--full", help="完整重采：不用条件请求，翻完每个栏目的所有列表页")] = False,
    write_config: Annotated[Optional[Path], typer.Option("--write-config", help="把发现的栏目写成配置文件，供核对编辑")] = None,
    export: Annotated[Optional[Path], typer.Option("--export", help="把采集结果导出为 JSONL")] = None,
    store: Annotated[Optional[Path], typer.Option("--store", help="采集存储根目录（每个门户一个子目录；默认 工作目录/crawl：var/crawl，或 $ZWGK_HOME/crawl）")] = None,
    county: Annotated[Optional[str], typer.Option("--county", help="县名（名册解析“华容县××局”这类名称时用），默认取配置")] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="终端上显示每个栏目的进度条")] = True,
    max_items: Annotated[Optional[int], typer.Option("--max-items", help="每个栏目本次最多采集的条目数（默认按配置，5000）")] = None,
    column_budget: Annotated[Optional[float], typer.Option("--column-budget", help="每个栏目本次最多用时，秒（默认按配置，7200）")] = None,
    time_budget: Annotated[Optional[float], typer.Option("--time-budget", help="本次采集最多用时，秒（默认按配置，21600）")] = None,
) -> None:
    """采集县政府门户网站的政务公开栏目（按配置，或按预设自动发现栏目）。"""
    from flows.domain.registry import RegistryError, load_registry
    from flows.domain.settings import settings

    since_date = None
    if since:
        since_date = parse_date(since)
        if since_date is None:
            _fail(f"--since 应为日期 YYYY-MM-DD，实为 {since!r}")
    if rate is not None and rate <= 0:
        _fail(f"--rate 应为正数（每秒请求数），实为 {rate!r}")

    cfg: CrawlConfig | None = None
    if config is not None:
        if preset or start:
            _fail("--config 与 --preset/--start 不能同时使用")
        try:
            cfg = load_crawl_config(config)
        except ConfigError as exc:
            _fail(str(exc))
    reg = None
    if registry is not None:
        try:
            reg = load_registry(registry, county or (cfg.county if cfg else "") or "")
        except RegistryError as exc:
            _fail(str(exc))
    if cfg is None:
        if not (preset and start):
            _fail("需要 --config FILE，或 --preset trs|hanweb|yueyang 加 --start 网址")
        if preset not in PRESETS:
            _fail(f"--preset 应为 {' | '.join(PRESETS)} 之一，实为 {preset!r}")
        try:
            cfg = discover_config(preset, start, registry=reg, rate=rate, county=county)
        except ConfigError as exc:
            _fail(str(exc))
        typer.echo(f"发现 {len(cfg.columns)} 个栏目（{start}）"
                   + (f"；另有 {len(cfg.links)} 个不是栏目的链接（单页、表单、搜索，不采集）" if cfg.links else ""))
        if write_config is not None:
            _write_config(cfg, write_config)
            typer.echo(f"已写出配置：{write_config}（请核对栏目名称、类型和所属单位）")
            if export is None:
                return
    try:
        cfg = with_rate(cfg, rate)
        cfg = with_limits(cfg, max_items_per_column=max_items, column_time_budget=column_budget,
                          crawl_time_budget=time_budget)
    except ConfigError as exc:
        _fail(str(exc))
    if not cfg.columns:
        _fail(f"{cfg.source or '配置'}: columns 为空——至少需要一个 [[columns]]（或用 --preset/--start 发现）")

    from .crawl import crawl
    from .export import export_crawl_report, export_jsonl

    store_dir = (store if store is not None else settings().crawl) / _slug(cfg, config)
    try:
        store_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"{store_dir}: 无法创建采集存储目录（{exc.strerror or exc}）——请用 --store 指定可写的目录")
    from flows.steps.runlock import CrawlStoreBusy
    from transforms.errors import StoreDamaged

    try:
        result = crawl(cfg, store_dir, since=since_date, full=full, registry=reg, progress=progress)
    except (CrawlStoreBusy, StoreDamaged) as exc:  # another crawl on this store, or a damaged index: one line
        _fail(str(exc))
    _print_summary(result)
    if export is not None:
        n = export_jsonl(result.items, export)
        report_path = export_crawl_report(result, export)
        typer.echo(f"已导出 {n} 条信息：{export}（各栏目是否完整：{report_path}）")
    if not result.complete:
        bad = result.incomplete_columns()
        typer.echo(f"采集不完整：{len(bad)} 个栏目未完整读取（原因见上表），退出码 3", err=True)
        raise typer.Exit(code=3)


def _print_summary(result) -> None:
    summary = result.summary.to_dict()
    try:
        from rich.console import Console
        from rich.table import Table

        console = Console(file=sys.stdout, markup=False)  # column names from a portal are never markup
        table = Table(title=f"采集结果（{summary['crawl_id']}{'，续采' if summary['resumed'] else ''}）")
        table.add_column("项目")
        table.add_column("数量", justify="right")
        for key, label in SUMMARY_LABELS:
            table.add_row(label, str(summary.get(key, "")))
        console.print(table)
        if result.pages:
            t3 = Table(title="单页（不计入栏目，按页面标明的更新日期核对）")
            for h in ("单页", "更新日期", "说明"):
                t3.add_column(h)
            for p in result.pages:
                t3.add_row(p["name"], p["updated"] or "—", p["note"])
            console.print(t3)
        bad = [c for c in result.columns if not c.complete]
        if bad:
            t2 = Table(title="未能完整读取的栏目")
            for h in ("栏目", "状态", "原因"):
                t2.add_column(h)
            for c in bad[:50]:
                t2.add_row(c.name, f"{c.status} {c.incomplete or ''}".strip(), c.reason or "")
            if len(bad) > 50:
                t2.add_row(f"……另有 {len(bad) - 50} 个栏目", "", "")
            console.print(t2)
    except Exception:  # noqa: BLE001 - plain output as a fallback
        for key, label in SUMMARY_LABELS:
            typer.echo(f"{label}：{summary.get(key)}")
