"""The small runner that applies the SQL in this folder to a DuckDB warehouse.

- ``raw/*.sql``      DDL of the append-only raw tables and the registry tables (idempotent).
- ``staging/*.sql``  one SELECT per file, created as a view named after the file.
- ``marts/*.sql``    one SELECT per file, parameterised by ``$county_slug`` and ``$period``,
                     materialised into a table named after the file, one county and period at a
                     time: the period's rows are deleted and inserted again in one transaction,
                     so a rerun replaces a period atomically and leaves the other periods alone.
- ``load/*.sql``, ``queries/*.sql``  statements the ingest and the renderers run with parameters.

Models are ordered by the names they reference (a mart that reads another mart runs after it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent
LAYERS = ("staging", "marts")


@cache
def sql(name: str) -> str:
    """The text of ``transforms/<name>.sql`` (e.g. ``queries/units_for_period``)."""
    path = SQL_DIR / f"{name}.sql"
    return path.read_text(encoding="utf-8")


def models(layer: str) -> dict[str, str]:
    """name → SQL for every model of a layer, in dependency order."""
    found = {p.stem: p.read_text(encoding="utf-8") for p in sorted((SQL_DIR / layer).glob("*.sql"))}
    return {name: found[name] for name in _toposort(found)}


def _toposort(found: Mapping[str, str]) -> list[str]:
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
            raise RuntimeError(f"transforms: models reference each other in a cycle at {name}")
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


def connect(path: str | Path = ":memory:", *, read_only: bool = False, memory_limit: str | None = None
            ) -> duckdb.DuckDBPyConnection:
    """Open the warehouse and make sure the raw tables and staging views exist."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    config = {"memory_limit": memory_limit} if memory_limit else {}
    con = duckdb.connect(str(path), read_only=read_only, config=config)
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    with transaction(con):
        for path in sorted((SQL_DIR / "raw").glob("*.sql")):
            execute(con, path.read_text(encoding="utf-8"))
        # Counts are 64-bit (a count of 1e12 is reported as implausible, not a crash): widen the
        # INTEGER columns of warehouses created before, once. Identifiers come from the query's fixed list.
        for table, column in execute(con, sql("queries/narrow_count_columns")):
            execute(con, f'ALTER TABLE "{table}" ALTER "{column}" TYPE BIGINT')
        for name, text in models("staging").items():
            execute(con, f'CREATE OR REPLACE VIEW "{name}" AS\n{text}')


_open_transactions: set[int] = set()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """BEGIN … COMMIT, or ROLLBACK on any error: nothing is half-written. Nested blocks join the
    outermost one (DuckDB has no savepoints): several loads can be one all-or-nothing transaction."""
    if id(con) in _open_transactions:
        yield con
        return
    execute(con, "BEGIN TRANSACTION")
    _open_transactions.add(id(con))
    try:
        yield con
    except BaseException:
        _open_transactions.discard(id(con))
        execute(con, "ROLLBACK")
        raise
    _open_transactions.discard(id(con))
    execute(con, "COMMIT")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]] | None:
    rows = execute(
        con,
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $t "
        "ORDER BY ordinal_position",
        {"t": table},
    )
    return [(r[0], r[1]) for r in rows] or None


def _bind(text: str, params: Mapping[str, object]) -> dict:
    """Only the parameters a statement names (DuckDB rejects extra ones)."""
    return {k: v for k, v in params.items() if re.search(rf"\${k}\b", text)}


def run_marts(con: duckdb.DuckDBPyConnection, county_slug: str, period: str, *, family: str = "bulletin"
              ) -> dict[str, int]:
    """Materialise every mart for one county and period, atomically. Returns rows per mart.

    Models may use $county_slug, $period, $period_kind, $period_start and $period_end (from flows/periods.py).
    ``family="annual"`` materialises the annual-report marts (``marts/annual_*.sql``, period = the
    year) instead of the bulletin's: the two never rebuild each other.
    """
    from flows.periods import parse_period

    p = parse_period(period)
    all_params = {"county_slug": county_slug, "period": p.code, "period_start": p.start, "period_end": p.end,
                  "period_kind": p.kind}
    counts: dict[str, int] = {}
    rebuild: list[str] = []
    with transaction(con):
        for name, text in models("marts").items():
            if name.startswith("annual_") != (family == "annual"):
                continue
            params = _bind(text, all_params)
            wanted = [(r[0], r[1]) for r in execute(con, f"DESCRIBE SELECT * FROM ({text})", params)]
            existing = _columns(con, name)
            if existing is not None and existing != wanted:
                # The model's columns changed: rebuild it, and later every other period it held.
                others = execute(con, f'SELECT DISTINCT county_slug, period FROM "{name}"')
                rebuild.extend(f"{c}\t{p}" for c, p in others if (c, p) != (county_slug, period))
                execute(con, f'DROP TABLE "{name}"')
                existing = None
            if existing is None:
                execute(con, f'CREATE TABLE "{name}" AS SELECT * FROM ({text}) LIMIT 0', params)
            keys = {"county_slug": county_slug, "period": p.code}
            execute(con, f'DELETE FROM "{name}" WHERE county_slug = $county_slug AND period = $period', keys)
            execute(con, f'INSERT INTO "{name}" BY NAME {text}', params)
            counts[name] = scalar(
                con, f'SELECT count(*) FROM "{name}" WHERE county_slug = $county_slug AND period = $period', keys
            )
    for key in dict.fromkeys(rebuild):
        other_county, other_period = key.split("\t")
        run_marts(con, other_county, other_period, family=family)
    return counts


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
