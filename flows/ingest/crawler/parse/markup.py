"""HTML and text helpers every reader shares: the parser, date / document-number / non-article
patterns, link cleaning, and text as a browser shows it.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser


DATE_IN_TEXT = re.compile(r"(?:19|20)\d{2}\s*(?:年|[-/.])\s*\d{1,2}\s*(?:月|[-/.])\s*\d{1,2}\s*日?|(?<!\d)\d{13}(?!\d)")
DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5A-Za-z]{1,16}\s*[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*(?:第\s*)?\d{1,4}\s*号")
NON_ARTICLE_EXT = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|zip|rar|7z|jpe?g|png|gif|mp4|ppt|pptx|txt)$", re.I)
SPACE_CHARS = " \u00a0\u3000"
_SPACE_RUN = re.compile(r"[ \u00a0\u3000]{3,}")
_COLLAPSE = re.compile(r"[ \t\r\n\f]+")
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)


def parse_html(html: str) -> LexborHTMLParser:
    return LexborHTMLParser(html)


def _clean_url(page_url: str, href: str) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("javascript:", "#", "mailto:", "tel:")):
        return None
    return urljoin(page_url, unescape(href)).split("#")[0]


# --- articles ----------------------------------------------------------------------------------
def shown_text(node) -> str:
    """A node's text as a browser shows it: HTML whitespace collapsed, U+00A0 and U+3000 kept."""
    text = node.text(deep=True, separator="")
    return _COLLAPSE.sub(" ", text).strip(" \t\r\n\f")


_SOURCE_BREAK = re.compile(r" *[\t\r\n\f][ \t\r\n\f]*")


def pasted_text(node) -> str:
    """A paragraph's text for the formatting rule (docs/rules.md): a line break in the page's source
    and the indentation around it is one space, but a run of spaces typed or pasted inside a line
    stays a run — U+0020 counts, as U+00A0 and U+3000 do, though a browser would show one space."""
    text = node.text(deep=True, separator="")
    return _SOURCE_BREAK.sub(" ", text).strip(" \t\r\n\f")


def is_article_link(url: str) -> bool:
    return not NON_ARTICLE_EXT.search(urlsplit(url).path)


def value_after(node) -> str:
    """The text after a label cell (``<td>索引号：</td><td>值</td>``): the next element, or the next text that
    is not blank; "" when there is none."""
    sib = node.next
    while sib is not None and not sib.is_element_node:
        if sib.is_text_node and sib.text(strip=True):
            break
        sib = sib.next
    return sib.text(deep=True, separator=" ").strip() if sib is not None else ""
