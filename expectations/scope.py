"""Many counties validated at once: one Great Expectations run over the region's frames, each county's
result derived from it (the set-based region run, flows/region_flow.py).

- Every county's frames are concatenated, frame by frame, with a ``_scope`` column naming the county;
  every offending row GX returns carries it, so every finding still names its county.
- A check runs when it applies to at least one county (``Check.applies`` on that county's frames); a
  county's result holds only the checks that apply to it, as a county run alone would.
- A uniqueness check stays within a county (its column is prefixed with the county in the region frame).
- The checks are row by row otherwise, so a county's outcome is exactly "no offending row of it":
  ``check_result`` builds the same findings, severities and observed/expected as ``validate`` does.
- Counties whose settings differ (e.g. ``[reconciliation] tolerance``) are validated in one run per
  distinct settings.
- Data Docs: ``county_docs_results`` cuts each suite's result down to one county (its rows, counts and
  percentages) as JSON; ``build_docs`` renders a county's Data Docs site from it, where the county's
  documents are rendered (no second validation).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from expectations.checks import CHECKS, FRAMES, Check
from expectations.runner import (SUITE_NAMES, Validation, _quiet_gx, agree, check_result, plain_records,
                                 prepare_frames, run_suites)

SCOPE = "_scope"
SEP = "\x1f"


class CountyFrames:
    """The region's frames, prepared for GX once, and each county's share of them on demand. The frame
    queries order their rows by county first, so a share is a slice (no copy); a frame that is not
    grouped so is taken by positions."""

    def __init__(self, whole: Mapping[str, pd.DataFrame]):
        self.whole = prepare_frames(whole)
        self.spans = {name: _spans(df) for name, df in self.whole.items()}
        self._records: dict[str, dict[str, list[dict]]] = {}
        self._empty: dict[str, pd.DataFrame] = {}

    def slugs(self, frame: str = "period") -> list[str]:
        return list(self.spans.get(frame, {}))

    def of(self, slug: str) -> Mapping[str, pd.DataFrame]:
        """The county's share: each frame sliced when first read (a check that applies reads a few)."""
        return _Share(self, slug)

    def take(self, name: str, slug: str) -> pd.DataFrame:
        df = self.whole[name]
        at = self.spans[name].get(slug)
        if at is None:  # one empty frame per frame name, shared (slicing a frame costs ~0.15 ms)
            if name not in self._empty:
                self._empty[name] = df.iloc[0:0]
            return self._empty[name]
        return df.iloc[at] if isinstance(at, slice) else df.take(at)

    def records(self, frame: str, slug: str) -> list[dict]:
        """A county's rows of a frame as plain dicts (the whole frame converted once, then grouped)."""
        if frame not in self._records:
            grouped: dict[str, list[dict]] = {}
            df = self.whole.get(frame)
            if df is not None and len(df):
                for row in plain_records(df):
                    grouped.setdefault(row["county_slug"], []).append(row)
            self._records[frame] = grouped
        return self._records[frame].get(slug, [])


