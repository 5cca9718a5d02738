"""Article pages: metadata (labelled fields, <meta> tags), the body, its text and its format facts
(empty paragraphs, table widths…) for the formatting rules.
"""

from __future__ import annotations

import hashlib
import re

from selectolax.lexbor import LexborHTMLParser

from ..config.model import CrawlConfig
from ..dates import find_dates, iso, parse_date
from .markup import (DOC_NUMBER, NON_ARTICLE_EXT, SPACE_CHARS, _SPACE_RUN, parse_html, pasted_text, shown_text,
                     value_after)


def _is_empty_paragraph(node, text: str) -> bool:
    if text.strip(SPACE_CHARS + "\t\r\n"):
        return False
    return node.css_first("img, table, iframe, video, embed, object, input") is None


def _width_px(value: str | None) -> int | None:
    if not value:
        return None
    m = re.search(r"(\d+(?:\.\d+)?)\s*(px)?\s*$", value.strip())
    if m and "%" not in value:
        return int(float(m.group(1)))
    return None


def _table_facts(table) -> dict:
    rows = [tr for tr in table.css("tr")]
    max_cols = 0
    for tr in rows:
        n = 0
        for cell in tr.css("td, th"):
            span = cell.attributes.get("colspan") or "1"
            n += int(span) if span.strip().isdigit() else 1
        max_cols = max(max_cols, n)
    width_attr = table.attributes.get("width")
    style = table.attributes.get("style") or ""
    m = re.search(r"(?<![-\w])width\s*:\s*([\d.]+\s*(?:px|pt|%)?)", style, re.I)
    style_width = m.group(1).replace(" ", "") if m else None
    declared = width_attr or style_width
    px = _width_px(width_attr) if width_attr else None
    if px is None and style_width:
        if style_width.endswith("pt"):
            px = int(float(style_width[:-2]) * 4 / 3)
        else:
            px = _width_px(style_width)
    return {"columns": max_cols, "rows": len(rows), "width": declared, "width_px": px}


_ANY_SPACE_RUN = re.compile("[ \u00a0\u3000]+")


def format_facts(body, body_html: str) -> dict:
    """Structure facts the formatting rules need (see bulletin: 空格、空白段落多、表格超出页面范围)."""
    paragraphs: list[str] = []
    empties: list[bool] = []
    blocks = body.css("p") if body is not None else []
    if body is not None and not blocks:
        blocks = [n for n in body.css("div") if n.css_first("div") is None]
    for p in blocks:
        if p.parent is not None and p.parent.tag == "p":
            continue
        text = pasted_text(p)
        paragraphs.append(text)
        empties.append(_is_empty_paragraph(p, text))
    longest = run = 0
    for e in empties:
        run = run + 1 if e else 0
        longest = max(longest, run)
    space_runs = 0
    examples: list[str] = []
    for text in paragraphs:
        # the usual two-character U+3000 indent is not a defect
        probe = text[2:] if text.startswith("\u3000\u3000") else text
        for m in _SPACE_RUN.finditer(probe):
            space_runs += 1
            if len(examples) < 3:
                examples.append(probe[max(0, m.start() - 8): m.end() + 8])
    tables = [_table_facts(t) for t in body.css("table")] if body is not None else []
    low = body_html.lower()
    mso_classes = len(re.findall(r"class\s*=\s*[\"']?[^\"'>]*\bmso[a-z]+", low))
    o_p = low.count("<o:p")
    mso_styles = len(re.findall(r"mso-[a-z-]+\s*:", low))
    attachments = 0
    images = 0
    if body is not None:
        images = len(body.css("img"))
        attachments = sum(1 for a in body.css("a[href]")
                          if NON_ARTICLE_EXT.search((a.attributes.get("href") or "").split("?")[0]))
    return {
        "paragraphs": paragraphs,
        # every maximal run of spaces after the paragraph's leading indent, by length: the formatting rule
        # counts those at least its min_space_run long (transforms/staging/stg_latest_items.sql)
        "space_run_lengths": [len(run) for text in paragraphs
                              for run in _ANY_SPACE_RUN.findall(text.lstrip(SPACE_CHARS))],
        "paragraph_count": len(paragraphs),
        "empty_paragraphs": sum(empties),
        "max_empty_run": longest,
        "space_runs": space_runs,
        "space_run_examples": examples,
        "tables": tables,
        "max_table_columns": max((t["columns"] for t in tables), default=0),
        "max_table_width_px": max((t["width_px"] or 0 for t in tables), default=0) or None,
        "word_markup": {"mso_classes": mso_classes, "o_p_tags": o_p, "mso_styles": mso_styles},
        "has_word_markup": bool(mso_classes or o_p or mso_styles),
        "images": images,
        "attachments": attachments,
    }


_LABEL_CACHE: dict[int, tuple[dict, re.Pattern, re.Pattern]] = {}


