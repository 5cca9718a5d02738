"""The CMS presets a config builds on (docs/crawler.md, "Presets"; docs/domain.md §5), the signs by
which ``choose_preset`` recognises a family on a page, and the column type a column's name implies.

Adding a family (docs/crawler.md, "Adding a CMS family"): a ``PRESETS`` entry (paging kind,
selectors, labels), its signs in ``FAMILY_SIGNS``, and a saved page of it in
tests/fixtures/real_portal/ with its ground truth.
"""

from __future__ import annotations

import re
from typing import Any


# --- presets ---------------------------------------------------------------------------------------
PRESETS: dict[str, dict[str, Any]] = {
    "yueyang": {
        "paging": {"kind": "yueyang", "page_url_template": "index_{n}.htm",
                   "page_count_regex": r"(\d+)\s*/\s*(\d+)\s*页"},
        "selectors": {
            "list_container": ["div.list_right", "div.xxgk_list", "div.list-box", "div.listbox",
                               "ul.list_ul", "div.list", "ul.list"],
            "list_item": "li", "list_link": "a", "list_title_attr": "title", "list_date": "span",
            "article_title": ["meta[name=ArticleTitle]", "div.article h1", "h1", "title"],
            "article_body": ["div#zoom", "div.zoom", "div.article_content", "div.content", "div#content"],
            "meta_container": ["div.xxgk_table", "table.xxgk_table", "div.xxgk-info", "div.info_table"],
        },
        "labels": {"生成日期": "doc_date", "公开日期": "publish_date", "发布机构": "unit_raw",
                   "索引号": "index_number"},
        "doc_date_from_body": "if_missing",
    },
    "trs": {
        "paging": {"kind": "trs", "page_url_template": "index_{n}.html"},
        "selectors": {
            "list_container": ["div.list", "ul.list", "div.xxgk_list", "div.zfxxgk_zdgkc", "div.gl_list",
                               "div.listbox", "div.news_list", "table.list"],
            "list_item": "li", "list_link": "a", "list_title_attr": "title", "list_date": "span",
            "article_title": ["meta[name=ArticleTitle]", "div.article h1", "h1", "title"],
            "article_body": ["div.TRS_Editor", "div.trs_editor_view", "div#zoom", "div.view"],
            "meta_container": ["div.xxgk_table", "table.xxgk", "div.zwgk_info", "div.xxgk-info",
                               "table.table_xxgk", "div.info"],
        },
        "labels": {},
        "doc_date_from_body": "if_missing",
    },
    "hanweb": {
        "paging": {"kind": "hanweb", "hanweb_proxy": "/module/web/jpage/dataproxy.jsp",
                   "hanweb_perpage": 20, "hanweb_batch": 60},
        "selectors": {
            "list_container": [], "list_item": "li", "list_link": "a", "list_title_attr": "title",
            "list_date": "span",
            "article_title": ["meta[name=ArticleTitle]", "div.main-txt h1", "h1", "title"],
            "article_body": ["div#zoom", "div.main-txt", "td.bt_content", "div.bt_content", "div.article"],
            "meta_container": ["table.xxgk_table", "div.xxgk_table", "table.gov_info", "div.info"],
        },
        "labels": {},
        "doc_date_from_body": "if_missing",
    },
    # TRS 'trt' templates: the first pages static (createPageHTML), the rest from a search API; the
    # channel's record count in ``pageChnlInfo`` is compared with what was read
    "trs_trt": {
        "paging": {"kind": "trs", "page_url_template": "index_{n}.html"},
        "selectors": {
            "list_container": ["div.list", "ul.list", "div.xxgk_list", "div.gl_list", "div.listbox",
                               "div.news_list", "table.list"],
            "list_item": "li", "list_link": "a", "list_title_attr": "title", "list_date": "span",
            "article_title": ["meta[name=ArticleTitle]", "div.article h1", "h1", "title"],
            "article_body": ["div.trs_editor_view", "div.TRS_Editor", "div#zoom", "div.view"],
            "meta_container": ["div.xxgk_table", "table.xxgk", "div.zwgk_info", "div.xxgk-info", "div.info"],
        },
        "labels": {},
        "doc_date_from_body": "if_missing",
    },
    # 帝国CMS static lists: index.html, index_2.html …, a pager "页次：1/39 每页20 总数774" or
    # "Total record"; rows are table rows or <li>s, read without selectors (generic list reader)
    "empirecms": {
        "paging": {"kind": "next", "page_url_template": "index_{n}.html"},
        "selectors": {
            "list_container": [], "list_item": "li", "list_link": "a", "list_title_attr": "title",
            "list_date": "span",
            "article_title": ["meta[name=ArticleTitle]", "h1", "td.title", "title"],
            "article_body": ["div#text", "td#text", "div#newstext", "div.content", "td.content", "div#content"],
            "meta_container": [],
        },
        "labels": {"来源": "ignore", "信息来源": "ignore"},
        "doc_date_from_body": "if_missing",
    },
    # 政府信息公开平台: /public/<site id>/<item id>.html articles with a 索引号/发布机构 table
    "public": {
        "paging": {"kind": "next"},
        "selectors": {
            "list_container": [], "list_item": "li", "list_link": "a", "list_title_attr": "title",
            "list_date": "span",
            "article_title": ["meta[name=ArticleTitle]", "h1", "div.title", "title"],
            "article_body": ["div#zoom", "div.zoom", "div.content", "div.detail", "div#content"],
            "meta_container": ["table.xxgk", "div.xxgk", "table.table_xxgk", "div.info", "table"],
        },
        "labels": {},
        "doc_date_from_body": "if_missing",
    },
    # anything else: lists read without selectors, "下一页" links followed, pager totals compared
    "generic": {
        "paging": {"kind": "next"},
        "selectors": {
            "list_container": [], "list_item": "li", "list_link": "a", "list_title_attr": "title",
            "list_date": "span",
            "article_title": ["meta[name=ArticleTitle]", "h1", "title"],
            "article_body": ["div.TRS_Editor", "div#zoom", "div.zoom", "div#UCAP-CONTENT", "div.article-content",
                             "div.article_content", "div#content", "div.content", "div#text", "article"],
            "meta_container": [],
        },
        "labels": {},
        "doc_date_from_body": "if_missing",
    },
}

