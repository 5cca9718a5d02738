"""An article's metadata as the page shows it, under the standard field names (title, 发布机构, 发布日期,
成文日期, 索引号, 文号, 主题分类) whatever label the template uses, plus the other labelled fields it
shows (来源, 责任编辑, 分类…) under their own labels. Dates are normalised to YYYY-MM-DD; other values
are kept as shown. docs/crawler.md, "Article metadata", lists the labels.

``<meta name="PubDate">`` is not the publication date: site-cluster templates fill it with the time the
page was generated, years after the visible date. It is used only when the page shows no date.
"""

from __future__ import annotations

import re

from ..dates import iso, parse_date
from .markup import DATE_IN_TEXT, value_after

STANDARD = ("title", "发布机构", "发布日期", "成文日期", "索引号", "文号", "主题分类")

# label → standard field; 生成日期 is decided by the page (see _resolve_generated)
_LABELS = {
    "索引号": "索引号", "索引码": "索引号",
    "发布机构": "发布机构", "发文机关": "发布机构", "公开主体": "发布机构", "发布单位": "发布机构",
    "发文单位": "发布机构", "责任部门": "发布机构", "公开责任部门": "发布机构", "发布部门": "发布机构",
    "信息公开主体": "发布机构", "所属机构": "发布机构", "制发机关": "发布机构",
    "发布日期": "发布日期", "发文日期": "发布日期", "公开日期": "发布日期", "发布时间": "发布日期",
    "发表时间": "发布日期", "公开时间": "发布日期", "更新时间": "发布日期", "更新日期": "发布日期",
    "成文日期": "成文日期", "形成日期": "成文日期", "印发日期": "成文日期", "生效日期": "成文日期",
    "文号": "文号", "发文字号": "文号", "文件编号": "文号", "发文文号": "文号",
    "主题分类": "主题分类", "主题类别": "主题分类", "主题": "主题分类",
    "生成日期": "生成日期",
}
_OTHER_LABELS = ("来源", "信息来源", "责任编辑", "分类", "信息分类", "体裁分类", "组配分类", "服务对象分类",
                 "公开方式", "公开时限", "公开范围", "有效性", "主题词", "关键词", "作者", "编辑", "有效期", "信息发布人",
                 "发布人", "文章类型", "文件名称", "日期")
_ALL = sorted(set(_LABELS) | set(_OTHER_LABELS), key=len, reverse=True)
_GAP = r"[\s\u3000\u00a0]*"
_LABEL_RE = re.compile("(" + "|".join(_GAP.join(map(re.escape, k)) for k in _ALL) + ")" + _GAP + "[:：]")
_WHOLE_RE = re.compile("^" + _GAP + "(" + "|".join(_GAP.join(map(re.escape, k)) for k in _ALL) + ")" + _GAP
                       + "[:：]?" + _GAP + "$")
_DATE_FIELDS = ("发布日期", "成文日期", "生成日期")
_TIME_CLASS = re.compile(r"publish_?time|pub_?time|pubdate|fbsj|fbrq|release|p_time|info_?time|\bdate\b|\btime\b",
                         re.I)
_SITE_WORDS = re.compile(r"人民政府|门户网站|政府网|政务网|政务公开|信息公开|^中国|网站$")


_ANY_LABEL = re.compile(r"^[\u4e00-\u9fa5]{2,6}[\s\u3000]*[:：]")  # the next cell is another label
_INNER = "td, th, li, span, div, p, dt, dd, label, font, b, strong"


def _norm(label: str) -> str:
    return re.sub(r"[\s\u3000\u00a0]+", "", label)


def _pairs(tree) -> list[tuple[str, str]]:
    """(label, value) pairs: "标签：值" in one element, or a label cell followed by its value."""
    out: list[tuple[str, str]] = []
    body = tree.body
    if body is None:
        return out
    for node in body.css("td, th, li, span, div, p, dt, dd, label, b, strong, em, font, publishtime"):
        text = node.text(deep=True, separator=" ").strip()
        if not text or len(text) > 200:
            continue
        whole = _WHOLE_RE.match(text)
        if whole:
            value = value_after(node)
            if value and not _WHOLE_RE.match(value) and not _ANY_LABEL.match(value):
                out.append((_norm(whole.group(1)), value))
            continue
        hits = list(_LABEL_RE.finditer(text))
        if not hits:
            continue
        if any(_LABEL_RE.search(c.text(deep=True, separator=" ") or "") for c in node.css(_INNER)
               if c.mem_id != node.mem_id):  # (css() matches the node itself too)
            continue  # a container of labelled elements: read the elements themselves
        for i, m in enumerate(hits):
            end = hits[i + 1].start() if i + 1 < len(hits) else len(text)
            value = text[m.end():end].strip(" \u3000\u00a0\t\r\n;；|")
            out.append((_norm(m.group(1)), value))
    return out


