"""What zwgk sees on one page (``zwgk inspect``; docs/crawler.md, "Inspecting a page"): its kind, the
list items, the pager's stated totals, the article's metadata, the format facts, the data APIs its
scripts call, and the preset that fits it best.

Page kinds: ``column_list`` (a list of dated items), ``article``, ``hanweb_datastore`` (a Hanweb list
whose items sit in a ``<datastore>``), ``single_page`` (指南, 机构职能, 领导信息…), ``search``, ``form``,
``js_list`` (a list template whose rows a script draws from an API, so the page itself holds none),
``other`` (a home page, a navigation page…).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from .api_lists import has_script_template, api_calls
from .generic_list import list_groups
from .hanweb import parse_datastore
from .lists import _next_link, parse_list_items
from .markup import parse_html
from .metadata import read_metadata, page_title
from .totals import stated_totals

PAGE_KINDS = ("column_list", "article", "hanweb_datastore", "single_page", "search", "form", "js_list", "other")

_SEARCH_TITLE = re.compile(r"搜索|检索|查询结果|search", re.I)
_FORM_TITLE = re.compile(r"申请表|申请书|在线申请|网上申请|意见征集表|留言|信箱|登记表|填写")
_SINGLE_TITLE = re.compile(r"指南|机构职能|职能|领导信息|领导简介|领导分工|领导之窗|机构设置|组织机构|序列机构|内设机构|"
                           r"联系方式|简介|概况|介绍|须知|流程图?|办事流程|公开制度|目录说明")
_EMPTY_LIST = re.compile(r"共\s{0,2}0\s{0,2}条|暂无(?:相关)?(?:信息|数据|内容|记录|文章)|没有(?:相关)?(?:信息|记录|数据)")
_ARTICLE_URL = re.compile(r"/t\d{8}_\d+\.s?html?$|/\d{6}/\d{5,}\.s?html?$|/art/\d{4}/\d{1,2}/\d{1,2}/|art_\d+_\d+\.html|"
                          r"/\d{4}-\d{2}-\d{2}/\d+\.html?$|/content_\d+|/\d{6,8}/[0-9a-f]{16,}\.s?html?$|"
                          r"/(?:info|detail|content|article|show)[/_-]?\w*\.(?:s?html?|jsp|aspx?|php)", re.I)
_SEARCH_URL = re.compile(r"[?&](?:searchWord|keyword|keywords|searchword|q|wd|kw|query|sword)=|/guestweb\d*/s\b|"
                         r"/(?:search|sousuo|jansuo|s)(?:\.\w+)?\?", re.I)
_HOME_PATH = re.compile(r"^/?(?:index|default)?\.?(?:s?html?|jsp|aspx?|php)?$", re.I)
_LIST_CLASS = re.compile(r"list|news|xxgk|lb|article_?list|data_?list|con_?list|info_?list", re.I)


@dataclass
class PageView:
    url: str
    kind: str
    reason: str
    title: str = ""
    items: list[dict] = field(default_factory=list)
    list_path: str = ""
    pager: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    other_fields: dict = field(default_factory=dict)
    format: dict = field(default_factory=dict)
    api_urls: list[str] = field(default_factory=list)
    preset: str = ""
    preset_reason: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


_SEARCH_FORM = re.compile(r"search|query|sousuo|jansuo|keyword|keyboard|检索|搜索", re.I)


def _has_form(tree) -> tuple[int, bool]:
    """(fields to fill in the largest form that is not a search box, whether a textarea is in it).
    Select boxes and hidden fields do not count; a form posting to a search address is a search box."""
    best, textarea = 0, False
    for form in tree.css("form"):
        where = f"{form.attributes.get('action') or ''} {form.attributes.get('name') or ''} " \
                f"{form.attributes.get('id') or ''}"
        if _SEARCH_FORM.search(where):
            continue
        fields = [f for f in form.css("input, textarea")
                  if (f.attributes.get("type") or "text").lower() in ("text", "", "email", "tel", "number", "date",
                                                                      "file", "radio", "checkbox")
                  or f.tag == "textarea"]
        if len(fields) > best:
            best, textarea = len(fields), any(f.tag == "textarea" for f in fields)
    return best, textarea


def _search_box(tree) -> bool:
    return any(_SEARCH_FORM.search(f"{f.attributes.get('action') or ''} {f.attributes.get('name') or ''}")
               for f in tree.css("form"))


def _empty_list_template(tree) -> bool:
    """A list container present but holding no link (the rows come later, from a script)."""
    for node in tree.css("ul, ol, tbody, div"):
        label = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if _LIST_CLASS.search(label) and not node.css_first("a[href]") and not node.text(strip=True):
            return True
    return False


def _classify(html: str, url: str, tree, title: str, items: list, meta: dict, pager, apis: list[str],
              datastore: bool, empty_shown: bool = False) -> tuple[str, str]:
    path = urlsplit(url).path
    fields, textarea = _has_form(tree)
    if datastore:
        return "hanweb_datastore", "页面的条目在 <datastore> 中（大汉 jpage）"
    if _SEARCH_URL.search(url):
        return "search", "搜索结果页：地址带检索词（" + _SEARCH_URL.search(url).group(0).strip("?&=/") + "）"
    if _SEARCH_TITLE.search(title) and len(items) < 2:
        return "search", f"页面标题“{title}”为搜索页"
    if _FORM_TITLE.search(title) and len(items) < 2:
        return "form", f"页面标题“{title}”为申请或留言表单"
    paged = bool(pager) and len(items) >= 1
    if len(items) >= 2 and (paged or len(items) >= 5) and not _HOME_PATH.fullmatch(path.rsplit("/", 1)[-1] or "") \
            or (paged and len(items) >= 1):
        return "column_list", f"列表页：{len(items)}条带日期的条目" + ("，有分页" if pager else "")
    if path in ("", "/") or (path.count("/") <= 1 and _HOME_PATH.fullmatch(path.lstrip("/"))):
        return "other", "网站首页"
    has_meta = sum(1 for k in ("索引号", "发布机构", "文号", "成文日期") if meta.get(k)) >= 1 or bool(meta.get("发布日期"))
    if len(items) < 2 and not has_meta and (pager.total_items or 0) > 1:
        return "js_list", (f"页面说明共{pager.total_items}条（{pager.source}），页面中却没有条目：列表由脚本生成"
                           + (f"，接口 {apis[0]}" if apis else ""))
    if len(items) < 2 and not has_meta and has_script_template(html):
        return "js_list", "列表由页面脚本的模板生成（{{#each …}}）" + (f"，接口 {apis[0]}" if apis else "，接口未在页面中写明")
    if not items and not apis and not has_meta and not _ARTICLE_URL.search(path) and (
            pager.total_items == 0 or _EMPTY_LIST.search(
            tree.body.text() if tree.body else "") or _empty_list_template(tree) or empty_shown):
        return "column_list", "列表页：栏目的列表为空（页面说明为空或列表中没有条目，按空白栏目核查）"
    if (not items or len(items) < 2) and apis and (_empty_list_template(tree) or _EMPTY_LIST.search(
            tree.body.text() if tree.body else "") or re.search(r"列表|栏目|list", title, re.I)) and not has_meta:
        return "js_list", f"列表由脚本从接口读取：{apis[0]}"
    if fields >= 3 or textarea:
        return "form", f"表单页：{fields}个填写项"
    if _SINGLE_TITLE.search(title):
        return "single_page", f"单页：标题“{title}”为介绍性内容"
    if has_meta or _ARTICLE_URL.search(path):
        return "article", "文章页：" + ("有发布信息" if has_meta else "地址为文章页格式")
    if len(items) >= 2:
        return "column_list", f"列表页：{len(items)}条带日期的条目"
    if fields or (_search_box(tree) and tree.body is not None and len(tree.body.text(strip=True)) < 300):
        return "search", "搜索页：有检索框，没有条目列表"
    return "single_page" if (tree.body is not None and len(tree.body.text(strip=True)) > 200) else "other", \
        "没有带日期的条目列表，也没有发布信息"


def inspect_page(html: str, url: str, config=None) -> PageView:
    """Everything ``zwgk inspect`` shows about one page (``config``: a crawl config for the preset's
    selectors and labels; the generic reading is used when it has none that match)."""
    from .articles import format_facts
    from ..config.presets import choose_preset

    tree = parse_html(html)
    title = page_title(tree)
    datastore = "<datastore" in html[:400_000].lower() and "<record" in html[:400_000].lower()
    items, list_path = [], ""
    container = next((css for css in (config.selectors.list_container if config is not None else [])
                      if tree.css_first(css) is not None), None)
    if datastore and config is not None:
        page = parse_datastore(html, url, config)
        items = [i.as_row() for i in page.items]
        list_path = "datastore > recordset > record"
    elif container is not None:  # the preset's selectors, as the crawl reads the page
        items = [i.as_row() for i in parse_list_items(tree, url, config)]
        list_path = f"{container} {config.selectors.list_item}（预设选择器）"
    else:
        groups = list_groups(tree, url)
        if groups:
            items = [i.as_row() for i in groups[0].items]
            list_path = groups[0].path
    pager = stated_totals(html, tree)
    meta, other = read_metadata(tree, html)
    apis = api_calls(html, url)
    empty_shown = container is not None and not items and tree.css_first(container).css_first("a[href]") is None
    kind, reason = _classify(html, url, tree, title, items, meta, pager, apis, datastore, empty_shown)
    preset, why = choose_preset(html, url)
    view = PageView(url=url, kind=kind, reason=reason, title=title, pager=pager.as_dict() if pager else {},
                    api_urls=apis, preset=preset, preset_reason=why)
    if kind in ("column_list", "hanweb_datastore"):
        view.items, view.list_path = items, list_path
    if kind in ("article", "single_page", "form"):
        view.metadata, view.other_fields = meta, other
        body = _body(tree, config)
        facts = format_facts(body, body.html if body is not None else "")
        facts.pop("paragraphs", None)
        view.format = facts
    if kind in ("column_list", "hanweb_datastore", "js_list", "search"):
        view.pager["next_url"] = _next_link(tree, url, ["下一页", "下页", "后一页"])
    else:
        view.pager = {}
    return view


def _body(tree, config):
    selectors = list(config.selectors.article_body) if config is not None else []
    selectors += ["div.TRS_Editor", "div.trs_editor_view", "div#zoom", "div.zoom", "div#UCAP-CONTENT",
                  "div.article-content", "div.article_content", "div#content", "div.content", "div.main-txt",
                  "td#article_content", "div#text", "div.text", "div.con", "article"]
    for css in selectors:
        node = tree.css_first(css)
        if node is not None and node.text(strip=True):
            return node
    return None
