"""The small runner that applies the SQL in this folder to a DuckDB warehouse.

- ``raw/*.sql``      DDL of the append-only raw tables and the registry tables (idempotent).
- ``staging/*.sql``  one SELECT per file, created as a view named after the file.
- ``marts/*.sql``    one SELECT per file over the build's scope (the temp table ``run_scope``:
                     county × period pairs), materialised into a table named after the file: the
                     scope's partitions are deleted and inserted again in one transaction, so a
                     rerun replaces its partitions atomically and leaves the others alone.
- ``region/*.sql``   the region's models over the county marts, one period at a time.
- ``scope/*.sql``    the build's scope table (created, filled and dropped inside the build).
- ``load/*.sql``, ``queries/*.sql``  statements the ingest and the renderers run with parameters.
- ``templates/*.sql`` statements whose table or column names vary (a build loop over the models):
                     filled only by ``template()``, from the known model names (see there).
- ``crawl_store/*.sql`` the crawl store's index (SQLite, its own file per county: ``connect_crawl_index``).

Models are ordered by the names they reference (a mart that reads another mart runs after it).
Marts are set-based (``run_scope``): one pass of the model files builds any set of county × period
pairs, listed in the temporary table ``run_scope`` the models join. The region's models
(``region/*.sql``, ``region_runner.run_region_models``) read the county marts through ``src_<mart>`` views: over
the marts in the same warehouse, or over their Parquet export (region_runner.py, which only lays
out the Parquet files and uses this module's connect, models and build).
This is the one module that opens DuckDB (``connect``).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb

from transforms.errors import StoreDamaged, WarehouseInUse
from transforms.model_files import files_digest, known_tables, layer_files, models, sql, template

_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.I)


def execute(con: duckdb.DuckDBPyConnection, statement: str, params=None) -> list[tuple]:
    """Run one statement and consume its result (DuckDB 2 refuses new work while one is pending)."""
    return con.execute(statement, params).fetchall() if params else con.execute(statement).fetchall()


def scalar(con: duckdb.DuckDBPyConnection, statement: str, params=None):
    rows = execute(con, statement, params)
    return rows[0][0] if rows else None


def _damaged(path, what: str, exc: Exception) -> StoreDamaged:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreDamaged(f"{path}: {what}无法读取（{first[:200]}）——文件已损坏或不是 zwgk 的{what}。"
                        "运行 zwgk doctor 查看；重建办法见 docs/reliability.md“损坏的仓库或采集存储”")


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
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():  # held by another process: the callers name it (runlock.holder)
            raise WarehouseInUse(str(exc)) from exc
        raise _damaged(path, "仓库", exc) from None
    if schema and not read_only:
        ensure_schema(con)
    return con


def connect_crawl_index(path: str | Path) -> sqlite3.Connection:
    """Open a crawl store's index (SQLite: one file per county, written by the crawl's threads under
    the store's lock, autocommit; ``crawl_store/begin.sql`` opens a transaction) with its schema."""
    con = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    try:
        con.executescript(sql("crawl_store/settings"))
        con.executescript(sql("crawl_store/schema"))
    except sqlite3.DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
        con.close()
        if "locked" in str(exc):
            raise
        raise _damaged(path, "采集存储", exc) from None
    return con


def _code_digest(*layers: str) -> str:
    """The model files of these layers, raw/'s DDL and DuckDB's version, as one hash."""
    return hashlib.sha256(f"duckdb {duckdb.__version__}\0{files_digest('raw', *layers)}".encode()).hexdigest()


