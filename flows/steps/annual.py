"""Plain step functions of the annual-report review (docs/annual-reports.md); flows/annual_flow.py
orchestrates them. Tests call them without Prefect.

- ``check_report``      one file → the ``zwgk check REPORT --json`` object;
- ``collect_reports``   crawl the county's 年报 column(s) → report pages in the crawl store;
- ``review_year``       parse, match to registered units, load into the warehouse, check, and
                        return the review (one row per unit, findings);
- ``write_review``      review.xlsx / review.html / review.md / run.json beside the Data Docs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from flows.ingest.annual_model import AnnualReport
from flows.ingest.annual_report import parse_annual_report_file


def report_json(report: AnnualReport, findings: list) -> dict:
    return {"kind": "annual_report", "unit": report.unit, "year": report.year, "format": report.format,
            "published": report.published.isoformat() if report.published else None,
            "tables": report.tables(), "findings": [f.to_dict() for f in findings],
            "stated": [{"kind": x.kind, "value": x.value, "sentence": x.sentence} for x in report.stated],
            "file": report.source, "notes": report.notes}


def check_report(path: str | Path, *, docs_dir: str | Path | None = None, published: date | None = None,
                 deadlines=None) -> dict:
    """Parse and check one annual report (no registry, no last year: the report's own checks + late)."""
    from expectations.annual import validate_annual
    from expectations.annual_frames import Deadlines, ReviewContext, build_frames

    report = parse_annual_report_file(path)
    if published is not None:
        report.published = published
    ctx = ReviewContext(deadlines=deadlines or Deadlines())
    outcome = validate_annual(build_frames([report], ctx), docs_dir=docs_dir, run_name="check")
    out = report_json(report, outcome.findings_by_report.get(0, []))
    out["validation"] = str(outcome.docs_index) if outcome.docs_index else None
    return out


def deadlines_from(settings: Mapping | None):
    """Deadlines from a county's ``[annual]`` table: ``department = "01-31"``, ``township``, ``county``."""
    from expectations.annual_frames import Deadlines

    d = Deadlines()
    for kind in ("department", "township", "county"):
        value = (settings or {}).get(f"deadline_{kind}")
        if value:
            month, day = (int(x) for x in str(value).split("-"))
            date(2001, month, day)  # validates
            setattr(d, kind, (month, day))
    return d


def annual_settings(cfg) -> dict:
    """The county's ``[annual]`` table (docs/annual-reports.md, "Configuration"), validated."""
    from flows.domain.config import ConfigError

    raw = dict(cfg.raw.get("annual", {}) or {})
    try:
        deadlines_from(raw)
    except (ValueError, TypeError):
        raise ConfigError(f"{cfg.path}: [annual] deadline_* 应为 MM-DD（如 \"01-31\"）") from None
    county_units = raw.get("county_units", [f"{cfg.county}人民政府"])
    return {"deadlines": raw, "county_units": list(county_units), "columns": list(raw.get("columns", []))}


def collect_reports(cfg, warehouse: str | Path, year: int) -> dict:
    """Crawl the county's 年报 column(s) (type annual_report; ``[annual] columns`` narrows them by name).

    Returns the crawl store folder and one entry per article page: url, sha256, title, publish date.
    Pages are kept in the crawl store (content-addressed); tasks pass hashes, never bodies.
    """
    from dataclasses import replace

    from flows.ingest.crawler.config import load_crawl_config
    from flows.ingest.crawler.crawl import crawl
    from flows.ingest.crawler.store import CrawlStore
    from flows.domain.settings import demo_portal_dir
    from flows.steps.pipeline import DEMO_PORT, crawl_store_dir, ensure_demo_portal

    settings = annual_settings(cfg)
    store = crawl_store_dir(cfg, warehouse).with_name(f"{cfg.slug}-annual")
    since = date(year, 12, 1)

    def only_annual(crawl_config):
        cols = [c for c in crawl_config.columns if c.type == "annual_report"
                and (not settings["columns"] or c.name in settings["columns"])]
        if not cols:
            from flows.domain.config import ConfigError
            raise ConfigError(f"{cfg.path}: 门户配置中没有年报栏目（type = \"annual_report\"）")
        return replace(crawl_config, columns=cols)

    if cfg.crawl_demo:
        from data.demo.portal import demo_config, serve_directory

        root = ensure_demo_portal(demo_portal_dir(warehouse))
        with serve_directory(root, port=DEMO_PORT) as base:
            result = crawl(only_annual(demo_config(base)), store, since=since, rate=cfg.crawl_rate)
    elif cfg.crawl_config:
        result = crawl(only_annual(load_crawl_config(cfg.crawl_config)), store, since=since, rate=cfg.crawl_rate)
    else:
        from flows.domain.config import ConfigError
        raise ConfigError(f"{cfg.path}: 未配置门户采集（[crawl] config 或 demo），无法采集年报栏目")
    pages = []
    with CrawlStore(store) as st:
        for item in result.items:
            resp = st.get(item["url"])
            if resp is None or not resp.sha256 or resp.status != 200:
                continue
            pages.append({"url": item["url"], "sha256": resp.sha256, "title": item.get("title"),
                          "publish_date": str(item.get("publish_date") or "") or None})
    return {"store": str(store), "pages": pages, "crawl": result.summary.to_dict()}


def _read_pages(collected: dict, files: list[str | Path]) -> tuple[list[AnnualReport], list[str]]:
    from flows.ingest.crawler.store import CrawlStore
    from flows.ingest.annual_model import AnnualReportError
    from flows.ingest.annual_report import parse_annual_report

    reports, notes = [], []
    if collected.get("pages"):
        with CrawlStore(collected["store"]) as st:
            for page in collected["pages"]:
                body = st.get_body(page["sha256"])
                try:
                    r = parse_annual_report(body or b"", page["url"])
                except AnnualReportError as exc:
                    notes.append(str(exc))
                    continue
                if r.published is None and page.get("publish_date"):
                    r.published = date.fromisoformat(page["publish_date"][:10])
                reports.append(r)
    for f in files:
        try:
            reports.append(parse_annual_report_file(f))
        except AnnualReportError as exc:
            notes.append(str(exc))
    return reports, notes


def review_year(cfg, warehouse: str | Path, year: int, collected: dict | None = None, *,
                files: list[str | Path] = (), docs_dir: str | Path | None = None) -> dict:
    """Parse the collected pages (and any files), match them to registered units, check, load. → review."""
    from expectations.annual import validate_annual
    from expectations.annual_frames import ReviewContext, build_frames
    from transforms.annual_loaders import load_review, previous_reports, review_rows
    from flows.domain.registry import load_registry
    from transforms.loaders import load_registry as load_registry_into
    from transforms import runner

    settings = annual_settings(cfg)
    registry = load_registry(cfg.registry, cfg.county)
    start, end = date(year, 1, 1), date(year, 12, 31)
    found, notes = _read_pages(collected or {}, list(files))
    reports, matches, seen = [], [], set()
    for r in sorted(found, key=lambda r: (r.published or date.max, r.source)):
        if r.year != year:
            continue
        printed = r.unit
        unit = registry.resolve(printed or "", start, end) if printed else None
        key = unit.unit_id if unit else printed
        if key in seen:  # the same unit's report listed twice: the first published counts
            continue
        seen.add(key)
        if unit is not None:
            r.unit = unit.unit
        reports.append(r)
        matches.append({"printed": printed, "unit_id": unit.unit_id if unit else None})
    registered = registry.valid_units(start, end)
    kinds = {u.unit: ("township" if u.category == "乡镇" else "department") for u in registered}
    kinds.update({name: "county" for name in settings["county_units"]})
    with runner.connect(warehouse) as con:
        load_registry_into(con, registry, cfg.slug)
        previous = previous_reports(con, cfg.slug, year - 1)
        from flows.steps.applications import register_table3

        ctx = ReviewContext(deadlines=deadlines_from(settings["deadlines"]), unit_kinds=kinds, previous=previous,
                            registered=[u.unit for u in registered], year=year,
                            register=register_table3(con, cfg.slug, year))
        outcome = validate_annual(build_frames(reports, ctx), docs_dir=docs_dir, run_name=f"annual.{cfg.slug}.{year}")
        ids = {u.unit: u.unit_id for u in registered}
        findings = [{"report_no": no, "unit_id": matches[no]["unit_id"], "unit": reports[no].unit} | f.to_dict()
                    for no, fs in outcome.findings_by_report.items() for f in fs]
        findings += [{"report_no": None, "unit_id": ids.get(unit), "unit": unit} | f.to_dict()
                     for unit, fs in outcome.findings_by_unit.items() for f in fs]
        load_id = load_review(con, county_slug=cfg.slug, county=cfg.county, year=year, reports=reports,
                              matches=matches, findings=findings, registered=[u.unit_id for u in registered])
        units, summary = review_rows(con, cfg.slug, year)
    return {"county": cfg.county, "county_slug": cfg.slug, "year": year, "load_id": load_id, "units": units,
            "summary": summary, "findings": findings, "notes": notes,
            "checks": [r.to_dict() for r in outcome.results],
            "validation": str(outcome.docs_index) if outcome.docs_index else None}


# --- outputs: written into a private folder, then renamed into place -----------------------------------
def folder_name(year: int) -> str:
    return f"{year}-annual"


def staging_dir(out_root: str | Path, county_slug: str, year: int) -> Path:
    """The review's staging folder beside ``out_root/county/<year>-annual`` (as for bulletins)."""
    from flows.steps.pipeline import staging_folder

    return staging_folder(out_root, county_slug, folder_name(year))


def render_review(review: dict, staged: str | Path) -> dict:
    """review.md, review.html, review.xlsx into the staged folder (Data Docs are already in validation/)."""
    from reports import annual

    staged = Path(staged)
    ctx = annual.context(review)
    annual.render_markdown(ctx, staged)
    annual.render_html(ctx, staged)
    annual.render_xlsx(ctx, review, staged)
    outputs = {"review.md": "review.md", "review.html": "review.html", "review.xlsx": "review.xlsx"}
    if (staged / "validation" / "index.html").exists():
        outputs["validation"] = "validation/index.html"
    return outputs


def run_status(review: dict) -> str:
    """final: nothing found; findings: some unit is late, missing or has a defect."""
    return "findings" if review["findings"] else "final"


def compose_alert(review: dict, out_dir: str | None, status: str, error: str | None = None) -> tuple[str, str]:
    """(title, body) of the run's one alert, in short office Chinese."""
    from flows.alerts import TITLE_PREFIX

    subject = f"{TITLE_PREFIX}{review.get('county', '')}{review.get('year', '')}年度政府信息公开工作年度报告审查"
    if status == "failed":
        return f"{subject}运行失败", f"错误：{(error or '')[:300]}\n请联系技术人员查看运行日志后重新运行。"
    s = review["summary"]
    title = f"{subject}：{s.get('late', 0)}个逾期、{s.get('missing', 0)}个未公布、{s.get('with_defects', 0)}个有问题"
    units = review["units"]

    def names(rows: list[dict]) -> str:
        shown = "、".join(u["unit"] for u in rows[:10])
        return shown + (f"等{len(rows)}个" if len(rows) > 10 else "")

    lines = [f"应公布{s.get('registered', 0)}个单位，已公布{s.get('published', 0)}个，按时{s.get('on_time', 0)}个。"]
    late = [u for u in units if u["on_time"] is False]
    missing = [u for u in units if not u["has_report"]]
    defects = [u for u in units if u["has_report"] and any(c != "annual_late" for c in u["codes"])]
    for label, rows in (("逾期公布", late), ("未公布", missing), ("报告有问题", defects)):
        if rows:
            lines.append(f"{label}：{names(rows)}")
    if out_dir:
        lines.append(f"审查结果：{out_dir}")
    return title, "\n".join(lines)


def notify(review: dict, out_dir: str | None, urls: list[str], notify_success: bool, status: str,
           error: str | None = None) -> dict:
    """One alert per run: when something was found or the run failed (or always, when asked)."""
    from flows.alerts import alert_urls, send_alert

    if status == "final" and not notify_success:
        return {"status": "not_needed", "sent": [], "failed": [], "errors": []}
    targets = alert_urls(urls)
    if not targets:
        return {"status": "no_urls", "sent": [], "failed": [], "errors": []}
    title, body = compose_alert(review, out_dir, status, error)
    result = send_alert(targets, title, body)
    return {"status": "sent" if not result.failed else "failed", "sent": result.sent, "failed": result.failed,
            "errors": result.errors}


def publish(staged: str | Path, summary: dict, out_root: str | Path, county_slug: str, year: int, *,
            force: bool = False) -> Path:
    """Write run.json and replace ``out_root/county/<year>-annual`` by the staged folder (as for bulletins:
    the previous version to .history/, refused over files zwgk did not write unless ``force``)."""
    from flows.steps.pipeline import publish_folder, write_json

    write_json(Path(staged) / "run.json", summary)
    return publish_folder(staged, out_root, county_slug, folder_name(year), force=force)
