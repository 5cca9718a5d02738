"""The plain functions the flow's tasks call, one per step: ingest, transform, validate, render.

Nothing here imports Prefect: tests call these directly, the flow only orchestrates them.
Tasks exchange paths and small dicts (never connections or DataFrames), so Prefect can hash them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from flows.ingest.bulletin_model import BulletinParseError, ParsedBulletin
from flows.domain.config import ConfigError, CountyConfig
from flows.domain.periods import parse_period
from flows.domain.registry import Registry, load_registry
from transforms.loaders import LoadResult, load_parsed
from transforms.loaders import load_county as load_county_into
from transforms.loaders import load_crawl as load_crawl_into
from transforms.loaders import load_registry as load_registry_into
from transforms import runner

TZ = ZoneInfo("Asia/Shanghai")


def parse_source(path: str | Path, kind: str = "auto", period: str | None = None,
                 county: str | None = None) -> ParsedBulletin:
    """Parse a bulletin (.txt/.docx) or a unit report (.csv/.xlsx)."""
    suffix = Path(path).suffix.lower()
    if kind == "unit_report" or (kind == "auto" and suffix in {".csv", ".xlsx"}):
        from flows.ingest.unit_report import parse_unit_report

        return parse_unit_report(path, period=period, county=county)
    from flows.ingest.bulletin import parse_bulletin

    return parse_bulletin(path)


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class IngestReport:
    loads: list[dict] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)


def ingest_file(con, path: str | Path, *, county_slug: str, county: str, period: str | None = None,
                kind: str = "auto") -> tuple[ParsedBulletin, LoadResult]:
    """Parse one source and load it into the warehouse (one transaction)."""
    parsed, chosen = parse_for_ingest(path, period=period, county=county, kind=kind)
    return parsed, load_for_ingest(con, parsed, chosen, county_slug=county_slug, county=county)


def parse_for_ingest(path: str | Path, *, period: str | None, county: str | None,
                     kind: str = "auto") -> tuple[ParsedBulletin, str]:
    """Parse one source and settle its period: (parsed, period code). Nothing is written."""
    parsed = parse_source(path, kind=kind, period=period, county=county)
    chosen = period or parsed.period
    if chosen is None:
        raise BulletinParseError(str(path), "标题", "未能识别期间（如“2021年上半年”）；请在配置或命令行中指定 period")
    check_period_agrees(path, parsed, period)
    return parsed, parse_period(chosen).code


def check_period_agrees(path: str | Path, parsed: ParsedBulletin, period: str | None) -> None:
    """A period given on the command line must be the one the file states (never silently overridden)."""
    if period and parsed.period and parse_period(period).code != parse_period(parsed.period).code:
        raise BulletinParseError(
            str(path), "标题", f"文件所述期间为 {parsed.period}，与指定的 {parse_period(period).code} 不一致")


def load_for_ingest(con, parsed: ParsedBulletin, code: str, *, county_slug: str, county: str) -> LoadResult:
    source_kind = "unit_report" if parsed.file_format in {"csv", "xlsx"} else "bulletin"
    return load_parsed(con, parsed, county_slug=county_slug, county=county, period=code, source_kind=source_kind)


def ingest_config(config: CountyConfig, warehouse: str | Path, period: str) -> dict:
    """Load the registry and every source of the period named in the config."""
    con = runner.connect(warehouse)
    try:
        load_county_into(con, county_slug=config.slug, county=config.county, counts_source=config.counts_source,
                         portal=portal_name(config))
        units = 0
        if config.registry:
            units = load_registry_into(con, load_registry(config.registry, config.county), config.slug)
        loads = []
        for source in config.sources_for(period):
            parsed, result = ingest_file(con, source.path, county_slug=config.slug, county=config.county,
                                         period=source.period, kind=source.kind)
            loads.append({"source": str(source.path), "sha256": parsed.sha256, "load_id": result.load_id,
                          "new": result.new, "rows": result.rows, "period": source.period or parsed.period})
    finally:
        con.close()
    return {"registry_units": units, "loads": loads}


def portal_name(config: CountyConfig) -> str | None:
    """The portal's name as the bulletin cites it (its crawl config's [portal] name)."""
    if config.crawl_demo:
        from data.demo.portal import DEMO_NAME

        return DEMO_NAME
    if config.crawl_config:
        from flows.ingest.crawler.config import load_crawl_config

        return load_crawl_config(config.crawl_config).name
    return None


def transform(warehouse: str | Path, county_slug: str, period: str, rules: dict | None = None) -> dict[str, int]:
    """Load the rule settings and the working days the period needs, then build its marts."""
    from transforms.rule_loaders import load_rule_settings, load_workdays
    from flows.domain.rules_config import rules_settings

    con = runner.connect(warehouse)
    try:
        load_rule_settings(con, county_slug, rules if rules is not None else rules_settings({}))
        load_workdays(con, county_slug, period)
        return runner.run_marts(con, county_slug, parse_period(period).code)
    finally:
        con.close()


def frames_for(con, county_slug: str, period: str) -> dict:
    params = {"county_slug": county_slug, "period": parse_period(period).code}
    return {
        "rows": runner.query(con, "rows_to_validate", **params),
        "tables": runner.query(con, "tables_to_validate", **params),
        "period": runner.query(con, "period_to_validate", **params),
        "claims": runner.query(con, "claims_to_validate", **params),
        "reconciliation": runner.query(con, "reconciliation_for_period", **params),
        "crawl_columns": runner.query(con, "crawl_columns_to_validate", **params),
        **{f"rule_{rule}": runner.query(con, f"rule_{rule}", **params)
           for rule in ("column_freshness", "timeliness", "formatting", "key_area", "wrong_column")},
    }


def no_data_message(warehouse: str | Path, county_slug: str, period: str) -> str:
    """Why a period has no tables, in the office's words: what its [counts] source found."""
    con = runner.connect(warehouse)
    try:
        rows = runner.query(con, "counts_source_for_period", county_slug=county_slug,
                            period=parse_period(period).code).to_dict("records")
    finally:
        con.close()
    code = parse_period(period).code
    source = rows[0] if rows else {"configured": "auto", "crawl_id": None}
    reported = "没有该期已导入的通报或单位报送表（zwgk ingest，或配置 [[sources]]）"
    if source.get("crawl_id") is None:
        crawled = "也没有门户采集数据（配置 [crawl]）"
    else:
        crawled = (f"门户采集数据中没有发布日期在该期内的信息（最近一次采集：{source.get('crawled_on')}）")
    if source["configured"] == "reported":
        why = f"{reported}（[counts] source = \"reported\"）"
    elif source["configured"] == "crawl":
        why = f"{crawled}（[counts] source = \"crawl\"）"
    else:
        why = f"{reported}，{crawled}"
    return f"仓库中没有 {county_slug} {code} 的数据：{why}"


