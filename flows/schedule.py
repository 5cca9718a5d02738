"""The half-yearly deployment: `zwgk serve` serves it on a cron schedule in Asia/Shanghai.

Default: 08:00 on the 5th of January and July, for the half-year just ended (``period="latest"``).
Teams with a work pool use ``prefect.yaml`` at the project root instead (``prefect deploy``).
"""

from __future__ import annotations

from pathlib import Path

from flows import prefect_env  # noqa: F401
from flows.config import CountyConfig

DEFAULT_CRON = "0 8 5 1,7 *"
DEFAULT_TZ = "Asia/Shanghai"


def deployment_parameters(cfg: CountyConfig, config: Path, period: str, out: Path, warehouse: Path) -> dict:
    return {"county": cfg.slug, "period": period, "config": str(Path(config).resolve()),
            "out_dir": str(out), "warehouse": str(warehouse)}


def serve(cfg: CountyConfig, *, config: Path, cron: str = DEFAULT_CRON, timezone: str = DEFAULT_TZ,
          name: str = "half-yearly", period: str = "latest", out: Path, warehouse: Path) -> None:
    from prefect.schedules import Cron

    from flows.bulletin_flow import half_yearly_bulletin

    half_yearly_bulletin.serve(
        name=f"{name}-{cfg.slug}",
        schedules=[Cron(cron, timezone=timezone)],
        parameters=deployment_parameters(cfg, config, period, out, warehouse),
        description=f"{cfg.county}政务公开通报：每半年自动生成（{cron}，{timezone}）",
        tags=["zwgk", cfg.slug],
    )
