"""The SQL models on small hand-made inputs: resolution, ranking, totals, atomic reruns."""

import re

import duckdb
import pytest
from model_fixtures import bulletin, row

from flows.domain.registry import load_registry
from transforms.loaders import load_parsed, load_registry as load_registry_into
from transforms import model_files, runner


@pytest.fixture
def con(registry_path):
    con = runner.connect(":memory:")
    load_registry_into(con, load_registry(registry_path, "华容县"), "huarong")
    yield con
    con.close()


def _load(con, parsed, period="2021H1"):
    result = load_parsed(con, parsed, county_slug="huarong", county="华容县", period=period)
    runner.run_marts(con, "huarong", period)
    return result


def _units(con, period="2021H1"):
    return runner.query(con, "units_for_period", county_slug="huarong", period=period)


def test_models_are_ordered_by_reference():
    names = list(runner.models("marts"))
    assert names.index("category_period_totals") < names.index("period_totals")
    staging = list(runner.models("staging"))
    assert staging.index("stg_loads") < staging.index("stg_reported_rows")


def test_ordinal_rank_breaks_ties_by_display_order(con):
    # 卫生健康局 is listed after 司法局 in the registry; both 27 → 司法局 10th… here 1st and 2nd.
    parsed = bulletin([("县直部门", [row("卫生健康局", 27, 2, 1), row("司法局", 27, 1, 2), row("公安局", 5, 3, 3)], 59)])
    _load(con, parsed)
    units = _units(con)
    assert list(units["unit"]) == ["司法局", "卫生健康局", "公安局"]
    assert list(units["rank"]) == [1, 2, 3]
    assert list(units["rank_competition"]) == [1, 1, 3]


def test_aliases_resolve_to_canonical_and_short_names(con):
    parsed = bulletin([("县直部门", [row("生态环境局", 60, 1, 1), row("县电视台", 7, 2, 2)], 67)])
    _load(con, parsed)
    units = _units(con)
    assert list(units["unit"]) == ["市生态环境局华容分局", "广播电视台"]
    assert list(units["short_name"]) == ["生态环境局", "电视台"]
    assert units["unit_id"].notna().all()


def test_unknown_unit_kept_not_dropped(con):
    parsed = bulletin([("县直部门", [row("火星局", 3, 1, 1), row("公安局", 2, 2, 2)], 5)])
    _load(con, parsed)
    units = _units(con)
    assert "火星局" in set(units["unit"])
    assert units.loc[units["unit"] == "火星局", "unit_id"].isna().all()


def test_validity_period_decides_resolution(con):
    parsed = bulletin([("县直部门", [row("扶贫办", 3, 1, 1)], 3)], period="2022H1", sha="a" * 64)
    _load(con, parsed, "2022H1")
    assert _units(con, "2022H1")["unit_id"].isna().all()  # 扶贫办 no longer exists in 2022


def test_totals_and_rank_conflicts(con):
    parsed = bulletin([("县直部门", [row("公安局", 10, 2, 1), row("民政局", 20, 1, 2), row("林业局", 30, 3, 3)], 61),
                       ("乡镇", [row("禹山镇", 5, 1, 4)], 5)], stated_total=60)
    _load(con, parsed)
    tables = runner.query(con, "tables_to_validate", county_slugs=["huarong"], period="2021H1")
    assert list(tables["sum"]) == [60, 5] and list(tables["printed_total"]) == [61, 5]
    totals = runner.query(con, "period_to_validate", county_slugs=["huarong"], period="2021H1")
    assert int(totals["sum_of_tables"].iloc[0]) == 65 and int(totals["stated_in_text"].iloc[0]) == 60
    rows = runner.query(con, "rows_to_validate", county_slugs=["huarong"], period="2021H1")
    conflicts = dict(zip(rows["unit"], rows["rank_conflicts"]))
    # 林业局 (30) ranks below both units with fewer items; the others rank below none.
    assert conflicts == {"公安局": 0, "民政局": 0, "林业局": 2, "禹山镇": 0}