# --- recognising a family --------------------------------------------------------------------------
# (preset, pattern, what it means); the preset with the most signs wins, ties go to the earlier one.
# Address signs (ADDRESS_SIGNS) are looked for in the page's own address and its links to its own host
# only: a county page links other sites (a 国税局 on Hanweb) whose addresses say nothing of its own CMS.
FAMILY_SIGNS: list[tuple[str, re.Pattern, str]] = [
    ("trs_trt", re.compile(r"\bpageChnlInfo\b"), "脚本变量 pageChnlInfo（TRS trt 模板）"),
    ("trs_trt", re.compile(r"trsapi|/fjdzapp/|/trs/api", re.I), "调用 TRS 接口（trsapi）"),
    ("trs", re.compile(r"createPageHTML\s*\("), "分页脚本 createPageHTML（TRS WCM）"),
    ("trs", re.compile(r"\b(?:countPage|maxPageNum)\b"), "分页变量 countPage / maxPageNum（TRS WCM）"),
    ("trs", re.compile(r"TRS_Editor|trs_editor_view|TRS_UEDITOR"), "正文容器 TRS_Editor"),
    ("hanweb", re.compile(r"dataproxy\.jsp|<datastore", re.I), "大汉 jpage 数据（dataproxy.jsp / <datastore>）"),
    ("hanweb", re.compile(r"/module/web/jpage/|\bhanweb\b", re.I), "大汉 JCMS 组件（/module/web/jpage/）"),
    ("empirecms", re.compile(r"Total record|/e/action/|/e/search/|EmpireCMS|\[!--", re.I),
     "帝国CMS 标记（Total record、/e/action/、/e/search/）"),
    ("empirecms", re.compile(r"页次[:：]\s*\d+/\d+(?:&nbsp;|\s)*每页\s*\d+(?:&nbsp;|\s)*总数"),
     "帝国CMS 分页“页次 每页 总数”"),
    ("public", re.compile(r"政府信息公开平台"), "政府信息公开平台"),
]
ADDRESS_SIGNS: list[tuple[str, re.Pattern, str]] = [
    ("trs", re.compile(r"/t\d{8}_\d+\.s?html?$"), "文章地址 t20240312_123.html（TRS WCM）"),
    ("hanweb", re.compile(r"/col/col\d+/|/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+"), "大汉 JCMS 地址 /col/col…/、/art/…"),
    ("public", re.compile(r"/public/\d+/\d+\.html$"), "政府信息公开平台地址 /public/<id>/<id>.html"),
    ("public", re.compile(r"/public/column/"), "政府信息公开平台栏目地址 /public/column/"),
    ("yueyang", re.compile(r"/content_\d+\.html?$|/index_\d+\.htm$"), "岳阳系模板地址 content_…/index_N.htm"),
]
_HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""", re.I)


def _own_addresses(html: str, url: str) -> list[str]:
    from urllib.parse import urljoin, urlsplit
    host = urlsplit(url).hostname if url else None
    out = [urlsplit(url).path] if url else []
    for href in _HREF.findall(html[:600_000]):
        full = urljoin(url or "http://localhost/", href)
        parts = urlsplit(full)
        if host is None or parts.hostname == host:
            out.append(parts.path)
    return out


def choose_preset(html: str, url: str = "") -> tuple[str, str]:
    """(preset, why) for a page: the family whose signs the page shows most; ``generic`` when none."""
    text = html[:600_000] + "\n" + url
    scores: dict[str, list[str]] = {}
    for preset, pattern, meaning in FAMILY_SIGNS:
        if pattern.search(text):
            scores.setdefault(preset, []).append(meaning)
    addresses = _own_addresses(html, url)
    for preset, pattern, meaning in ADDRESS_SIGNS:
        if any(pattern.search(a) for a in addresses):
            scores.setdefault(preset, []).append(meaning)
    if not scores:
        return "generic", "未见已知 CMS 的标记：用通用读取（无选择器的列表识别、“下一页”链接）"
    order = [p for p, _, _ in FAMILY_SIGNS + ADDRESS_SIGNS]
    best = max(scores, key=lambda p: (len(scores[p]), -order.index(p)))
    return best, "；".join(scores[best])

# --- column types --------------------------------------------------------------------------------
_TYPE_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("annual_report", ("年报", "年度报告")),
    ("normative", ("规范性文件",)),
    ("budget", ("预决算", "预算", "决算", "财政", "三公", "资金")),
    ("notice", ("通知公告", "公示公告", "通知", "公告")),
    ("policy", ("政策文件", "政策解读", "政府文件", "政策")),
    ("personnel", ("人事",)),
    ("plan", ("规划计划", "规划", "计划")),
    ("dynamics", ("动态", "要闻", "工作", "新闻")),
]


def infer_column_type(name: str) -> str:
    """Column type from its name by keywords (动态/要闻/工作→dynamics, 通知公告→notice, …, else other)."""
    for kind, words in _TYPE_KEYWORDS:
        if any(w in name for w in words):
            return kind
    return "other"