def validate_period(warehouse: str | Path, county_slug: str, period: str, *, docs_dir: str | Path | None,
                    blocking: dict[str, bool] | None = None, settings: dict | None = None) -> dict:
    """Run the GX checks on the period's marts; returns the results as plain dicts."""
    from expectations.runner import validate

    con = runner.connect(warehouse, read_only=False)
    try:
        frames = frames_for(con, county_slug, period)
    finally:
        con.close()
    if frames["period"].empty:
        raise LookupError(no_data_message(warehouse, county_slug, period))
    outcome = validate(frames, blocking=blocking, docs_dir=docs_dir, run_name=f"{county_slug}.{period}",
                       settings=settings)
    return {
        "checks": [r.to_dict() for r in outcome.results],
        "docs_index": str(outcome.docs_index) if outcome.docs_index else None,
        "docs_dir": str(Path(docs_dir).resolve()) if docs_dir is not None else None,
    }


def fingerprint(warehouse: str | Path, county_slug: str, period: str, blocking: dict | None = None,
                settings: dict | None = None) -> str:
    """A hash of what the checks see for this period, of the checks' own code and of the blocking
    settings: the validate task's cache key. Unchanged inputs → the same key → GX is skipped."""
    con = runner.connect(warehouse)
    try:
        frames = frames_for(con, county_slug, period)
    finally:
        con.close()
    data = hashlib.sha256()
    for name in sorted(frames):
        data.update(name.encode())
        data.update(frames[name].to_csv(index=False).encode())
    data = data.hexdigest()
    # The code that makes the cached result: every check module and this step's module (which shapes
    # the result dict), so an upgraded zwgk never reuses a result an older version made.
    code = hashlib.sha256()
    root = Path(__file__).resolve().parents[2]
    for module in sorted((root / "expectations").glob("*.py")) + [Path(__file__).resolve()]:
        code.update(module.read_bytes())
    knobs = json.dumps({"blocking": blocking or {}, "settings": settings or {}}, sort_keys=True, default=str)
    return hashlib.sha256(f"{data}|{code.hexdigest()}|{knobs}".encode()).hexdigest()[:32]