class _Share(Mapping):
    def __init__(self, frames: CountyFrames, slug: str):
        self._frames, self._slug, self._taken = frames, slug, {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._taken:
            self._taken[name] = self._frames.take(name, self._slug)
        return self._taken[name]

    def __iter__(self):
        return iter(self._frames.whole)

    def __len__(self) -> int:
        return len(self._frames.whole)


def _spans(df: pd.DataFrame) -> dict:
    """county → the slice of its rows (or their positions when its rows are not contiguous)."""
    if not len(df) or "county_slug" not in df.columns:
        return {}
    slugs = df["county_slug"].to_numpy()
    change = np.flatnonzero(slugs[1:] != slugs[:-1]) + 1
    starts, ends = np.r_[0, change], np.r_[change, len(slugs)]
    keys = [str(k) for k in slugs[starts]]
    if len(set(keys)) != len(keys):
        return dict(df.groupby("county_slug", sort=False).indices)
    return {k: slice(int(a), int(b)) for k, a, b in zip(keys, starts, ends)}


def _region_frames(whole: Mapping[str, pd.DataFrame], slugs: list[str], checks: list[Check],
                   settings: Mapping) -> dict[str, pd.DataFrame]:
    """The frames GX validates for these counties: their rows, the county in ``_scope``; a unique
    column made unique per county (prefixed with the county)."""
    unique = {(c.frame, getattr(c.expectation(settings), "column", None)) for c in checks
              if type(c.expectation(settings)).__name__ == "ExpectColumnValuesToBeUnique"}
    out = {}
    for frame in FRAMES:
        df = whole.get(frame)
        if df is None or not len(df) or "county_slug" not in df.columns:
            out[frame] = pd.DataFrame()
            continue
        mine = df["county_slug"].isin(slugs)
        region = (df if bool(mine.all()) else df[mine].reset_index(drop=True)).assign(**{SCOPE: lambda d: d["county_slug"]})
        if not len(region):
            out[frame] = pd.DataFrame()
            continue
        for _, column in (u for u in unique if u[0] == frame):
            if column in region.columns:
                keyed = region[SCOPE] + SEP + region[column].astype(str)
                region[column] = keyed.where(region[column].notna(), None)
        out[frame] = region
    return out


def _rows_by_county(er) -> dict[str, list[dict]]:
    """county → the offending rows GX returned for it (one pass over the rows, whatever the counties)."""
    out: dict[str, list[dict]] = {}
    for row in (er.result or {}).get("unexpected_index_list") or []:
        if isinstance(row, Mapping):
            out.setdefault(row.get(SCOPE), []).append({k: v for k, v in row.items() if k != SCOPE})
    return out


def _unscoped(row: dict, check: Check) -> dict:
    """A row's values as the county's own frame has them (the uniqueness prefix taken off)."""
    return {k: (v.split(SEP, 1)[1] if isinstance(v, str) and SEP in v else v) for k, v in row.items()}


def validate_counties(frames: Mapping[str, Mapping[str, pd.DataFrame]], *, blocking: Mapping[str, Mapping],
                      settings: Mapping[str, Mapping], run_name: str = "region",
                      prepared_out: dict | None = None) -> tuple[dict[str, Validation], dict[str, list]]:
    """Validate every county's frames (county slug → frames as ``frames_for`` returns them) in one GX run
    per distinct settings: ``validate_region`` over the counties' frames put together.
    ``prepared_out``: filled with slug → the frames as GX took them (for ``county_docs_results``)."""
    names = {name for f in frames.values() for name in f}
    whole = {name: pd.concat([f[name] for f in frames.values() if name in f and len(f[name])] or
                             [next(f[name] for f in frames.values() if name in f)], ignore_index=True)
             for name in names}
    shares = CountyFrames(whole)
    validations, outcomes = validate_region(shares, list(frames), blocking=blocking, settings=settings,
                                            run_name=run_name)
    if prepared_out is not None:
        prepared_out.update({slug: shares.of(slug) for slug in frames})
    return validations, outcomes


def _judged_by_county(shares: CountyFrames) -> dict[str, dict[str, int]]:
    """check → county → rows its rule judged, for the rule checks (``Check.applies`` is ``_judged``: at
    least one row): one grouping of the unit summary instead of one slice per county and check."""
    summary = shares.whole.get("rule_summary")
    rule_checks = [c for c in CHECKS if getattr(c.applies, "summary_column", None)]
    if summary is None or not len(summary):
        return {c.name: {} for c in rule_checks}
    sums = summary.groupby("county_slug", sort=False)[[c.applies.summary_column for c in rule_checks]].sum()
    return {c.name: sums[c.applies.summary_column].to_dict() for c in rule_checks}


def validate_region(shares: CountyFrames, slugs: list[str], *, blocking: Mapping[str, Mapping],
                    settings: Mapping[str, Mapping], run_name: str = "region"
                    ) -> tuple[dict[str, Validation], dict[str, list]]:
    """Validate these counties' shares of the region's frames in one GX run per distinct settings.
    Returns (slug → Validation, slug → [(check, er, suite result)] for its Data Docs)."""
    _quiet_gx()
    county = {slug: shares.of(slug) for slug in slugs}
    judged = _judged_by_county(shares)
    # ``applies`` is an "exists" test: a check that does not apply to the region's frames put together
    # applies to none of its counties, and is not asked county by county
    anywhere = [c for c in CHECKS if c.name in judged or c.applies(shares.whole)]
    applies = {slug: [c for c in anywhere if (judged[c.name].get(slug, 0) > 0 if c.name in judged
                                              else c.applies(county[slug]))] for slug in slugs}
    groups: dict[str, list[str]] = {}
    for slug in slugs:
        groups.setdefault(json.dumps(settings.get(slug) or {}, sort_keys=True, default=str), []).append(slug)
    validations: dict[str, Validation] = {}
    outcomes_by: dict[str, list] = {}
    for key, members in groups.items():
        group_settings = settings.get(members[0]) or {}
        checks = [c for c in CHECKS if any(c in applies[s] for s in members)]
        region = _region_frames(shares.whole, members, checks, group_settings)
        outcomes, _ = run_suites(region, checks, settings=group_settings, run_name=run_name, index_extra=(SCOPE,))
        by_check = {check.name: (check, er, suite) for check, er, suite in outcomes}
        for check, er, _ in outcomes:
            if er.exception_info and er.exception_info.get("raised_exception"):
                raise RuntimeError(f"Great Expectations could not evaluate {check.name}: "
                                   f"{er.exception_info.get('exception_message')}")
        rows_by = {name: _rows_by_county(er) for name, (_, er, _) in by_check.items()}
        for slug in members:
            results, kept = [], []
            for check in applies[slug]:
                check_, er, suite = by_check[check.name]
                offending = rows_by[check.name].get(slug, ())
                success = not offending
                if check.findings_frame:  # GX judged the county's unit summary; the items are its findings
                    rows = [{k: v for k, v in r.items() if k != "county_slug"}
                            for r in shares.records(check.findings_frame, slug)]
                    agree(check, success, rows)
                else:
                    rows = [_unscoped(r, check) for r in offending]
                results.append(check_result(check, success, rows, lambda frame, s=slug: shares.records(frame, s),
                                            blocking.get(slug) or {}))
                kept.append((check, er, suite))
            validations[slug] = Validation(results=results)
            outcomes_by[slug] = kept
    return validations, outcomes_by


# --------------------------------------------------------------------------------------------
# Data Docs per county, from its share of the region's results
# --------------------------------------------------------------------------------------------


class DocsCache:
    """Each expectation result and suite serialised once for all the counties (``to_json_dict`` is the
    costly part), with its offending rows indexed by county once."""

    def __init__(self):
        self._results: dict[int, tuple[dict, dict[str, list[int]]]] = {}
        self._suites: dict[int, dict] = {}

    def result(self, er) -> tuple[dict, dict[str, list[int]]]:
        if id(er) not in self._results:
            er_json = er.to_json_dict()
            positions: dict[str, list[int]] = {}
            for i, row in enumerate((er_json.get("result") or {}).get("unexpected_index_list") or []):
                if isinstance(row, dict):
                    positions.setdefault(row.get(SCOPE), []).append(i)
            self._results[id(er)] = (er_json, positions)
        return self._results[id(er)]

    def suite(self, suite) -> dict:
        """The suite result's JSON without its results (each county gets its own cut of them)."""
        if id(suite) not in self._suites:
            results, suite.results = suite.results, []
            try:
                self._suites[id(suite)] = suite.to_json_dict()
            finally:
                suite.results = results
        return self._suites[id(suite)]


def _county_result(er_json: dict, mine: list[int], frame: pd.DataFrame) -> dict:
    """One expectation's result cut down to one county (``mine``: the positions of its offending rows):
    its rows, counts and percentages. The shared result is not changed."""
    er_json = {**er_json, "result": dict(er_json.get("result") or {})}
    result = er_json["result"]
    indexes = result.get("unexpected_index_list") or []
    values = result.get("unexpected_list")
    rows = [{k: v for k, v in indexes[i].items() if k != SCOPE} for i in mine]
    county_values = [values[i] for i in mine] if isinstance(values, list) and len(values) == len(indexes) else []
    kwargs = er_json.get("expectation_config", {}).get("kwargs", {})
    columns = [c for c in (kwargs.get("column"), kwargs.get("column_A"), kwargs.get("column_B")) if c]
    element_count = int(len(frame))
    missing = int(frame[columns].isna().any(axis=1).sum()) if columns and all(c in frame for c in columns) else 0
    nonmissing = element_count - missing
    if "element_count" in result:
        counts = Counter(json.dumps(v, sort_keys=True, default=str) for v in county_values)
        result.update({
            "element_count": element_count, "missing_count": missing, "unexpected_count": len(rows),
            "missing_percent": 100.0 * missing / element_count if element_count else None,
            "unexpected_percent": 100.0 * len(rows) / nonmissing if nonmissing else None,
            "unexpected_percent_total": 100.0 * len(rows) / element_count if element_count else None,
            "unexpected_percent_nonmissing": 100.0 * len(rows) / nonmissing if nonmissing else None,
            "unexpected_list": county_values, "unexpected_index_list": rows,
            "partial_unexpected_list": county_values[:20], "partial_unexpected_index_list": rows[:20],
            "partial_unexpected_counts": [{"value": json.loads(v), "count": n} for v, n in counts.most_common(20)],
        })
        result.pop("unexpected_index_query", None)
        if "unexpected_index_column_names" in result:
            result["unexpected_index_column_names"] = [c for c in result["unexpected_index_column_names"] if c != SCOPE]
    er_json["success"] = not rows
    return er_json


def county_docs_results(outcomes: list, slug: str, frames: Mapping[str, pd.DataFrame],
                        cache: DocsCache | None = None, *, prepared: bool = False) -> list[dict]:
    """The county's suites (name, expectations, cut-down suite result) as JSON-ready dicts. Pass one
    ``cache`` for all the counties of a run: each result is then serialised once, not once per county.
    ``prepared``: the frames are already as GX took them (``validate_counties`` returns them)."""
    cache = cache or DocsCache()
    prepared = frames if prepared else prepare_frames(frames)
    by_suite: dict[str, dict] = {}
    for check, er, suite in outcomes:
        entry = by_suite.setdefault(suite.suite_name, {"suite_name": suite.suite_name, "frame": check.frame,
                                                       "suite": cache.suite(suite), "results": []})
        er_json, positions = cache.result(er)
        entry["results"].append(_county_result(er_json, positions.get(slug, []), prepared[check.frame]))
    out = []
    for entry in by_suite.values():
        suite = dict(entry.pop("suite"))
        results = entry.pop("results")
        passed = sum(1 for r in results if r["success"])
        suite.update({"results": results, "success": passed == len(results), "statistics": {
            "evaluated_expectations": len(results), "successful_expectations": passed,
            "unsuccessful_expectations": len(results) - passed,
            "success_percent": 100.0 * passed / len(results) if results else None}})
        out.append({**entry, "result": suite})
    return out


def write_docs_results(path: str | Path, entries: list[dict]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(entries, ensure_ascii=False, default=str), encoding="utf-8")
    return path


_JINJA_CACHE = None


def _reuse_compiled_templates() -> None:
    """GX renders every Data Docs page with a new Jinja2 environment, compiling its templates again each
    time (measured: ~2 s of a county's 2.6 s Data Docs here). Give those environments one in-memory
    bytecode cache per process, so a worker rendering many counties' Data Docs compiles them once."""
    global _JINJA_CACHE
    if _JINJA_CACHE is not None:
        return
    import functools

    import jinja2
    from great_expectations.render.view import view

    class _MemoryCache(jinja2.BytecodeCache):
        def __init__(self):
            self.codes: dict[str, bytes] = {}

        def load_bytecode(self, bucket):
            if bucket.key in self.codes:
                bucket.bytecode_from_string(self.codes[bucket.key])

        def dump_bytecode(self, bucket):
            self.codes[bucket.key] = bucket.bytecode_to_string()

    _JINJA_CACHE = _MemoryCache()
    if getattr(view, "Environment", None) is jinja2.Environment:
        view.Environment = functools.partial(jinja2.Environment, bytecode_cache=_JINJA_CACHE)


def build_docs(results_path: str | Path, docs_dir: str | Path) -> Path | None:
    """Render a county's Data Docs site into docs_dir from its cut-down results (county_docs_results):
    the same pages a county validated alone gets (one per suite and per expectation suite, an index)."""
    from expectations.runner import ephemeral_context

    entries = json.loads(Path(results_path).read_text(encoding="utf-8"))
    context, sites = ephemeral_context(docs_dir, "zwgk")
    _reuse_compiled_templates()
    import great_expectations as gx
    from great_expectations.core.expectation_validation_result import expectationSuiteValidationResultSchema
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (ExpectationSuiteIdentifier,
                                                                            ValidationResultIdentifier)
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    identifiers = []
    for entry in entries:
        result = expectationSuiteValidationResultSchema.load(entry["result"])
        expectations = [ExpectationConfiguration(**{k: v for k, v in er.expectation_config.to_json_dict().items()
                                                    if k in {"type", "kwargs", "meta", "description"}}
                                                 ).to_domain_obj() for er in result.results]
        context.suites.add(gx.ExpectationSuite(name=entry["suite_name"], expectations=expectations))
        run_id = result.meta.get("run_id") or {}
        run = RunIdentifier(run_name=run_id.get("run_name"), run_time=run_id.get("run_time"))
        batch = f"warehouse-{SUITE_NAMES[entry['frame']]}"
        key = ValidationResultIdentifier(expectation_suite_identifier=ExpectationSuiteIdentifier(entry["suite_name"]),
                                         run_id=run, batch_identifier=batch)
        context.validation_results_store.set(key, result)
        identifiers += [key, ExpectationSuiteIdentifier(entry["suite_name"])]
    if identifiers:
        context.build_data_docs(site_names=sites, resource_identifiers=identifiers)
    index = Path(docs_dir) / "index.html"
    return index if index.exists() else None
