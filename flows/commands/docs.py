"""``zwgk docs PERIOD --config …``: a county's Great Expectations Data Docs for one period, rendered on
demand from the warehouse (the checks run again on the period's marts, nothing else is written). A
region run renders Data Docs only for the counties whose bulletin is a draft; this is how the office
gets any other county's (docs/scale-out.md, "Data Docs in a region")."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from flows.commands.common import WAREHOUSE_HELP, fail, say, warehouse_or_default
from flows.domain.config import DEFAULT_CONFIG, ConfigError, load_config
from flows.domain.periods import PeriodError, parse_period
from flows.domain.settings import settings


def docs_command(
    period: Annotated[str, typer.Argument(help="期间：2021H1、2021、2021Q2、2021-03")],
    config: Annotated[Path, typer.Option(help="县级配置（TOML）")] = DEFAULT_CONFIG,
    warehouse: Annotated[Optional[Path], typer.Option(help=WAREHOUSE_HELP)] = None,
    to: Annotated[Optional[Path], typer.Option(help="Data Docs 写入的文件夹（默认 工作目录/validation/县/期间）")] = None,
) -> None:
    """Render a county's Data Docs for one period from the warehouse (the checks run again)."""
    from flows.steps.validate import run_settings, validate_period

    try:
        cfg = load_config(config)
        code = parse_period(period).code
    except (ConfigError, PeriodError) as exc:
        fail(str(exc))
    wh = warehouse_or_default(warehouse)
    if not Path(wh).exists():
        fail(f"{wh}：仓库不存在（先运行 zwgk run 或 zwgk run --region）")
    target = to if to is not None else settings().work / "validation" / cfg.slug / code
    check_settings, blocking = run_settings(cfg)
    try:
        result = validate_period(wh, cfg.slug, code, docs_dir=target, blocking=blocking, settings=check_settings)
    except LookupError as exc:
        fail(str(exc).strip("'\""))
    failed = [c for c in result["checks"] if not c["success"]]
    say(f"{cfg.county} {code}：{len(result['checks'])} 项检查，未通过 {len(failed)} 项")
    print(result["docs_index"] or target)


def register(app: typer.Typer) -> None:
    app.command("docs", short_help="按需生成某县某期的数据核查报告（Great Expectations Data Docs）")(docs_command)
