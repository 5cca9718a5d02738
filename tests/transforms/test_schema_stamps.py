"""The warehouse's schema stamps (transforms/raw/schema_stamps.sql, docs/architecture.md): opening a warehouse
and building its marts check the structure instead of redoing it, and anything that changed the structure
(a model file, DuckDB's version, a table altered or dropped behind zwgk's back) takes the full path again."""

from __future__ import annotations

import duckdb
import pytest

from transforms import model_files, runner


def _statements(monkeypatch) -> list[str]:
    """Every statement runner.execute runs from now on."""
    seen: list[str] = []
    real = runner.execute

    def spy(con, statement, params=None):
        seen.append(statement)
        return real(con, statement, params)

    monkeypatch.setattr(runner, "execute", spy)
    return seen


def _ddl(statements: list[str]) -> list[str]:
    """The statements that make or inspect structure (comment lines left out), each from its first keyword."""
    bare = [model_files.strip_comments(s).strip() for s in statements]
    return [s for s in bare if s.upper().startswith(("CREATE", "DESCRIBE", "DROP", "ALTER"))]


def test_a_stamped_warehouse_opens_without_ddl_and_builds_without_describing(tmp_path, monkeypatch):
    path = tmp_path / "wh.duckdb"
    con = runner.connect(path)
    runner.run_marts(con, "huarong", "2021H1")
    con.close()
    seen = _statements(monkeypatch)
    con = runner.connect(path)
    assert _ddl(seen) == []  # the stamp matched: no view made again
    runner.run_marts(con, "huarong", "2021H1")
    assert not [s for s in _ddl(seen) if s.upper().startswith("DESCRIBE")]
    con.close()


def test_a_new_warehouse_gets_every_table_and_view_and_its_stamps(tmp_path):
    con = runner.connect(tmp_path / "wh.duckdb")
    runner.run_marts(con, "huarong", "2021H1")
    parts = {p for (p,) in con.execute("SELECT part FROM schema_stamps").fetchall()}
    assert parts == {"schema", "marts:bulletin"}
    tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    bulletin_marts = {m for m in runner.models("marts") if not m.startswith("annual_")}
    assert set(runner.models("staging")) <= tables and bulletin_marts <= tables
    con.close()


def test_a_dropped_view_is_made_again_when_the_warehouse_is_opened(tmp_path):
    path = tmp_path / "wh.duckdb"
    runner.connect(path).close()
    raw = runner.connect(path, schema=False)
    view = sorted(runner.models("staging"))[0]
    raw.execute(f'DROP VIEW "{view}"')
    raw.close()
    con = runner.connect(path)
    assert runner.columns(con, view) is not None
    con.close()


def test_an_altered_view_definition_is_replaced(tmp_path):
    path = tmp_path / "wh.duckdb"
    runner.connect(path).close()
    raw = runner.connect(path, schema=False)
    view = "stg_registry" if "stg_registry" in runner.models("staging") else sorted(runner.models("staging"))[0]
    (before,) = raw.execute("SELECT sql FROM duckdb_views() WHERE view_name = ?", [view]).fetchone()
    raw.execute(f'CREATE OR REPLACE VIEW "{view}" AS SELECT 1 AS x')
    raw.close()
    con = runner.connect(path)
    assert con.execute("SELECT sql FROM duckdb_views() WHERE view_name = ?", [view]).fetchone() == (before,)
    con.close()


def test_a_changed_model_file_or_duckdb_version_takes_the_full_path(tmp_path, monkeypatch):
    path = tmp_path / "wh.duckdb"
    con = runner.connect(path)
    runner.run_marts(con, "huarong", "2021H1")
    con.close()
    real = model_files.files_digest
    monkeypatch.setattr(runner, "files_digest", lambda *layers: real(*layers) + "-edited")
    seen = _statements(monkeypatch)
    con = runner.connect(path)
    runner.run_marts(con, "huarong", "2021H1")
    assert any(s.upper().startswith("CREATE") for s in _ddl(seen))
    assert any(s.upper().startswith("DESCRIBE") for s in _ddl(seen))
    con.close()
    monkeypatch.undo()
    monkeypatch.setattr(duckdb, "__version__", duckdb.__version__ + ".next")
    seen = _statements(monkeypatch)
    runner.connect(path).close()
    assert _ddl(seen)


@pytest.mark.parametrize("layer", ["raw", "staging", "marts"])
def test_the_file_digest_follows_every_file_of_a_layer(layer, tmp_path, monkeypatch):
    """An edit to any one .sql file of the layer changes the digest (the files are read again when one changes)."""
    copy = tmp_path / "transforms"
    for sub in ("raw", "staging", "marts"):
        (copy / sub).mkdir(parents=True)
        for p in (model_files.SQL_DIR / sub).glob("*.sql"):
            (copy / sub / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(model_files, "SQL_DIR", copy)
    before = model_files.files_digest("raw", "staging", "marts")
    target = sorted((copy / layer).glob("*.sql"))[-1]
    target.write_text(target.read_text(encoding="utf-8") + "\n-- edited\n", encoding="utf-8")
    assert model_files.files_digest("raw", "staging", "marts") != before
