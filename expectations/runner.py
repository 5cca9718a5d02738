"""Run the checks as Great Expectations suites on pandas frames, and build the Data Docs.

GX runs in an ephemeral context (nothing written but the Data Docs site we ask for). Frames are
validated as pandas DataFrames taken from DuckDB — GX 1.x through SQLAlchemy + duckdb_engine
fails on expectations. GX is imported lazily: it costs seconds.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date as date_type
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from expectations.checks import CHECKS, FRAMES, Check, CheckResult, Finding

SUITE_NAMES = {"rows": "reported_rows", "tables": "reported_tables", "period": "period_totals", "claims": "claims",
               "reconciliation": "reconciliation", "rule_summary": "rule_unit_summary",
               "crawl_columns": "crawl_columns"}


@dataclass
class Validation:
    results: list[CheckResult] = field(default_factory=list)
    docs_index: Path | None = None

    @property
    def blocking_failures(self) -> list[CheckResult]:
        return [r for r in self.results if not r.success and r.blocking]

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    for name in ("great_expectations", "great_expectations.core", "great_expectations.data_context"):
        logging.getLogger(name).setLevel(logging.ERROR)


def ephemeral_context(docs_dir: str | Path | None, site_name: str):
    """An ephemeral GX context (GX through duckdb_engine fails: frames are validated as pandas) with
    progress bars off and, when docs_dir is given, a Data Docs site there (an old site is replaced).
    Returns the context and the site names to build."""
    _quiet_gx()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    _quiet_gx()  # again: importing GX (or Prefect's logging set-up) may have reset the levels
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if docs_dir is None:
        return context, []
    docs_dir = Path(docs_dir).resolve()
    if docs_dir.exists():
        shutil.rmtree(docs_dir)
    context.add_data_docs_site(site_name=site_name, site_config={
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })
    return context, [site_name]


def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """GX wants plain numpy dtypes: nullable integers become float with NaN, NA becomes None. A frame
    that needs none of it (and has a plain 0..n-1 index) is returned as it is: nothing here changes it."""
    nullable = [column for column, dtype in frame.dtypes.items()
                if isinstance(dtype, pd.Int64Dtype) or str(dtype) in {"Int8", "Int16", "Int32", "Int64", "UInt8", "boolean"}]
    if not nullable and isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1:
        return frame
    out = frame.copy()
    for column in nullable:
        if str(out[column].dtype) == "boolean":
            out[column] = out[column].astype(object).where(out[column].notna(), None)
        else:
            out[column] = out[column].astype("float64")
    return out.reset_index(drop=True)


def validate(
    frames: Mapping[str, pd.DataFrame],
    *,
    blocking: Mapping[str, bool] | None = None,
    docs_dir: str | Path | None = None,
    checks: Iterable[Check] = CHECKS,
    run_name: str = "zwgk",
    settings: Mapping | None = None,
) -> Validation:
    """Validate the frames with every applicable check; optionally write Data Docs to docs_dir."""
    _quiet_gx()
    missing = [f for f in FRAMES[:3] if f not in frames]
    if missing:
        raise ValueError(f"validate() needs frames {FRAMES}; missing {missing}")
    prepared = prepare_frames(frames)
    blocking = dict(blocking or {})
    selected = [c for c in checks if c.applies(prepared)]
    outcomes, _ = run_suites(prepared, selected, settings=settings, run_name=run_name, docs_dir=docs_dir)
    rows_of = _records_of(prepared)
    results = [_result(check, er, prepared, rows_of, blocking) for check, er, _ in outcomes]
    order = {c.name: i for i, c in enumerate(CHECKS)}
    results.sort(key=lambda r: order.get(r.name, len(order)))
    docs_dir = Path(docs_dir).resolve() if docs_dir is not None else None
    index = docs_dir / "index.html" if docs_dir is not None and (docs_dir / "index.html").exists() else None
    return Validation(results=results, docs_index=index)


def prepare_frames(frames: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The frames as GX takes them (``_prepare``), the optional ones empty when absent."""
    prepared = {name: _prepare(df) for name, df in frames.items()}
    for optional in (*FRAMES[3:], *(c.findings_frame for c in CHECKS if c.findings_frame)):
        prepared.setdefault(optional, pd.DataFrame())
    return prepared


