"""`zwgk server start|status|stop` and `zwgk run` against the project's Prefect server (issue 12): a real
server process, started and stopped by this test in a private ZWGK_HOME."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # real zwgk processes that start Prefect: not in `make test-fast`


def _zwgk(env: dict, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=timeout)


def _flow_runs(url: str) -> list[dict]:
    request = urllib.request.Request(f"{url}/api/flow_runs/filter", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


@pytest.fixture
def server_env(tmp_path, prefect_db_template):
    """A private work directory and client PREFECT_HOME, their Prefect databases already migrated (a copy of the
    session's template: tests/conftest.py): the project's server, or Prefect's temporary one, starts on it."""
    from prefect_helpers import seed_prefect_home

    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(ZWGK_HOME=str(tmp_path / "zwgk_home"), PREFECT_HOME=str(tmp_path / "client_home"), COLUMNS="200")
    seed_prefect_home(tmp_path / "zwgk_home" / "prefect" / "home", prefect_db_template)
    seed_prefect_home(tmp_path / "client_home", prefect_db_template)
    yield env
    _zwgk(env, "server", "stop", timeout=120)  # whatever happened above


def test_start_status_run_stop(server_env, tmp_path, seed_path, registry_path):
    started = _zwgk(server_env, "server", "start")
    assert started.returncode == 0, started.stderr
    url = re.search(r"http://127\.0\.0\.1:\d+", started.stdout)[0]
    state = json.loads((tmp_path / "zwgk_home" / "prefect" / "server.json").read_text())
    assert state["url"] == url and (tmp_path / "zwgk_home" / "prefect" / "home").is_dir()

    again = _zwgk(server_env, "server", "start")  # one server per work directory
    assert again.returncode == 0 and url in again.stdout and "已在运行" in again.stdout
    status = _zwgk(server_env, "server", "status")
    assert status.returncode == 0 and url in status.stdout

    config = tmp_path / "county.toml"
    config.write_text(f'county = "华容县"\nslug = "huarong"\nregistry = "{registry_path}"\ndefault_period = "2021H1"\n'
                      f'[[sources]]\npath = "{seed_path}"\nkind = "bulletin"\n', encoding="utf-8")
    run = _zwgk(server_env, "run", "--config", str(config), "--out", str(tmp_path / "out"),
                "--warehouse", str(tmp_path / "w.duckdb"), "--draft-ok")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "1267 ≠ 1298" in run.stdout and "已在后台启动" not in run.stderr
    runs = _flow_runs(url)  # the run was recorded by this server, not a temporary one
    assert [r["name"] for r in runs if r["state_type"] == "COMPLETED"] == ["huarong-2021H1"]

    stopped = _zwgk(server_env, "server", "stop")
    assert stopped.returncode == 0 and str(state["pid"]) in stopped.stdout
    assert not Path(f"/proc/{state['pid']}").exists()
    after = _zwgk(server_env, "server", "status")
    assert after.returncode == 3 and "未运行" in after.stdout


def test_run_starts_the_server_once_when_none_runs(server_env, tmp_path, seed_path):
    config = tmp_path / "county.toml"
    config.write_text(f'county = "华容县"\nslug = "huarong"\n[[sources]]\npath = "{seed_path}"\nkind = "bulletin"\n',
                      encoding="utf-8")
    args = ("run", "--config", str(config), "--period", "2021H1", "--out", str(tmp_path / "out"),
            "--warehouse", str(tmp_path / "w.duckdb"), "--draft-ok")
    first = _zwgk(server_env, *args)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "已在后台启动本项目的 Prefect 服务器" in first.stderr
    assert _zwgk(server_env, "server", "status").returncode == 0
    ephemeral = _zwgk(server_env, *args, "--ephemeral")
    assert ephemeral.returncode == 0 and "已在后台启动" not in ephemeral.stderr
    url = json.loads((tmp_path / "zwgk_home" / "prefect" / "server.json").read_text())["url"]
    assert len(_flow_runs(url)) == 1  # the --ephemeral run went to Prefect's temporary server
