"""Read one published document (.txt, .html, .docx) into a ReadDocument: pieces → tables → prose →
period. Nothing is guessed silently: what cannot be read is listed in ``not_read``."""

from __future__ import annotations

import re
from pathlib import Path

from flows.ingest.document.model import NotRead, ReadDocument, ReadTable
from flows.ingest.document.period import document_period
from flows.ingest.document.pieces import Piece, docx_pieces, html_pieces, text_pieces
from flows.ingest.document.prose import identity_shares, prose_tables, stated_numbers
from flows.ingest.document.tables import _HEADING, _TITLE_HINT, NO_TOTAL_AT_END, header_at, is_prose, read_rows, read_stream
from flows.ingest.document.vocabulary import compact, read_number

_NOTE = re.compile(r"^(单位|计量单位|统计单位)\s*[:：]|^(注|备注|说明|数据来源|制表)\s*[:：]")
_ANNUAL_TITLE = re.compile(r"(信息公开|政务公开)[^，。]{0,12}(年度报告|年报|年度工作报告)")


def medium_of(data: bytes, path: str) -> str:
    if data[:4] == b"PK\x03\x04":
        return "docx"
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body", b"<meta", b"<div", b"<table")) \
            or Path(path).suffix.lower() in (".html", ".htm"):
        return "html"
    return "text"


_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,8}\)")


def simplified(text: str) -> str:
    """Traditional characters as simplified (OpenCC t2s), and the pinyin some mirrors add after a
    character (號(hào)) removed: read only; the document itself is never changed."""
    import opencc

    return _PINYIN.sub("", opencc.OpenCC("t2s").convert(text))


def pieces_of(data: bytes, path: str) -> tuple[list[Piece], str, dict]:
    from flows.ingest.annual_media import _decode_html
    from flows.ingest.bulletin.text import decode_text

    medium = medium_of(data, path)
    if medium == "docx":
        pieces, meta = docx_pieces(data), {}
    elif medium == "html":
        pieces, meta = html_pieces(_decode_html(data, path))
    else:
        return text_pieces(simplified(decode_text(data, path))), medium, {}
    for p in pieces:
        p.cells = [simplified(c) for c in p.cells]
    return pieces, medium, {k: simplified(v) for k, v in meta.items()}


def _title_before(pieces: list[Piece], at: int, barrier: int) -> tuple[str, str]:
    """(the table's title, a section label such as 县直单位（最低标准：20）) from the lines above its header."""
    title, label = "", ""
    for k in range(at - 1, max(barrier, at - 8) - 1, -1):
        p = pieces[k]
        if p.kind in ("gap", "blank_cell"):
            continue
        if p.kind != "text":
            break
        t = p.text
        if is_prose(t):
            break
        if _NOTE.match(compact(t)) or re.fullmatch(r"附\s*[件表]\s*\d*\s*[:：]?", compact(t)):
            continue
        if _TITLE_HINT.search(t) or re.search(r"20\d{2}", t):
            title = t
            # a title broken over lines of one paragraph (华容县县直部门2021年上半年 / 信息公开情况统计): whole
            while k - 1 >= barrier and pieces[k - 1].kind == "text" and pieces[k - 1].where == p.where:
                k -= 1
                title = pieces[k].text + title
            break
        if not label and read_number(t)[0] == "text":
            label = t
    return title, label


def _category(title: str, label: str, units: list[str]) -> str:
    text = compact(title + label)
    if re.search(r"乡镇|街道|镇街", text) and not re.search(r"[县区市]直|部门", text):
        return "乡镇"
    if re.search(r"[县区市]直|部门", text):
        return "县直部门"
    named = [u for u in units if u]
    if named and sum(u.endswith(("镇", "乡", "街道", "办事处")) for u in named) * 2 > len(named):
        return "乡镇"
    return compact(label) or "单位"


def scan_tables(pieces: list[Piece]) -> tuple[list[ReadTable], list[NotRead], set[int]]:
    tables, not_read, used = [], [], set()
    i, barrier = 0, 0

    def where(p: Piece) -> str:
        return p.where

    while i < len(pieces):
        h = header_at(pieces, i)
        if h is None:
            i += 1
            continue
        reader = read_stream if h.layout == "stream" else read_rows
        table, end, unread = reader(pieces, h, where)
        if not table.records and not table.totals:
            if not unread and not _more_header(pieces, h.after):
                not_read.append(NotRead(pieces[h.at].where, f"表头（{'、'.join(c for c in h.cells if c)}）之后没有数据行"))
            not_read.extend(unread)
            i = h.after
            continue
        table.title, label = _title_before(pieces, i, barrier)
        table.category = _category(table.title, label, [r.unit for r in table.records])
        if label and not table.records[0].section if table.records else False:
            for r in table.records:
                r.section = r.section or label
        tables.append(table)
        not_read.extend(unread)
        used.update(range(i, max(end, i + 1)))
        barrier = i = max(end, i + 1)
    not_read.extend(_unread_runs(pieces, used))
    return tables, not_read, used