def _clean(value: str) -> str:
    value = re.sub(r"[\s\u3000\u00a0]+", " ", value).strip(" ;；,，|")
    return re.sub(r"^[（(]|[）)]$", "", value).strip()


def read_metadata(tree, html: str = "") -> tuple[dict[str, str], dict[str, str]]:
    """(the standard fields, the other labelled fields) of an article page; absent fields are ""."""
    std: dict[str, str] = {k: "" for k in STANDARD}
    other: dict[str, str] = {}
    for label, value in _pairs(tree):
        value = _clean(value)
        field = _LABELS.get(label)
        if field is None:
            if label in _OTHER_LABELS and label not in other:
                other[label] = value
            continue
        if field in _DATE_FIELDS:
            found = DATE_IN_TEXT.search(value)
            value = iso(parse_date(found.group(0))) if found else ""
            if not value:
                continue
        if field == "生成日期":
            other.setdefault("生成日期", value)
            continue
        if not std.get(field):
            std[field] = value
    _resolve_generated(std, other)
    plain = other.pop("日期", "")  # a bare 日期： beside the title is the publication date
    if not std["发布日期"] and plain:
        found = DATE_IN_TEXT.search(plain)
        std["发布日期"] = iso(parse_date(found.group(0))) if found else ""
    if not std["发布日期"]:
        std["发布日期"] = _shown_date(tree)
    std["title"] = article_title(tree)
    return std, other


def _resolve_generated(std: dict[str, str], other: dict[str, str]) -> None:
    """生成日期 is the document's date where the page also shows a publication date (Huarong's
    template: 生成日期 + 公开日期), and the publication date where it is the only date shown."""
    generated = other.pop("生成日期", "")
    if not generated:
        return
    if std["发布日期"]:
        std["成文日期"] = std["成文日期"] or generated
    else:
        std["发布日期"] = generated


def _shown_date(tree) -> str:
    """A date shown without a label near the title (``<span id="p_publishtime">2012-08-13</span>``)."""
    body = tree.body
    if body is None:
        return ""
    for node in body.css("span, div, p, td, em, i, b, font, time, publishtime"):
        label = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if node.tag in ("time", "publishtime") or _TIME_CLASS.search(label):
            text = node.text(deep=True, strip=True)
            if re.search(r"星期|今天|今日", text):
                continue  # the header's clock, not the article's date
            m = DATE_IN_TEXT.search(text) if len(text) <= 60 else None
            if m:
                return iso(parse_date(m.group(0))) or ""
    return ""


_SITE_PART = re.compile(r"^(?:中国)?[\u4e00-\u9fa5]{0,12}(?:人民政府(?:门户)?(?:网站|网)?|门户网站|政府网|政务网|网站|网)$")
_TITLE_SEP = re.compile(r"\s*(?:——|—|--|\s-\s|_|\||｜)\s*")


def without_site(title: str) -> str:
    """A title without the site's name the template glued to it (保定市人民政府网——标题, 标题_某县人民政府)."""
    parts = [p for p in _TITLE_SEP.split(title) if p]
    if len(parts) > 1 and (_SITE_PART.match(parts[0]) or _SITE_PART.match(parts[-1])):
        kept = [p for p in parts if not _SITE_PART.match(p)]
        if kept:
            return "——".join(kept) if "——" in title else " ".join(kept)
    return title


def article_title(tree) -> str:
    for css in ('meta[name="ArticleTitle"]', 'meta[name="articletitle"]'):
        node = tree.css_first(css)
        if node is not None and (node.attributes.get("content") or "").strip():
            return without_site(re.sub(r"\s+", " ", node.attributes["content"]).strip())
    for css in ("h1.article-title", "div.article h1", ".article-title", ".arc_title", ".art_title",
                ".news_title", ".detail-title", "td.title", "div.title h1", "h1", "h2"):
        for node in tree.css(css):
            text = re.sub(r"\s+", " ", node.text(deep=True, strip=True))
            if len(text) >= 4 and not _SITE_WORDS.search(text):
                return text
    return page_title(tree)


def page_title(tree) -> str:
    """The page's own name from <title>: the part that is not the site's name."""
    node = tree.css_first("title")
    text = re.sub(r"\s+", " ", node.text(strip=True)) if node is not None else ""
    parts = [p.strip() for p in re.split(r"\s[-_|—–]\s|[_|]|\s-|-\s", text) if p.strip()]
    specific = [p for p in parts if not _SITE_WORDS.search(p)]
    return (specific or parts or [""])[0]
