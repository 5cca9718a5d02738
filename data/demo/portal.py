"""A synthetic county portal for tests, demos and benchmarks — 演示数据（合成）.

``generate_demo_portal(out_dir)`` writes static files in the Yueyang-family template of Huarong's
real portal (docs/domain.md §5: lists ``index.htm``, ``index_1.htm`` … with "1/37页" page
counts, items ``ul > li > a[title] + span``, articles ``content_{id}.html`` with
``<meta name="ArticleTitle|PubDate|ContentSource">`` and the labels 索引号 / 发布机构 / 公开范围 /
生成日期 / 公开日期 / 公开方式, index numbers like ``006383196E/2021-2030141``). Every page says it
is synthetic. Generation is deterministic (seeded) and takes about a second.

Its H1 2021 items per unit — by 发布机构, 公开日期 within 2021-01-01..2021-06-30, reposts once —
equal the seed bulletin's attachment tables (``data/demo/seed_counts.csv``, transcribed from
``data/bulletins/huarong_2021H1.txt``: 36 departments total 915, 14 townships total 383).

Traps real portals have: reposts (one URL listed in two columns; a copy under another URL),
out-of-period items (2020H2, 2021H2), external links, 404 links, a soft 404, a robots-disallowed
folder (``/preview/``), GBK columns declared only in ``<meta>``, a page without publish date,
formatting defects (runs of spaces, empty paragraphs, a 14-column table, MsoNormal markup), late
normative documents (生成日期 more than 20 working days before 公开日期), a stale column, blank
columns, and 扶贫办 → 乡村振兴局 (items after 2021-07-01 published by the new bureau).

``serve_directory(root)`` serves such a directory on 127.0.0.1 (ETag/Last-Modified, 304s,
robots.txt); ``demo_config(base_url)`` is the matching crawl config.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import formatdate, parsedate_to_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

from flows.ingest.crawler.config import Column, CrawlConfig, make_config

SYNTHETIC = "演示数据（合成）"
ROOT = Path(__file__).resolve().parents[2]
SEED_COUNTS = ROOT / "data" / "demo" / "seed_counts.csv"
H1_START, H1_END = date(2021, 1, 1), date(2021, 6, 30)
PER_PAGE = 20
DEMO_NAME = "华容县人民政府门户网站（演示，合成数据）"

# How the demo's pages print 发布机构 (all resolve through data/registry/huarong.csv with county 华容县).
PUBLISHERS = {
    "市生态环境局华容分局": "岳阳市生态环境局华容分局", "人社局": "华容县人力资源和社会保障局",
    "政府办": "华容县人民政府办公室", "发改局": "华容县发展和改革局", "工信局": "华容县工业和信息化局",
    "城管局": "华容县城市管理和综合执法局", "住建局": "华容县住房和城乡建设局",
    "小集成洪泛区管委会": "小集成洪泛区管理委员会", "广播电视台": "华容县广播电视台",
    "文化旅游广电局": "华容县文化旅游广电局", "医保局": "华容县医疗保障局",
}
SUCCESSOR = {"扶贫办": ("乡村振兴局", "华容县乡村振兴局", date(2021, 7, 1))}

DEPT_COLUMNS = [("gzdt", "工作动态", "dynamics", 0.42), ("tzgg", "通知公告", "notice", 0.18),
                ("zcwj", "政策文件", "policy", 0.16), ("rsxx", "人事信息", "personnel", 0.10),
                ("czxx", "财政信息", "budget", 0.14)]
TOWN_COLUMNS = [("gzdt", "工作动态", "dynamics", 0.40), ("zcwj", "政策文件", "policy", 0.14),
                ("ghjh", "规划计划", "plan", 0.10), ("rsxx", "人事信息", "personnel", 0.10),
                ("czxx", "财政信息", "budget", 0.14), ("qt", "其他", "other", 0.12)]
COUNTY_SECTION = "县政府信息公开"
COUNTY_COLUMNS = [("tzgg", "通知公告", "notice"), ("zwyw", "政务要闻", "dynamics"),
                  ("gfxwj", "规范性文件", "normative"), ("ndbg", "政府信息公开年报", "annual_report")]
GBK_UNITS = ("团洲乡", "三封寺镇")
STALE_UNIT = "小集成洪泛区管委会"

TOPICS = ["森林防火", "安全生产", "疫情防控", "乡村振兴", "河长制", "防汛抗旱", "耕地保护", "营商环境",
          "禁毒宣传", "人居环境整治", "秸秆禁烧", "消防安全", "普法宣传", "食品安全", "就业服务",
          "义务教育", "养老服务", "生态保护", "农村饮水安全", "信访维稳", "文明创建", "防溺水",
          "产业发展", "政务公开", "优化审批", "农田水利", "移风易俗", "扫黑除恶", "社会救助", "招商引资"]
TITLES = {
    "dynamics": ["{short}召开{topic}工作推进会", "{short}开展{topic}专项行动", "{short}部署{topic}工作",
                 "{short}{topic}工作取得阶段性成效", "{short}扎实推进{topic}工作", "{short}组织{topic}业务培训"],
    "notice": ["关于做好{topic}有关工作的通知", "关于开展{topic}专项检查的公告", "{short}关于{topic}的公示",
               "关于{topic}工作安排的通知"],
    "policy": ["{short}关于印发《{topic}工作实施方案》的通知", "关于进一步加强{topic}工作的意见",
               "{short}关于{topic}的政策解读"],
    "normative": ["关于印发《华容县{topic}管理办法》的通知", "华容县{topic}实施细则", "关于规范{topic}工作的若干规定"],
    "personnel": ["{short}公开招聘工作人员公告", "{short}干部任前公示", "{short}关于人员调整的通知"],
    "budget": ["{short}2021年部门预算公开", "{short}2020年部门决算公开", "{short}三公经费情况说明",
               "{short}{topic}专项资金使用情况公示"],
    "plan": ["{short}2021年工作计划", "{short}{topic}工作规划", "{short}上半年工作总结及下半年工作计划"],
    "other": ["{short}{topic}情况公示", "{short}{topic}信息公开", "{short}便民服务事项公示"],
    "annual_report": ["{publisher}2020年政府信息公开工作年度报告"],
}
SENTENCES = ["为深入贯彻落实县委、县政府决策部署，", "按照上级有关文件要求，", "结合本单位工作实际，",
             "会议强调，要提高政治站位，压实工作责任，", "各相关股室要明确分工、密切配合，",
             "确保各项工作任务落到实处、取得实效。", "下一步，将持续加强督查调度，", "及时回应群众关切，",
             "切实做好宣传引导和政策解读工作。", "全面梳理存在的问题和短板，建立问题清单和整改台账，",
             "广泛听取社会各界意见建议，", "进一步规范工作流程，提升服务水平。"]


@dataclass
class DemoColumn:
    path: str                 # directory under the root, e.g. "zwgk/bm/d01/gzdt/"
    label: str                # 工作动态
    type: str
    section: str              # the heading it sits under on the 政务公开 page
    unit: str | None          # canonical unit owning the column (None for county-wide columns)
    encoding: str = "utf-8"
    entries: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.section}/{self.label}"


@dataclass
class DemoArticle:
    id: int
    unit: str                 # canonical unit counted (by 发布机构)
    publisher: str            # 发布机构 as printed
    type: str
    title: str
    publish: datetime | None
    doc_date: date
    column: DemoColumn
    defects: tuple[str, ...] = ()
    doc_number: str | None = None
    body: str = ""
    copy_of: int | None = None

    @property
    def path(self) -> str:
        return f"{self.column.path}content_{self.id}.html"


def read_seed_counts(path: str | Path = SEED_COUNTS) -> list[dict]:
    """Rows of the seed's attachment tables: attachment, category, unit, count, rank."""
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["count"], r["rank"], r["attachment"] = int(r["count"]), int(r["rank"]), int(r["attachment"])
    return rows


