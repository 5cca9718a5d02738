"""The layout's invariants, checked over the tree (issue 11; docs in BRIEF's layout and transforms/runner.py):

- DuckDB is opened in one module, transforms/runner.py (``duckdb.connect`` nowhere else in the product
  or its tests);
- no SQL statement lives in a Python string under flows/, transforms/, expectations/, reports/: every
  statement is a .sql file under transforms/ (names that vary go through runner.template);
- no tracked file refers to a file outside the repository (the shared notes folder beside the checkout).
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("flows", "transforms", "expectations", "reports")
OPENS_DUCKDB = (*PRODUCT, "tests")  # tests inspect warehouses through the runner too
CONNECT_MODULE = Path("transforms/runner.py")

# A statement's opening words, with real whitespace between them (a regex or a sentence that starts with
# "Select" or "Drop" is not a statement). Transaction verbs only in capitals, alone.
SQL_STATEMENT = re.compile(
    r"""^\s*(?:
        (?:WITH\s+(?:RECURSIVE\s+)?\w+\s+AS\s*\()
      | (?:SELECT\s+(?:DISTINCT\s+)?[\w*"(].*?\bFROM\b)
      | (?:SELECT\s+\d)
      | (?:INSERT\s+(?:OR\s+\w+\s+)?INTO\s)
      | (?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\w*\s+)?(?:UNIQUE\s+)?
           (?:TABLE|VIEW|INDEX|SCHEMA|SEQUENCE|MACRO|TYPE)\s)
      | (?:DELETE\s+FROM\s) | (?:UPDATE\s+[\w"]+\s+SET\s) | (?:DROP\s+(?:TABLE|VIEW|INDEX|SCHEMA|MACRO)\s)
      | (?:ALTER\s+TABLE\s) | (?:COPY\s*\() | (?:COPY\s+[\w"]+\s+(?:TO|FROM)\s)
      | (?:ATTACH\s+(?:DATABASE\s+)?['"$?:]) | (?:DETACH\s+\w) | (?:PRAGMA\s+\w) | (?:SET\s+(?:VARIABLE\s+)?\w+\s*=)
      | (?:DESCRIBE\s+(?:SELECT|TABLE|[\w"]+\s*$)) | (?:INSTALL\s+\w+\s*;?\s*$) | (?:LOAD\s+\w+\s*;?\s*$)
    )""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)
TRANSACTION = re.compile(r"^\s*(BEGIN(\s+TRANSACTION)?|COMMIT|ROLLBACK|CHECKPOINT)\s*;?\s*$")


def _tracked(*patterns: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z", "--", *patterns], cwd=ROOT, capture_output=True, check=True)
    return [Path(p) for p in out.stdout.decode().split("\0") if p]


def _python_files(folders=PRODUCT) -> list[Path]:
    return [p for p in _tracked(*(f"{d}/*.py" for d in folders)) if (ROOT / p).exists()]


def _strings(tree: ast.AST):
    """(line, text) of every string literal; an f-string as its literal parts with {} for each value."""
    inside_fstring: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            inside_fstring.update(id(v) for v in node.values)
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            yield node.lineno, text
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in inside_fstring:
            yield node.lineno, node.value


def is_sql_statement(text: str) -> bool:
    return bool(SQL_STATEMENT.match(text) or TRANSACTION.match(text))


@pytest.mark.parametrize("text", [
    "SELECT count(*) FROM raw_loads WHERE load_id = $id",
    'INSERT OR REPLACE INTO responses VALUES (?,?)',
    "CREATE TABLE IF NOT EXISTS t (a INT)",
    'CREATE OR REPLACE TEMP VIEW "src_{}" AS SELECT 1',
    'DELETE FROM "{}" WHERE period = $period',
    "UPDATE crawls SET finished_at = ? WHERE crawl_id = ?",
    "WITH source AS (SELECT 1) SELECT * FROM source",
    "COPY ({}) TO '{}' (HEADER)",
    "PRAGMA journal_mode=WAL",
    "ALTER TABLE t ALTER c TYPE BIGINT",
    "BEGIN TRANSACTION",
    "ROLLBACK",
    "SET VARIABLE x = 1",
    "DESCRIBE SELECT * FROM ({})",
])
def test_the_scan_recognises_statements(text):
    assert is_sql_statement(text)


@pytest.mark.parametrize("text", [
    "Select the units of the period.", "Drop blank edge cells until n remain", "load/insert_run", "copy",
    "begin", "Update the registry first", "CREATE\\s+TABLE\\s+IF", "Load one parsed bulletin", "SET",
])
def test_the_scan_lets_prose_and_names_pass(text):
    assert not is_sql_statement(text)


def test_no_sql_statement_in_a_python_string():
    found = []
    for path in _python_files():
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=str(path))
        found += [f"{path}:{line}: {text[:60]!r}" for line, text in _strings(tree) if is_sql_statement(text)]
    assert not found, "SQL belongs in a .sql file under transforms/:\n" + "\n".join(found)


def test_duckdb_is_opened_in_one_module():
    found = []
    for path in _python_files(OPENS_DUCKDB):
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr == "connect" and isinstance(node.value, ast.Name)
                    and node.value.id == "duckdb" and path != CONNECT_MODULE):
                found.append(f"{path}:{node.lineno}")
            if (isinstance(node, ast.ImportFrom) and node.module == "duckdb"
                    and any(a.name == "connect" for a in node.names)):
                found.append(f"{path}:{node.lineno} (from duckdb import connect)")
    assert not found, "open DuckDB through transforms/runner.py:\n" + "\n".join(found)
    assert "duckdb.connect(" in (ROOT / CONNECT_MODULE).read_text(encoding="utf-8")


def test_no_reference_outside_the_repository():
    pattern = re.compile(r"\.\./" + "shared" + "|/work/" + "shared")  # split, so this file names neither
    found = []
    for path in _tracked():
        file = ROOT / path
        if path == Path(__file__).relative_to(ROOT) or not file.is_file():
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{path}:{n}" for n, line in enumerate(text.splitlines(), 1) if pattern.search(line)]
    assert not found, "files outside the repository are not part of the product:\n" + "\n".join(found)


def test_templates_take_only_known_model_names():
    from transforms import runner

    assert runner.template("drop_table", table="unit_period_counts").strip() == 'DROP TABLE "unit_period_counts"'
    assert 'VIEW "src_period_totals"' in runner.template("source_view", view="src_period_totals",
                                                        folder="period_totals")
    for bad in ('unit_period_counts"; DROP TABLE raw_loads; --', "no_such_model", "src_no_such_model", "公安局"):
        with pytest.raises(ValueError):
            runner.template("drop_table", table=bad)
    with pytest.raises(ValueError):
        runner.template("widen_column", table="raw_reported_rows", column='count" TYPE VARCHAR; --')
    with pytest.raises(ValueError):
        runner.template("export_partition", table="period_totals", columns=[("stated", "VARCHAR")], order=[])
