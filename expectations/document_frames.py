"""The frames the document checks validate, built from a ReadDocument (docs/real-documents.md).

Each frame is at the grain of what the document states: one row per table column with a printed
合计, per stated total, per total-and-parts sentence, per printed rate, per ranked record. Every row
carries ``report_id`` (0: the one document), ``where`` and ``quote`` (the statement it concerns), so a
finding names the place and both numbers. A table the copy cuts short is never compared with a total.
"""

from __future__ import annotations

import re

import pandas as pd

from flows.ingest.document.model import ReadDocument, ReadTable, Stated
from flows.ingest.document.vocabulary import compact, printed_as

_FAMILIES = (("采用", "采用"), ("采纳", "采纳"), ("录用", "录用"), ("报送", "报送|上报"), ("上报", "报送|上报"),
             ("得分", "得分|分值|积分|分数|总分"))
_PUBLISH = "发布|公开|更新|条数|信息数|数量|信息量|总数"


def _n(v) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def tables_frame(doc: ReadDocument) -> pd.DataFrame:
    rows = []
    for no, t in enumerate(doc.tables, start=1):
        if t.from_prose or not t.complete:
            continue
        sums = t.sums()
        for name, printed in t.totals.items():
            if name in sums and printed is not None:
                rows.append({"report_id": 0, "table_no": no, "title": t.title or f"表{no}", "column": name,
                             "sum": float(sums[name]), "printed_total": float(printed), "where": t.total_where,
                             "quote": f"{name}合计{_n(printed)}"})
    return pd.DataFrame(rows)


def _family(verb: str, column: str) -> bool:
    col = compact(column)
    for word, pattern in _FAMILIES:
        if word in verb:
            return bool(re.search(pattern, col))
    return bool(re.search(_PUBLISH, col)) or not any(re.search(p, col) for _w, p in _FAMILIES)


def _candidates(doc: ReadDocument, stated: Stated) -> tuple[list[float], float | None, bool]:
    """Sums the statement may restate (every column over all tables, each table, printed totals);
    the one it should equal by its words; and whether a table it concerns is cut short."""
    tables = [t for t in doc.tables if not t.from_prose and t.records]
    names = list(dict.fromkeys(c.name for t in tables for c in t.numeric()))
    out: list[float] = []
    expected, cut = None, False
    # the columns of one kind added across (发布 over 网站 | 新媒体: the total is both together)
    for family in ([c.name for t in tables for c in t.numeric() if c.role == "count"],
                   [c.name for t in tables for c in t.numeric() if _family(stated.verb, c.name)]):
        if len(set(family)) > 1:
            out.append(sum(v for t in tables for k, v in t.sums().items() if k in set(family)))
    for name in names:
        over = [t for t in tables if name in t.sums()]
        total = sum(t.sums()[name] for t in over)
        out.append(total)
        out.extend(t.sums()[name] for t in over)
        out.extend(t.totals[name] for t in over if t.totals.get(name) is not None)
        sections = _section_sums(over, name)
        out.extend(sections.values())
        if expected is None and _family(stated.verb, name):
            kind = _subject_kind(stated.subject)
            if kind and kind in sections:
                expected = sections[kind]
            elif kind:
                scope = [t for t in over if t.category == kind]
                if not scope:
                    continue
                expected = sum(t.sums()[name] for t in scope)
            else:
                scope = over
                expected = total
            cut = any(not t.complete for t in over)
    return out, expected, cut


def _subject_kind(subject: str) -> str:
    if subject in ("县直", "市直", "区直", "部门"):
        return "县直部门"
    if subject in ("乡镇", "街道"):
        return "乡镇"
    return ""


def _section_sums(tables: list[ReadTable], name: str) -> dict[str, float]:
    """Sums per labelled section of the tables (县直单位 / 乡镇 label rows inside one table)."""
    out: dict[str, float] = {}
    for t in tables:
        for r in t.records:
            kind = _subject_kind(next((w for w in ("县直", "市直", "区直", "部门", "乡镇", "街道") if w in r.section), ""))
            if kind and r.values.get(name) is not None:
                out[kind] = out.get(kind, 0.0) + r.values[name]
    return out


