"""``zwgk check`` on a published document read as it is (flows/ingest/document): read, build the
frames, validate them with Great Expectations, and say what could not be read
(docs/real-documents.md). Plain functions: tests call them without Prefect.
"""

from __future__ import annotations

from pathlib import Path

from expectations.checks import Finding
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
    if not any(t.records for t in doc.tables) and not doc.stated:
        out.append(Finding(NOT_READ, "warning", (
            "全文：未找到可读的统计表（表头应含单位、条数/信息数/报送/采用/得分等），"
            "也未找到正文所述的数字；本文件未核对"), "全文"))
    elif not any(t.records for t in doc.tables if not t.from_prose):
        out.append(Finding(NOT_READ, "info", (
            "全文：未找到统计表，只核对了正文所述的数字"), "全文"))
    return out


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
