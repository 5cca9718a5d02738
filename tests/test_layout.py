"""The layout's invariants, checked over the tree (issue 11; docs in BRIEF's layout and transforms/runner.py):

- DuckDB is opened in one module, transforms/runner.py (``duckdb.connect`` nowhere else in the product
  or its tests);
- no SQL statement lives in a Python string under flows/, transforms/, expectations/, reports/: every
  statement is a .sql file under transforms/ (names that vary go through runner.template);
- no tracked file refers to a file outside the repository (the shared notes folder beside the checkout);
- no module under flows/, transforms/, expectations/, reports/, data/demo/ is over 500 lines and no function
  over 100 lines;
- Prefect is imported only by the orchestration modules directly under flows/ (the flows, the schedule,
  the server); the rooms below them (flows/domain, flows/ingest, flows/steps, flows/alerts,
  flows/commands) and transforms/, expectations/, reports/ never import it, so tests call them plainly;
- the tests mirror the tree: each test module sits in the folder of the room it tests.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
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


# --- sizes: a module a reader can hold, a function a reader can follow -----------------------------------
SIZED = (*PRODUCT, "data/demo")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 100

def oversized(paths: list[Path]) -> list[str]:
    """Modules over MAX_MODULE_LINES lines and functions (methods, nested ones) over MAX_FUNCTION_LINES."""
    found = []
    for path in paths:
        text = (ROOT / path).read_text(encoding="utf-8")
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            found.append(f"{path}: {lines} lines (at most {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(text, filename=str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{path}:{node.lineno} {node.name}(): {length} lines (at most {MAX_FUNCTION_LINES})")
    return found


def test_the_size_scan_finds_long_modules_and_functions(tmp_path, monkeypatch):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    (tmp_path / "long.py").write_text(f"def long():\n{body}\n\n\ndef short():\n    return 1\n" + "\n" * 400,
                                      encoding="utf-8")  # 505 lines; long() is 101 lines, short() 2
    (tmp_path / "fits.py").write_text(f"def fits():\n{body[:body.rindex(chr(10))]}\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert oversized([Path("long.py"), Path("fits.py")]) == [
        f"long.py: 505 lines (at most {MAX_MODULE_LINES})",
        f"long.py:1 long(): {MAX_FUNCTION_LINES + 1} lines (at most {MAX_FUNCTION_LINES})",
    ]


def test_no_module_over_500_lines_and_no_function_over_100():
    paths = _python_files(SIZED)
    assert len(paths) > 100  # the scan saw the rooms
    found = oversized(paths)
    assert not found, "split the module or the function into named parts:\n" + "\n".join(found)


def _prefect_imports(path: Path) -> list[int]:
    """Lines of ``import prefect…`` / ``from prefect… import`` anywhere in a module (lazy ones too)."""
    lines = []
    for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=str(path))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
        if any(n == "prefect" or n.startswith(("prefect.", "prefect_")) for n in names):
            lines.append(node.lineno)
    return lines


def test_prefect_is_imported_only_by_the_orchestration_modules():
    paths = _python_files(SIZED)
    importers = {str(p) for p in paths if _prefect_imports(p)}
    assert "flows/county_flow.py" in importers  # the scan sees an import
    outside = sorted(p for p in importers if Path(p).parent != Path("flows"))
    assert not outside, "Prefect belongs to the flows/*.py orchestration modules; move the step into " \
                        "flows/steps/ as a plain function: " + ", ".join(outside)


TEST_ROOMS = {"domain", "ingest", "transforms", "expectations", "reports", "alerts", "flows"}


def test_tests_mirror_the_rooms():
    tests = [p for p in _tracked("tests/*.py") if p.name.startswith("test_")]
    misplaced = [str(p) for p in tests
                 if len(p.parts) != 2 + (p.parent != Path("tests")) or
                 (p.parent != Path("tests") and p.parent.name not in TEST_ROOMS)]
    assert not misplaced, f"put each test under tests/<room>/ ({', '.join(sorted(TEST_ROOMS))}): {misplaced}"
    top = sorted(p.name for p in tests if p.parent == Path("tests"))
    assert top == ["test_bad_inputs.py", "test_docs.py", "test_layout.py"], top  # whole-product tests only
    for room in TEST_ROOMS - {"domain", "alerts", "flows"}:
        assert (ROOT / room).is_dir() or (ROOT / "flows" / room).is_dir(), room


def test_flows_top_level_holds_flows_only_and_every_command_is_a_module_with_register():
    """The top of flows/ holds the flows and their wiring (≤ 8 modules); every command module in
    flows/commands/ has ``register(app)`` and flows/cli.py calls it (issue 23)."""
    import ast

    top = sorted(p.name for p in (ROOT / "flows").glob("*.py"))
    assert len(top) <= 8, top
    cli = (ROOT / "flows" / "cli.py").read_text(encoding="utf-8")
    for path in sorted((ROOT / "flows" / "commands").glob("*.py")):
        if path.name in ("__init__.py", "common.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert any(isinstance(n, ast.FunctionDef) and n.name == "register" for n in tree.body), path.name
        assert f"{path.stem}.register(app)" in cli, path.name


def test_every_path_docs_architecture_names_exists():
    """docs/architecture.md names files and folders by their path from the project root; each exists, but for
    the worked example's new rule, which the recipe adds (issue 23: the page had drifted)."""
    import re

    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rooms = ("flows/", "transforms/", "expectations/", "reports/", "tests/", "bench/", "docs/", "data/")
    named = {m for m in re.findall(r"`([A-Za-z0-9_./-]+)`", text) if m.startswith(rooms)}
    example = {p for p in named if "attachments_readable" in p}
    missing = sorted(p for p in named - example if not (ROOT / p.rstrip("/")).exists())
    assert len(named) > 20 and not missing, missing


