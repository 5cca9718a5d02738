"""The CMS presets a config builds on (trs, hanweb, yueyang; docs/domain.md §5 and the package
docstring) and the column type a column's name implies.
"""

from __future__ import annotations

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
}

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