_SUBSET = re.compile(r"前\s{0,2}[\d一二三四五六七八九十]+\s{0,2}名?|后\s{0,2}[\d一二三四五六七八九十]+\s{0,2}名|较好|较差|靠前|靠后|"
                     r"未达|低于|不合格|不达标|红榜|黑榜|部分|排名前|排名后|典型|优秀|先进|落后")


def statements_frame(doc: ReadDocument) -> pd.DataFrame:
    """Totals the text states against the tables: only 共…/全县… totals of the count words a table has.
    A table that lists some units only (前10名, 较差单位, 未达标) is never compared with a total."""
    rows = []
    tables = [t for t in doc.tables if not t.from_prose and t.records
              and not _SUBSET.search(t.title + "".join({r.section for r in t.records}))]
    if not tables:
        return pd.DataFrame(rows)
    seen = set()
    for s in doc.stated:
        category = _subject_kind(s.subject)
        if not s.verb or (s.kind != "total" and not category) or \
                (s.subject and s.subject not in ("全县", "全市", "全区", "全旗", "全州") and not category):
            continue
        candidates, expected, cut = _candidates(doc, s)
        if expected is None or (s.value, s.text) in seen:
            continue
        seen.add((s.value, s.text))
        if any(abs(c - s.value) < 0.5 for c in candidates):
            expected = s.value  # it restates one of the tables' sums
        elif cut and expected < s.value:
            continue  # a table it concerns is cut short: its sum cannot be compared
        rows.append({"report_id": 0, "stated": float(s.value), "computed": float(expected), "where": s.where,
                     "quote": s.text, "subject": s.subject or "全部", "verb": s.verb})
    return pd.DataFrame(rows)


def identities_frame(doc: ReadDocument, exhaustive: bool) -> pd.DataFrame:
    """Total-and-parts sentences: the exhaustive ones (县直 + 乡镇) or the others."""
    rows = []
    for i in (i for i in doc.identities if i.exhaustive == exhaustive):
        rows.append({"report_id": 0, "total": float(i.total.value), "parts_sum": float(sum(p.value for p in i.parts)),
                     "exhaustive": bool(i.exhaustive), "where": i.where, "quote": i.sentence.strip(),
                     "parts": "、".join(_n(p.value) for p in i.parts)})
    return pd.DataFrame(rows)


_RATE_PARTS = (("采用率", "采用", "报送|上报"), ("采纳率", "采纳", "报送|上报"), ("录用率", "录用", "报送|上报"),
               ("完成率", "条数|信息数|发布|数量|更新|报送|采用", "任务|最低标准|目标|应"),
               ("达标率", "条数|信息数|发布|数量|更新", "任务|最低标准|目标|应"))


def _rate_terms(table: ReadTable, rate: str) -> tuple[str, str] | None:
    names = [c.name for c in table.columns if c.role in ("count", "quota", "score")]
    for word, num, den in _RATE_PARTS:
        if word in rate or rate.endswith(word[-2:]) and word[:2] in rate:
            prefix = rate.replace(word, "")
            top = [n for n in names if re.search(num, n) and (not prefix or prefix in n)]
            bottom = [n for n in names if re.search(den, n) and (not prefix or prefix in n)]
            if top and bottom and top[0] != bottom[0]:
                return top[0], bottom[0]
    return None


def rates_frame(doc: ReadDocument) -> pd.DataFrame:
    """Each printed rate recomputed from the columns its name points to. When most rows disagree the
    rate is taken on something else (a formula the table does not print): not checked."""
    rows = []
    for no, t in enumerate(doc.tables, start=1):
        for c in (c for c in t.columns if c.role == "rate"):
            terms = _rate_terms(t, c.name)
            if terms is None:
                continue
            top, bottom = terms
            column_rows = _rate_rows(no, t, c, top, bottom)
            if sum(1 for x in column_rows if x["deviation"] > 0) * 2 <= len(column_rows):
                rows.extend(column_rows)
    return pd.DataFrame(rows)


