"""Reading list pages, pagination and article pages (selectolax ``LexborHTMLParser``).

Structures per CMS family are described in docs/domain.md §5 and configured in ``config``:
- Yueyang-family (Huarong): ``ul > li > a[title] + span(date)``, page count "1/37页", pages
  ``index_1.htm`` …; articles with ``<meta name="ArticleTitle|PubDate|ContentSource">`` and a
  metadata table 索引号 / 发布机构 / 公开范围 / 生成日期 / 公开日期 / 公开方式.
- TRS WCM: ``createPageHTML(count, current, "index", "html")`` (spaces and quotes vary; newer
  templates put a div id first and a record count last), pages ``index_1.html`` …; body
  ``div.TRS_Editor``.
- Hanweb JCMS: ``<datastore>`` with CDATA ``<record>``s; ``<nextgroup>`` carries the dataproxy
  parameters; more records by POST to ``dataproxy.jsp?startrecord=&endrecord=&perpage=``.
- plain "下一页" links for anything else.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from html import unescape
from urllib.parse import parse_qsl, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from .config import CrawlConfig
from .dates import find_dates, iso, parse_date

DATE_IN_TEXT = re.compile(r"(?:19|20)\d{2}\s*(?:年|[-/.])\s*\d{1,2}\s*(?:月|[-/.])\s*\d{1,2}\s*日?|(?<!\d)\d{13}(?!\d)")
DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5A-Za-z]{1,16}\s*[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*(?:第\s*)?\d{1,4}\s*号")
NON_ARTICLE_EXT = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|zip|rar|7z|jpe?g|png|gif|mp4|ppt|pptx|txt)$", re.I)
SPACE_CHARS = " \u00a0\u3000"
_SPACE_RUN = re.compile(r"[ \u00a0\u3000]{3,}")
_COLLAPSE = re.compile(r"[ \t\r\n\f]+")
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)


def parse_html(html: str) -> LexborHTMLParser:
    return LexborHTMLParser(html)


# --- list pages --------------------------------------------------------------------------------
@dataclass
class ListItem:
    url: str
    title: str
    list_date: date | None = None

    def as_row(self) -> dict:
        return {"url": self.url, "title": self.title, "list_date": iso(self.list_date)}


@dataclass
class ListPage:
    items: list[ListItem] = field(default_factory=list)
    page_count: int | None = None     # pages in the column, when the page says so
    current: int | None = None
    next_url: str | None = None
    page_urls: list[str] = field(default_factory=list)  # further pages' URLs, when predictable
    hanweb: dict | None = None        # {"proxy": url, "params": {...}, "total": n, "perpage": n}
    pager_problem: str | None = None  # a pager the crawler cannot read: the column is incomplete


def _clean_url(page_url: str, href: str) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("javascript:", "#", "mailto:", "tel:")):
        return None
    return urljoin(page_url, unescape(href)).split("#")[0]


def _item_from_node(node, page_url: str, config: CrawlConfig) -> ListItem | None:
    sel = config.selectors
    link = node if node.tag == "a" else node.css_first(sel.list_link)
    if link is None:
        return None
    url = _clean_url(page_url, link.attributes.get("href") or "")
    if not url:
        return None
    title = (link.attributes.get(sel.list_title_attr) or "").strip() or link.text(deep=True, strip=True)
    title = re.sub(r"\s+", " ", title).strip()
    list_date = None
    date_node = node.css_first(sel.list_date) if node.tag != "a" and sel.list_date else None
    if date_node is not None:
        list_date = parse_date(date_node.text(deep=True, strip=True))
    if list_date is None:
        text = node.text(deep=True, strip=True)
        m = DATE_IN_TEXT.search(text.replace(title, "")) if title else DATE_IN_TEXT.search(text)
        if m:
            list_date = parse_date(m.group(0))
    if not title:
        return None
    return ListItem(url=url, title=title, list_date=list_date)


def parse_list_items(tree: LexborHTMLParser, page_url: str, config: CrawlConfig) -> list[ListItem]:
    sel = config.selectors
    container = None
    for css in sel.list_container:
        container = tree.css_first(css)
        if container is not None:
            break
    items: list[ListItem] = []
    if container is not None:
        nodes = container.css(sel.list_item)
        for node in nodes:
            item = _item_from_node(node, page_url, config)
            if item:
                items.append(item)
        return _dedupe(items)
    # No known container: every <li> with a link and a date (navigation items carry no dates).
    for node in tree.css(sel.list_item or "li"):
        item = _item_from_node(node, page_url, config)
        if item and item.list_date:
            items.append(item)
    return _dedupe(items)


def _dedupe(items: list[ListItem]) -> list[ListItem]:
    seen: set[str] = set()
    out = []
    for it in items:
        if it.url not in seen:
            seen.add(it.url)
            out.append(it)
    return out


_TRS_CALL = re.compile(r"createPageHTML\s*\(([^)]*)\)", re.S)
# Page counts TRS templates keep in script variables: ``var countPage = 3//共多少页``, ``maxPageNum``…
# (docs/domain.md §5)
_JS_NUMBER = re.compile(r"\b([A-Za-z_$][\w$]*)\s*[=:]\s*[\"']?(\d+)[\"']?\s*(?=[;,}\n/]|$)", re.M)
_COUNT_VARS = ("countPage", "maxPageNum", "pageCount", "totalPage", "totalPages", "page_count", "pageTotal",
               "countpage", "maxpage")
_PAGES_TEXT = re.compile(r"共\s*(\d+)\s*页")
_JS_PAGER = re.compile(r"createPageHTML|\b(?:countPage|maxPageNum)\b")


def _js_numbers(html: str) -> dict[str, int]:
    """Script variables assigned a number (``var countPage = 3``, ``maxPageNum: 5``); the last wins."""
    found: dict[str, int] = {}
    for script in re.findall(r"<script[^>]*>(.*?)</script>", html, re.S | re.I):
        for m in _JS_NUMBER.finditer(script):
            found[m.group(1)] = int(m.group(2))
    return found


def parse_trs_paging(html: str) -> tuple[int, int, str, str] | None:
    """(page count, current page 0-based, prefix, ext) from ``createPageHTML(…)`` in any variant:
    numbers in the call, or variables assigned before it (``var countPage = 3`` then
    ``createPageHTML(countPage, currentPage, "index", "html")``)."""
    variables = None
    for m in _TRS_CALL.finditer(html):
        args = [a.strip().strip("'\"").strip() for a in m.group(1).split(",")]
        if any(re.fullmatch(r"[A-Za-z_$][\w$]*", a) for a in args):
            variables = _js_numbers(html) if variables is None else variables
            args = [str(variables[a]) if a in variables else a for a in args]
        nums = [i for i, a in enumerate(args) if re.fullmatch(r"\d+", a)]
        if len(nums) < 2:
            continue
        count, current = int(args[nums[0]]), int(args[nums[1]])
        strings = [a for a in args[nums[1] + 1:] if a and not re.fullmatch(r"\d+", a)
                   and re.fullmatch(r"[\w.-]+", a)]
        prefix = strings[0] if strings else "index"
        ext = strings[1] if len(strings) > 1 else "html"
        return count, current, prefix, ext
    return None


def page_count_hint(html: str, text: str) -> tuple[int, str] | None:
    """A page count from a pager that is not a readable createPageHTML call: a script variable
    (countPage, maxPageNum …) or a 共N页 text. (count, where it was read)."""
    variables = _js_numbers(html)
    for name in _COUNT_VARS:
        if name in variables and variables[name] >= 1:
            return variables[name], name
    m = _PAGES_TEXT.search(text)
    if m and int(m.group(1)) >= 1:
        return int(m.group(1)), "共N页"
    return None


def pager_problem(html: str, tree: LexborHTMLParser, next_texts: list[str]) -> str | None:
    """Why a list page's pager cannot be read, when it shows one: a script pager whose page count is
    not a number on the page, or 下一页 links that only run script."""
    if _JS_PAGER.search(html):
        return "分页脚本中的总页数无法读取（createPageHTML/countPage/maxPageNum）"
    for a in tree.css("a"):
        if any(t in a.text(deep=True, strip=True) for t in next_texts):
            href = (a.attributes.get("href") or "").strip().lower()
            onclick = a.attributes.get("onclick")
            if href.startswith("javascript:") and href not in ("javascript:;", "javascript:void(0)",
                                                                "javascript:void(0);") or onclick:
                return "“下一页”链接由脚本跳转，无法读取"
    return None


def _next_link(tree: LexborHTMLParser, page_url: str, texts: list[str]) -> str | None:
    for a in tree.css("a"):
        label = a.text(deep=True, strip=True)
        if any(t in label for t in texts):
            url = _clean_url(page_url, a.attributes.get("href") or "")
            if url and url != page_url:
                return url
    return None


def _page_base(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/"


def parse_list(html: str, page_url: str, config: CrawlConfig, *, head: bool = True) -> ListPage:
    """Items and paging facts of one list page (a column's head page when ``head``)."""
    paging = config.paging
    if paging.kind == "hanweb" or "<datastore" in html[:200_000].lower():
        page = parse_datastore(html, page_url, config)
        if page.items or paging.kind == "hanweb":
            return page
    tree = parse_html(html)
    page = ListPage(items=parse_list_items(tree, page_url, config))
    page.next_url = _next_link(tree, page_url, paging.next_text)
    info = parse_trs_paging(html) if paging.kind == "trs" else None
    if paging.kind in ("trs", "next") and head and not info and not (paging.kind == "next" and page.next_url):
        hint = page_count_hint(html, tree.body.text(deep=True) if tree.body else "")
        if hint and hint[0] > 1:
            page.page_count = hint[0]
            base = _page_base(page_url)
            page.page_urls = [base + paging.page_url_template.format(n=n) for n in range(1, hint[0])]
        elif not hint and not page.next_url:
            page.pager_problem = pager_problem(html, tree, paging.next_text)
    if paging.kind == "trs":
        if info:
            count, current, prefix, ext = info
            page.page_count, page.current = count, current
            base = _page_base(page_url)
            # never more URLs than the crawl may read (a hostile "createPageHTML(999999999, …)")
            page.page_urls = [f"{base}{prefix}_{n}.{ext}" for n in range(1, min(count, paging.max_pages + 1))]
    elif paging.kind == "yueyang":
        text = tree.body.text(deep=True) if tree.body else html
        m = None
        for m in re.finditer(paging.page_count_regex, text):
            pass  # the last "1/37页" on the page is the pager
        if m:
            nums = [int(g) for g in m.groups() if g and g.isdigit()]
            if len(nums) >= 2:
                page.current, page.page_count = nums[0], nums[1]
            elif nums:
                page.page_count = nums[0]
        if page.page_count:
            base = _page_base(page_url)
            page.page_urls = [base + paging.page_url_template.format(n=n)
                              for n in range(1, min(page.page_count, paging.max_pages + 1))]
    return page


# --- Hanweb datastore ----------------------------------------------------------------------------
_TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>|totalRecord\s*[:=]\s*['\"]?(\d+)", re.I)
_PERPAGE = re.compile(r"perPage\s*[:=]\s*['\"]?(\d+)", re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S | re.I)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)


def parse_datastore(text: str, page_url: str, config: CrawlConfig) -> ListPage:
    """Items in a Hanweb ``<datastore>`` (head page or dataproxy answer) and its paging parameters."""
    records = _RECORD.findall(text)
    if not records and "<recordset" not in text.lower():
        records = _CDATA.findall(text)
    items: list[ListItem] = []
    for rec in records:
        frag = parse_html(rec)
        node = frag.css_first(config.selectors.list_item) or frag.css_first("a")
        if node is None:
            continue
        item = _item_from_node(node, page_url, config)
        if item:
            items.append(item)
    page = ListPage(items=_dedupe(items))
    total = _TOTAL.search(text)
    perpage = _PERPAGE.search(text)
    params: dict[str, str] = {}
    proxy = urljoin(page_url, config.paging.hanweb_proxy)
    ng = _NEXTGROUP.search(text)
    if ng:
        a = parse_html(ng.group(1)).css_first("a")
        href = a.attributes.get("href") if a is not None else None
        if href:
            full = urljoin(page_url, unescape(href))
            proxy = full.split("?")[0]
            params = dict(parse_qsl(urlsplit(full).query, keep_blank_values=True))
            params.pop("page", None)
    if "columnid" not in params:
        m = re.search(r"/col/col(\d+)/", page_url)
        if m:
            params["columnid"] = m.group(1)
    page.hanweb = {
        "proxy": proxy, "params": params,
        "total": int(next(g for g in total.groups() if g)) if total else None,
        "perpage": int(perpage.group(1)) if perpage else config.paging.hanweb_perpage,
    }
    return page


def hanweb_requests(head: ListPage, config: CrawlConfig) -> list[tuple[str, dict, dict]]:
    """(proxy url, query, form data) for the records after those on the head page."""
    info = head.hanweb or {}
    if not info.get("proxy"):
        return []
    total = info.get("total")
    if total is None:  # no record count on the page: ask batch after batch until one comes back empty
        total = len(head.items) + config.paging.max_pages * max(1, config.paging.hanweb_batch)
    out = []
    start = len(head.items) + 1
    batch = max(1, config.paging.hanweb_batch)
    while start <= total and len(out) < config.paging.max_pages:
        end = min(total, start + batch - 1)
        query = {"startrecord": str(start), "endrecord": str(end), "perpage": str(info.get("perpage") or 20)}
        out.append((info["proxy"], query, dict(info.get("params") or {})))
        start = end + 1
    return out


# --- articles ----------------------------------------------------------------------------------
def shown_text(node) -> str:
    """A node's text as a browser shows it: HTML whitespace collapsed, U+00A0 and U+3000 kept."""
    text = node.text(deep=True, separator="")
    return _COLLAPSE.sub(" ", text).strip(" \t\r\n\f")


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
        text = shown_text(p)
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
                sib = node.next
                while sib is not None and not sib.is_element_node:
                    if sib.is_text_node and sib.text(strip=True):
                        break
                    sib = sib.next
                if sib is not None:
                    value = sib.text(deep=True, separator=" ").strip()
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


def is_article_link(url: str) -> bool:
    return not NON_ARTICLE_EXT.search(urlsplit(url).path)
