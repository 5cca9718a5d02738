"""``zwgk doctor``: is the warehouse readable, are the crawl stores, can the outputs and the log be
written — one line per part, with what to do (docs/reliability.md, "损坏的仓库或采集存储")."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from flows.commands.common import EXIT_FOUND, WAREHOUSE_HELP, console, styled, warehouse_or_default

REBUILD_WAREHOUSE = ("把它移开（mv 仓库 仓库.damaged），再用 zwgk ingest 导入各期通报或报送表、zwgk run --period 各期"
                     "重新生成（门户的条目从采集存储重新载入，不必重新下载）")
REBUILD_STORE = "把 index.sqlite 移开，下次采集会重建索引并重新读取各栏目（已下载的正文不丢）"


def check_warehouse(path: Path) -> tuple[bool, str]:
    """(ok, what was found): the file opens read-only and every table reads to its end."""
    from transforms import runner
    from transforms.errors import StoreDamaged, WarehouseInUse

    if not path.exists():
        return True, "尚未创建（第一次运行时创建）"
    try:
        con = runner.connect(path, read_only=True, schema=False)
    except StoreDamaged as exc:
        return False, f"{exc}；{REBUILD_WAREHOUSE}"
    except WarehouseInUse:
        from flows.steps.runlock import holder

        return True, f"正被{holder(path)}使用，稍后再查"
    try:
        tables, rows = runner.read_every_table(con, path)
    except StoreDamaged as exc:
        return False, f"{exc}；{REBUILD_WAREHOUSE}"
    finally:
        con.close()
    return True, f"可读：{tables} 张表，{rows} 行"


def check_store(index: Path) -> tuple[bool, str]:
    from transforms import runner
    from transforms.errors import StoreDamaged

    try:
        result = runner.check_crawl_index(index)
    except StoreDamaged as exc:
        return False, f"{exc}；{REBUILD_STORE}"
    if result != "ok":
        return False, f"{index}: 采集存储已损坏（{result[:200]}）；{REBUILD_STORE}"
    return True, "可读"


def check_writable(folder: Path) -> tuple[bool, str]:
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if os.access(probe, os.W_OK):
        return True, "可写"
    return False, f"{probe}: 无写权限——请改用可写的目录（--out / --warehouse / ZWGK_HOME）或修改权限"


def doctor_command(
    warehouse: Annotated[Optional[Path], typer.Option(help=WAREHOUSE_HELP)] = None,
    out: Annotated[Optional[Path], typer.Option(help="输出根目录（默认 工作目录/out）")] = None,
) -> None:
    """Check that the warehouse and the crawl stores can be read and the folders written; say how to rebuild."""
    from flows.domain.settings import log_dir, settings

    wh = warehouse_or_default(warehouse)
    parts: list[tuple[str, tuple[bool, str]]] = [("仓库 " + str(wh), check_warehouse(wh))]
    crawl_root = wh.parent / "crawl" if warehouse is not None else settings().crawl
    for index in sorted(crawl_root.glob("*/index.sqlite")):
        parts.append(("采集存储 " + str(index.parent), check_store(index)))
    parts.append(("输出目录 " + str(out or settings().out), check_writable(Path(out or settings().out))))
    parts.append(("日志目录 " + str(log_dir(wh)), check_writable(log_dir(wh))))
    bad = 0
    for name, (ok, what) in parts:
        bad += not ok
        console.print(styled("[green]正常[/]" if ok else "[bold red]有问题[/]"), f"{name}：{what}", highlight=False)
    raise typer.Exit(EXIT_FOUND if bad else 0)


def register(app: typer.Typer) -> None:
    app.command("doctor", short_help="检查仓库、采集存储是否可读，输出和日志目录是否可写")(doctor_command)
