"""The SQL files of transforms/, read and ordered: ``sql`` (one statement), ``models`` (a layer's models in
dependency order), ``template`` (a statement whose table or column names vary, filled only from the names the
model files define) and ``files_digest`` (what a structure made from the files depends on). Nothing here opens
DuckDB: that is runner.py's."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent
LAYERS = ("staging", "marts")
MODEL_LAYERS = ("raw", "staging", "marts", "region")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PLACEHOLDER = re.compile(r"\{(table|view|column|folder|columns|order|model|path|alias|incoming|unnest)\}")


@cache
def sql(name: str) -> str:
    """The text of ``transforms/<name>.sql`` (e.g. ``queries/units_for_period``)."""
    path = SQL_DIR / f"{name}.sql"
    return path.read_text(encoding="utf-8")


def models(layer: str) -> dict[str, str]:
    """name → SQL for every model of a layer (a folder under transforms/), in dependency order. A new dict
    each call; the files are read and ordered again only when one of them changed."""
    return dict(_read_layer(layer, _file_states(layer), True))


def layer_files(layer: str) -> dict[str, str]:
    """name → text of every .sql file of a folder under transforms/ (``raw`` too), by name."""
    return dict(_read_layer(layer, _file_states(layer), False))


def files_digest(*layers: str) -> str:
    """The files of these folders, names and texts, as one hash: what a structure made from them depends on."""
    digest = hashlib.sha256()
    for layer in layers:
        for name, text in layer_files(layer).items():
            digest.update(f"{layer}/{name}\0{text}\0".encode())
    return digest.hexdigest()


def _file_states(layer: str) -> tuple:
    return tuple((p.stem, st.st_mtime_ns, st.st_size) for p in sorted((SQL_DIR / layer).glob("*.sql"))
                 for st in (p.stat(),))


@cache
def _read_layer(layer: str, files: tuple, ordered: bool) -> tuple[tuple[str, str], ...]:
    found = {name: (SQL_DIR / layer / f"{name}.sql").read_text(encoding="utf-8") for name, _, _ in files}
    return tuple((name, found[name]) for name in (_toposort(found, layer) if ordered else found))


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
    - ``{incoming}``: a load's temporary table (``incoming_…``); ``{unnest}``: its ``[column]``, each read
      from the list parameter ``$c<i>``.
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
        if key == "path":  # a file path, as a SQL string literal
            return "'" + str(value).replace("'", "''") + "'"
        if key == "alias":
            if value not in ("src", "fresh"):
                raise ValueError(f"templates/{name}.sql: alias must be src or fresh, not {value!r}")
            return value
        if key == "column":
            return quoted(value, False)
        if key == "incoming":  # a load's temporary table of rows from Python (``incoming``)
            if not value.startswith("incoming_"):
                raise ValueError(f"templates/{name}.sql: {value!r} is not an incoming_ table")
            return quoted(value, False)
        if key == "unnest":  # one list parameter per column, $c0, $c1, … in the order given
            return ", ".join(f"unnest($c{i}) AS {quoted(c, False)}" for i, c in enumerate(value))
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
        name: {other for other in found if other != name and re.search(rf"\b{other}\b", strip_comments(text))}
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


def strip_comments(text: str) -> str:
    return re.sub(r"--[^\n]*", "", text)
