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

Modules: ``markup`` (parser, shared patterns, links), ``lists`` (list entries), ``pagers``
(``parse_list`` and page counts), ``hanweb`` (datastore pages), ``articles`` (article metadata, body,
format facts). Every public name is importable from this package.
"""

from __future__ import annotations

from .markup import (  # noqa: F401 (re-exported)
    DATE_IN_TEXT,
    DOC_NUMBER,
    NON_ARTICLE_EXT,
    SPACE_CHARS,
    is_article_link,
    parse_html,
    shown_text,
)
from .lists import ListItem, ListPage, parse_list_items  # noqa: F401 (re-exported)
from .hanweb import hanweb_requests, parse_datastore  # noqa: F401 (re-exported)
from .pagers import page_count_hint, pager_problem, parse_list, parse_trs_paging  # noqa: F401 (re-exported)
from .articles import extract_metadata, format_facts, parse_article  # noqa: F401 (re-exported)
