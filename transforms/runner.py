"""The small runner that applies the SQL in this folder to a DuckDB warehouse.

- ``raw/*.sql``      DDL of the append-only raw tables and the registry tables (idempotent).
- ``staging/*.sql``  one SELECT per file, created as a view named after the file.
- ``marts/*.sql``    one SELECT per file, parameterised by ``$county_slug`` and ``$period``,
                     materialised into a table named after the file, one county and period at a
                     time: the period's rows are deleted and inserted again in one transaction,
                     so a rerun replaces a period atomically and leaves the other periods alone.
- ``load/*.sql``, ``queries/*.sql``  statements the ingest and the renderers run with parameters.
- ``templates/*.sql`` statements whose table or column names vary (a build loop over the models):
                     filled only by ``template()``, from the known model names (see there).
- ``crawl_store/*.sql`` the crawl store's index (SQLite, its own file per county: ``connect_crawl_index``).

Models are ordered by the names they reference (a mart that reads another mart runs after it).
This is the one module that opens DuckDB (``connect``); the region layer (region_runner.py) uses
the same connect, model order and build loop (``build``).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent
LAYERS = ("staging", "marts")
MODEL_LAYERS = ("raw", "staging", "marts", "region")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PLACEHOLDER = re.compile(r"\{(table|view|column|folder|columns|order|model)\}")
_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.I)


@cache
def sql(name: str) -> str:
    """The text of ``transforms/<name>.sql`` (e.g. ``queries/units_for_period``)."""
    path = SQL_DIR / f"{name}.sql"
    return path.read_text(encoding="utf-8")


def models(layer: str) -> dict[str, str]:
    """name → SQL for every model of a layer (a folder under transforms/), in dependency order."""
    found = {p.stem: p.read_text(encoding="utf-8") for p in sorted((SQL_DIR / layer).glob("*.sql"))}
    return {name: found[name] for name in _toposort(found, layer)}


@cache
def known_tables() -> frozenset[str]:
    """Every table or view the model files define: their file names, and the tables the raw DDL creates."""
    names = {p.stem for layer in MODEL_LAYERS for p in (SQL_DIR / layer).glob("*.sql")}
    for path in (SQL_DIR / "raw").glob("*.sql"):
        names.update(re.findall(r"CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+(\w+)", path.read_text(encoding="utf-8"), re.I))
    return frozenset(names)


def _identifier(value: str, *, table: bool) -> str:
    """A name a template may hold: letters, digits and _ only; a table or view must be one the model
    files define (``src_<mart>``: the region's view of a mart's Parquet files). Never a user's value."""
    if not isinstance(value, str) or not _IDENT.match(value):
        raise ValueError(f"transforms: not an identifier: {value!r}")
    if table and value not in known_tables() and value.removeprefix("src_") not in known_tables():
        raise ValueError(f"transforms: {value!r} is not a model of transforms/")
    return value


def template(name: str, **fill) -> str:
    """The statement ``templates/<name>.sql`` with its placeholders filled — the one way a table or
    column name enters SQL here. Values are never placeholders: they are always parameters.

    - ``{table}``, ``{view}``: a table or view the model files define (``known_tables``), double-quoted;
      ``{folder}``: the same name bare (inside a string literal, e.g. a Parquet folder).
    - ``{column}``: a column name read from the catalog (letters, digits, _), double-quoted.
    - ``{columns}``: ``[(column, cast)]``, cast ``None`` or ``"BIGINT"``; ``{order}``: ``[column]``.
    - ``{model}``: the SELECT of a model or query file, as ``models()`` / ``sql()`` return it.
    """
    def quoted(value: str, table: bool) -> str:
        return f'"{_identifier(value, table=table)}"'

    def render(match: re.Match) -> str:
        key = match.group(1)
        if key not in fill:
            raise KeyError(f"templates/{name}.sql: no value for {{{key}}}")
        value = fill[key]
        if key in ("table", "view"):
            return quoted(value, True)
        if key == "folder":
            return _identifier(value, table=True)
        if key == "column":
            return quoted(value, False)
        if key == "order":
            return ", ".join(quoted(c, False) for c in value)
        if key == "columns":
            if any(cast not in (None, "BIGINT") for _, cast in value):
                raise ValueError(f"templates/{name}.sql: casts may only be BIGINT")
            return ", ".join(f"CAST({quoted(c, False)} AS {cast}) AS {quoted(c, False)}" if cast
                             else quoted(c, False) for c, cast in value)
        return value  # model: the text of a .sql file under transforms/

    body = re.sub(r"^--[^\n]*\n", "", sql(f"templates/{name}"), flags=re.M)  # the header names placeholders
    return _PLACEHOLDER.sub(render, body)


