"""Shared fixtures. One Prefect test harness per session (started lazily, only by flow tests)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
SEED = ROOT / "data" / "bulletins" / "huarong_2021H1.txt"
REGISTRY = ROOT / "data" / "registry" / "huarong.csv"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session", autouse=True)
def private_zwgk_home(tmp_path_factory):
    """The project's Prefect server state (flows/prefect_server.py) in a private folder for the session, and
    stopped at the end: a `zwgk run` subprocess without PREFECT_API_URL may start one there."""
    os.environ["ZWGK_HOME"] = str(tmp_path_factory.mktemp("zwgk_home"))
    yield
    from flows.prefect_server import stop

    stop()


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """A private PREFECT_HOME and one temporary Prefect server for the whole session."""
    home = tmp_path_factory.mktemp("prefect_home")
    os.environ["PREFECT_HOME"] = str(home)
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def registry_path() -> Path:
    return REGISTRY