def _unread_runs(pieces: list[Piece], used: set[int]) -> list[NotRead]:
    """Runs of short lines or rows full of numbers that no table took: a table whose header the reader
    did not recognise. Said, so that a document is never called checked when its table was not read."""
    out, run = [], []

    def close() -> None:
        cells = [c for k in run for c in pieces[k].cells]
        numbers = sum(1 for c in cells if read_number(c)[0] in ("number", "percent"))
        if len(run) >= 6 and numbers >= 6 and numbers * 3 >= len([c for c in cells if c]):
            out.append(NotRead(f"{pieces[run[0]].where}至{pieces[run[-1]].where}",
                               f"{numbers}个数字像是一张表格，但没有可识别的表头（单位、条数/信息数/报送/采用/得分…），未读"))

    for k, p in enumerate(pieces):
        short = p.kind == "row" or p.kind == "blank_cell" or (p.kind == "text" and not is_prose(p.text)
                                                              and len(compact(p.text)) <= 30)
        if k in used or not short:
            if p.kind != "gap":
                close()
                run = []
            continue
        if p.kind != "gap":
            run.append(k)
    close()
    return out


def _confirm_by_text(doc: ReadDocument) -> None:
    """A table that runs to the end without a 合计 row is whole after all when the text states its
    sum (全县…600条 and the table adds up to 600): the copy did not stop inside it."""
    stated = {s.value for s in doc.stated}
    for t in doc.tables:
        if t.complete or t.cut_reason != NO_TOTAL_AT_END:
            continue
        if any(abs(v - x) < 0.5 for v in t.sums().values() for x in stated):
            t.complete, t.cut_reason = True, ""


def _more_header(pieces: list[Piece], j: int) -> bool:
    """A second header line follows (the first was the upper line of a two-line header)."""
    while j < len(pieces) and pieces[j].kind in ("gap", "blank_cell"):
        j += 1
    return j < len(pieces) and header_at(pieces, j) is not None


def _kind(title: str, paragraphs: list[str]) -> str:
    t = compact(title)
    if _ANNUAL_TITLE.search(t) and "通报" not in t:
        return "annual_report"
    headings = sum(1 for p in paragraphs[:200] if re.match(
        r"^[一二三四五六]\s*[、.．]\s*(总体情况|主动公开政府信息情况|收到和处理政府信息公开申请情况|政府信息公开行政复议)", compact(p)))
    if "通报" in t:
        return "bulletin"
    if _ANNUAL_TITLE.search(compact("".join(paragraphs[:4]))) and "通报" not in compact("".join(paragraphs[:4])):
        return "annual_report"  # a title broken over lines (民政局2020年政府信息公开工作 / 年度报告)
    lead_in = any(_ANNUAL_TITLE.search(compact(p)) and re.search(r"公布|编制|发布|本报告|现将", p) for p in paragraphs[:5])
    return "annual_report" if headings >= 2 or lead_in else "bulletin"


def _doc_title(pieces: list[Piece], meta: dict) -> str:
    for key in ("articletitle", "title"):
        if meta.get(key):
            return meta[key]
    for p in pieces[:40]:
        if p.kind == "text" and not is_prose(p.text) and re.search(r"通报|报告|情况|一览", p.text) \
                and len(compact(p.text)) >= 6 and not _HEADING.match(compact(p.text)):
            return p.text
    first = next((p for p in pieces if p.kind == "text"), None)
    return meta.get("<title>") or (first.text if first and not is_prose(first.text) else "")


def read_document_bytes(data: bytes, path: str) -> ReadDocument:
    pieces, medium, meta = pieces_of(data, path)
    tables, not_read, used = scan_tables(pieces)
    title = _doc_title(pieces, meta)
    paragraphs = [(p.text, p.where) for k, p in enumerate(pieces)
                  if p.kind == "text" and k not in used and p.text != title]
    texts = [t for t, _ in paragraphs]
    doc = ReadDocument(path=path, kind=_kind(title, texts), medium=medium, title=title,
                       paragraphs=paragraphs, tables=tables, not_read=not_read)
    doc.stated, doc.identities = stated_numbers(paragraphs)
    doc.shares = identity_shares(doc.identities)
    _confirm_by_text(doc)
    doc.tables.extend(prose_tables(paragraphs))
    doc.opening = [p.text or " ".join(p.cells) for p in pieces[:40] if p.kind in ("text", "row")]
    doc.period, doc.period_source = document_period(title, texts if texts else doc.opening)
    last = next((p for p in reversed(pieces) if p.kind not in ("gap", "blank_cell")), None)
    doc.ends_mid_text = bool(last is not None and last.kind == "text" and not re.search(r"[。！？!?）)”\d日]$", last.text)
                             and is_prose(last.text))
    return doc


_WORDS = re.compile(r"通报|公开|信息|政府|单位|报告|情况|部门|乡镇|网站")


def read_document_file(path: str | Path) -> ReadDocument:
    """Read a document; one that holds no table, no number and no word of the field at all (binary
    noise, a wrong encoding) is refused, naming the file."""
    from flows.domain.limits import read_input
    from flows.ingest.bulletin_model import BulletinParseError

    data = read_input(path, "通报或年度报告（.txt / .html / .docx）")
    doc = read_document_bytes(data, str(path))
    if not doc.tables and not doc.stated and not _WORDS.search(doc.title + "".join(doc.opening)):
        raise BulletinParseError(str(path), "全文", (
            "读不出任何内容：应为通报或年度报告的文字（.txt 为 UTF-8 或 GB18030 编码，或 .html / .docx）"))
    return doc
