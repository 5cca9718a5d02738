"""Text from a portal or a document is inert in every output (docs/reliability.md, "Inert outputs"):

- invisible and direction-changing characters are removed (``inert``): an unclosed U+202E
  (right-to-left override) in a 发布机构 would reverse the rest of its line in HTML, Word and Excel
  and spoof a unit's name; zero-width characters hide text; C0/C1 controls break files;
- in Markdown, the characters that make links, images, emphasis, headings, tables and code are
  backslash-escaped (``md_escape``), so ``[点我](javascript:alert(1))`` stays text in any renderer — the
  only links in bulletin.md are the ones the template writes. HTML is autoescaped by Jinja2 (``<``
  ``>`` ``&`` never reach Markdown raw either);
- in Excel, text is never a formula and a cell starting with = + - @ carries the quote prefix
  (reports/xlsx.py ``put``).
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

# bidi embeddings/overrides/isolates and marks, zero-width characters, word joiner and invisible
# operators, BOM, Mongolian vowel separator, line/paragraph separators, C0/C1 controls but \t \n \r
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u061c\u180e\u2028\u2029"
                       "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# what can start a link or image ([ ]), code (`), emphasis (* and a _ not inside a word), a table cell
# (|), strike-through (~), a heading (#), and the escape itself (\); < > & are HTML-escaped by Jinja2
_MD_SPECIAL = re.compile(r"([\\`*\[\]|~#])|(?<!\w)_|_(?!\w)")


def inert(text: str) -> str:
    """``text`` without invisible or direction-changing characters."""
    return INVISIBLE.sub("", text)


def md_escape(text: str) -> str:
    """``text`` with Markdown's active characters backslash-escaped (after ``inert``)."""
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), inert(text))


def _deep(obj: Any, fn) -> Any:
    if isinstance(obj, Markup):
        return obj
    if isinstance(obj, str):
        return fn(obj)
    if isinstance(obj, dict):
        return {k: _deep(v, fn) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_deep(v, fn) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_deep(v, fn) for v in obj)
    return obj


def inert_deep(obj: Any) -> Any:
    """Every string inside a render context, made inert (a new structure; the input is not changed)."""
    return _deep(obj, inert)


def md_deep(obj: Any) -> Any:
    """Every string inside a render context, escaped for Markdown."""
    return _deep(obj, md_escape)
