"""What ``zwgk serve`` (flows/commands/schedule.py) serves: the deployments on cron schedules in Asia/Shanghai, until stopped.

- half-yearly bulletin: 08:00 on the 5th of January and July, for the half-year just ended
  (``period="latest"``);
- annual-report review (``annual_report_review``): 08:00 on 1 February, for the year just ended
  (the departments' deadline is 31 January: docs/annual-reports.md);
- 依申请公开 deadlines (``applications_due_alert``): 08:00 every day; on a working day it sends one alert when an
  application of the county's register is due within 3 working days or overdue (docs/applications.md).
Teams with a work pool use ``prefect.yaml`` at the project root instead (``prefect deploy``).

A scheduled run the busy warehouse kept out is tried again by its schedule (docs/reliability.md, "A
scheduled run is never lost"): a flow run started from a deployment that waited ``busy_wait`` in vain asks
Prefect for one more run of the same deployment ``busy_retry_delay`` seconds later, with the same
parameters and one retry fewer (flows/county_flow.py ``schedule_retry``). A run started by hand (``zwgk run``) is
not retried: the person who started it is told at once.

Prefect and the flows are imported when the deployments are built, not with this module (``zwgk --help`` stays
fast).
"""

from __future__ import annotations

from pathlib import Path

from flows.domain.config import CountyConfig
from flows.steps.runlock import BUSY_RETRIES, BUSY_RETRY_DELAY

DEFAULT_CRON = "0 8 5 1,7 *"
DEFAULT_TZ = "Asia/Shanghai"
ANNUAL_CRON = "0 8 1 2 *"
APPLICATIONS_CRON = "0 8 * * *"  # every morning; the flow itself skips days that are not working days
BUSY_WAIT = 3600.0  # a scheduled run waits up to an hour for a run holding the warehouse, then is recorded,
# alerted and scheduled again (county_flow.schedule_retry: BUSY_RETRIES times, BUSY_RETRY_DELAY apart)


def busy_parameters(busy_wait: float = BUSY_WAIT, busy_retries: int = BUSY_RETRIES,
                    busy_retry_delay: float = BUSY_RETRY_DELAY) -> dict:
    return {"busy_wait": busy_wait, "busy_retries": busy_retries, "busy_retry_delay": busy_retry_delay}


def deployment_parameters(cfg: CountyConfig, config: Path, period: str, out: Path, warehouse: Path,
                          busy: dict | None = None) -> dict:
    return {"county": cfg.slug, "period": period, "config": str(Path(config).resolve()),
            "out_dir": str(out), "warehouse": str(warehouse), **(busy or busy_parameters())}


def annual_parameters(cfg: CountyConfig, config: Path, out: Path, warehouse: Path, busy: dict | None = None) -> dict:
    """The annual review's parameters: no year, so each run reviews the year just ended."""
    return {"county": cfg.slug, "config": str(Path(config).resolve()), "out_dir": str(out),
            "warehouse": str(warehouse), **(busy or busy_parameters())}


def deployments(cfg: CountyConfig, *, config: Path, cron: str = DEFAULT_CRON, timezone: str = DEFAULT_TZ,
                name: str = "half-yearly", period: str = "latest", out: Path, warehouse: Path,
                annual_cron: str | None = ANNUAL_CRON, applications_cron: str | None = APPLICATIONS_CRON,
                busy: dict | None = None) -> list:
    """The deployments to serve: the half-yearly bulletin, and unless their cron is None the annual review and
    the daily 依申请公开 deadline alert."""
    from prefect.schedules import Cron

    from flows.county_flow import half_yearly_bulletin

    out_list = [half_yearly_bulletin.to_deployment(
        name=f"{name}-{cfg.slug}",
        schedules=[Cron(cron, timezone=timezone)],
        parameters=deployment_parameters(cfg, config, period, out, warehouse, busy),
        description=f"{cfg.county}政务公开通报：每半年自动生成（{cron}，{timezone}）",
        tags=["zwgk", cfg.slug],
    )]
    if annual_cron:
        from flows.annual_flow import annual_report_review

        out_list.append(annual_report_review.to_deployment(
            name=f"annual-{cfg.slug}",
            schedules=[Cron(annual_cron, timezone=timezone)],
            parameters=annual_parameters(cfg, config, out, warehouse, busy),
            description=f"{cfg.county}政府信息公开工作年度报告审查：每年审查上一年度（{annual_cron}，{timezone}）",
            tags=["zwgk", cfg.slug, "annual"],
        ))
    if applications_cron:
        from flows.applications_flow import applications_due_alert

        out_list.append(applications_due_alert.to_deployment(
            name=f"applications-{cfg.slug}",
            schedules=[Cron(applications_cron, timezone=timezone)],
            parameters={"county": cfg.slug, "config": str(Path(config).resolve()), "warehouse": str(warehouse)},
            description=f"{cfg.county}依申请公开答复期限：每个工作日上午提醒3个工作日内到期和已超期的申请（{applications_cron}，{timezone}）",
            tags=["zwgk", cfg.slug, "applications"],
        ))
    return out_list


def serve(cfg: CountyConfig, *, config: Path, cron: str = DEFAULT_CRON, timezone: str = DEFAULT_TZ,
          name: str = "half-yearly", period: str = "latest", out: Path, warehouse: Path,
          annual_cron: str | None = ANNUAL_CRON, applications_cron: str | None = APPLICATIONS_CRON,
          busy: dict | None = None) -> None:
    from prefect import serve as prefect_serve

    prefect_serve(*deployments(cfg, config=config, cron=cron, timezone=timezone, name=name, period=period, out=out,
                               warehouse=warehouse, annual_cron=annual_cron, applications_cron=applications_cron,
                               busy=busy))