def _rate_rows(no: int, t: ReadTable, c, top: str, bottom: str) -> list[dict]:
    rows = []
    for r in [*t.records]:
        printed, a, b = r.values.get(c.name), r.values.get(top), r.values.get(bottom)
        if printed is None or a is None or not b:
            continue
        decimals = r.decimals.get(c.name) or 0
        exact = a / b * 100
        as_fraction = printed <= 1.0 and exact > 1.0 and "%" not in r.raw.get(c.name, "")
        ok = printed_as(exact / 100, printed, decimals) if as_fraction else printed_as(exact, printed, decimals)
        rows.append({"report_id": 0, "table_no": no, "unit": r.unit, "column": c.name,
                     "printed": float(printed), "recomputed": round(exact, 4),
                     "deviation": 0.0 if ok else round(abs((printed * 100 if as_fraction else printed) - exact), 6),
                     "where": r.where,
                     "quote": f"{r.unit} {c.name}{r.raw.get(c.name, '')}",
                     "formula": f"{top}{_n(a)}÷{bottom}{_n(b)}"})
    return rows


_RANK_BY_TEXT = re.compile(r"按\s{0,2}(?:照)?\s{0,2}([\u4e00-\u9fff]{1,8}?)\s{0,2}(?:多少|高低|从高到低|由高到低|排名|排序|顺序)")
_PREFERENCE = ("score", "采用", "采纳", "录用", "count", "rate")


def _inversions(records, name: str) -> int:
    pts = [(r.rank, r.values.get(name)) for r in records if r.rank is not None and r.values.get(name) is not None]
    return sum(1 for i, (ra, va) in enumerate(pts) for rb, vb in pts[i + 1:]
               if (va > vb and ra > rb) or (va < vb and ra < rb))


def choose_ranked_by(doc: ReadDocument, table: ReadTable) -> tuple[str, str]:
    """(the column the ranks follow, why): the text's own words (按得分排名), else the column the ranks
    contradict least, preferring a score, then adoptions, then counts."""
    candidates = [c for c in table.columns if c.role in ("count", "score", "rate")]
    if not candidates or not any(r.rank is not None for r in table.records):
        return "", ""
    configured = getattr(doc, "rank_by", None)  # the county's [scoring] says (docs/rules.md, "Scores")
    if configured:
        named = [c for c in candidates if c.role == configured]
        if named:
            return named[0].name, f"配置：[scoring] rank_by = \"{configured}\""
        if configured == "score":
            return "", "配置要求按得分排名（[scoring] rank_by = \"score\"），但表中没有得分列，名次未核对"
    texts = [table.title, *(p for p, _ in doc.paragraphs)]
    for text in texts:
        for m in _RANK_BY_TEXT.finditer(text):
            word = m.group(1)
            named = [c for c in candidates if word in c.name or c.name in word]
            if named:
                return named[0].name, f"正文：“{m.group(0)}”"

    def preference(c) -> int:
        for k, p in enumerate(_PREFERENCE):
            if c.role == p or p in c.name:
                return k
        return len(_PREFERENCE)

    best = min(candidates, key=lambda c: (_inversions(table.records, c.name), preference(c)))
    return best.name, "按各列与名次的一致程度判断"


