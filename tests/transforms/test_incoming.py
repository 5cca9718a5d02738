"""Loads hand Python rows to DuckDB as temporary ``incoming_*`` tables (transforms/loaders.py ``incoming``):
types from the values, NULLs kept, the tables gone after, and no dataframe library needed."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from transforms import runner
from transforms.loaders import incoming


def test_rows_become_a_typed_table_that_is_dropped_after():
    con = runner.connect(":memory:")
    rows = [{"a": "甲", "b": 1, "d": None}, {"a": None, "b": None, "d": date(2021, 1, 4)}]
    with incoming(con, {"incoming_units": (["a", "b", "d"], rows), "incoming_unit_names": (["a"], [])}):
        assert con.execute("SELECT * FROM incoming_units").fetchall() == [("甲", 1, None), (None, None, date(2021, 1, 4))]
        assert [t for _, t, *_ in con.execute("DESCRIBE incoming_units").fetchall()] == ["VARCHAR", "INTEGER", "DATE"]
        assert con.execute("SELECT count(*) FROM incoming_unit_names").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone() == (0,)


def test_tuples_in_column_order_and_a_failed_load_leaves_no_table():
    con = runner.connect(":memory:")
    with pytest.raises(RuntimeError):
        with incoming(con, {"incoming_rows": (["x", "y"], [(1, "a"), (2, "b")])}):
            assert con.execute("SELECT sum(x), string_agg(y, '') FROM incoming_rows").fetchone() == (3, "ab")
            raise RuntimeError("the load failed")
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone() == (0,)


def test_only_incoming_tables_are_made():
    with pytest.raises(ValueError, match="incoming_"):
        with incoming(runner.connect(":memory:"), {"ref_units": (["a"], [("x",)])}):
            pass


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_the_county_flow_starts_without_pandas_or_office_libraries():
    """A warm rerun takes its results from caches: importing the flow must not pay for pandas, Great
    Expectations, python-docx, openpyxl or apprise (issue 22: import only what runs)."""
    code = ("import sys, flows.county_flow, flows.cli; "
            "print(sorted(m for m in ('pandas', 'great_expectations', 'docx', 'openpyxl', 'apprise') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