def _label_patterns(labels: dict[str, str]) -> tuple[re.Pattern, re.Pattern]:
    key = id(labels)
    hit = _LABEL_CACHE.get(key)
    if hit is None or hit[0] is not labels:
        keys = sorted(labels, key=len, reverse=True)
        alts = "|".join(r"[\s\u3000]*".join(map(re.escape, k.replace(" ", ""))) for k in keys)
        with_colon = re.compile(rf"({alts})[\s\u3000]*[:：]")
        whole = re.compile(rf"^[\s\u3000]*({alts})[\s\u3000]*[:：]?[\s\u3000]*$")
        hit = (labels, with_colon, whole)
        _LABEL_CACHE[key] = hit
    return hit[1], hit[2]


def _norm_label(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", text)


def extract_metadata(scope, labels: dict[str, str]) -> dict[str, str]:
    """Label → value pairs from a metadata table/list (``索引号：…`` cells or label/value cells)."""
    with_colon, whole = _label_patterns(labels)
    norm_labels = {_norm_label(k): v for k, v in labels.items()}
    found: dict[str, str] = {}
    if scope is None:
        return found
    for node in scope.css("td, th, li, span, div, p, dt, dd, label, b, strong, em, font"):
        text = node.text(deep=True, separator=" ").strip()
        if not text or len(text) > 160:
            continue
        m_whole = whole.match(text)
        if m_whole:
            fld = norm_labels.get(_norm_label(m_whole.group(1)))
            if fld and fld not in found and fld != "ignore":
                value = value_after(node)
                if value and not whole.match(value):
                    found[fld] = value
            continue
        hits = list(with_colon.finditer(text))
        if not hits:
            continue
        if len(hits) > 1 and node.css_first("td, th, li, span, div, p, dt, dd") is not None:
            continue  # a row holding several labelled cells: read the cells themselves
        for i, m in enumerate(hits):
            end = hits[i + 1].start() if i + 1 < len(hits) else len(text)
            fld = norm_labels.get(_norm_label(m.group(1)))
            value = text[m.end():end].strip(" \u3000\u00a0\t\r\n;；")
            if fld and fld != "ignore" and fld not in found and value:
                found[fld] = value
    return found


def _first(tree: LexborHTMLParser, selectors: list[str]):
    for css in selectors:
        node = tree.css_first(css)
        if node is not None:
            return node
    return None


def _meta(tree: LexborHTMLParser, name: str) -> str | None:
    if not name:
        return None
    node = tree.css_first(f'meta[name="{name}"]') or tree.css_first(f'meta[name="{name.lower()}"]')
    if node is None:
        return None
    value = (node.attributes.get("content") or "").strip()
    return value or None


def parse_article(html: str, url: str, config: CrawlConfig) -> dict:
    """Metadata, body text and format facts of one article page (fields per the export schema)."""
    tree = parse_html(html)
    sel = config.selectors
    title = None
    for css in sel.article_title:
        node = tree.css_first(css)
        if node is None:
            continue
        value = node.attributes.get("content") if node.tag == "meta" else node.text(deep=True, strip=True)
        value = re.sub(r"\s+", " ", value or "").strip()
        if value:
            title = value
            break
    body = _first(tree, sel.article_body)
    scope = _first(tree, sel.meta_container)
    meta = extract_metadata(scope if scope is not None else tree.body, config.labels)
    if scope is None and body is not None:
        # without a metadata container, labels inside the body text are not metadata
        body_meta = extract_metadata(body, config.labels)
        meta = {k: v for k, v in meta.items() if body_meta.get(k) != v}
    body_html = body.html if body is not None else ""
    facts = format_facts(body, body_html or "")
    paragraphs = facts["paragraphs"]
    body_text = "\n".join(p for p in paragraphs if p.strip(SPACE_CHARS)) if paragraphs else (
        shown_text(body) if body is not None else "")
    publish_date = parse_date(meta.get("publish_date")) or parse_date(_meta(tree, sel.meta_publish_date))
    doc_date = parse_date(meta.get("doc_date"))
    body_date = None
    tail = [p for p in paragraphs if p.strip(SPACE_CHARS)][-6:]
    for p in reversed(tail):
        ds = find_dates(p)
        if ds and len(p.strip(SPACE_CHARS)) <= 40:
            body_date = ds[-1]
            break
    mode = config.doc_date_from_body
    if body_date and ((mode == "if_missing" and doc_date is None)
                      or (mode == "if_same_as_publish" and (doc_date is None or doc_date == publish_date))):
        doc_date = body_date
    doc_number = meta.get("doc_number")
    if not doc_number:
        head_text = "\n".join(paragraphs[:8])
        m = DOC_NUMBER.search(head_text)
        if m:
            doc_number = re.sub(r"\s+", "", m.group(0))
    unit_raw = meta.get("unit_raw") or _meta(tree, sel.meta_unit)
    return {
        "url": url,
        "title": title or meta.get("title"),
        "index_number": meta.get("index_number"),
        "topic": meta.get("topic"),
        "unit_raw": re.sub(r"\s+", "", unit_raw) if unit_raw else None,
        "doc_date": iso(doc_date),
        "publish_date": iso(publish_date),
        "doc_number": doc_number,
        "body_date": iso(body_date),
        "body_text": body_text,
        "format_facts": facts,
        "has_body": body is not None,
        "body_sha256": hashlib.sha256(body_text.encode("utf-8")).hexdigest() if body_text else None,
    }
