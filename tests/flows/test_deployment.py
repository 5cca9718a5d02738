"""The work-pool route (README, "Scheduling"): prefect.yaml's deployments deployed with `prefect deploy --all`
onto a process work pool, a flow run created through the API, one worker run picks it up and writes the
bulletin (issue 23: no test ran a deployment, and the prefect.yaml deployments could not run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.flow
ROOT = Path(__file__).resolve().parents[2]
PREFECT = [sys.executable, "-m", "prefect"]


def _prefect(*args: str, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    proc = subprocess.run([*PREFECT, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, (args, proc.stdout[-3000:], proc.stderr[-3000:])
    return proc


def test_prefect_yaml_deploys_onto_a_process_pool_and_a_worker_runs_the_bulletin(prefect_harness, tmp_path):
    from prefect.settings import PREFECT_API_URL

    home = tmp_path / "home"
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "ZWGK_PROJECT": str(ROOT),
           "ZWGK_HOME": str(home), "PREFECT_WORKER_QUERY_SECONDS": "1", "PYTHONPATH": str(ROOT)}
    _prefect("work-pool", "create", "zwgk", "--type", "process", "--overwrite", env=env)
    deployed = _prefect("--no-prompt", "deploy", "--all", env=env)
    assert "half-yearly-huarong" in deployed.stdout + deployed.stderr
    # a run of the half-yearly deployment for the seed's period (its schedule would ask for the latest one)
    created = _prefect("deployment", "run", "half_yearly_bulletin/half-yearly-huarong",
                       "--param", "period=2021H1", env=env)
    assert "Created flow run" in created.stdout, created.stdout
    _prefect("worker", "start", "--pool", "zwgk", "--run-once", env=env, timeout=600)
    run = json.loads((home / "out" / "huarong" / "2021H1" / "run.json").read_text(encoding="utf-8"))
    assert run["period"] == "2021H1" and run["totals"]["all"] == 1298
    assert (home / "out" / "huarong" / "2021H1" / "bulletin.docx").is_file()