def test_rerun_replaces_only_its_period(con):
    _load(con, bulletin([("县直部门", [row("公安局", 10, 1, 1)], 10)], sha="1" * 64), "2021H1")
    _load(con, bulletin([("县直部门", [row("公安局", 7, 1, 1)], 7)], period="2021H2", sha="2" * 64), "2021H2")
    # A corrected file for 2021H1 supersedes the first; 2021H2 is untouched.
    _load(con, bulletin([("县直部门", [row("公安局", 11, 1, 1)], 11)], sha="3" * 64), "2021H1")
    assert int(_units(con, "2021H1")["count"].iloc[0]) == 11
    assert int(_units(con, "2021H2")["count"].iloc[0]) == 7
    raw = con.execute("SELECT count(*) FROM raw_loads").fetchall()[0][0]
    assert raw == 3  # raw loads are append-only


def test_same_file_twice_is_loaded_once(con):
    parsed = bulletin([("县直部门", [row("公安局", 10, 1, 1)], 10)])
    assert _load(con, parsed).new is True
    assert _load(con, parsed).new is False
    assert con.execute("SELECT count(*) FROM raw_reported_rows").fetchall()[0][0] == 1


def test_failed_mart_build_leaves_previous_results(con, monkeypatch):
    _load(con, bulletin([("县直部门", [row("公安局", 10, 1, 1)], 10)]))
    before = _units(con)
    broken = dict(runner.models("marts"))
    broken["period_totals"] = "SELECT * FROM no_such_table"
    monkeypatch.setattr(runner, "models", lambda layer: broken if layer == "marts" else {})
    with pytest.raises(duckdb.Error):
        runner.run_marts(con, "huarong", "2021H1")
    monkeypatch.undo()
    assert _units(con).equals(before)


def test_load_is_a_transaction(con, monkeypatch):
    parsed = bulletin([("县直部门", [row("公安局", 10, 1, 1)], 10)])
    real = runner.sql

    def failing(name):
        if name == "load/insert_reported_rows":
            return "INSERT INTO no_such_table SELECT 1"
        return real(name)

    monkeypatch.setattr("transforms.loaders.sql", failing)
    with pytest.raises(duckdb.Error):
        load_parsed(con, parsed, county_slug="huarong", county="华容县", period="2021H1")
    assert con.execute("SELECT count(*) FROM raw_loads").fetchall()[0][0] == 0
    assert con.execute("SELECT count(*) FROM raw_reported_tables").fetchall()[0][0] == 0


MODEL_FILES = sorted(p for layer in ("staging", "marts", "region") for p in (model_files.SQL_DIR / layer).glob("*.sql"))


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_model_follows_the_pattern(path):
    """One model per file: its first line states its grain; named CTEs from ``source`` to ``final``;
    the file ends with ``SELECT * FROM final``. Marts take no scalar parameter: they join the build's
    scope (run_scope), so one pass builds any set of counties and periods."""
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("-- Grain: "), "the first line states the model's grain"
    body = re.sub(r"--[^\n]*", "", text).strip()
    assert re.match(r"WITH\s+source\s+AS\s*\(", body), "the first CTE is named source"
    assert re.search(r"\n\s*final\s+AS\s*\(", body), "the last CTE is named final"
    assert re.search(r"\)\s*SELECT\s+\*\s+FROM\s+final$", body), "the file ends with SELECT * FROM final"
    assert ";" not in body, "one statement per file"
    if path.parent.name == "marts":
        outside_strings = re.sub(r"'[^']*'", "", body)  # '$.paragraphs' is a JSON path, not a parameter
        assert not re.search(r"\$[A-Za-z_]", outside_strings), "a mart takes no parameter"
        assert "run_scope" in body, "a mart joins the build's scope"
