"""``zwgk check`` on a published document read as it is (flows/ingest/document): read, build the
frames, validate them with Great Expectations, and say what could not be read
(docs/real-documents.md). Plain functions: tests call them without Prefect.
"""

from __future__ import annotations

import re
from pathlib import Path

from expectations.checks import Finding
from flows.ingest.bulletin_model import BulletinParseError
from flows.ingest.document.model import ReadDocument

NOT_READ, TRUNCATED = "not_read", "table_truncated"


def reading_findings(doc: ReadDocument) -> list[Finding]:
    """What the reader could not read, and tables the copy cuts short: findings, never silence."""
    out = []
    for t in doc.tables:
        if not t.complete:
            out.append(Finding(TRUNCATED, "info", (
                f"{t.title or '附表'}：{t.cut_reason}，按副本已读{len(t.records)}个单位；副本可能不全，"
                "正文所述总数只在附表之和大于它时判为不符（截断只会少算）"), t.where))
    for part in doc.not_read:
        out.append(Finding(NOT_READ, "warning", f"{part.part}：{part.why}", part.part))
    mention = next((text for text, _ in doc.paragraphs if re.search(r"附\s{0,2}[件表]\s{0,2}\d{0,2}\s{0,2}[:：、]|详见附件|见附件", text)), None)
    if mention and not any(t.records for t in doc.tables if not t.from_prose):
        out.append(Finding(NOT_READ, "warning", (
            f"附件：正文提到附件（“{mention[:30]}”），文件中未找到可读的附件表格（表头应含单位、条数/信息数/报送/采用/"
            "得分等）；附件中的数字未核对"), "附件"))
    elif not any(t.records for t in doc.tables) and not doc.stated:
        out.append(Finding(NOT_READ, "warning", (
            "全文：未找到可读的统计表（表头应含单位、条数/信息数/报送/采用/得分等），"
            "也未找到正文所述的数字；本文件未核对"), "全文"))
    return out


def quota_findings(doc: ReadDocument, quotas: dict | None, registry=None) -> list[Finding]:
    """With a county's [quotas] (zwgk check --config; docs/rules.md, "Quotas"): the units of a table whose count is
    below its category's minimum for the document's period and whom the text does not name (``quota_unnamed``) —
    by the name the table prints or, with the registry, any name of the unit (简称, aliases); said
    (``quota_unchecked``) when the period or the tables' categories cannot be read, never silently passed."""
    if not (quotas or {}).get("minimum"):
        return []
    from flows.domain.periods import PeriodError, parse_period
    from flows.domain.quotas import quota_for
    from flows.ingest.bulletin import compact

    try:
        kind = parse_period(doc.period).kind if doc.period else None
    except PeriodError:
        kind = None
    if kind is None:
        return [Finding("quota_unchecked", "info", "未读出期间，最低标准（[quotas]）未核对；请用 --period 指定", "全文")]
    text = compact("".join(t for t, _ in doc.paragraphs))
    out, checked = [], 0
    for t in doc.tables:
        quota = None if t.from_prose else quota_for(quotas, t.category, kind)
        count = next((c.name for c in t.columns if c.role == "count"), None)
        if quota is None or count is None:
            continue
        checked += 1
        below = [(r.unit, int(r.values[count])) for r in t.records
                 if r.values.get(count) is not None and r.values[count] < quota]
        unnamed = [(u, n) for u, n in below if not any(compact(name) in text for name in _names(u, registry))]
        if unnamed:
            names = "、".join(f"{u}（{n}条）" for u, n in unnamed)
            out.append(Finding("quota_unnamed", "warning", (
                f"{t.category}本期最低标准{quota}条：{names}未达到，正文未点名"), t.where))
    if not checked:
        out.append(Finding("quota_unchecked", "info", (
            f"配置设有最低标准（{'、'.join(quotas['minimum'])}），但附表的类别或条数列未能读出，最低标准未核对"), "附件"))
    return out


def _names(unit: str, registry) -> list[str]:
    """Every name a printed unit answers to: itself, and with the registry its canonical and short names and
    aliases."""
    found = registry.resolve(unit) if registry is not None else None
    return [unit, *(found.names() if found is not None else ())]


def document_json(doc: ReadDocument, findings: list[Finding], validation: str | None) -> dict:
    read_all = not any(f.code == NOT_READ and f.severity == "warning" for f in findings) and \
        all(t.complete for t in doc.tables)
    return {
        "kind": doc.kind, "file": doc.path, "title": doc.title, "period": doc.period,
        "period_source": doc.period_source, "medium": doc.medium,
        "tables": [t.to_dict() for t in doc.tables],
        "stated": [{"value": s.value, "text": s.text, "where": s.where, "subject": s.subject, "verb": s.verb,
                    "kind": s.kind} for s in doc.stated],
        "findings": [f.to_dict() for f in findings],
        "read_completely": read_all, "validation": validation,
    }


def check_document(path: str | Path, *, docs_dir: str | Path | None = None, period: str | None = None,
                   doc: ReadDocument | None = None) -> dict:
    from expectations.annual import validate_annual
    from expectations.document_frames import build_frames
    from expectations.documents import CHECKS
    from flows.ingest.document import read_document_file

    doc = doc or read_document_file(path)
    if period:
        from flows.domain.periods import parse_period

        doc.period, doc.period_source = parse_period(period).code, "option"
    frames = build_frames(doc)
    findings = reading_findings(doc)
    validation = None
    if any(not f.empty for f in frames.values()):
        outcome = validate_annual(frames, docs_dir=docs_dir, checks=CHECKS, run_name="document")
        findings = outcome.findings_by_report.get(0, []) + findings
        validation = str(outcome.docs_index) if outcome.docs_index else None
    return document_json(doc, findings, validation)


