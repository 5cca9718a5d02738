"""Prefect helpers for the tests: the migrated database a test server starts from, and reading a flow run back
through the Prefect API (under the test harness)."""

import asyncio
import shutil
from pathlib import Path


def seed_prefect_home(home: Path, template: Path, name: str = "prefect.db") -> Path:
    """Put a copy of the session's migrated Prefect database (conftest.prefect_db_template) where a Prefect
    server started with PREFECT_HOME=home looks for it: the server skips the migrations of an empty database."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, home / name)
    return home / name


def task_states(flow_run_id) -> dict[str, str]:
    """Task name (before its first '-') → state name, for one flow run."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    async def read():
        async with get_client() as client:
            tasks = await client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
            return {t.name.split("-")[0]: t.state.name for t in tasks}

    return asyncio.run(read())


def states_of(flow_run_id, task_name: str) -> list[str]:
    """The state names of every run of one task (by the name before its first '-') in a flow run, oldest first."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    async def read():
        async with get_client() as client:
            tasks = await client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
            return [t for t in tasks if t.name.split("-")[0] == task_name]

    return [t.state.name for t in sorted(asyncio.run(read()), key=lambda t: t.expected_start_time or t.created)]


def serve_and_trigger(serve_args: list[str], deployment: str, log_path, root, then=None):
    """Start `zwgk serve …` against the test harness's API, trigger `deployment` through the API once
    it is registered (up to 120 s), wait for the flow run, call ``then(flow_run)`` while the server still
    serves (its result replaces the flow run returned), and stop the server. Returns the flow run."""
    import os
    import subprocess
    import sys
    import time

    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    with open(log_path, "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", *serve_args], cwd=root, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline, flow_run = time.time() + 120, None
            while time.time() < deadline:
                try:
                    flow_run = run_deployment(deployment, timeout=180, poll_interval=0.5)
                    break
                except Exception:  # the deployment is not registered yet: ask again
                    time.sleep(0.5)
            if then is not None and flow_run is not None:
                flow_run = then(flow_run)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    return flow_run


def wait_for_flow_run(deployment_id, tag: str, timeout: float = 240):
    """The first flow run of ``deployment_id`` tagged ``tag`` to reach a final state (None at the timeout)."""
    import time

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (DeploymentFilter, DeploymentFilterId, FlowRunFilter,
                                                FlowRunFilterTags)

    async def read():
        async with get_client() as client:
            return await client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
                flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[tag])))

    deadline = time.time() + timeout
    while time.time() < deadline:
        done = [r for r in asyncio.run(read()) if r.state and r.state.is_final()]
        if done:
            return done[0]
        time.sleep(0.5)
    return None