def _publisher(unit: str, category: str) -> str:
    if unit in PUBLISHERS:
        return PUBLISHERS[unit]
    if category == "乡镇":
        return f"{unit}人民政府"
    return f"华容县{unit}"


def _short(unit: str) -> str:
    return {"市生态环境局华容分局": "生态环境局", "小集成洪泛区管委会": "小集成洪泛区管委会"}.get(unit, unit)


def _workdays(start: date, end: date) -> list[date]:
    from chinese_calendar import get_workdays
    return list(get_workdays(start, end))


def _late_doc_date(publish: date, rng: random.Random) -> date:
    from chinese_calendar import find_workday
    return find_workday(-rng.randint(28, 60), publish)


def _soon_doc_date(publish: date, rng: random.Random) -> date:
    from chinese_calendar import find_workday
    return find_workday(-rng.randint(1, 12), publish)


def demo_columns(units: list[dict] | None = None) -> list[DemoColumn]:
    """The demo portal's columns (fixed structure, independent of the seed)."""
    rows = units if units is not None else read_seed_counts()
    cols: list[DemoColumn] = []
    for path, label, kind in COUNTY_COLUMNS:
        cols.append(DemoColumn(f"zwgk/xxgk/{path}/", label, kind, COUNTY_SECTION, None))
    d = t = 0
    for row in rows:
        unit = row["unit"]
        if row["category"] == "乡镇":
            t += 1
            base, spec = f"zwgk/xz/t{t:02d}/", TOWN_COLUMNS
        else:
            d += 1
            base, spec = f"zwgk/bm/d{d:02d}/", DEPT_COLUMNS
        enc = "gbk" if unit in GBK_UNITS else "utf-8"
        for path, label, kind, _w in spec:
            cols.append(DemoColumn(f"{base}{path}/", label, kind, unit, unit, encoding=enc))
    return cols