# --- one file, whatever it is: the routing of ``zwgk check`` ---------------------------------------------
def within_caps(file: Path) -> bool:
    """Whether a file may be read at all (a regular file under the size cap; a .docx within the
    decompression caps): anything else is left to the bulletin parser, which says why, and is never
    handed to a reader without caps."""
    from flows.domain.limits import check_archive, read_input

    try:
        data = read_input(file, "通报或年度报告")
        if file.suffix.lower() == ".docx":
            check_archive(data, str(file), "Word 文档（.docx）")
    except BulletinParseError:
        return False
    return True


def standard_layout(doc, parsed) -> bool:
    """Whether the bulletin has the layout the warehouse path reads in full: every table one count
    column (and a rank), nothing cut short, and the same tables and rows both readers see."""
    from expectations.document_frames import _SUBSET

    tables = [t for t in doc.tables if not t.from_prose]
    if not tables or len(tables) != len(parsed.tables) or doc.identities:
        return False
    for t, p in zip(tables, parsed.tables):
        numeric = [c for c in t.columns if c.role in ("count", "score", "quota", "rate")]
        if len(numeric) != 1 or numeric[0].role != "count" or not t.complete or len(t.records) != len(p.rows):
            return False
        if not t.totals or _SUBSET.search(t.title):  # its 合计 printed; all the units, not the best ten
            return False
        name = numeric[0].name
        if any(not re.fullmatch(r"[+-]?[\d０-９][\d０-９,，]*|", _compact(r.raw.get(name, ""))) for r in t.records):
            return False  # a cell such as 12（含转载3）: the document reader reads it
    return True


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _agreed(report: dict, doc) -> dict:
    """The warehouse path's findings, less two it cannot judge on a real bulletin: ranks that follow
    no printed column (the document reader checks ranks by the column they follow) and a missing
    overall total when the text states one in its own words (采用773条)."""
    from expectations.document_frames import ranks_frame

    ranks = ranks_frame(doc)
    ranks_wrong = not ranks.empty and not bool(ranks["consistent"].all())
    stated = any(s.kind == "total" and s.verb for s in doc.stated)
    report["findings"] = [f for f in report["findings"]
                          if not (f["code"] == "rank_inconsistent" and not ranks_wrong)
                          and not (f["code"] == "overall_total_missing" and stated)]
    return report




def readable(file: Path):
    """The standard-layout reading of a .txt/.docx bulletin (None when its tables are not in that
    layout, or for .html); a file that cannot be read at all (empty, not a .docx, over the caps,
    an unsupported format) is refused here with the reader's one-line reason."""
    from flows.ingest.bulletin import parse_bulletin

    if file.suffix.lower() in {".html", ".htm"}:
        if not within_caps(file):
            from flows.domain.limits import read_input

            read_input(file, "网页（.html）")
        return None
    try:
        return parse_bulletin(file)
    except BulletinParseError as exc:
        from flows.ingest.document.as_bulletin import TABLE_PROBLEMS

        # a table the standard-layout reader cannot follow: the document reader reads what it can
        # and names the rest (not_read) rather than refusing the file
        if any(p in exc.expected for p in TABLE_PROBLEMS):
            return None
        raise


def bulletin_report(file: Path, registry, period, docs, doc, parsed) -> dict:
    """The warehouse path (registry, GX checks of stg_reported_rows …) for the standard layout; the
    document path (every column, prose, rates, ranks by their column) for everything else."""
    from flows.steps.document_check import check_document

    if parsed is not None and standard_layout(doc, parsed) and (period or parsed.period):
        from flows.steps.pipeline import proofread

        report = proofread(file, registry=registry, period=period, docs_dir=docs, parsed=parsed)
        report["kind"] = "bulletin"
        report["title"], report["period_source"] = doc.title, "option" if period else doc.period_source
        from expectations.document_frames import choose_ranked_by

        for t in doc.tables:
            t.ranked_by, t.rank_basis = choose_ranked_by(doc, t)
        general = [t.to_dict() for t in doc.tables if not t.from_prose]
        report["tables"] = [g | t for g, t in zip(general, report["tables"])]
        return _agreed(report, doc)
    return check_document(file, docs_dir=docs, period=period, doc=doc)


def check_file(file: str | Path, *, registry=None, period: str | None = None, docs=None,
               rank_by: str | None = None, quotas: dict | None = None) -> dict:
    """The ``zwgk check FILE --json`` object for a unit report (.csv/.xlsx), an annual report or a
    bulletin (.txt/.docx/.html). A file that cannot be read at all raises the reader's error. ``rank_by``:
    the county's [scoring] rank_by (score | count) — a bulletin's ranks are then checked against that column."""
    file = Path(file)
    if file.suffix.lower() in {".csv", ".xlsx"}:
        from flows.ingest.unit_report import parse_unit_report
        from flows.steps.pipeline import proofread

        parsed = parse_unit_report(file, period=period)
        report = proofread(file, registry=registry, period=period, docs_dir=docs, parsed=parsed)
        report["kind"] = "unit_report"
        return report
    parsed = readable(file)
    from flows.ingest.document import read_document_file

    doc = read_document_file(file)
    doc.rank_by = rank_by
    if doc.kind == "annual_report":
        from flows.steps.annual import check_report

        return check_report(file, docs_dir=docs)
    report = bulletin_report(file, registry, period, docs, doc, parsed)
    if period:
        from flows.domain.periods import parse_period

        doc.period = parse_period(period).code
    if quotas:
        from flows.domain.registry import load_registry

        names = load_registry(registry) if registry else None
        report["findings"] += [f.to_dict() for f in quota_findings(doc, quotas, names)]
    return report