def _toposort(found: Mapping[str, str], layer: str = "") -> list[str]:
    deps = {
        name: {other for other in found if other != name and re.search(rf"\b{other}\b", _strip_comments(text))}
        for name, text in found.items()
    }
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order:
            return
        if name in visiting:
            raise RuntimeError(f"transforms{'/' + layer if layer == 'region' else ''}: models reference each other "
                               f"in a cycle at {name}")
        visiting.add(name)
        for dep in sorted(deps[name]):
            visit(dep)
        visiting.discard(name)
        order.append(name)

    for name in sorted(found):
        visit(name)
    return order


def _strip_comments(text: str) -> str:
    return re.sub(r"--[^\n]*", "", text)


def execute(con: duckdb.DuckDBPyConnection, statement: str, params=None) -> list[tuple]:
    """Run one statement and consume its result (DuckDB 2 refuses new work while one is pending)."""
    return con.execute(statement, params).fetchall() if params else con.execute(statement).fetchall()


def scalar(con: duckdb.DuckDBPyConnection, statement: str, params=None):
    rows = execute(con, statement, params)
    return rows[0][0] if rows else None


def connect(path: str | Path = ":memory:", *, read_only: bool = False, memory_limit: str | None = None,
            threads: int | None = None, schema: bool = True, check_memory: bool = False
            ) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file (the one place that does). The county warehouse (``schema``): make sure the
    raw tables and staging views exist when writable. ``check_memory``: refuse a memory limit not
    written like 512MB or 2GiB (the region's option)."""
    if str(path) != ":memory:" and (schema or not read_only):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    config = {}
    if memory_limit:
        if check_memory and not _MEMORY.match(str(memory_limit)):
            raise ValueError(f"memory_limit 应形如 512MB、1GB、2GiB，实为 {memory_limit!r}")
        config["memory_limit"] = str(memory_limit).replace(" ", "") if check_memory else memory_limit
    if threads:
        config["threads"] = int(threads)
    con = duckdb.connect(str(path), read_only=read_only, config=config)
    if schema and not read_only:
        ensure_schema(con)
    return con


def connect_crawl_index(path: str | Path) -> sqlite3.Connection:
    """Open a crawl store's index (SQLite: one file per county, written by the crawl's threads under
    the store's lock, autocommit; ``crawl_store/begin.sql`` opens a transaction) with its schema."""
    con = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    con.executescript(sql("crawl_store/settings"))
    con.executescript(sql("crawl_store/schema"))
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    with transaction(con):
        for path in sorted((SQL_DIR / "raw").glob("*.sql")):
            execute(con, path.read_text(encoding="utf-8"))
        # Counts are 64-bit (a count of 1e12 is reported as implausible, not a crash): widen the
        # INTEGER columns of warehouses created before, once. Identifiers come from the query's fixed list.
        for table, column in execute(con, sql("queries/narrow_count_columns")):
            execute(con, template("widen_column", table=table, column=column))
        for name, text in models("staging").items():
            execute(con, template("create_view", table=name, model=text))


_open_transactions: set[int] = set()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """BEGIN … COMMIT, or ROLLBACK on any error: nothing is half-written. Nested blocks join the
    outermost one (DuckDB has no savepoints): several loads can be one all-or-nothing transaction."""
    if id(con) in _open_transactions:
        yield con
        return
    con.begin()
    _open_transactions.add(id(con))
    try:
        yield con
    except BaseException:
        _open_transactions.discard(id(con))
        con.rollback()
        raise
    _open_transactions.discard(id(con))
    con.commit()


def columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]] | None:
    """(name, type) of a table's columns in order; None when there is no such table."""
    rows = execute(con, sql("queries/table_columns"), {"t": table})
    return [(r[0], r[1]) for r in rows] or None