def run_suites(prepared: Mapping[str, pd.DataFrame], selected: list[Check], *, settings: Mapping | None,
               run_name: str, docs_dir: str | Path | None = None, index_extra: tuple[str, ...] = ()):
    """Run the selected checks as one GX suite per frame, each validated on its batch. Returns
    ``[(check, ExpectationValidationResult, suite result)]`` and the suite results by frame; with
    ``docs_dir``, the results are stored and the Data Docs site built from them.
    ``index_extra``: more columns each offending row is returned with (a region's county column)."""
    settings = dict(settings or {})
    context, site_names = ephemeral_context(docs_dir, "zwgk")
    import great_expectations as gx  # imported by ephemeral_context: only where validation runs

    source = context.data_sources.add_pandas("warehouse")
    by_expectation: dict[str, Check] = {}
    outcomes: list = []
    suites: dict[str, object] = {}
    run_time = datetime.now(timezone.utc)
    for frame in FRAMES:
        frame_checks = [c for c in selected if c.frame == frame]
        if not frame_checks:
            continue
        asset = source.add_dataframe_asset(SUITE_NAMES[frame])
        batch = asset.add_batch_definition_whole_dataframe(f"{SUITE_NAMES[frame]}_batch").get_batch(
            batch_parameters={"dataframe": prepared[frame]})
        suite = context.suites.add(gx.ExpectationSuite(name=f"zwgk.{SUITE_NAMES[frame]}"))
        for check in frame_checks:
            expectation = check.expectation(settings)
            expectation.meta = {"check": check.name, "code": check.code, "severity": check.severity}
            expectation.description = f"{check.name}：{check.description}"
            added = suite.add_expectation(expectation)
            by_expectation[str(added.id)] = check
        index_columns = sorted({col for c in frame_checks for col in (*c.index_columns, *index_extra)
                                if col in prepared[frame].columns})
        # positions only: GX builds named index rows cell by cell (.at per row and column), which is
        # where a large frame's time went; the rows are taken from the frame at once (_named_rows).
        # Validated on the batch (not through a checkpoint, which serialises every result into its
        # store): the results are stored only when Data Docs are built from them.
        suite_result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
        suites[frame] = suite_result
        for er in suite_result.results:
            check = by_expectation.get(str(er.expectation_config.id)) or _by_meta(er.expectation_config.meta)
            _named_rows(er, prepared[frame], index_columns)
            outcomes.append((check, er, suite_result))
        if site_names:
            _store(context, suite_result, run_time, f"warehouse-{SUITE_NAMES[frame]}")
    if site_names and suites:
        context.build_data_docs(site_names=site_names)
    return outcomes, suites


def _store(context, suite_result, run_time, batch_identifier: str) -> None:
    """A suite result into the context's validation store, keyed as a checkpoint run without a run name
    keys it (the same Data Docs paths whether a county is validated alone or in a region)."""
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (ExpectationSuiteIdentifier,
                                                                            ValidationResultIdentifier)

    run = RunIdentifier(run_name=None, run_time=run_time)
    suite_result.meta = {**(suite_result.meta or {}), "run_id": run}
    key = ValidationResultIdentifier(expectation_suite_identifier=ExpectationSuiteIdentifier(suite_result.suite_name),
                                     run_id=run, batch_identifier=batch_identifier)
    context.validation_results_store.set(key, suite_result)


def _named_rows(er, frame: pd.DataFrame, index_columns: list[str]) -> None:
    """Replace the row positions GX returned for the offending rows by the rows themselves — the
    expectation's column(s) and ``index_columns`` — taken from the frame in one step, as GX's named
    index rows would hold them (``unexpected_index_list``, its partial list, the column names)."""
    result = er.result or {}
    positions = result.get("unexpected_index_list")
    if not positions or not all(isinstance(p, (int,)) or hasattr(p, "__index__") for p in positions[:1]):
        return
    kwargs = er.expectation_config.kwargs
    domain = [c for c in (kwargs.get("column"), kwargs.get("column_A"), kwargs.get("column_B")) if c]
    wanted = list(dict.fromkeys([*domain, *index_columns]))
    rows = plain_records(frame.iloc[list(positions)][[c for c in wanted if c in frame.columns]])
    partial = len(result.get("partial_unexpected_index_list") or [])
    result["unexpected_index_list"] = rows
    result["partial_unexpected_index_list"] = rows[:partial]
    result["unexpected_index_column_names"] = index_columns