def ranks_frame(doc: ReadDocument) -> pd.DataFrame:
    rows = []
    for no, t in enumerate(doc.tables, start=1):
        t.ranked_by, t.rank_basis = choose_ranked_by(doc, t)
        if not t.ranked_by:
            continue
        ranked = [r for r in t.records if r.rank is not None and r.values.get(t.ranked_by) is not None]
        values = [r.values[t.ranked_by] for r in ranked]
        distinct = sorted(set(values), reverse=True)
        table_rows = []
        for r in ranked:
            v = r.values[t.ranked_by]
            greater = sum(1 for x in values if x > v)
            equal = sum(1 for x in values if x == v)
            dense = distinct.index(v) + 1
            ok = greater + 1 <= r.rank <= greater + equal or r.rank == dense
            table_rows.append({"report_id": 0, "table_no": no, "unit": r.unit, "rank": int(r.rank),
                               "value": float(v), "column": t.ranked_by, "lowest": greater + 1,
                               "highest": greater + equal, "consistent": bool(ok), "where": r.where,
                               "quote": f"{r.unit} 第{r.rank}名"})
        wrong = sum(1 for x in table_rows if not x["consistent"])
        if t.rank_basis.startswith(("正文", "配置")) or wrong <= max(2, len(table_rows) // 4):
            rows.extend(table_rows)
        else:  # most ranks follow no column printed: the table is ranked by something it does not show
            t.ranked_by, t.rank_basis = "", f"名次与各数字列都不一致（{wrong}处），排序依据未印出，未核对"
    return pd.DataFrame(rows)


def records_frame(doc: ReadDocument) -> pd.DataFrame:
    rows = []
    for no, t in enumerate(doc.tables, start=1):
        if t.from_prose:
            continue
        for r in t.records:
            rows.append({"report_id": 0, "table_no": no, "unit": compact(r.unit), "unit_raw": r.unit,
                         "section": r.section, "bad_cells": len(r.bad), "bad": "、".join(
                             f"{name}“{r.raw.get(name, '')}”" for name in r.bad), "where": r.where,
                         "quote": r.unit})
    return pd.DataFrame(rows)


def shares_frame(shares, report_id: int = 0) -> pd.DataFrame:
    """Each printed share of a stated total, recomputed at its printed precision."""
    rows = []
    for sh in shares:
        exact = sh.part / sh.total * 100
        ok = printed_as(exact, sh.printed, sh.decimals)
        rows.append({"report_id": report_id, "unit": "", "column": "占比", "printed": sh.printed,
                     "recomputed": round(exact, 4), "deviation": 0.0 if ok else round(abs(sh.printed - exact), 6),
                     "where": sh.where, "quote": sh.text, "formula": f"{_n(sh.part)}÷{_n(sh.total)}"})
    return pd.DataFrame(rows, columns=["report_id", "unit", "column", "printed", "recomputed", "deviation", "where",
                                       "quote", "formula"])


_ROW_TOTAL = re.compile(r"^(合计|小计|总计|总数|合计数|共计)")


def row_totals_frame(doc: ReadDocument) -> pd.DataFrame:
    """A 合计 column beside two or more count columns totals them on each row. Taken as such only when
    most rows agree (then it is the row total); the rows that do not are the finding."""
    rows = []
    for no, t in enumerate(doc.tables, start=1):
        totals = [c.name for c in t.columns if c.role == "count" and _ROW_TOTAL.match(c.name)]
        parts = [c.name for c in t.columns if c.role == "count" and not _ROW_TOTAL.match(c.name)]
        if len(totals) != 1 or len(parts) < 2:
            continue
        checked = [(r, r.values.get(totals[0]), [r.values.get(p) for p in parts]) for r in t.records]
        checked = [(r, tot, vals) for r, tot, vals in checked if tot is not None and all(v is not None for v in vals)]
        agree = sum(1 for _r, tot, vals in checked if abs(tot - sum(vals)) < 0.5)
        if not checked or agree * 2 <= len(checked):
            continue
        for r, tot, vals in checked:
            rows.append({"report_id": 0, "table_no": no, "title": f"{r.unit}行", "column": totals[0],
                         "sum": float(sum(vals)), "printed_total": float(tot), "where": r.where,
                         "quote": f"{r.unit} {totals[0]}{_n(tot)}"})
    return pd.DataFrame(rows)


def build_frames(doc: ReadDocument) -> dict[str, pd.DataFrame]:
    ranks = ranks_frame(doc)  # first: it settles each table's ranked_by for the others and the output
    table_totals = tables_frame(doc)
    row_totals = row_totals_frame(doc)
    if not row_totals.empty:
        table_totals = pd.concat([table_totals, row_totals], ignore_index=True) if not table_totals.empty else row_totals
    return {"doc_tables": table_totals, "doc_statements": statements_frame(doc),
            "doc_identities": identities_frame(doc, False),
            "doc_partitions": identities_frame(doc, True), "doc_rates": rates_frame(doc), "doc_ranks": ranks,
            "doc_records": records_frame(doc), "doc_shares": shares_frame(doc.shares)}
