"""Shared fixtures. One Prefect test harness per session (started lazily, only by flow tests)."""

from __future__ import annotations

import contextlib
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

# One documents cache for the whole session, every worker and `zwgk` subprocess included (flows/domain/settings.py
# render_cache): a bulletin rendered again by another test, the same Word file, reuses its PDF (a LibreOffice start,
# ~2.5 s) and its charts. Made by the first process that imports this file (pytest's main process under
# pytest-xdist: the workers inherit it) and removed by it at the end. The quick start (default_run) and the tests
# of the caches themselves use their own.
OWN_RENDER_CACHE = not os.environ.get("ZWGK_RENDER_CACHE")
if OWN_RENDER_CACHE:
    os.environ["ZWGK_RENDER_CACHE"] = tempfile.mkdtemp(prefix="zwgk_render_cache_")

# Prefect sets up its logging handlers when prefect.main is first imported (``import prefect`` alone is lazy and
# sets up nothing), on the sys.stderr of that moment. Spread over workers (pytest-xdist), a worker's first import
# could fall inside a CliRunner.invoke, whose stream is closed afterwards: every later log record would fail ("I/O
# operation on closed file"; with log_prints, a RecursionError through print → log → handleError → print), even
# within the same test. Import it here, once per worker, on the session's own stderr.
from flows import prefect_env  # noqa: E402,F401
import prefect.main  # noqa: E402,F401


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the groups into the node ids
def pytest_collection_modifyitems(config, items):
    """A test using the Prefect test server is a ``flow`` test (left out of `make test-fast`), marked or not.

    Spread over processes by pytest-xdist (`make test`: ``-n auto --dist loadgroup``), tests go one by one,
    except those sharing an expensive fixture: a module's tests that use a module-scoped fixture stay on one
    worker (the fixture is built once, not once per worker), and so do the tests of the session's default run."""
    for item in items:
        if "prefect_harness" in item.fixturenames:  # starts (or shares) the session's Prefect test server
            item.add_marker(pytest.mark.flow)
        defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {}) or {}
        if "default_run" in item.fixturenames:
            item.add_marker(pytest.mark.xdist_group("default_run"))
        elif any(d and d[-1].scope == "module" for d in defs.values()):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


def pytest_collection_finish(session):
    """On a pytest-xdist worker with ``--dist loadgroup``, every grouped test's node id must carry its group
    (pytest-xdist adds ``@group``). pytest 9.2 stores node ids where pytest-xdist 3.8 cannot change them: the
    groups were then silently ignored and each worker built every expensive fixture again. Stop instead."""
    if not getattr(session.config.option, "loadgroup", False):
        return
    lost = [i.nodeid for i in session.items if any(i.iter_markers("xdist_group")) and "@" not in i.nodeid]
    if lost:
        raise pytest.UsageError(f"pytest-xdist did not apply --dist loadgroup to {len(lost)} tests (first: {lost[0]}); "
                                "pin pytest to a version pytest-xdist supports (pyproject.toml)")


def pytest_sessionfinish(session):
    if OWN_RENDER_CACHE and not os.environ.get("PYTEST_XDIST_WORKER"):
        shutil.rmtree(os.environ.get("ZWGK_RENDER_CACHE", ""), ignore_errors=True)


def repoint_closed_log_streams() -> int:
    """Point every log handler still writing to a closed stream at stderr again; returns how many were."""
    import logging

    loggers = [logging.getLogger(), *(x for x in logging.root.manager.loggerDict.values() if isinstance(x, logging.Logger))]
    target = sys.stderr if not getattr(sys.stderr, "closed", False) else sys.__stderr__
    moved = 0
    for logger in loggers:
        for handler in logger.handlers:
            stream = getattr(handler, "stream", None)
            if stream is None or not getattr(stream, "closed", False):
                continue
            # not handler.setStream(): it flushes the old stream first, which raises on a closed one
            with handler.lock or contextlib.nullcontext():
                handler.stream = target
            console = getattr(handler, "console", None)  # Prefect's console handler prints through rich
            if console is not None:
                console.file = target
            moved += 1
    return moved


@pytest.fixture(autouse=True)
def _log_streams_stay_open():
    """After each test, a log handler left writing to a stream that test closed (a CliRunner's captured output,
    when Prefect set up a handler during ``invoke``) writes to stderr again: otherwise a later test's flow logs
    raise "I/O operation on closed file" (seen with four workers on two cores, depending on test order)."""
    yield
    repoint_closed_log_streams()


