"""A document read as it is, handed to the warehouse as a ParsedBulletin (``zwgk ingest`` of a real
past bulletin): each table's units with the count of its first count column, its ranks and 合计, and
the overall total the text states. Used when the standard-layout reader cannot follow the file."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flows.ingest.bulletin_model import BulletinParseError, ParsedBulletin, ReportedRow, ReportedTable
from flows.ingest.document.model import ReadDocument, ReadTable

TABLE_PROBLEMS = ("未找到附件统计表", "之后没有数据行", "多于表头")


def _count_column(table: ReadTable) -> str | None:
    counts = [c.name for c in table.columns if c.role == "count"]
    published = [n for n in counts if any(w in n for w in ("发布", "公开", "更新", "条数", "信息数", "数量"))]
    return (published or counts or [None])[0]


def _raw(value: float | None, raw: str) -> str:
    return raw if raw else ("" if value is None else str(int(value)))


def as_parsed(doc: ReadDocument, sha256: str) -> ParsedBulletin:
    tables = [t for t in doc.tables if not t.from_prose and _count_column(t)] or \
             [t for t in doc.tables if t.from_prose and _count_column(t)]
    if not tables:
        raise BulletinParseError(doc.path, "全文", "未找到附件统计表：应有含单位和条数（信息数、发布数、报送、采用…）表头的表格")
    out = []
    for no, t in enumerate(tables, start=1):
        name = _count_column(t)
        rows = [ReportedRow(unit_raw=r.unit, count_raw=_raw(r.values.get(name), r.raw.get(name, "")),
                            count=None if r.values.get(name) is None or name in r.bad else int(r.values[name]),
                            rank_raw="" if r.rank is None else str(r.rank), rank=r.rank, where=r.where)
                for r in t.records]
        printed = t.totals.get(name)
        out.append(ReportedTable(table_no=no, category=t.category or t.title or f"表{no}", title=t.title, rows=rows,
                                 printed_total_raw=None if printed is None else str(int(printed)),
                                 printed_total=None if printed is None else int(printed), total_where=t.total_where,
                                 has_rank_column=any(r.rank is not None for r in t.records), where=t.where))
    overall = next((s for s in doc.stated if s.kind == "total" and s.subject in ("全县", "全市", "全区", "")
                    and s.verb), None)
    from flows.ingest.bulletin.body import _county

    return ParsedBulletin(
        path=doc.path, sha256=sha256, file_format=doc.medium, county=_county([t.title for t in tables],
                                                                              [doc.title, *(p for p, _ in doc.paragraphs)]),
        period=doc.period if doc.period and ".." not in doc.period else None, title=doc.title,
        stated_total=int(overall.value) if overall else None, stated_total_where=overall.where if overall else "",
        stated_total_sentence=overall.sentence if overall else "",
        paragraphs=list(doc.paragraphs), tables=out)


def parse_any_bulletin(path: str | Path) -> ParsedBulletin:
    """The standard-layout reader first; a table it cannot follow (or an .html page) is read as it is."""
    from flows.ingest.bulletin import parse_bulletin
    from flows.ingest.document.read import read_document_file

    p = Path(path)
    if p.suffix.lower() not in (".html", ".htm"):
        try:
            return parse_bulletin(p)
        except BulletinParseError as exc:
            if not any(t in exc.expected for t in TABLE_PROBLEMS):
                raise
            first = exc
    else:
        first = None
    from flows.domain.limits import read_input

    data = read_input(p, "通报（.txt / .docx / .html）")
    doc = read_document_file(p)
    try:
        return as_parsed(doc, hashlib.sha256(data).hexdigest())
    except BulletinParseError:
        if first is not None:
            raise first from None
        raise