def _select_units(units: list[str] | None) -> list[dict]:
    rows = read_seed_counts()
    if units is None:
        return rows
    wanted = set(units)
    unknown = wanted - {r["unit"] for r in rows}
    if unknown:
        raise ValueError(f"演示门户没有这些单位：{sorted(unknown)}")
    return [r for r in rows if r["unit"] in wanted]


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


def _plan(seed: int, units: list[str] | None) -> tuple[list[DemoColumn], list[DemoArticle], dict]:
    rng = random.Random(seed)
    rows = _select_units(units)
    cols = demo_columns(rows)
    county = {c.path.split("/")[-2]: c for c in cols if c.unit is None}
    by_unit: dict[str, dict[str, DemoColumn]] = {}
    for c in cols:
        if c.unit:
            by_unit.setdefault(c.unit, {})[c.type] = c
    unit_no = {r["unit"]: i + 1 for i, r in enumerate(read_seed_counts())}
    days_h1 = _workdays(date(2021, 1, 4), H1_END)
    days_20h2 = _workdays(date(2020, 7, 1), date(2020, 12, 31))
    days_21h2 = _workdays(date(2021, 7, 1), date(2021, 9, 24))
    arts: list[DemoArticle] = []
    title_seen: set[str] = set()

    def title_for(kind: str, unit: str, publisher: str) -> str:
        for _ in range(30):
            t = rng.choice(TITLES[kind]).format(short=_short(unit), topic=rng.choice(TOPICS), publisher=publisher)
            if t not in title_seen:
                break
        n = 2
        base = t
        while t in title_seen:
            t = f"{base}（{n}）"
            n += 1
        title_seen.add(t)
        return t

    def when(days: list[date]) -> datetime:
        d = rng.choice(days)
        return datetime(d.year, d.month, d.day, rng.randint(8, 17), rng.randint(0, 59))

    for row in rows:
        unit, category, n_h1 = row["unit"], row["category"], row["count"]
        publisher = _publisher(unit, category)
        spec = TOWN_COLUMNS if category == "乡镇" else DEPT_COLUMNS
        kinds = [k for _p, _l, k, _w in spec]
        weights = [w for *_x, w in spec]
        plan: list[tuple[str, datetime, str, str]] = []  # (kind, publish, period, column kind)
        n_20h2 = max(1, round(n_h1 * 0.15))
        n_21h2 = max(1, round(n_h1 * 0.10))
        for period, count, days in (("2021H1", n_h1, days_h1), ("2020H2", n_20h2, days_20h2),
                                    ("2021H2", n_21h2, days_21h2)):
            for _ in range(count):
                kind = rng.choices(kinds, weights)[0]
                plan.append((kind, when(days), period, kind))
        # special placements: annual report (January, county column), normative documents
        h1_idx = [i for i, p in enumerate(plan) if p[2] == "2021H1"]
        if n_h1 >= 5 and "ndbg" in county:
            i = h1_idx.pop(0)
            jan = [d for d in days_h1 if d.month == 1 and d.day <= 29]
            plan[i] = ("annual_report", when(jan), "2021H1", "annual_report")
        if category == "县直部门" and n_h1 >= 20 and "gfxwj" in county:
            for _ in range(2 if n_h1 < 50 else 3):
                i = h1_idx.pop(0)
                plan[i] = ("normative", plan[i][1], "2021H1", "normative")
        if unit == STALE_UNIT:  # its 工作动态 column stops in 2020: the stale column
            plan = [(("notice" if p[2] != "2020H2" else "dynamics"),) + p[1:3] +
                    (("notice" if p[2] != "2020H2" else "dynamics"),) for p in plan]
        for kind, pub, period, col_kind in plan:
            pub_unit, pub_name = unit, publisher
            succ = SUCCESSOR.get(unit)
            if succ and pub.date() >= succ[2]:
                pub_unit, pub_name = succ[0], succ[1]
            if col_kind == "annual_report":
                col = county["ndbg"]
            elif col_kind == "normative":
                col = county["gfxwj"]
            else:
                col = by_unit[unit].get(col_kind) or by_unit[unit]["dynamics"]
            late = kind == "normative" and rng.random() < 0.4
            doc_date = (_late_doc_date(pub.date(), rng) if late else _soon_doc_date(pub.date(), rng)
                        if kind in ("normative", "policy") else pub.date() - timedelta(days=rng.randint(0, 3)))
            defects = tuple(d for d, p in (("spaces", 0.08), ("empty", 0.06), ("table14", 0.02), ("mso", 0.05))
                            if rng.random() < p)
            art = DemoArticle(id=0, unit=pub_unit, publisher=pub_name, type=kind,
                              title=title_for(kind, pub_unit, pub_name), publish=pub, doc_date=doc_date,
                              column=col, defects=defects)
            if kind == "normative":
                abbr = _short(unit)[:2]
                art.doc_number = f"华{abbr}发〔{pub.year}〕{rng.randint(1, 30)}号"
            art.late = late  # type: ignore[attr-defined]
            arts.append(art)

    # ids grow with the publish date (as a CMS assigns them)
    arts.sort(key=lambda a: (a.publish, a.unit, a.title))
    for i, a in enumerate(arts):
        a.id = 2_000_001 + i
    for a in arts:
        a.body = _body(rng, a, a.id)

    manifest: dict = {"seed": seed, "synthetic": SYNTHETIC, "reposts_same_url": [], "repost_copies": [],
                      "external": [], "missing": [], "soft404": [], "robots": [], "no_date": [],
                      "late_normative": [], "defects": {}, "gbk_columns": [], "stale_column": None,
                      "blank_columns": []}
    next_id = 2_000_001 + len(arts)
    h1_dept = [a for a in arts if a.publish and H1_START <= a.publish.date() <= H1_END
               and a.column.unit is not None and a.type in ("dynamics", "notice")]
    rng.shuffle(h1_dept)
    # reposts under the same URL: the county 通知公告 column lists department items too
    if "tzgg" in county:
        for a in h1_dept[:20]:
            county["tzgg"].entries.append({"href": "/" + a.path, "title": a.title, "date": a.publish})
            manifest["reposts_same_url"].append("/" + a.path)
    # reposts under another URL: an exact copy in 政务要闻
    copies = []
    if "zwyw" in county:
        for a in h1_dept[20:28]:
            c = DemoArticle(id=next_id, unit=a.unit, publisher=a.publisher, type=a.type, title=a.title,
                            publish=a.publish, doc_date=a.doc_date, column=county["zwyw"], defects=a.defects,
                            body=a.body, copy_of=a.id)
            next_id += 1
            copies.append(c)
            manifest["repost_copies"].append({"copy": "/" + c.path, "original": "/" + a.path})
    # a page without a publish date (kept, with publish_date None)
    first = rows[0]
    nd_col = by_unit[first["unit"]]["notice"]
    nodate = DemoArticle(id=next_id, unit=first["unit"], publisher=_publisher(first["unit"], first["category"]),
                         type="notice", title=f"{_short(first['unit'])}办事指南（未标注发布日期）", publish=None,
                         doc_date=date(2021, 3, 1), column=nd_col)
    next_id += 1
    nodate.body = _body(rng, nodate, nodate.id)
    manifest["no_date"].append("/" + nodate.path)

    for a in arts + copies + [nodate]:
        a.column.entries.append({"href": f"content_{a.id}.html" if a.column.path in a.path else "/" + a.path,
                                 "title": a.title, "date": a.publish, "article": a})
    # links that are not articles of this site
    unit_cols = [c for c in cols if c.unit is not None and c.type == "dynamics"]
    ext_targets = ["http://www.hunan.gov.cn/hnszf/hdjl/index.html", "https://www.yueyang.gov.cn/news/content_1.html",
                   "http://www.gov.cn/zhengce/index.htm"]
    for i, url in enumerate(ext_targets):
        col = county.get("zwyw") or unit_cols[0]
        col.entries.append({"href": url, "title": f"转载：上级政府网站信息{i + 1}", "date": when(days_h1)})
        manifest["external"].append(url)
    for k in range(3):
        col = unit_cols[k % len(unit_cols)]
        bad = 1_999_001 + k
        col.entries.append({"href": f"content_{bad}.html", "title": f"已撤下的信息{k + 1}", "date": when(days_h1)})
        manifest["missing"].append(f"/{col.path}content_{bad}.html")
    soft_col = unit_cols[min(1, len(unit_cols) - 1)]
    soft_id = 1_999_101
    soft_col.entries.append({"href": f"content_{soft_id}.html", "title": "一条链接已失效的信息", "date": when(days_h1),
                             "soft404": True})
    manifest["soft404"].append(f"/{soft_col.path}content_{soft_id}.html")
    for k in range(3):
        col = unit_cols[(k + 2) % len(unit_cols)]
        pid = 1_999_201 + k
        col.entries.append({"href": f"/preview/content_{pid}.html", "title": f"预览稿件{k + 1}", "date": when(days_h1),
                            "preview": pid})
        manifest["robots"].append(f"/preview/content_{pid}.html")

    for c in cols:  # newest first, undated entries last, as the CMS lists them
        c.entries.sort(key=lambda e: (e.get("date") is None, -(e["date"].timestamp() if e.get("date") else 0),
                                      e["href"]))
        if c.encoding == "gbk":
            manifest["gbk_columns"].append("/" + c.path)
        if not c.entries:
            manifest["blank_columns"].append("/" + c.path)
    stale = by_unit.get(STALE_UNIT, {}).get("dynamics")
    if stale is not None:
        manifest["stale_column"] = "/" + stale.path
    for a in arts + copies:
        if getattr(a, "late", False):
            manifest["late_normative"].append("/" + a.path)
        if a.defects:
            manifest["defects"]["/" + a.path] = list(a.defects)
    counts: dict[str, int] = {}
    for a in arts:
        if a.publish and H1_START <= a.publish.date() <= H1_END:
            counts[a.unit] = counts.get(a.unit, 0) + 1
    manifest["h1_counts"] = counts
    manifest["articles"] = len(arts) + len(copies) + 1
    manifest["unit_no"] = unit_no
    return cols, arts + copies + [nodate], manifest


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