def _catalog(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """name → (columns with types, view definition) for every table and view of the main schema."""
    return {name: (shape, definition) for name, shape, definition in execute(con, sql("queries/catalog_signature"))}


def _catalog_digest(catalog: Mapping[str, tuple[str, str]], names: Iterable[str]) -> str:
    return hashlib.sha256(repr([(n, catalog.get(n)) for n in sorted(set(names))]).encode()).hexdigest()


def _stamp_current(con: duckdb.DuckDBPyConnection, part: str, code: str, names: Iterable[str]) -> bool:
    """Whether this part of the structure was made by these model files and is still as they left it
    (raw/schema_stamps.sql): every table or view named is there, with the columns (and view
    definition) it had when stamped."""
    catalog = _catalog(con)
    if "schema_stamps" not in catalog:  # a new warehouse, or one made before the stamps
        return False
    stamp = execute(con, sql("queries/schema_stamp"), {"part": part})
    return bool(stamp) and stamp[0][0] == code and stamp[0][1] == _catalog_digest(catalog, names)


def _record_stamp(con: duckdb.DuckDBPyConnection, part: str, code: str, names: Iterable[str]) -> None:
    catalog = _catalog(con)
    if "schema_stamps" in catalog:  # not on a connection opened without the schema
        execute(con, sql("load/record_schema_stamp"),
                {"part": part, "code": code, "catalog": _catalog_digest(catalog, names)})


@cache
def _raw_tables() -> frozenset[str]:
    return frozenset(name for text in layer_files("raw").values()
                     for name in re.findall(r"CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+(\w+)", text, re.I))


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The raw tables and the staging views, made or brought up to date; skipped (one query) when the
    warehouse's stamp says the same model files made them and nothing was changed since."""
    names = _raw_tables() | set(models("staging"))
    code = _code_digest("staging")
    if _stamp_current(con, "schema", code, names):
        return
    with transaction(con):
        unmarked = columns(con, "raw_superseded_items") is None and columns(con, "raw_crawled_items") is not None
        for text in layer_files("raw").values():
            execute(con, text)
        if unmarked:  # a warehouse made before the supersession was kept at load: computed once, here
            slugs = [slug for (slug,) in execute(con, sql("queries/crawled_counties_unmarked"))]
            if slugs:
                execute(con, sql("load/mark_superseded"), {"county_slugs": slugs})
        # Counts are 64-bit (a count of 1e12 is reported as implausible, not a crash): widen the
        # INTEGER columns of warehouses created before, once. Identifiers come from the query's fixed list.
        for table, column in execute(con, sql("queries/narrow_count_columns")):
            execute(con, template("widen_column", table=table, column=column))
        for name, text in models("staging").items():
            execute(con, template("create_view", table=name, model=text))
        _record_stamp(con, "schema", code, names)


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
    """Materialise every mart for one county and period, atomically: ``run_scope`` with that one pair.
    Returns rows per mart."""
    return run_scope(con, [(county_slug, period)], family=family)


def run_scope(con: duckdb.DuckDBPyConnection, pairs: Iterable[tuple[str, str]], *, family: str = "bulletin"
              ) -> dict[str, int]:
    """Materialise every mart of a family for a set of (county_slug, period) pairs in one pass of the
    model files, in one transaction. Returns rows per mart over the pairs asked for.

    The pairs go into the temporary table ``run_scope`` (``scope/create_scope.sql``: county_slug,
    period, period_kind, period_start, period_end from flows/domain/periods.py), which every mart
    joins: a county is a column, never a loop, and windows (ranks) partition by county and period.
    Each mart's rows for exactly the scope's partitions are deleted and inserted again, so a rerun
    replaces its partitions atomically and leaves every other county and period alone. A mart whose
    columns changed is dropped and recreated; the partitions it held join the scope (rebuilt in the
    same transaction). ``family="annual"`` builds the annual-report marts (``marts/annual_*.sql``,
    period = the year) instead of the bulletin's: the two never rebuild each other. A large scope (a
    region) is built in batches of whole counties (``BATCH_ITEMS``), still in the one transaction.
    """
    wanted = _scope_rows(pairs)
    marts = {name: text for name, text in models("marts").items()
             if name.startswith("annual_") == (family == "annual")}
    if not wanted:
        return dict.fromkeys(marts, 0)
    counts = dict.fromkeys(marts, 0)
    with transaction(con):
        execute(con, sql("scope/create_scope"))
        _fill_scope(con, wanted, requested=True)
        held = _recreate_marts(con, marts, family)
        rebuilt = _scope_rows(held, skip={row[:2] for row in wanted})
        batches = _batches(con, [(row, True) for row in wanted] + [(row, False) for row in rebuilt])
        for i, batch in enumerate(batches):
            if i or len(batches) > 1 or rebuilt:
                execute(con, sql("scope/clear_scope"))
                for requested in (True, False):
                    _fill_scope(con, [row for row, r in batch if r is requested], requested=requested)
            built = _materialize_for_build(con)
            for name, text in marts.items():
                execute(con, template("delete_scope", table=name))
                execute(con, template("insert_model", table=name, model=text))
                counts[name] += int(scalar(con, template("count_scope", table=name)))
            for name in built:
                execute(con, template("drop_build_table", table=name))
        execute(con, sql("scope/drop_scope"))
    return counts


# A build's counties are taken in batches of about this many crawled records: each batch's staging
# (stg_crawled_items, computed once per batch) then fits a region's DuckDB memory limit instead of
# spilling the whole set to disk (measured: docs/benchmarks.md). A county is never split.
BATCH_ITEMS = 1_500_000


def _batches(con: duckdb.DuckDBPyConnection, rows: list[tuple[tuple, bool]]) -> list[list[tuple[tuple, bool]]]:
    """The scope's (pair row, requested) split into batches of whole counties, ~BATCH_ITEMS records each."""
    sizes = dict(execute(con, sql("queries/items_per_county")))
    batches: list[list] = [[]]
    load, seen = 0, {}
    for row, requested in sorted(rows, key=lambda r: r[0][0]):
        slug = row[0]
        if slug not in seen:
            n = int(sizes.get(slug, 0))
            if batches[-1] and load + n > BATCH_ITEMS:
                batches.append([])
                load = 0
            load += n
            seen[slug] = len(batches) - 1
        batches[seen[slug]].append((row, requested))
    return batches


_PER_BUILD = re.compile(r"^-- Materialized: per build\b", re.M)


def _materialize_for_build(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The staging views marked ``-- Materialized: per build`` (expensive, read by several marts), each
    computed once into a temporary table of the same name that the build's marts read instead of the
    view (DuckDB searches the temporary schema first). Returns their names, dropped after the build."""
    names = [name for name, text in models("staging").items() if _PER_BUILD.search(text)]
    for name in names:
        execute(con, template("materialize_for_build", table=name))
    return names


def partition_counts(con: duckdb.DuckDBPyConnection, pairs: Iterable[tuple[str, str]], *, family: str = "bulletin"
                     ) -> dict[str, dict[str, int]]:
    """county → mart → rows the mart holds for the county's pair (one GROUP BY per mart, whatever the
    number of pairs; a pair with no rows in a mart counts 0)."""
    wanted = _scope_rows(pairs)
    names = [name for name in models("marts") if name.startswith("annual_") == (family == "annual")]
    counts = {slug: dict.fromkeys(names, 0) for slug, *_ in wanted}
    if not wanted:
        return counts
    params = {"county_slugs": [row[0] for row in wanted], "periods": [row[1] for row in wanted]}
    for name in names:
        if columns(con, name) is None:
            continue
        for slug, n in execute(con, template("count_partitions", table=name), params):
            counts[slug][name] = int(n)
    return counts


def _scope_rows(pairs: Iterable[tuple[str, str]], skip: frozenset | set = frozenset()) -> list[tuple]:
    """(county_slug, period code, kind, start, end) for each distinct pair, the period parsed once."""
    from flows.domain.periods import parse_period

    rows: dict[tuple[str, str], tuple] = {}
    for county_slug, period in pairs:
        p = parse_period(str(period))
        if (county_slug, p.code) not in skip:
            rows.setdefault((county_slug, p.code), (county_slug, p.code, p.kind, p.start, p.end))
    return list(rows.values())


def _fill_scope(con: duckdb.DuckDBPyConnection, rows: list[tuple], *, requested: bool) -> None:
    if rows:
        slugs, codes, kinds, starts, ends = (list(column) for column in zip(*rows))
        execute(con, sql("scope/fill_scope"), {"county_slugs": slugs, "periods": codes, "period_kinds": kinds,
                                                "period_starts": starts, "period_ends": ends,
                                                "requested": requested})


def _recreate_marts(con: duckdb.DuckDBPyConnection, marts: Mapping[str, str], family: str) -> list[tuple]:
    """``_recreate_changed`` for a family's marts, skipped when the stamp says the same model files made
    every mart table and none was altered since (describing each mart's SELECT plans it: ~1 s a build)."""
    part, code = f"marts:{family}", _code_digest("staging", "marts")
    if _stamp_current(con, part, code, marts):
        return []
    held = _recreate_changed(con, marts)
    _record_stamp(con, part, code, marts)
    return held


def _recreate_changed(con: duckdb.DuckDBPyConnection, todo: Mapping[str, str], params: Mapping[str, object] | None = None,
                      *, partitions: bool = True) -> list[tuple]:
    """Create the table of every model (in order) that has none; drop and recreate one whose columns
    differ from what its SELECT yields now (a model file changed). Returns the (county_slug, period)
    partitions the recreated tables held (``partitions``), so the caller rebuilds them."""
    held: list[tuple] = []
    for name, text in todo.items():
        bound = _bind(text, params or {})
        wanted = [(r[0], r[1]) for r in execute(con, template("describe_model", model=text), bound)]
        existing = columns(con, name)
        if existing is not None and existing != wanted:
            if partitions:
                held.extend(execute(con, template("model_partitions", table=name)))
            execute(con, template("drop_table", table=name))
            existing = None
        if existing is None:
            execute(con, template("create_empty", table=name, model=text), bound)
    return held


def build_period(con: duckdb.DuckDBPyConnection, todo: Mapping[str, str], params: Mapping[str, object]
                 ) -> dict[str, int]:
    """Materialise the models ``todo`` (name → SELECT, in order) for one period (``params["period"]``:
    the region's models), in one transaction: the period's rows are deleted and inserted again. A model
    whose columns changed is dropped and recreated (its other periods are rebuilt by their next run).
    Returns rows per model."""
    keys = {"period": params["period"]}
    counts: dict[str, int] = {}
    with transaction(con):
        _recreate_changed(con, todo, params, partitions=False)
        for name, text in todo.items():
            execute(con, template("delete_period", table=name), keys)
            execute(con, template("insert_model", table=name, model=text), _bind(text, params))
            counts[name] = int(scalar(con, template("count_period", table=name), keys))
    return counts


def run_all(con: duckdb.DuckDBPyConnection, pairs: Iterable[tuple[str, str]] | None = None) -> int:
    """Rebuild the marts for every county and period loaded (or the pairs given), in one pass
    (``run_scope``); without pairs, every annual review too (docs/annual-reports.md)."""
    todo = list(pairs) if pairs is not None else execute(con, sql("queries/periods_loaded"))
    run_scope(con, todo)
    if pairs is None:
        years = [(county_slug, str(year)) for county_slug, year in execute(con, sql("queries/annual_years_loaded"))]
        run_scope(con, years, family="annual")
        return len(todo) + len(years)
    return len(todo)


def query(con: duckdb.DuckDBPyConnection, name: str, **params):
    """Run ``queries/<name>.sql`` with named parameters; returns a pandas DataFrame."""
    text = sql(f"queries/{name}")
    return con.execute(text, _bind(text, params)).df()


def records(con: duckdb.DuckDBPyConnection, name: str, **params) -> list[dict]:
    """Run ``queries/<name>.sql`` with named parameters; returns its rows as dicts of plain Python values
    (SQL NULL → None, DATE → datetime.date): what a report reads, without a dataframe library."""
    text = sql(f"queries/{name}")
    result = con.execute(text, _bind(text, params))
    names = [d[0] for d in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]


def read_every_table(con: duckdb.DuckDBPyConnection, path: str | Path) -> tuple[int, int]:
    """(tables, rows), every model table read to its end; ``StoreDamaged`` for a damaged block (zwgk doctor)."""
    tables = rows = 0
    try:
        for (name,) in execute(con, sql("queries/base_tables")):
            if name in known_tables():
                rows += execute(con, template("count_table", table=name))[0][0]
                tables += 1
    except duckdb.Error as exc:
        raise _damaged(path, "仓库", exc) from None
    return tables, rows


def compact(path: str | Path) -> None:
    """Rewrite a warehouse into a fresh file, swapped in by one rename (the caller holds the lock)."""
    path = Path(path)
    fresh = path.with_name(path.name + ".vacuum.tmp")
    fresh.unlink(missing_ok=True)
    con = connect(path, schema=False)
    try:
        execute(con, sql("load/checkpoint"))
    finally:
        con.close()
    con = duckdb.connect(":memory:")
    try:
        execute(con, template("attach_path", path=str(path), alias="src"))
        execute(con, template("attach_path", path=str(fresh), alias="fresh"))
        execute(con, sql("load/copy_database"))
    finally:
        con.close()
    fresh.replace(path)
    Path(f"{path}.wal").unlink(missing_ok=True)


def check_crawl_index(path: str | Path) -> str:
    """SQLite's integrity check of a crawl index (read-only): "ok" or the fault; ``StoreDamaged`` if no database."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute(sql("crawl_store/integrity_check")).fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, "采集存储", exc) from None
