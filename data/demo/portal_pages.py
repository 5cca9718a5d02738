"""The demo portal's pages as bytes: article pages (metadata table, body with its formatting defects),
list pages with the "1/37页" pager, and the 政务公开 index.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from html import escape

from data.demo.portal_structure import DemoArticle, DemoColumn, PER_PAGE, SENTENCES, SYNTHETIC


# --- content -------------------------------------------------------------------------------------
def _body(rng: random.Random, art: DemoArticle, serial: int) -> str:
    ind = "\u3000\u3000"
    paras = [f"<p>{ind}{escape(art.title)}。本文为{SYNTHETIC}，编号 {serial}，不代表任何真实政府信息。</p>"]
    if art.doc_number:
        paras.insert(0, f"<p style=\"text-align:center\">{escape(art.doc_number)}</p>")
    for _ in range(rng.randint(2, 5)):
        text = "".join(rng.sample(SENTENCES, rng.randint(2, 4)))
        paras.append(f"<p>{ind}{escape(art.publisher)}{text}</p>")
    if "spaces" in art.defects:
        k = rng.randrange(1, len(paras))
        paras[k] = paras[k].replace("，", "，&nbsp;&nbsp;&nbsp;&nbsp; &nbsp;", 1)
        paras.append(f"<p>{ind}联系电话：0730-{rng.randint(4000000, 4999999)}\u3000\u3000\u3000\u3000联系人：办公室</p>")
    if "empty" in art.defects:
        k = rng.randrange(1, len(paras))
        paras[k:k] = ["<p>&nbsp;</p>", "<p></p>", "<p>\u3000\u3000</p>", "<p><br></p>"][: rng.randint(3, 4)]
    if "table14" in art.defects:
        head = "".join(f"<td width=\"90\">项目{i + 1}</td>" for i in range(14))
        row = "".join(f"<td>{rng.randint(1, 999)}</td>" for _ in range(14))
        paras.append(f"<table width=\"1260\" border=\"1\"><tbody><tr>{head}</tr><tr>{row}</tr></tbody></table>")
    if "mso" in art.defects:
        paras = [p.replace("<p>", "<p class=\"MsoNormal\" style=\"mso-line-height-rule:exactly;"
                                 "line-height:28pt\"><span style=\"font-family:仿宋_GB2312;mso-ascii-font-family:"
                                 "Times New Roman\">", 1).replace("</p>", "<o:p></o:p></span></p>")
                 if p.startswith("<p>") else p for p in paras]
    paras.append(f"<p style=\"text-align:right\">{escape(art.publisher)}</p>")
    d = art.doc_date
    paras.append(f"<p style=\"text-align:right\">{d.year}年{d.month}月{d.day}日</p>")
    return "\n".join(paras)


def _index_number(art: DemoArticle, unit_no: int) -> str:
    year = (art.publish or datetime(2021, 1, 1)).year
    return f"0063831{unit_no:02d}E/{year}-{art.id}"


def _page(title: str, body: str, encoding: str, head_extra: str = "") -> bytes:
    charset = ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' if encoding == "gbk"
               else '<meta charset="utf-8">')
    html = (f"<!DOCTYPE html>\n<html lang=\"zh-CN\"><head>{charset}\n{head_extra}"
            f"<title>{escape(title)}-华容县人民政府门户网站（{SYNTHETIC}）</title></head>\n<body>\n"
            f"<div class=\"demo-banner\">{SYNTHETIC}：本站为测试用的合成门户，所有内容均为虚构</div>\n"
            "<div class=\"header\"><ul class=\"nav\"><li><a href=\"/index.htm\">首页</a></li>"
            "<li><a href=\"/zwgk/index.htm\">政务公开</a></li></ul></div>\n"
            f"{body}\n<div class=\"footer\">华容县人民政府（{SYNTHETIC}）</div></body></html>\n")
    return html.encode("gbk", "xmlcharrefreplace") if encoding == "gbk" else html.encode("utf-8")


def _article_page(art: DemoArticle, unit_no: int) -> bytes:
    pub = art.publish
    metas = (f'<meta name="ArticleTitle" content="{escape(art.title)}">\n'
             f'<meta name="ContentSource" content="{escape(art.publisher)}">\n')
    if pub is not None:
        metas += f'<meta name="PubDate" content="{pub:%Y-%m-%d %H:%M}">\n'
    pub_text = f"{pub:%Y-%m-%d}" if pub is not None else ""
    table = ("<div class=\"xxgk_table\"><table>"
             f"<tr><th>索引号：</th><td>{_index_number(art, unit_no)}</td><th>发布机构：</th><td>{escape(art.publisher)}</td></tr>"
             f"<tr><th>公开范围：</th><td>面向社会</td><th>生成日期：</th><td>{art.doc_date:%Y-%m-%d}</td></tr>"
             f"<tr><th>公开日期：</th><td>{pub_text}</td><th>公开方式：</th><td>主动公开</td></tr>"
             "</table></div>")
    body = (f"{table}\n<div class=\"article\"><h1 class=\"title\">{escape(art.title)}</h1>\n"
            f"<div class=\"zoom\" id=\"zoom\">\n{art.body}\n</div></div>")
    return _page(art.title, body, art.column.encoding, metas)


def _list_pages(col: DemoColumn) -> list[tuple[str, bytes, float]]:
    entries = col.entries
    pages = max(1, -(-len(entries) // PER_PAGE))
    out = []
    for p in range(pages):
        chunk = entries[p * PER_PAGE:(p + 1) * PER_PAGE]
        lis = []
        for e in chunk:
            title = e["title"]
            shown = title if len(title) <= 24 else title[:23] + "…"
            date_html = f"<span>{e['date']:%Y-%m-%d}</span>" if e.get("date") else ""
            lis.append(f"<li><a href=\"{escape(e['href'])}\" title=\"{escape(title)}\" target=\"_blank\">"
                       f"{escape(shown)}</a>{date_html}</li>")
        if not lis:
            lis.append("<li class=\"empty\">暂无信息</li>")
        name = "index.htm" if p == 0 else f"index_{p}.htm"
        nav = [f"共{len(entries)}条 {p + 1}/{pages}页", "<a href=\"index.htm\">首页</a>"]
        if p > 0:
            nav.append(f"<a href=\"{'index.htm' if p == 1 else f'index_{p - 1}.htm'}\">上一页</a>")
        if p < pages - 1:
            nav.append(f"<a href=\"index_{p + 1}.htm\">下一页</a>")
        nav.append(f"<a href=\"{'index.htm' if pages == 1 else f'index_{pages - 1}.htm'}\">尾页</a>")
        body = (f"<div class=\"location\">当前位置：政务公开 &gt; {escape(col.section)} &gt; {escape(col.label)}</div>\n"
                f"<div class=\"list_right\"><h2>{escape(col.label)}</h2><ul class=\"list_ul\">\n"
                + "\n".join(lis) + "\n</ul>\n<div class=\"page\">" + " ".join(nav) + "</div></div>")
        dated = [e["date"] for e in chunk if e.get("date")]
        mtime = _ts(max(dated)) if dated else _ts(datetime(2021, 1, 1))
        out.append((f"{col.path}{name}", _page(f"{col.label}-{col.section}", body, col.encoding), mtime))
    return out


def _ts(d: date | datetime) -> float:
    if not isinstance(d, datetime):
        d = datetime(d.year, d.month, d.day, 12, 0)
    return d.timestamp()


def _zwgk_index(cols: list[DemoColumn]) -> bytes:
    sections: dict[str, list[DemoColumn]] = {}
    for c in cols:
        sections.setdefault(c.section, []).append(c)
    parts = ["<div class=\"zwgk-main\"><div class=\"guide\"><a href=\"/zwgk/guide.htm\">政府信息公开指南</a> "
             "<a href=\"http://www.hunan.gov.cn/\">湖南省人民政府</a></div>"]
    for group, pred in (("县政府信息公开", lambda c: c.unit is None), ("县直部门", lambda c: c.path.startswith("zwgk/bm/")),
                        ("乡镇", lambda c: c.path.startswith("zwgk/xz/"))):
        parts.append(f"<div class=\"zwgk-group\"><h2 class=\"group-title\">{group}</h2>")
        for section, scols in sections.items():
            if not pred(scols[0]):
                continue
            links = "".join(f"<li><a href=\"/{c.path}index.htm\">{escape(c.label)}</a></li>" for c in scols)
            parts.append(f"<div class=\"unit-box\"><h4>{escape(section)}</h4><ul>{links}</ul></div>")
        parts.append("</div>")
    parts.append("</div>")
    return _page("政务公开", "\n".join(parts), "utf-8")