def generate_demo_portal(out_dir: str | Path, seed: int = 2021, *, units: list[str] | None = None) -> Path:
    """Write the synthetic portal under ``out_dir`` (deterministic for a seed) and return it.

    ``units`` limits the portal to some units of the seed tables (smaller sites for tests).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cols, arts, manifest = _plan(seed, units)
    unit_no = manifest.pop("unit_no")
    from data.demo.annual import plant_demo_reports  # full 2020 annual reports, with planted problems

    manifest["annual_2020"] = plant_demo_reports(arts, [r["unit"] for r in read_seed_counts()])
    files: list[tuple[str, bytes, float]] = []
    files.append(("robots.txt", f"# {SYNTHETIC}\nUser-agent: *\nDisallow: /preview/\n".encode(), _ts(date(2021, 1, 1))))
    files.append((".gitignore", b"# generated by data/demo/portal.py\n*\n", _ts(date(2021, 1, 1))))
    files.append(("index.htm", _page("首页", "<div class=\"home\"><a href=\"/zwgk/index.htm\">政务公开</a></div>", "utf-8"),
                  _ts(date(2021, 9, 24))))
    files.append(("zwgk/index.htm", _zwgk_index(cols), _ts(date(2021, 9, 24))))
    files.append(("zwgk/guide.htm", _page("政府信息公开指南", f"<div class=\"content\"><p>{SYNTHETIC}</p></div>", "utf-8"),
                  _ts(date(2021, 1, 1))))
    for a in arts:
        files.append((a.path, _article_page(a, unit_no.get(a.unit, unit_no.get("扶贫办", 0)) or 99),
                      _ts(a.publish or datetime(2021, 3, 1))))
    for c in cols:
        files.extend(_list_pages(c))
        for e in c.entries:
            if e.get("soft404"):
                page = _page("页面不存在", "<div class=\"err\"><h1>404</h1><p>对不起，您访问的页面不存在或已被删除！</p></div>",
                             "utf-8")
                files.append((f"{c.path}{e['href']}", page, _ts(date(2021, 1, 1))))
            if e.get("preview"):
                page = _page("预览稿件", f"<div id=\"zoom\"><p>未发布的预览稿件（{SYNTHETIC}）</p></div>", "utf-8")
                files.append((f"preview/content_{e['preview']}.html", page, _ts(date(2021, 1, 1))))
    made: set[Path] = set()
    for rel, data, mtime in files:
        path = out / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data)
        os.utime(path, (mtime, mtime))
    manifest["files"] = len(files)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, default=str),
                                       encoding="utf-8")
    return out


# --- a tiny static server ------------------------------------------------------------------------
CONTENT_TYPES = {".htm": "text/html", ".html": "text/html", ".txt": "text/plain", ".json": "application/json",
                 ".xml": "text/xml", ".css": "text/css", ".js": "application/javascript"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "zwgk-demo/0.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stalls

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def _resolve(self) -> Path | None:
        root: Path = self.server.root  # type: ignore[attr-defined]
        rel = unquote(urlsplit(self.path).path).lstrip("/")
        path = (root / rel).resolve()
        if root not in path.parents and path != root:
            return None
        if path.is_dir():
            path = path / "index.htm"
        return path if path.is_file() else None

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None, head: bool = False) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and not head:
            self.wfile.write(body)

    def do_HEAD(self):  # noqa: N802
        self.do_GET(head=True)

    def do_GET(self, head: bool = False):  # noqa: N802
        server = self.server
        path = self._resolve()
        status = 404
        try:
            if path is None:
                self._send(404, "<html><head><title>404</title></head><body>Not Found</body></html>".encode(),
                           {"Content-Type": "text/html"}, head)
                return
            st = path.stat()
            etag = server.etag(path, st)  # type: ignore[attr-defined]
            last_mod = formatdate(st.st_mtime, usegmt=True)
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            not_modified = False
            if inm is not None:
                not_modified = etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
            elif ims:
                with contextlib.suppress(TypeError, ValueError):
                    not_modified = int(st.st_mtime) <= parsedate_to_datetime(ims).timestamp()
            headers = {"ETag": etag, "Last-Modified": last_mod}
            if not_modified:
                status = 304
                self.send_response(304)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                return
            status = 200
            headers["Content-Type"] = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
            self._send(200, path.read_bytes(), headers, head)
        finally:
            log = server.log  # type: ignore[attr-defined]
            if log is not None:
                log.append({"t": time.monotonic(), "method": self.command, "path": urlsplit(self.path).path,
                            "status": status, "conditional": bool(self.headers.get("If-None-Match")
                                                                  or self.headers.get("If-Modified-Since")),
                            "ua": self.headers.get("User-Agent")})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, root: Path, log: list | None, port: int = 0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.root = root.resolve()
        self.log = log
        self._etags: dict[tuple, str] = {}
        self._lock = threading.Lock()

    def etag(self, path: Path, st: os.stat_result) -> str:
        key = (str(path), st.st_mtime_ns, st.st_size)
        with self._lock:
            tag = self._etags.get(key)
        if tag is None:
            tag = '"' + hashlib.sha1(path.read_bytes()).hexdigest()[:20] + '"'
            with self._lock:
                self._etags[key] = tag
        return tag


@contextlib.contextmanager
def serve_directory(root: str | Path, *, log: list | None = None, port: int = 0) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 (``port``, or an ephemeral one when 0 or taken); yields the base URL.

    A fixed port keeps the demo portal's URLs stable between runs, so re-crawls are incremental.
    ``log`` collects requests."""
    try:
        server = _Server(Path(root), log, port)
    except OSError:
        server = _Server(Path(root), log, 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def demo_config(base_url: str, *, units: list[str] | None = None, rate: float = 500.0) -> CrawlConfig:
    """The crawl config of the demo portal at ``base_url`` (rate lifted: it is our own loopback server)."""
    netloc = urlsplit(base_url).netloc
    cols = demo_columns(_select_units(units))
    config = make_config(
        "yueyang", base_url, name=DEMO_NAME, allowed_hosts=[netloc],
        county="华容县", contact="演示环境", start_url=f"{base_url}/zwgk/index.htm", rate=rate,
        politeness={"concurrency": 4, "timeout": 10.0, "retries": 2, "backoff": 0.05, "max_backoff": 1.0},
    )
    config.columns = [Column(name=c.name, url=f"{base_url}/{c.path}index.htm", type=c.type, unit=c.unit,
                             section=c.section) for c in cols]
    return config