# --------------------------------------------------------------------------------------------
# Proofreading a single bulletin (zwgk check): the same parse → SQL → GX path, in memory.
# --------------------------------------------------------------------------------------------


def proofread(path: str | Path, *, registry: str | Path | Registry | None = None, period: str | None = None,
              docs_dir: str | Path | None = None, parsed: ParsedBulletin | None = None) -> dict:
    """Check one bulletin before it is published. Returns the ``zwgk check --json`` object."""
    from expectations.runner import validate

    parsed = parsed or parse_source(path, period=period)
    chosen = period or parsed.period
    if chosen is None:
        raise BulletinParseError(str(path), "标题", "未能识别期间（如“2021年上半年”）；请用 --period 指定")
    check_period_agrees(path, parsed, period)
    code = parse_period(chosen).code
    con = runner.connect(":memory:")
    try:
        if registry is not None:
            reg = registry if isinstance(registry, Registry) else load_registry(registry, parsed.county or "")
            load_registry_into(con, reg, "check")
        load_parsed(con, parsed, county_slug="check", county=parsed.county or "", period=code,
                    source_kind="unit_report" if parsed.file_format in {"csv", "xlsx"} else "bulletin")
        runner.run_marts(con, "check", code)
        frames = frames_for(con, "check", code)
    finally:
        con.close()
    outcome = validate(frames, docs_dir=docs_dir, run_name="check")
    tables = [
        {"category": r["category"], "rows": int(r["rows"]), "sum": int(r["sum"]),
         "printed_total": None if r["printed_total"] != r["printed_total"] or r["printed_total"] is None
         else int(r["printed_total"])}
        for r in frames["tables"].to_dict("records")
    ]
    return {
        "file": str(path),
        "county": parsed.county,
        "period": code,
        "tables": tables,
        "overall": {"in_text": parsed.stated_total, "sum_of_tables": sum(t["sum"] for t in tables)},
        "findings": [f.to_dict() for f in outcome.findings],
        "checks": [{"name": r.name, "success": r.success} for r in outcome.results],
        "validation": str(outcome.docs_index) if outcome.docs_index else None,
    }


# --------------------------------------------------------------------------------------------
# Outputs: written to a temporary folder, then swapped in, so a failed run leaves the last good one.
# --------------------------------------------------------------------------------------------


def _inside(out_root: str | Path, target: str | Path) -> Path:
    """target, resolved, when it lies strictly inside out_root; otherwise refuse (a slug such as
    "../victim" must never make a run write, rename or delete outside the output root)."""
    root, resolved = Path(out_root).resolve(), Path(target).resolve()
    if resolved == root or not resolved.is_relative_to(root):
        raise ConfigError(f"输出位置 {target} 不在输出根目录 {root} 之内：拒绝写入")
    return resolved


