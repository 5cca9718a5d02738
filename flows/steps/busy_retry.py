"""A scheduled run the busy warehouse kept out is tried again by its schedule (docs/reliability.md,
"A scheduled run is never lost").

A flow run started from a deployment (``zwgk serve`` or a work pool) that waited ``busy_wait`` in vain
asks Prefect for one more run of the same deployment ``busy_retry_delay`` seconds later, with the same
parameters and one retry fewer. A run started by hand (``zwgk run``) is not retried: the person who
started it is told at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

BUSY_RETRIES = 3            # a scheduled run is tried at most this many more times …
BUSY_RETRY_DELAY = 3600.0   # … this many seconds apart


def schedule_retry(retries_left: int, delay: float) -> str | None:
    """Schedule this deployment's flow run again in ``delay`` seconds; returns when (Asia/Shanghai,
    ``YYYY-MM-DD HH:MM:SS``), or None when this run did not come from a deployment or no retry is left."""
    from prefect.runtime import deployment, flow_run

    deployment_id = deployment.id
    if not deployment_id or retries_left <= 0:
        return None
    from prefect.deployments import run_deployment

    when = datetime.now(timezone.utc) + timedelta(seconds=delay)
    parameters = {**flow_run.parameters, "busy_retries": retries_left - 1}
    run_deployment(deployment_id, parameters=parameters, scheduled_time=when, timeout=0, as_subflow=False,
                   tags=["zwgk", "busy-retry"])
    return when.astimezone(timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M:%S")


def retry_note(when: str | None, retries_left: int) -> str:
    """The sentence the failed run's record and alert carry about what happens next."""
    if when:
        return f"已安排于 {when} 自动重试（此后还可重试 {retries_left - 1} 次）"
    return "未安排自动重试，请在仓库空闲后手动运行"
