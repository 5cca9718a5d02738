"""The Prefect flow ``applications_due_alert``: each working morning, one alert when an application of the
county's 依申请公开 register is due within 3 working days or overdue (docs/applications.md; `zwgk serve` runs it
daily at 08:00 and it skips days that are not working days). The logic is flows/steps/applications.py
``due_alert``."""

from __future__ import annotations

from datetime import date

from flows import prefect_env  # noqa: F401  (Prefect defaults before prefect is imported)
from prefect import flow, task

from flows.domain.config import DEFAULT_CONFIG, load_config
from flows.domain.periods import office_today
from flows.domain.settings import settings


@task(name="applications_due_check", task_run_name="due-{county}-{today}", retries=2, retry_delay_seconds=[30, 120])
def due_task(config: str, warehouse: str, county: str, today: str, within: int) -> dict:
    from flows.steps.applications import due_alert

    return due_alert(load_config(config), warehouse, date.fromisoformat(today), within)


@flow(name="applications_due_alert", flow_run_name="{county}-applications-due", log_prints=True)
def applications_due_alert(county: str = "huarong", config: str | None = None, warehouse: str | None = None,
                           today: str | None = None, within: int = 3) -> dict:
    """Check the county's register on ``today`` (default: today) and alert the office when something is due."""
    return due_task(config or str(DEFAULT_CONFIG), warehouse or str(settings().warehouse), county,
                    today or office_today().isoformat(), within)