def current_umask() -> int:
    """The process umask (read from /proc where possible: os.umask() changes it for a moment)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_STAGING_NAME = re.compile(r"^\.(?P<period>[^.]+)\.(?P<old>old\.)?(?P<pid>\d+)(?:\.[^.]*)?$")
_LEGACY_STAGING_NAME = re.compile(r"^\.[^.]+\.[A-Za-z0-9_]{8}$")
LEGACY_STAGING_AGE = 24 * 3600  # staging folders named before they carried a pid: removed after a day


def remove_stale_staging(parent: str | Path) -> list[Path]:
    """Remove the staging folders (".2021H1.<pid>.xxxx") and set-aside old outputs
    (".2021H1.old.<pid>") that runs killed midway left behind: their process is gone."""
    removed = []
    try:
        entries = list(Path(parent).iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(".") or entry.name.startswith(".cache") or not entry.is_dir():
            continue
        m = _STAGING_NAME.match(entry.name)
        if m is not None:
            stale = not _pid_alive(int(m["pid"]))
        elif _LEGACY_STAGING_NAME.match(entry.name):  # ".2021H1.k2j4x_q" of an older version: no pid
            try:
                stale = time.time() - entry.stat().st_mtime > LEGACY_STAGING_AGE
            except OSError:
                stale = False
        else:
            continue
        if stale and m is not None and m["old"] and not (Path(parent) / m["period"]).exists():
            entry.rename(Path(parent) / m["period"])  # killed between the two renames: put the old one back
        elif stale:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def staging_dir(out_root: str | Path, county_slug: str, period: str) -> Path:
    """The staging folder of a period's outputs (``staging_folder`` for ``out_root/county/<period>``)."""
    return staging_folder(out_root, county_slug, parse_period(period).code)


def staging_folder(out_root: str | Path, county_slug: str, name: str) -> Path:
    """A fresh folder beside the final ``out_root/county/name`` (same filesystem, so the swap is a rename),
    named with this process's id so a later run can tell it is stale if this one is killed; mode from
    the umask. Stale staging folders of killed runs are removed first."""
    parent = _inside(out_root, Path(out_root) / county_slug)
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(parent)
    staged = Path(tempfile.mkdtemp(prefix=f".{name}.{os.getpid()}.", dir=parent))
    os.chmod(staged, 0o777 & ~current_umask())  # mkdtemp makes it 0700; the outputs are for the office
    return staged


def publish_dir(staged: str | Path, out_root: str | Path, county_slug: str, period: str) -> Path:
    """Replace ``out_root/county/period`` by the staged folder."""
    return publish_folder(staged, out_root, county_slug, parse_period(period).code)


def publish_folder(staged: str | Path, out_root: str | Path, county_slug: str, name: str) -> Path:
    """Replace ``out_root/county/name`` by the staged folder (rename; the old one is removed after).
    Both must lie inside ``out_root``."""
    final = _inside(out_root, Path(out_root) / county_slug / name)
    staged = _inside(out_root, staged)
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old.{os.getpid()}")
        final.rename(old)
    staged.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return final


def now_iso() -> str:
    return datetime.now(TZ).isoformat(timespec="seconds")


def write_json(path: str | Path, data: dict) -> Path:
    path = Path(path)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def render_outputs(config: CountyConfig, warehouse: str | Path, period: str, validation: dict,
                   out_dir: str | Path, extra: dict | None = None, *, cache_dir: str | Path | None = None) -> dict:
    """Build the render context from the warehouse, write every output and run.json into out_dir
    (bulletin.pdf reused from ``cache_dir`` when bulletin.docx's content is unchanged: reports/pdf.py)."""
    from reports.context import build_context
    from reports.render import render_all

    out_dir = Path(out_dir).resolve()
    docs_src = validation.get("docs_dir")
    if docs_src and Path(docs_src).is_dir() and not Path(docs_src).resolve().is_relative_to(out_dir):
        # Data Docs built (or cached) elsewhere: copy them into this run's outputs.
        shutil.copytree(docs_src, out_dir / "validation", dirs_exist_ok=True)
        validation = {**validation, "docs_index": str(out_dir / "validation" / "index.html")}
    docs = validation.get("docs_index")
    docs_rel = str(Path(docs).relative_to(out_dir)) if docs and Path(docs).is_relative_to(out_dir) else docs
    con = runner.connect(warehouse, read_only=False)
    try:
        context = build_context(
            con, county_slug=config.slug, period=period, checks=validation["checks"], issuer=config.issuer,
            ranking=config.ranking, validation_index=docs_rel, rules_settings=config.rules,
        )
    finally:
        con.close()
    outputs = render_all(context, out_dir, cache_dir=cache_dir)
    skipped = dict(getattr(outputs, "skipped", {}) or {})
    outputs = dict(outputs)
    if docs_rel:
        outputs["validation"] = docs_rel
    outputs["run.json"] = "run.json"
    summary = run_summary(context, outputs, extra or {})
    if skipped:
        summary["skipped_outputs"] = skipped
    write_json(out_dir / "run.json", summary)
    return summary


