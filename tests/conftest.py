"""Shared fixtures. One Prefect test harness per session (started lazily, only by flow tests)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
SEED = ROOT / "data" / "bulletins" / "huarong_2021H1.txt"
REGISTRY = ROOT / "data" / "registry" / "huarong.csv"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

# The work directory (flows/domain/settings.py) of this test session: a private folder, set before any test
# module is imported, so that every default path (warehouse, outputs, crawl store, demo portal, logs, the
# project's Prefect server) of an in-process command or a `zwgk` subprocess lands there, never in the checkout.
SESSION_HOME = Path(tempfile.mkdtemp(prefix="zwgk_home_"))
os.environ["ZWGK_HOME"] = str(SESSION_HOME)


@pytest.fixture(scope="session", autouse=True)
def private_zwgk_home():
    """The session's work directory; at the end, the project's Prefect server a `zwgk run` subprocess without
    PREFECT_API_URL may have started there is stopped and the folder removed."""
    yield SESSION_HOME
    from flows.prefect_server import stop

    os.environ["ZWGK_HOME"] = str(SESSION_HOME)  # a test may have pointed it elsewhere
    stop()
    shutil.rmtree(SESSION_HOME, ignore_errors=True)


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
