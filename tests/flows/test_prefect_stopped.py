"""The Prefect server stops in the middle of a real `zwgk run` (issue 21): the command's exit code and
its one line say what happened. The server "stops" through tests/api_proxy.py, a proxy in front of the
session's Prefect server that goes down for good at a chosen moment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api_proxy import CuttableProxy

pytestmark = pytest.mark.flow
ROOT = Path(__file__).resolve().parents[2]


def _config(tmp_path: Path, seed_path: Path) -> Path:
    (tmp_path / "reg.csv").write_text((ROOT / "data" / "registry" / "huarong.csv").read_text(encoding="utf-8"),
                                      encoding="utf-8")
    (tmp_path / "seed.txt").write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "county.toml"
    path.write_text('county = "华容县"\nslug = "huarong"\nregistry = "reg.csv"\ndefault_period = "2021H1"\n'
                    '[[sources]]\npath = "seed.txt"\n', encoding="utf-8")
    return path


def _run(tmp_path: Path, config: Path, api_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFECT_API_URL": api_url, "PYTHONPATH": str(ROOT),
           "PREFECT_CLIENT_MAX_RETRIES": "1", "PREFECT_CLIENT_RETRY_JITTER_FACTOR": "0"}
    return subprocess.run([sys.executable, "-m", "flows.cli", "run", "--config", str(config), "--out",
                           str(tmp_path / "out"), "--warehouse", str(tmp_path / "wh.duckdb")],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)


def test_server_stopped_after_the_bulletin_is_published(prefect_harness, tmp_path, seed_path):
    """The outputs are published and the run recorded, then the server stops: the command says the bulletin
    is out and warns about Prefect — it does not print 运行失败 and exit 1."""
    from prefect.settings import PREFECT_API_URL

    published = tmp_path / "out" / "huarong" / "2021H1" / "run.json"
    with CuttableProxy(PREFECT_API_URL.value(), cut_when=published.exists) as proxy:
        result = _run(tmp_path, _config(tmp_path, seed_path), proxy.api_url)
        assert proxy.cut.is_set(), "the proxy never went down: the run made no API call after publishing"
    said = result.stdout + result.stderr
    assert result.returncode == 3, said  # the seed's bulletin is a draft: exit 3, as with the server up
    assert "通报已发布并已记入运行记录" in said and "运行失败" not in said, said
    assert "Traceback" not in said, said
    assert published.exists() and (published.parent / "bulletin.docx").exists()


def test_server_stopped_before_the_run_is_one_line(prefect_harness, tmp_path, seed_path):
    """The server gone before the run could start: one line naming the API and what to do, exit 1, nothing
    published — not 40 lines of warnings and a bare ConnectError."""
    from prefect.settings import PREFECT_API_URL

    with CuttableProxy(PREFECT_API_URL.value()) as proxy:
        proxy.go_down()
        result = _run(tmp_path, _config(tmp_path, seed_path), proxy.api_url)
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert f"无法连接 Prefect 服务器（{proxy.api_url}" in said and "zwgk server start" in said, said
    assert "Traceback" not in said and len(said.strip().splitlines()) <= 3, said
    assert not (tmp_path / "out" / "huarong" / "2021H1").exists()


def test_server_stopped_during_the_run_is_one_line(prefect_harness, tmp_path, seed_path):
    """The server stops once the run has begun loading the warehouse: the run stops with one line naming the
    unreachable API (no traceback, no bare ConnectError), and nothing half-written is published."""
    from prefect.settings import PREFECT_API_URL

    warehouse = tmp_path / "wh.duckdb"
    with CuttableProxy(PREFECT_API_URL.value(), cut_when=warehouse.exists) as proxy:
        result = _run(tmp_path, _config(tmp_path, seed_path), proxy.api_url)
        assert proxy.cut.is_set()
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert f"无法连接 Prefect 服务器（{proxy.api_url}" in said and "Traceback" not in said, said
    assert [line for line in said.splitlines() if line.startswith("错误：")] == [
        line for line in said.splitlines() if "无法连接 Prefect 服务器" in line], said
    assert not (tmp_path / "out" / "huarong" / "2021H1").exists()