@pytest.fixture(scope="session", autouse=True)
def private_zwgk_home():
    """The session's work directory; at the end, the project's Prefect server a `zwgk run` subprocess without
    PREFECT_API_URL may have started there is stopped and the folder removed."""
    yield SESSION_HOME
    from flows.steps.prefect_server import stop

    os.environ["ZWGK_HOME"] = str(SESSION_HOME)  # a test may have pointed it elsewhere
    stop()
    shutil.rmtree(SESSION_HOME, ignore_errors=True)


def shared_tmp(tmp_path_factory) -> Path:
    """The session's temporary folder shared by every pytest-xdist worker (a worker's own is inside it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def prefect_db_template(tmp_path_factory) -> Path:
    """A Prefect database migrated once for the whole session, by the first worker that needs it: a server a
    test starts begins from a copy of it instead of running Prefect's migrations on an empty database again
    (~9 s of CPU each on this machine). The first-ever start on an empty database is still run by the quick
    start (``default_run``), which is left cold."""
    import fcntl
    import subprocess

    root = shared_tmp(tmp_path_factory)
    db = root / "prefect_db_template" / "prefect.db"
    with open(root / "prefect_db_template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other workers wait for the first one's build
        if not db.exists():
            building = Path(tempfile.mkdtemp(prefix="prefect_db_template.", dir=root))
            env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_")}
            env.update(PREFECT_HOME=str(building), PREFECT_SERVER_ANALYTICS_ENABLED="false")
            done = subprocess.run([str(Path(sys.executable).with_name("prefect")), "--no-prompt", "server",
                                   "database", "upgrade", "-y"], env=env, capture_output=True, text=True, timeout=600)
            assert done.returncode == 0 and (building / "prefect.db").is_file(), done.stdout + done.stderr
            os.replace(building, db.parent)
    return db


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory, prefect_db_template):
    """A private PREFECT_HOME and one temporary Prefect server for the whole session, on a copy of the
    migrated template database (prefect_test_harness makes its database in a fresh temporary folder: the
    copy is put there as that folder is made)."""
    home = tmp_path_factory.mktemp("prefect_home")
    os.environ["PREFECT_HOME"] = str(home)
    import prefect.testing.utilities as harness
    from prefect.testing.utilities import prefect_test_harness
    from prefect_helpers import seed_prefect_home

    made = harness.mkdtemp

    def seeded_mkdtemp(*args, **kwargs):
        folder = made(*args, **kwargs)
        seed_prefect_home(Path(folder), prefect_db_template, "prefect-test.db")
        return folder

    harness.mkdtemp = seeded_mkdtemp
    try:
        with prefect_test_harness(server_startup_timeout=180):
            yield
    finally:
        harness.mkdtemp = made


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def registry_path() -> Path:
    return REGISTRY


def tree_state(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under root (caches and environments left out) with its size and mtime: what a command
    must leave unchanged."""
    skip = {".git", ".venv", "__pycache__", ".pytest_cache", ".prefect-home", ".tools", "var"}
    state = {}
    for path in root.rglob("*"):
        if skip.intersection(path.relative_to(root).parts) or not path.is_file():
            continue
        st = path.stat()
        state[str(path.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return state


@pytest.fixture(scope="session")
def default_run(tmp_path_factory):
    """The quick start's `zwgk run --draft-ok` (the default config: the seed bulletin and the demo portal) as a
    subprocess, started from a folder outside the checkout with a fresh ZWGK_HOME and no path flag; the
    checkout's files (var/ left out) are listed before and after. The project's Prefect server it starts in
    that ZWGK_HOME is stopped at the end of the session."""
    import subprocess
    from types import SimpleNamespace

    home, cwd = tmp_path_factory.mktemp("default_home"), tmp_path_factory.mktemp("elsewhere")
    env = {k: v for k, v in os.environ.items() if k not in {"PREFECT_API_URL", "ZWGK_RENDER_CACHE"}}
    env.update(ZWGK_HOME=str(home), COLUMNS="200")
    zwgk = [sys.executable, "-m", "flows.cli"]
    before = tree_state(ROOT)
    proc = subprocess.run([*zwgk, "run", "--draft-ok"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900)
    after = tree_state(ROOT)
    yield SimpleNamespace(home=home, cwd=cwd, env=env, zwgk=zwgk, proc=proc, before=before, after=after)
    subprocess.run([*zwgk, "server", "stop"], cwd=cwd, env=env, capture_output=True, timeout=120)
