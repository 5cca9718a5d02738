"""The demo portal's plan: every article, repost and trap, drawn from one seeded generator in a fixed
order, and the manifest that records the ground truth.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from data.demo.portal_structure import (
    DEPT_COLUMNS,
    DemoArticle,
    DemoColumn,
    H1_END,
    H1_START,
    STALE_UNIT,
    SUCCESSOR,
    SYNTHETIC,
    TITLES,
    TOPICS,
    TOWN_COLUMNS,
    _publisher,
    _select_units,
    _short,
    demo_columns,
    read_seed_counts,
)
from data.demo.portal_pages import _body


def _workdays(start: date, end: date) -> list[date]:
    from chinese_calendar import get_workdays
    return list(get_workdays(start, end))


def _late_doc_date(publish: date, rng: random.Random) -> date:
    from chinese_calendar import find_workday
    return find_workday(-rng.randint(28, 60), publish)


def _soon_doc_date(publish: date, rng: random.Random) -> date:
    from chinese_calendar import find_workday
    return find_workday(-rng.randint(1, 12), publish)


class _Picker:
    """The plan's random choices that need memory: titles never repeated, times on given days."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.title_seen: set[str] = set()

    def title(self, kind: str, unit: str, publisher: str) -> str:
        rng = self.rng
        for _ in range(30):
            t = rng.choice(TITLES[kind]).format(short=_short(unit), topic=rng.choice(TOPICS), publisher=publisher)
            if t not in self.title_seen:
                break
        n = 2
        base = t
        while t in self.title_seen:
            t = f"{base}（{n}）"
            n += 1
        self.title_seen.add(t)
        return t

    def when(self, days: list[date]) -> datetime:
        d = self.rng.choice(days)
        return datetime(d.year, d.month, d.day, self.rng.randint(8, 17), self.rng.randint(0, 59))


def _plan(seed: int, units: list[str] | None) -> tuple[list[DemoColumn], list[DemoArticle], dict]:
    """Every column, article and trap of the portal, and the manifest (the ground truth tests check).

    One seeded generator drives it all, in a fixed order: the same seed gives the same portal.
    """
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
    pick = _Picker(rng)
    arts: list[DemoArticle] = []
    for row in rows:
        arts.extend(_unit_articles(pick, row, county, by_unit, days_h1, days_20h2, days_21h2))

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
    copies, nodate = _reposts_and_undated(rng, rows, arts, county, by_unit, manifest)
    for a in arts + copies + [nodate]:
        a.column.entries.append({"href": f"content_{a.id}.html" if a.column.path in a.path else "/" + a.path,
                                 "title": a.title, "date": a.publish, "article": a})
    _broken_links(pick, cols, county, days_h1, manifest)
    _record_columns(cols, arts, copies, by_unit, manifest)
    manifest["unit_no"] = unit_no
    return cols, arts + copies + [nodate], manifest


def _unit_articles(pick: _Picker, row: dict, county: dict[str, DemoColumn],
                   by_unit: dict[str, dict[str, DemoColumn]], days_h1: list[date], days_20h2: list[date],
                   days_21h2: list[date]) -> list[DemoArticle]:
    """One unit's articles: its H1 2021 count from the seed, plus out-of-period ones around it."""
    rng = pick.rng
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
            plan.append((kind, pick.when(days), period, kind))
    # special placements: annual report (January, county column), normative documents
    h1_idx = [i for i, p in enumerate(plan) if p[2] == "2021H1"]
    if n_h1 >= 5 and "ndbg" in county:
        i = h1_idx.pop(0)
        jan = [d for d in days_h1 if d.month == 1 and d.day <= 29]
        plan[i] = ("annual_report", pick.when(jan), "2021H1", "annual_report")
    if category == "县直部门" and n_h1 >= 20 and "gfxwj" in county:
        for _ in range(2 if n_h1 < 50 else 3):
            i = h1_idx.pop(0)
            plan[i] = ("normative", plan[i][1], "2021H1", "normative")
    if unit == STALE_UNIT:  # its 工作动态 column stops in 2020: the stale column
        plan = [(("notice" if p[2] != "2020H2" else "dynamics"),) + p[1:3] +
                (("notice" if p[2] != "2020H2" else "dynamics"),) for p in plan]
    arts: list[DemoArticle] = []
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
                          title=pick.title(kind, pub_unit, pub_name), publish=pub, doc_date=doc_date,
                          column=col, defects=defects)
        if kind == "normative":
            abbr = _short(unit)[:2]
            art.doc_number = f"华{abbr}发〔{pub.year}〕{rng.randint(1, 30)}号"
        art.late = late  # type: ignore[attr-defined]
        arts.append(art)
    return arts


def _reposts_and_undated(rng: random.Random, rows: list[dict], arts: list[DemoArticle],
                         county: dict[str, DemoColumn], by_unit: dict[str, dict[str, DemoColumn]],
                         manifest: dict) -> tuple[list[DemoArticle], DemoArticle]:
    """Reposts (the same URL in a county column; an exact copy under another URL) and a page without
    a publish date: (the copies, the undated article)."""
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
    return copies, nodate


def _broken_links(pick: _Picker, cols: list[DemoColumn], county: dict[str, DemoColumn], days_h1: list[date],
                  manifest: dict) -> None:
    """Links that are not articles of this site: external, 404, a soft 404, robots-disallowed previews."""
    unit_cols = [c for c in cols if c.unit is not None and c.type == "dynamics"]
    ext_targets = ["http://www.hunan.gov.cn/hnszf/hdjl/index.html", "https://www.yueyang.gov.cn/news/content_1.html",
                   "http://www.gov.cn/zhengce/index.htm"]
    for i, url in enumerate(ext_targets):
        col = county.get("zwyw") or unit_cols[0]
        col.entries.append({"href": url, "title": f"转载：上级政府网站信息{i + 1}", "date": pick.when(days_h1)})
        manifest["external"].append(url)
    for k in range(3):
        col = unit_cols[k % len(unit_cols)]
        bad = 1_999_001 + k
        col.entries.append({"href": f"content_{bad}.html", "title": f"已撤下的信息{k + 1}", "date": pick.when(days_h1)})
        manifest["missing"].append(f"/{col.path}content_{bad}.html")
    soft_col = unit_cols[min(1, len(unit_cols) - 1)]
    soft_id = 1_999_101
    soft_col.entries.append({"href": f"content_{soft_id}.html", "title": "一条链接已失效的信息",
                             "date": pick.when(days_h1), "soft404": True})
    manifest["soft404"].append(f"/{soft_col.path}content_{soft_id}.html")
    for k in range(3):
        col = unit_cols[(k + 2) % len(unit_cols)]
        pid = 1_999_201 + k
        col.entries.append({"href": f"/preview/content_{pid}.html", "title": f"预览稿件{k + 1}",
                            "date": pick.when(days_h1), "preview": pid})
        manifest["robots"].append(f"/preview/content_{pid}.html")


def _record_columns(cols: list[DemoColumn], arts: list[DemoArticle], copies: list[DemoArticle],
                    by_unit: dict[str, dict[str, DemoColumn]], manifest: dict) -> None:
    """Entries in list order; the manifest's column facts, late documents, defects and H1 counts."""
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
