"""The warehouse commands: ``zwgk ingest`` (load past bulletins and unit reports), ``zwgk transform``
(rebuild the marts) and ``zwgk runs`` (the run history)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from flows.commands.common import (INPUT_ERRORS, WAIT_HELP, WAREHOUSE_HELP, console, fail, say,
                                   warehouse_or_default)
from flows.domain.config import DEFAULT_CONFIG, load_config
from flows.domain.periods import parse_period
from flows.steps.runlock import FolderNotWritable, WarehouseBusy, warehouse_lock
from transforms.errors import StoreDamaged


def ingest_command(
    files: Annotated[list[Path], typer.Argument(help="通报（.txt/.docx）或单位报送表（.csv/.xlsx）")],
    config: Annotated[Path, typer.Option(help="县级配置（TOML），提供县名、名册")] = DEFAULT_CONFIG,
    period: Annotated[Optional[str], typer.Option(help="期间；通报标题中有则可省")] = None,
    warehouse: Annotated[Optional[Path], typer.Option(help=WAREHOUSE_HELP)] = None,
    wait: Annotated[float, typer.Option(help=WAIT_HELP)] = 0,
    kind: Annotated[str, typer.Option(help="auto：通报或单位报送表；adoptions：采用情况表（须 --period，且配置有 [scoring.weights]）")] = "auto",
) -> None:
    """Load past bulletins or unit reports into the warehouse, all or nothing, and rebuild their marts.

    Every file is parsed first; if any cannot be read, none is loaded. Then all are loaded in one
    transaction, and the marts of every period they touch are rebuilt."""
    from flows.steps import pipeline
    from flows.domain.registry import load_registry

    warehouse = warehouse_or_default(warehouse)
    try:
        cfg = load_config(config)
        code = parse_period(period).code if period else None
        _check_kind(kind, code, cfg)
        parsed = []
        for file in files:
            try:
                if kind == "adoptions":
                    from flows.ingest.adoptions import read_adoptions

                    parsed.append((file, read_adoptions(file, list(cfg.scoring["weights"])), code))
                    continue
                parsed.append((file, *pipeline.parse_for_ingest(file, period=code, county=cfg.county)))
            except INPUT_ERRORS as exc:
                more = f"；其余 {len(files) - 1} 个文件也未导入（任一文件有误则全部不导入）" if len(files) > 1 else ""
                fail(f"{exc}{more}")
        registry = load_registry(cfg.registry, cfg.county) if cfg.registry else None
        with warehouse_lock(warehouse, "zwgk ingest", wait=wait, on_wait=say):
            loaded = _load(warehouse, cfg, registry, parsed)
            marts = {chosen: pipeline.transform(warehouse, cfg.slug, chosen, cfg.rules, cfg.scoring)
                     for chosen in dict.fromkeys(chosen for _, chosen, _ in loaded)}
        for file, chosen, result in loaded:
            state = "已导入" if result.new else "已存在（未重复导入）"
            console.print(f"{file}: {chosen} {state}，{result.rows} 行；已重建 {len(marts[chosen])} 张汇总表",
                          highlight=False)
        if len(loaded) > 1:
            console.print(f"{len(loaded)} 个文件在同一事务中导入（全部成功才写入）。", highlight=False)
    except INPUT_ERRORS as exc:
        fail(str(exc))


def _check_kind(kind: str, code: str | None, cfg) -> None:
    if kind not in ("auto", "adoptions"):
        fail(f"--kind 应为 auto 或 adoptions，实为 {kind!r}")
    if kind == "adoptions" and code is None:
        fail("采用情况表（--kind adoptions）须用 --period 指定期间，如 --period 2021H1")
    if kind == "adoptions" and not cfg.scoring:
        fail(f"{cfg.path}: 未设置 [scoring.weights]（各来源每条的分值），采用情况表无从计分；见 docs/rules.md “Scores”")


def _load(warehouse: Path, cfg, registry, parsed: list) -> list:
    """Load every parsed file in one transaction (all or nothing): bulletins and unit reports, or adoptions
    sheets (flows/ingest/adoptions.py)."""
    from flows.ingest.adoptions import Adoptions
    from flows.steps import pipeline
    from transforms import runner
    from transforms.loaders import load_county
    from transforms.loaders import load_registry as load_registry_into
    from transforms.scoring_loaders import load_adoptions

    def one(con, p, chosen):
        if isinstance(p, Adoptions):
            return load_adoptions(con, p, county_slug=cfg.slug, period=chosen)
        return pipeline.load_for_ingest(con, p, chosen, county_slug=cfg.slug, county=cfg.county)

    with runner.connect(warehouse) as con:
        with runner.transaction(con):
            load_county(con, county_slug=cfg.slug, county=cfg.county, counts_source=cfg.counts_source,
                        portal=pipeline.portal_name(cfg))
            if registry is not None:
                load_registry_into(con, registry, cfg.slug)
            return [(file, chosen, one(con, p, chosen)) for file, p, chosen in parsed]


def runs_command(
    warehouse: Annotated[Optional[Path], typer.Option(help=WAREHOUSE_HELP)] = None,
    county: Annotated[Optional[str], typer.Option(help="只看某县（slug）")] = None,
    period: Annotated[Optional[str], typer.Option(help="只看某期间")] = None,
    limit: Annotated[int, typer.Option(help="最多列出几次")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """List past runs: when, county, period, status, checks failed, alert, output folder."""
    from flows.steps.pipeline import list_runs

    warehouse = warehouse_or_default(warehouse)
    try:
        runs = list_runs(warehouse, county, period, limit)
    except INPUT_ERRORS as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(runs, ensure_ascii=False, indent=2, allow_nan=False))
        return
    if not runs:
        console.print(f"{warehouse} 中还没有运行记录。", highlight=False)
        return
    table = Table("开始时间", "县", "期间", "结果", "未通过的检查 / 错误", "通知", "输出目录")
    labels = {"final": "正式稿", "draft": "草稿", "failed": "失败"}
    for r in runs:
        problems = "、".join(r["failed_checks"] or []) or (r["error"] or "")
        table.add_row((r["started_at"] or "")[:19].replace("T", " "), r["county"] or r["county_slug"], r["period"],
                      labels.get(r["status"], r["status"]), problems, r["alert"] or "", r["out_dir"] or "")
    console.print(table)


def transform_command(
    warehouse: Annotated[Optional[Path], typer.Option(help=WAREHOUSE_HELP)] = None,
) -> None:
    """Rebuild every mart for every county and period in the warehouse."""
    from transforms import runner

    warehouse = warehouse_or_default(warehouse)
    try:
        with warehouse_lock(warehouse, "zwgk transform"):
            with runner.connect(warehouse) as con:
                n = runner.run_all(con)
    except (WarehouseBusy, StoreDamaged, FolderNotWritable) as exc:
        fail(str(exc))
    except OSError as exc:  # a read-only folder, a full disk: one line naming the file
        fail(f"{exc.filename or warehouse}: 无法写入仓库（{exc.strerror or exc}）——请检查磁盘空间和目录权限，或用 --warehouse 指定")
    console.print(f"已重建 {n} 个县·期间的汇总表。")


def vacuum_command(
    warehouse: Annotated[Optional[Path], typer.Option(help=WAREHOUSE_HELP)] = None,
    keep_crawls: Annotated[int, typer.Option(help="每个县完整保留最近几次采集（更早的采集只保留后来没有再采到的条目）")] = 1,
    wait: Annotated[float, typer.Option(help=WAIT_HELP)] = 0,
) -> None:
    """Prune superseded crawl items of every county and give the freed space back to the disk."""
    from flows.steps.retention import vacuum

    warehouse = warehouse_or_default(warehouse)
    if not 1 <= keep_crawls <= 1000:
        fail(f"--keep-crawls 应为 1 到 1000 之间的整数，实为 {keep_crawls!r}")
    try:
        with warehouse_lock(warehouse, "zwgk vacuum", wait=wait, on_wait=say):
            done = vacuum(warehouse, keep_crawls)
    except (WarehouseBusy, StoreDamaged, FolderNotWritable, FileNotFoundError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{exc.filename or warehouse}: 无法整理仓库（{exc.strerror or exc}）——请检查磁盘空间（需要约一份仓库大小的空余）和目录权限")
    pruned = sum(done["pruned_items"].values())
    console.print(f"已整理 {warehouse}：删去被新采集取代的条目 {pruned} 条；"
                  f"{done['before_bytes'] / 1e6:.1f} MB → {done['after_bytes'] / 1e6:.1f} MB", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("vacuum", short_help="删去被新采集取代的条目，整理仓库文件，释放磁盘空间")(vacuum_command)
    app.command("ingest", short_help="导入往期通报或单位报送表到仓库")(ingest_command)
    app.command("transform", short_help="重建仓库中所有县、期间的汇总表")(transform_command)
    app.command("runs", short_help="列出历次运行及其结果")(runs_command)