def plain_records(df: pd.DataFrame) -> list[dict]:
    """A frame's rows as dicts of plain values — as ``_clean`` makes them (NaN/NaT → None, whole floats →
    int, numpy scalars → Python) — one column at a time instead of one value at a time. Dates become
    their ISO day (what the messages print of them)."""
    columns = []
    for name in df.columns:
        col = df[name]
        kind = col.dtype.kind if isinstance(col.dtype, np.dtype) else "O"
        if kind in "iub":  # no NaN possible
            values = col.tolist()
        elif kind == "M":
            values = [v if isinstance(v, str) else None for v in col.dt.strftime("%Y-%m-%d").tolist()]
        elif kind == "f":
            values = [_clean(v) for v in col.tolist()]
        elif kind == "O" and not isinstance(col.dtype, np.dtype):  # Arrow-backed: converted by Arrow at once
            import pyarrow as pa

            arrow = pa.array(col)
            values = arrow.to_pylist()
            if pa.types.is_floating(arrow.type) or pa.types.is_temporal(arrow.type):
                values = [_clean(v) if not isinstance(v, (datetime, date_type)) else str(v)[:10] for v in values]
        else:
            values = [_clean(v) for v in col.tolist()]
        columns.append(values)
    names = list(df.columns)  # a plain list: iterating pandas' Index once per row costs ~4 µs a column
    return [dict(zip(names, row)) for row in zip(*columns)]


def _by_meta(meta: Mapping | None) -> Check:
    name = (meta or {}).get("check")
    for check in CHECKS:
        if check.name == name:
            return check
    raise KeyError(f"GX returned a result for an unknown expectation: {meta}")


def _clean(value):
    if value is None:
        return None
    try:
        if value != value:  # NaN
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def _records_of(frames: Mapping[str, pd.DataFrame]) -> Callable[[str], list[dict]]:
    """frame name → its rows as plain dicts (``plain_records``), each frame converted once when first asked."""
    done: dict[str, list[dict]] = {}

    def rows(name: str) -> list[dict]:
        if name not in done:
            df = frames.get(name)
            done[name] = plain_records(df) if df is not None and len(df) else []
        return done[name]
    return rows


def _result(check: Check, er, frames: Mapping[str, pd.DataFrame], rows_of: Callable[[str], list[dict]],
            blocking: Mapping[str, bool]) -> CheckResult:
    if er.exception_info and er.exception_info.get("raised_exception"):
        message = er.exception_info.get("exception_message")
        raise RuntimeError(f"Great Expectations could not evaluate {check.name}: {message}")
    if check.findings_frame:
        rows = findings_rows(check, frames.get(check.findings_frame))
        agree(check, bool(er.success), rows)
    else:
        raw_rows = (er.result or {}).get("unexpected_index_list") or []
        rows = [{k: _clean(v) for k, v in row.items()} for row in raw_rows if isinstance(row, Mapping)]
    return check_result(check, bool(er.success), rows, rows_of, blocking)


def findings_rows(check: Check, frame: pd.DataFrame | None) -> list[dict]:
    """A rule check's offending items as the warehouse returned them (its findings query), in order."""
    if frame is None or not len(frame):
        return []
    return [{k: _clean(v) for k, v in row.items() if k != "county_slug"} for row in frame.to_dict("records")]


def agree(check: Check, success: bool, rows: list[dict]) -> None:
    """The per-unit summary GX validated and the findings read from the rule's mart are two queries of
    one table: a check that passes with findings, or fails without, means they no longer agree."""
    if success == bool(rows):
        raise RuntimeError(f"{check.name}: the unit summary (rule_unit_summary) says "
                           f"{'nothing' if success else 'something'} was flagged, but its findings query "
                           f"({check.findings_query}) returned {len(rows)} rows: the two disagree")


def check_result(check: Check, success: bool, rows: list[dict], rows_of: Callable[[str], list[dict]],
                 blocking: Mapping[str, bool]) -> CheckResult:
    """A check's result from its outcome and offending rows: findings, severity, observed/expected
    (``rows_of(frame)``: the county's rows of a frame as plain dicts, which ``Check.summarize`` reads)."""
    findings: list[Finding] = []
    is_blocking = blocking.get(check.name, check.blocking_default)
    severity = "error" if is_blocking else check.severity
    if not success:
        if check.group_by:
            groups: dict = {}
            for row in rows:
                groups.setdefault(row.get(check.group_by), []).append(row)
            for group_rows in groups.values():
                merged = dict(group_rows[0])
                merged["where"] = [str(r.get("where", "")) for r in group_rows]
                findings.append(Finding(check.code, severity, check.message(merged), "；".join(merged["where"])))
        else:
            for row in rows:
                where = (row.get("where") or row.get("total_where") or row.get("stated_total_where")
                         or row.get("example_url") or row.get("url") or "")
                findings.append(Finding(check.code, severity, check.message(row), str(where or "")))
        if not findings:  # GX failed without rows (should not happen): still say so
            findings.append(Finding(check.code, severity, f"检查未通过：{check.description}", ""))
    if check.summarize is not None:
        observed, expected = check.summarize(rows_of)
    else:
        observed, expected = len(rows) if not success else 0, 0
    return CheckResult(
        name=check.name, code=check.code, severity=severity, blocking=is_blocking, success=success,
        description=check.description, observed=observed, expected=expected, findings=findings,
    )