def finalize(staged: str | Path, summary: dict, out_root: str | Path, county_slug: str, period: str) -> Path:
    """Write the final run.json into the staged folder, then swap it into place."""
    write_json(Path(staged) / "run.json", summary)
    return publish_dir(staged, out_root, county_slug, period)


def final_dir(out_root: str | Path, county_slug: str, period: str) -> Path:
    return (Path(out_root) / county_slug / parse_period(period).code).resolve()


def notify(summary: dict, config_urls: list[str], notify_success: bool) -> dict:
    """Send one alert for this run when it is a draft or failed (or final, when asked)."""
    from flows.alerts import alert_urls, compose_alert, send_alert, should_alert

    if not should_alert(summary.get("status", ""), notify_success):
        return {"status": "not_needed", "sent": [], "failed": [], "errors": []}
    urls = alert_urls(config_urls)
    if not urls:
        return {"status": "no_urls", "sent": [], "failed": [], "errors": []}
    title, body = compose_alert(summary)
    result = send_alert(urls, title, body)
    return {"status": "sent" if not result.failed else "failed", "sent": result.sent,
            "failed": result.failed, "errors": result.errors}


def alert_summary(summary: dict) -> dict:
    """The part of a run summary the alert message needs."""
    out_dir = summary.get("out_dir")
    validation = (summary.get("outputs") or {}).get("validation")
    return {
        "county": summary.get("county"), "period": summary.get("period"),
        "period_label": summary.get("period_label"), "status": summary.get("status"),
        "error": summary.get("error"), "outputs_dir": out_dir,
        "validation_index": str(Path(out_dir) / validation) if out_dir and validation else None,
        "failed_checks": [
            {"name": c["name"], "blocking": c.get("blocking"),
             "message": "；".join(c.get("messages") or []) or c["name"]}
            for c in summary.get("checks", []) if not c.get("success")
        ],
    }


def record_run(warehouse: str | Path, record: dict) -> None:
    """Append one run to run_history (its own transaction)."""
    con = runner.connect(warehouse)
    try:
        with runner.transaction(con):
            runner.execute(con, runner.sql("load/insert_run"), {
                "run_id": record["run_id"], "flow_run_id": record.get("flow_run_id"),
                "county_slug": record["county_slug"], "county": record.get("county"),
                "period": record["period"], "status": record["status"],
                "failed_checks": record.get("failed_checks") or [], "error": record.get("error"),
                "out_dir": record.get("out_dir"), "alert": record.get("alert"),
                "started_at": _naive(record.get("started_at")), "finished_at": _naive(record.get("finished_at")),
            })
    finally:
        con.close()


def _naive(stamp: str | None):
    if not stamp:
        return None
    return datetime.fromisoformat(stamp).astimezone(TZ).replace(tzinfo=None)


def list_runs(warehouse: str | Path, county_slug: str | None = None, period: str | None = None,
              limit: int = 20) -> list[dict]:
    """Past runs, newest first, as plain JSON-ready dicts (None for missing values, lists, ISO times)."""
    import duckdb

    if not Path(warehouse).exists():
        return []
    try:
        con = runner.connect(warehouse, read_only=True)  # reading the history never writes the file
    except duckdb.IOException as exc:
        from flows.steps.runlock import WarehouseBusy, holder

        raise WarehouseBusy(f"仓库 {warehouse} 正被{holder(warehouse)}使用，暂时无法读取运行记录（{exc}）") from None
    try:
        frame = runner.query(con, "runs", county_slug=county_slug,
                             period=parse_period(period).code if period else None, limit=limit)
    except duckdb.CatalogException:  # a warehouse no run has been recorded in yet
        return []
    finally:
        con.close()
    return [{k: _json_value(v) for k, v in record.items()} for record in frame.to_dict("records")]