def _bind(text: str, params: Mapping[str, object]) -> dict:
    """Only the parameters a statement names (DuckDB rejects extra ones)."""
    return {k: v for k, v in params.items() if re.search(rf"\${k}\b", text)}


def run_marts(con: duckdb.DuckDBPyConnection, county_slug: str, period: str, *, family: str = "bulletin"
              ) -> dict[str, int]:
    """Materialise every mart for one county and period, atomically. Returns rows per mart.

    Models may use $county_slug, $period, $period_kind, $period_start and $period_end (from flows/domain/periods.py).
    ``family="annual"`` materialises the annual-report marts (``marts/annual_*.sql``, period = the
    year) instead of the bulletin's: the two never rebuild each other.
    """
    from flows.domain.periods import parse_period

    p = parse_period(period)
    all_params = {"county_slug": county_slug, "period": p.code, "period_start": p.start, "period_end": p.end,
                  "period_kind": p.kind}
    marts = {name: text for name, text in models("marts").items()
             if name.startswith("annual_") == (family == "annual")}
    counts, rebuild = build(con, marts, all_params, {"county_slug": county_slug, "period": p.code})
    for other_county, other_period in dict.fromkeys((c, o) for c, o in rebuild if (c, o) != (county_slug, period)):
        run_marts(con, other_county, other_period, family=family)
    return counts


def build(con: duckdb.DuckDBPyConnection, todo: Mapping[str, str], params: Mapping[str, object],
          keys: Mapping[str, object]) -> tuple[dict[str, int], list[tuple]]:
    """Materialise the models ``todo`` (name → SELECT, in order) for one partition, in one transaction:
    the partition's rows are deleted and inserted again. ``keys`` names the partition: county_slug
    and period (a county's marts) or period alone (the region's models). A model whose columns
    changed is dropped and recreated. Returns rows per model and, for county partitions, the other
    partitions the recreated tables held (the caller rebuilds them)."""
    scope = "partition" if "county_slug" in keys else "period"
    counts: dict[str, int] = {}
    rebuilt: list[tuple] = []
    with transaction(con):
        for name, text in todo.items():
            bound = _bind(text, params)
            wanted = [(r[0], r[1]) for r in execute(con, template("describe_model", model=text), bound)]
            existing = columns(con, name)
            if existing is not None and existing != wanted:
                if scope == "partition":
                    rebuilt.extend(execute(con, template("model_partitions", table=name)))
                execute(con, template("drop_table", table=name))
                existing = None
            if existing is None:
                execute(con, template("create_empty", table=name, model=text), bound)
            execute(con, template(f"delete_{scope}", table=name), dict(keys))
            execute(con, template("insert_model", table=name, model=text), bound)
            counts[name] = int(scalar(con, template(f"count_{scope}", table=name), dict(keys)))
    return counts, rebuilt


def run_all(con: duckdb.DuckDBPyConnection, pairs: Iterable[tuple[str, str]] | None = None) -> int:
    """Rebuild the marts for every county and period loaded (or the pairs given)."""
    todo = list(pairs) if pairs is not None else execute(con, sql("queries/periods_loaded"))
    for county_slug, period in todo:
        run_marts(con, county_slug, period)
    if pairs is None:  # and every annual review (docs/annual-reports.md)
        years = execute(con, sql("queries/annual_years_loaded"))
        for county_slug, year in years:
            run_marts(con, county_slug, year, family="annual")
        return len(todo) + len(years)
    return len(todo)


def query(con: duckdb.DuckDBPyConnection, name: str, **params):
    """Run ``queries/<name>.sql`` with named parameters; returns a pandas DataFrame."""
    text = sql(f"queries/{name}")
    return con.execute(text, _bind(text, params)).df()