def test_every_check_appears_in_docs_rules():
    """docs/rules.md names every check and every rule code (issue 23: `columns_complete` had gone missing)."""
    import re

    from expectations.checks import CHECKS

    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    named = {f"`{c.name}`" for c in CHECKS} | {f"`{c.code}`" for c in CHECKS if c.code}
    missing = sorted(named - set(re.findall(r"`[a-z_]+`", text)))
    assert not missing, missing


def test_every_command_appears_in_the_readme():
    """Each `zwgk` command the app registers is shown in the README as `zwgk <command>` (issue 23)."""
    from flows.cli import app

    names = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted(n for n in names if f"zwgk {n}" not in readme)
    assert len(names) >= 15 and not missing, missing


def test_every_test_path_the_docs_run_matches_a_file():
    """A `pytest PATH` shown in the README or docs/ matches at least one file (issue 23: docs/crawler.md's
    did not)."""
    import re

    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    shown = {(page.name, path) for page in pages
             for line in page.read_text(encoding="utf-8").splitlines() if "pytest" in line
             for path in re.findall(r"(tests/[\w/*.\-\[\]:]+\.py)", line)}
    assert len(shown) >= 3
    missing = sorted((name, path) for name, path in shown if not list(ROOT.glob(path.split("::")[0])))
    assert not missing, missing


def test_the_import_graph_has_no_cycle():
    """No module of the product imports, directly or through others, a module that imports it back — lazy
    imports inside functions included (issue 23). Strongly connected components of the static import graph."""
    import ast

    modules = {}
    for room in ("flows", "transforms", "expectations", "reports"):
        for path in (ROOT / room).rglob("*.py"):
            rel = path.relative_to(ROOT).with_suffix("")
            modules[".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)] = path

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps |= {known(a.name) for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                deps |= {known(f"{base}.{a.name}") if f"{base}.{a.name}" in modules else known(base)
                         for a in node.names}
        graph[name] = deps - {None, name}

    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert len(graph) > 100 and "flows.steps.pipeline" in graph["flows.county_flow"]
    assert not cycles, cycles