def _json_value(value):
    """A DataFrame cell as strict JSON: NaN/NaT → None, arrays → lists, timestamps → ISO strings."""
    if value is None:
        return None
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()  # numpy arrays and scalars
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "isoformat"):
        import pandas as pd

        return None if pd.isna(value) else value.isoformat()
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def latest_completed(kind: str = "half", today=None):
    """The period of this kind that ended most recently before today (Asia/Shanghai)."""
    from flows.domain.periods import Period

    today = today or datetime.now(TZ).date()
    per_year = {"year": 1, "half": 2, "quarter": 4, "month": 12}[kind]
    current = next(Period(kind, today.year, n) for n in range(1, per_year + 1)
                   if Period(kind, today.year, n).contains(today))
    return current.previous()


def run_summary(context: dict, outputs: dict, extra: dict) -> dict:
    """The run.json object: what ran, what it found, where the outputs are."""
    checks = [
        {"name": c["name"], "success": c["success"], "observed": c.get("observed"), "expected": c.get("expected"),
         "severity": c.get("severity"), "blocking": c.get("blocking"), "code": c.get("code"),
         "messages": [f["message"] for f in c.get("findings", [])]}
        for c in context["checks"]
    ]
    return {
        "county": context["county"],
        "county_slug": context["county_slug"],
        "period": context["period"],
        "period_label": context["period_label"],
        "status": context["status"],
        "totals": context["totals"],
        "units": context["units"],
        "checks": checks,
        "outputs": outputs,
        "source": context["source"],
        "counts_source": context["counts_source"],
        "unknown_publishers": context["unknown_publishers"],
        "rules": [{"rule": r["rule"], "severity": r["severity"], "unit": r["unit"], "column": r["column"],
                   "url": r["url"], "title": (r.get("detail") or {}).get("title"), "detail": r.get("detail")}
                  for r in context["rules"]],
        "started_at": extra.get("started_at"),
        "finished_at": now_iso(),
        "ingest": extra.get("ingest"),
        "marts": extra.get("marts"),
        **({"crawl": {
            "items": extra["crawl"]["items"], "pages_fetched": extra["crawl"]["pages_fetched"],
            "requests": extra["crawl"]["requests"], "failed": extra["crawl"]["failed"],
            "unknown_units": [u["unit_raw"] for u in context.get("crawl_unknown_units", [])],
            "crawl_id": extra["crawl"]["crawl_id"], "summary": extra["crawl"].get("summary"),
            # a crawl that hit a limit or lost pages/articles says so: never reported as complete
            "complete": extra["crawl"].get("complete", False),
            "incomplete_columns": extra["crawl"].get("incomplete_columns", []),
            **({k: extra["crawl"][k] for k in ("skipped", "age", "age_seconds")} if extra["crawl"].get("skipped") else {}),
        }, "reconciliation": [
            {k: r[k] for k in ("unit", "category", "reported", "crawled")} for r in context["reconciliation"]
        ]} if extra.get("crawl") else {}),
    }


# --------------------------------------------------------------------------------------------
# Crawling the portal (issue: crawled records beside the reported counts)
# --------------------------------------------------------------------------------------------

# The bundled demo portal's loopback port (falls back to any free port); ZWGK_DEMO_PORT moves it, e.g. for
# two checkouts crawling on one machine at once.
DEMO_PORT = int(os.environ.get("ZWGK_DEMO_PORT", "18921"))


def crawl_store_dir(config: CountyConfig, warehouse: str | Path) -> Path:
    from flows.domain.settings import crawl_store_root

    return config.crawl_store or crawl_store_root(warehouse) / config.slug


