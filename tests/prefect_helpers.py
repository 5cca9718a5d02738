"""Reading a flow run's task states back through the Prefect API (under the test harness)."""

import asyncio


def task_states(flow_run_id) -> dict[str, str]:
    """Task name (before its first '-') → state name, for one flow run."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    async def read():
        async with get_client() as client:
            tasks = await client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
            return {t.name.split("-")[0]: t.state.name for t in tasks}

    return asyncio.run(read())
