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


def serve_and_trigger(serve_args: list[str], deployment: str, log_path, root):
    """Start `zwgk serve …` against the test harness's API, trigger `deployment` through the API once
    it is registered (up to 120 s), wait for the flow run and stop the server. Returns the flow run."""
    import os
    import subprocess
    import sys
    import time

    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    with open(log_path, "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", *serve_args], cwd=root, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline, flow_run = time.time() + 120, None
            while time.time() < deadline:
                try:
                    flow_run = run_deployment(deployment, timeout=180, poll_interval=2)
                    break
                except Exception:  # the deployment is not registered yet
                    time.sleep(2)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    return flow_run
