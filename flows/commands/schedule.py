"""``zwgk serve``: the half-yearly bulletin, the annual review and the morning 依申请公开 alert on cron schedules
(the deployments: flows/schedule.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from flows.commands.common import INPUT_ERRORS, OUT_HELP, WAREHOUSE_HELP, fail, out_or_default, warehouse_or_default
from flows.domain.config import DEFAULT_CONFIG, load_config
from flows.schedule import ANNUAL_CRON, APPLICATIONS_CRON  # (flows/schedule.py imports Prefect only when serving)


def serve_command(
    config: Annotated[Path, typer.Option(help="县级配置（TOML）")] = DEFAULT_CONFIG,
    cron: Annotated[str, typer.Option(help="cron 表达式（默认每年1月、7月5日8:00）")] = "0 8 5 1,7 *",
    timezone: Annotated[str, typer.Option(help="时区")] = "Asia/Shanghai",
    name: Annotated[str, typer.Option(help="部署名称")] = "half-yearly",
    period: Annotated[str, typer.Option(help="运行的期间：latest = 刚结束的半年")] = "latest",
    out: Annotated[Optional[Path], typer.Option(help=OUT_HELP)] = None,
    warehouse: Annotated[Optional[Path], typer.Option(help=WAREHOUSE_HELP)] = None,
    annual_cron: Annotated[str, typer.Option(help="年度报告审查的 cron（默认每年2月1日8:00；空字符串则不部署）")] = ANNUAL_CRON,
    applications_cron: Annotated[str, typer.Option(
        help="依申请公开答复期限提醒的 cron（默认每天8:00，非工作日不提醒；空字符串则不部署）")] = APPLICATIONS_CRON,
    busy_wait: Annotated[float, typer.Option(help="计划运行遇到仓库被占用时最多等待的秒数；仍被占用则记为失败并通知")] = 3600,
    busy_retries: Annotated[int, typer.Option(help="等待后仍被占用时自动重试的次数")] = 3,
    busy_retry_delay: Annotated[float, typer.Option(help="自动重试的间隔秒数")] = 3600,
) -> None:
    """Serve the half-yearly bulletin and the annual-report review on cron schedules (Asia/Shanghai) until stopped."""
    from flows.schedule import busy_parameters, serve

    try:
        cfg = load_config(config)
    except INPUT_ERRORS as exc:
        fail(str(exc))
    if not 0 <= busy_wait <= 86400:
        fail(f"--busy-wait 应为 0 到 86400 之间的秒数，实为 {busy_wait!r}")
    if not 0 <= busy_retries <= 24:
        fail(f"--busy-retries 应为 0 到 24 之间的整数，实为 {busy_retries!r}")
    if not 1 <= busy_retry_delay <= 86400:
        fail(f"--busy-retry-delay 应为 1 到 86400 之间的秒数，实为 {busy_retry_delay!r}")
    serve(cfg, config=config, cron=cron, timezone=timezone, name=name, period=period,
          out=out_or_default(out).resolve(), warehouse=warehouse_or_default(warehouse).resolve(),
          annual_cron=annual_cron or None, applications_cron=applications_cron or None, busy=busy_parameters(busy_wait, busy_retries, busy_retry_delay))


def register(app: typer.Typer) -> None:
    app.command("serve", short_help="按计划（每半年）自动运行通报流程")(serve_command)