def ensure_demo_portal(root: Path, seed: int = 2021) -> Path:
    """Generate the synthetic demo portal once (deterministic); reuse it afterwards."""
    from data.demo.portal import generate_demo_portal

    marker = root / f".generated-{seed}-annual"  # regenerate portals made before the annual-report bodies
    if not marker.exists():
        generate_demo_portal(root, seed=seed)
        marker.write_text("synthetic demo portal, generated by data/demo/portal.py\n", encoding="utf-8")
    return root


def format_age(seconds: float) -> str:
    """An age as the office reads it: 2 小时 5 分钟, 40 分钟, 12 秒."""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} 小时 {minutes} 分钟" if minutes else f"{hours} 小时"
    return f"{minutes} 分钟" if minutes else f"{secs} 秒"


def recent_crawl(config: CountyConfig, warehouse: str | Path, now: datetime | None = None) -> dict | None:
    """The county's last crawl when it may be reused instead of crawling again: loaded into this warehouse
    less than ``[crawl] max_age`` ago and complete (an incomplete crawl is always retried). Returns the
    crawl step's result marked ``skipped: true`` with its ``age``, or None (crawl now)."""
    if config.crawl_max_age <= 0 or not Path(warehouse).exists():
        return None
    con = runner.connect(warehouse)
    try:
        rows = runner.execute(con, runner.sql("queries/last_crawl"), {"county_slug": config.slug})
    finally:
        con.close()
    if not rows:
        return None
    crawl_id, summary, loaded_at = rows[0]
    summary = json.loads(summary) if isinstance(summary, str) else (summary or {})
    age = ((now or datetime.now(timezone.utc)).replace(tzinfo=None) - loaded_at).total_seconds()
    if age < 0 or age >= config.crawl_max_age or summary.get("columns_incomplete", 0):
        return None
    return {"skipped": True, "age": format_age(age), "age_seconds": round(age), "max_age_seconds": config.crawl_max_age,
            "crawl_id": crawl_id, "items": summary.get("items", 0), "pages_fetched": 0, "requests": 0,
            "failed": summary.get("items_failed", 0), "summary": summary, "complete": True, "incomplete_columns": []}


def crawl_county(config: CountyConfig, warehouse: str | Path, *, since=None, full: bool = False,
                 progress: bool = False) -> dict:
    """Crawl the county's portal (or the bundled demo portal) and load the items into the warehouse."""
    from flows.domain.settings import demo_portal_dir
    from flows.ingest.crawler.config import load_crawl_config, with_limits
    from flows.ingest.crawler.crawl import crawl

    registry = load_registry(config.registry, config.county) if config.registry else None
    store = crawl_store_dir(config, warehouse)
    if config.crawl_demo:
        from data.demo.portal import demo_config, serve_directory

        root = ensure_demo_portal(demo_portal_dir(warehouse))
        with serve_directory(root, port=DEMO_PORT) as base:
            crawl_config = with_limits(demo_config(base), **config.crawl_limits, where=str(config.path))
            result = crawl(crawl_config, store, since=since, full=full, registry=registry,
                           rate=config.crawl_rate, progress=progress)
    else:
        crawl_config = with_limits(load_crawl_config(config.crawl_config), **config.crawl_limits,
                                   where=str(config.path))
        result = crawl(crawl_config, store, since=since, full=full, registry=registry,
                       rate=config.crawl_rate, progress=progress)
    summary = result.summary.to_dict()
    con = runner.connect(warehouse)
    try:
        loaded = load_crawl_into(con, county_slug=config.slug, crawl_id=summary["crawl_id"], items=result.items,
                                 summary=summary, portal=crawl_config.name,
                                 columns=[c.to_dict() for c in result.columns])
    finally:
        con.close()
    write_json(store / "last_summary.json", summary)
    return {"crawl_id": summary["crawl_id"], "items": summary["items"], "loaded": loaded,
            "pages_fetched": summary["pages_fetched"], "requests": summary["requests"],
            "failed": summary["items_failed"], "summary": summary,
            "complete": result.complete, "incomplete_columns": result.incomplete_columns(),
            "columns": [c.to_dict() for c in result.columns]}
