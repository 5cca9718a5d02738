"""The settings object (flows/domain/settings.py): the project root found from the package, not the current
directory; the work directory var/ (or ZWGK_HOME) for everything zwgk makes; flags first; data/ inputs only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from conftest import tree_state
from flows.domain.settings import PROJECT_ROOT, beside_warehouse, settings

ROOT = Path(__file__).resolve().parents[2]
PROBE = ("import json; from flows.domain.settings import settings; from flows.steps.prefect_server import state_dir; "
         "s = settings(); print(json.dumps({'root': str(s.root), 'home': str(s.home), 'warehouse': str(s.warehouse), "
         "'out': str(s.out), 'prefect': str(state_dir()), 'crawl': str(s.crawl)}))")


def _probe(cwd: Path, **env_changes: str | None) -> dict:
    import json

    env = dict(os.environ)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    proc = subprocess.run([sys.executable, "-c", PROBE], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_root_is_found_from_the_package_not_the_current_directory(tmp_path):
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    for cwd in (tmp_path, deep, ROOT / "flows", ROOT):
        found = _probe(cwd, ZWGK_HOME=None)
        assert Path(found["root"]) == ROOT == PROJECT_ROOT, cwd
        assert Path(found["home"]) == ROOT / "var"
        assert Path(found["warehouse"]) == ROOT / "var" / "warehouse.duckdb"
        assert Path(found["out"]) == ROOT / "var" / "out"
        assert Path(found["prefect"]) == ROOT / "var" / "prefect"


def test_zwgk_home_moves_the_work_directory(tmp_path):
    found = _probe(tmp_path, ZWGK_HOME=str(tmp_path / "home"))
    assert Path(found["home"]) == tmp_path / "home"
    assert Path(found["warehouse"]) == tmp_path / "home" / "warehouse.duckdb"
    assert Path(found["crawl"]) == tmp_path / "home" / "crawl"
    assert Path(found["prefect"]) == tmp_path / "home" / "prefect"  # the Prefect server's state too
    relative = _probe(tmp_path, ZWGK_HOME="rel/home")  # a relative ZWGK_HOME: from the current directory
    assert Path(relative["home"]) == tmp_path / "rel" / "home"


def test_settings_are_read_when_asked_not_at_import(tmp_path, monkeypatch):
    monkeypatch.setenv("ZWGK_HOME", str(tmp_path / "one"))
    assert settings().warehouse == tmp_path / "one" / "warehouse.duckdb"
    monkeypatch.setenv("ZWGK_HOME", str(tmp_path / "two"))
    assert settings().out == tmp_path / "two" / "out"
    assert settings(tmp_path / "three").work == tmp_path / "three" / "work"  # an explicit home wins
    monkeypatch.delenv("ZWGK_HOME")
    assert settings().home == ROOT / "var"


def test_what_belongs_to_a_warehouse_sits_beside_it(tmp_path, monkeypatch):
    monkeypatch.setenv("ZWGK_HOME", str(tmp_path / "home"))
    assert beside_warehouse(None, "logs") == tmp_path / "home" / "logs"
    assert beside_warehouse(tmp_path / "elsewhere" / "w.duckdb", "crawl") == tmp_path / "elsewhere" / "crawl"
    from flows.steps.runlog import log_file_for

    assert log_file_for(tmp_path / "x" / "w.duckdb") == tmp_path / "x" / "logs" / "zwgk.log"


def test_commands_default_to_zwgk_home_and_flags_win(tmp_path, monkeypatch, seed_path):
    """`zwgk ingest` and `zwgk transform` write the warehouse under ZWGK_HOME by default, and only where
    --warehouse says when it is given."""
    home = tmp_path / "home"
    monkeypatch.setenv("ZWGK_HOME", str(home))
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(seed_path)])
    assert result.exit_code == 0, result.output
    assert (home / "warehouse.duckdb").is_file()
    flagged = tmp_path / "flag" / "mine.duckdb"
    flagged.parent.mkdir()
    mtime = (home / "warehouse.duckdb").stat().st_mtime_ns
    result = runner.invoke(app, ["transform", "--warehouse", str(flagged)])
    assert result.exit_code == 0, result.output
    assert flagged.is_file() and (home / "warehouse.duckdb").stat().st_mtime_ns == mtime
    result = runner.invoke(app, ["runs", "--json"])
    assert result.exit_code == 0 and result.output.strip() == "[]"


def test_crawl_store_defaults_to_the_work_directory(tmp_path, monkeypatch):
    """`zwgk crawl` without --store keeps its store under ZWGK_HOME/crawl/<config name>/ (a real crawl of two
    columns of a small generated demo portal on 127.0.0.1)."""
    from data.demo.portal import demo_config, generate_demo_portal, serve_directory
    from flows.ingest.crawler.config import write_config

    home = tmp_path / "home"
    monkeypatch.setenv("ZWGK_HOME", str(home))
    root = generate_demo_portal(tmp_path / "portal", units=["自然资源局", "章华镇"])
    with serve_directory(root) as base:
        config = write_config(demo_config(base), tmp_path / "demo.toml")
        head, *columns = config.read_text(encoding="utf-8").split("[[columns]]")
        config.write_text(head + "[[columns]]" + "[[columns]]".join(columns[:2]), encoding="utf-8")
        before = tree_state(ROOT / "data")
        result = CliRunner().invoke(app, ["crawl", "--config", str(config), "--rate", "500", "--no-progress"])
    assert result.exit_code == 0, result.output
    store = home / "crawl" / "demo"
    assert store.is_dir() and any(store.iterdir())
    assert tree_state(ROOT / "data") == before  # nothing written under data/ (inputs only)


@pytest.mark.flow
@pytest.mark.slow
def test_a_default_run_writes_only_into_the_work_directory(default_run):
    """`zwgk run --draft-ok` started outside the checkout with no path flag: the warehouse, crawl store, demo
    portal, log and outputs are in ZWGK_HOME; the checkout (data/ included) is untouched."""
    proc, home = default_run.proc, default_run.home
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = home / "out" / "huarong" / "2021H1"
    assert f"输出目录：{out}" in proc.stdout
    for made in (out / "bulletin.md", out / "run.json", home / "warehouse.duckdb", home / "logs" / "zwgk.log",
                 home / "demo_portal" / "manifest.json", home / "prefect" / "server.json"):
        assert made.is_file(), made
    assert (home / "crawl" / "huarong").is_dir()
    assert default_run.after == default_run.before  # nothing in the checkout was created or changed
    assert not any(default_run.cwd.iterdir())  # nor in the current directory
    # data/ holds inputs only: the run created nothing there (a checkout from before the work directory may
    # still hold an old data/warehouse.duckdb; the run must not have touched it — the comparison above).
    made_in_data = {p for p in set(default_run.after) - set(default_run.before) if p.startswith("data/")}
    assert not made_in_data, made_in_data


def test_an_upgraded_checkout_is_told_where_its_old_warehouse_is(tmp_path, monkeypatch):
    """A checkout from before the work directory keeps its warehouse in data/: the first command on the
    default warehouse says how to move it (once per command, on stderr), and never moves it by itself."""
    import flows.domain.settings as settings_module

    root = tmp_path / "checkout"
    (root / "data").mkdir(parents=True)
    (root / "data" / "warehouse.duckdb").write_bytes(b"old")
    monkeypatch.setattr(settings_module, "PROJECT_ROOT", root)
    monkeypatch.delenv("ZWGK_HOME")
    hint = settings_module.legacy_warehouse_hint()
    assert hint and str(root / "data" / "warehouse.duckdb") in hint and str(root / "var") in hint
    monkeypatch.setenv("ZWGK_HOME", str(tmp_path / "home"))  # a chosen work directory: no hint
    assert settings_module.legacy_warehouse_hint() is None
    monkeypatch.delenv("ZWGK_HOME")
    (root / "var").mkdir()
    (root / "var" / "warehouse.duckdb").write_bytes(b"new")  # moved: no hint
    assert settings_module.legacy_warehouse_hint() is None
    assert (root / "data" / "warehouse.duckdb").read_bytes() == b"old"
