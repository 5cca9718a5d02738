"""The frames the annual-report checks validate, built from parsed reports (docs/annual-reports.md).

One frame per thing a check looks at; every row carries ``report_id`` (which report), ``unit``,
``year`` and ``where`` so a finding names the row, the column and both numbers. A blank cell stays
a missing value: an identity with a blank term is not evaluated (a blank is not a zero); a blank
总计 column is its own finding.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from flows.ingest.annual_model import (
    APPLICANT_COLUMNS, COLUMN_LABELS, COLUMNS, GROUP_LABELS, RESULT_GROUPS, REVIEW_GROUP_LABELS, REVIEW_GROUPS,
    REVIEW_PARTS, ROW_LABELS, AnnualReport, table3_rows,
)

COPY_TEXT_SIMILARITY = 0.9   # share of the text (years masked) equal to last year's: docs/annual-reports.md
STATED_TO_TABLE = {"received": ("new",), "granted": ("granted",), "partial": ("partial",)}


@dataclass
class Deadlines:
    """Publication deadlines as (month, day) of the following year, per kind of unit (条例 Art. 50)."""
    department: tuple[int, int] = (1, 31)
    township: tuple[int, int] = (1, 31)
    county: tuple[int, int] = (3, 31)

    def for_unit(self, kind: str, year: int) -> date:
        month, day = getattr(self, kind, self.department)
        return date(year + 1, month, day)


@dataclass
class ReviewContext:
    deadlines: Deadlines = field(default_factory=Deadlines)
    unit_kinds: Mapping[str, str] = field(default_factory=dict)   # unit → department | township | county
    previous: Mapping[str, AnnualReport] = field(default_factory=dict)  # unit → last year's report
    registered: Iterable[str] | None = None                     # units that must publish (annual_missing)
    year: int | None = None
    # unit → table 三 counted from the county's 依申请公开 register for the year (flows/steps/applications.py), for
    # the units the register holds; None when the county has no register (annual_register_mismatch is then skipped)
    register: Mapping[str, Mapping[str, Mapping[str, int]]] | None = None


def _sum(values: Iterable[int | None]) -> int | None:
    values = list(values)
    return None if any(v is None for v in values) else sum(values)


def _rows_of(report: AnnualReport, group: str | None = None) -> list[str]:
    fmt = report.format or ("2021" if any(k.startswith("other_no") or k == "other_other" for k in report.table3)
                            else "2019")
    return [k for k, g, *_ in table3_rows(fmt) if (group is None or g == group) and k in report.table3]


def column_frame(reports: list[AnnualReport]) -> pd.DataFrame:
    rows = []
    for i, r in enumerate(reports):
        if "new" not in r.table3:
            continue
        for col in COLUMNS:
            cell = lambda row: r.cell(row, col)  # noqa: E731
            results = [cell(k) for g in RESULT_GROUPS for k in _rows_of(r, g)]
            rows.append({
                "report_id": i, "unit": r.unit, "year": r.year, "column": col, "column_label": COLUMN_LABELS[col],
                "lhs": _sum([cell("new"), cell("carried_in")]), "rhs": _sum([cell("results_total"), cell("carried_out")]),
                "results_total": cell("results_total"), "results_sum": _sum(results),
                "where": f"表三“{COLUMN_LABELS[col]}”列",
            })
    return pd.DataFrame(rows, columns=["report_id", "unit", "year", "column", "column_label", "lhs", "rhs",
                                       "results_total", "results_sum", "where"])


def row_frame(reports: list[AnnualReport]) -> pd.DataFrame:
    rows = []
    for i, r in enumerate(reports):
        for key in _rows_of(r):
            cells = r.table3[key]
            rows.append({"report_id": i, "unit": r.unit, "year": r.year, "row": key, "row_label": ROW_LABELS[key],
                         "total": cells.get("total"), "parts_sum": _sum(cells.get(c) for c in APPLICANT_COLUMNS),
                         "where": f"表三“{ROW_LABELS[key]}”行"})
    return pd.DataFrame(rows, columns=["report_id", "unit", "year", "row", "row_label", "total", "parts_sum", "where"])


def review_frame(reports: list[AnnualReport]) -> pd.DataFrame:
    rows = []
    for i, r in enumerate(reports):
        for g in REVIEW_GROUPS:
            cells = r.table4.get(g)
            if not cells:
                continue
            rows.append({"report_id": i, "unit": r.unit, "year": r.year, "group": g, "group_label": REVIEW_GROUP_LABELS[g],
                         "total": cells.get("total"), "parts_sum": _sum(cells.get(p) for p in REVIEW_PARTS[:4]),
                         "where": f"表四“{REVIEW_GROUP_LABELS[g]}”"})
    return pd.DataFrame(rows, columns=["report_id", "unit", "year", "group", "group_label", "total", "parts_sum", "where"])


def _table_total(r: AnnualReport, row: str) -> int | None:
    cells = r.table3.get(row)
    if not cells:
        return None
    return cells.get("total") if cells.get("total") is not None else _sum(cells.get(c) for c in APPLICANT_COLUMNS)


def _group_total(r: AnnualReport, group: str) -> int | None:
    keys = _rows_of(r, group)
    return _sum(_table_total(r, k) for k in keys) if keys else None


def table_figure(r: AnnualReport, kind: str) -> tuple[int | None, str]:
    """The table figure a stated number names, and where it is printed."""
    if kind in STATED_TO_TABLE:
        row = STATED_TO_TABLE[kind][0]
        return _table_total(r, row), f"表三“{ROW_LABELS[row]}”行总计"
    if kind in ("withheld", "unable"):
        g = {"withheld": "r3", "unable": "r4"}[kind]
        return _group_total(r, g), f"表三“{GROUP_LABELS[g]}”各项之和"
    if kind == "review":
        return (r.table4.get("review") or {}).get("total"), "表四“行政复议”总计"
    if kind == "litigation":
        parts = [(r.table4.get(g) or {}).get("total") for g in REVIEW_GROUPS[1:]]
        return _sum(parts) if r.table4 else None, "表四“行政诉讼”两项总计之和"
    raise KeyError(kind)


def _round_like(value: Decimal, printed: float) -> float:
    decimals = len(str(printed).split(".")[1]) if "." in str(printed) and not float(printed).is_integer() else 0
    q = Decimal(1).scaleb(-decimals)
    return float(value.quantize(q, rounding=ROUND_HALF_UP))


KIND_LABELS = {"received": "收到申请", "granted": "予以公开", "partial": "部分公开", "withheld": "不予公开",
               "unable": "无法提供", "review": "行政复议", "litigation": "行政诉讼"}


_ANSWERED = re.compile(r"(办结|答复|办理完毕|已办理|处理完毕|作出答复)[^。；，,\d]{0,10}?(\d{1,7})\s{0,2}件")


def _bases(r: AnnualReport, sentence: str, received: int | None) -> list[tuple[str, int]]:
    """The wholes a share may be taken of, the sentence's own first: 办结/答复N件 in the same sentence,
    then 收到申请, the table's 本年新收, 新收 + 上年结转, and （七）总计."""
    out = [(m.group(1), int(m.group(2))) for m in _ANSWERED.finditer(sentence)]
    new, carried = _table_total(r, "new"), _table_total(r, "carried_in")
    out += [("收到申请", received), ("本年新收", new),
            ("新收与上年结转", None if new is None or carried is None else new + carried),
            ("办理结果总计", _table_total(r, "results_total"))]
    return [(name, int(v)) for name, v in out if v]


def _share_row(i: int, r: AnnualReport, s, received: int | None) -> dict | None:
    """A share checked on the base the text itself uses: right when it matches any base the report
    states; otherwise compared with the sentence's own base (or 收到申请)."""
    part = s.part_value
    bases = _bases(r, s.sentence, int(received) if received is not None else None)
    if not bases or part is None:
        return None
    name, whole = next(((n, w) for n, w in bases
                        if _round_like(Decimal(part) * 100 / Decimal(w), s.value) == s.value), bases[0])
    expected = _round_like(Decimal(part) * 100 / Decimal(whole), s.value)
    label = f"{KIND_LABELS[s.part]}{part}件占{name}{whole}件的比例"
    return {"report_id": i, "unit": r.unit, "year": r.year, "kind": "share", "label": label,
            "stated": float(s.value), "table_value": expected, "figure": "按所述件数计算应为",
            "sentence": s.sentence, "where": "正文", "suffix": "%"}


def text_frame(reports: list[AnnualReport]) -> pd.DataFrame:
    rows = []
    for i, r in enumerate(reports):
        received = next((s.value for s in r.stated if s.kind == "received"), None)
        for s in r.stated:
            if s.kind == "share":
                row = _share_row(i, r, s, received)
                if row is not None:
                    rows.append(row)
                continue
            figure, where = table_figure(r, s.kind)
            if figure is None:
                continue
            rows.append({"report_id": i, "unit": r.unit, "year": r.year, "kind": s.kind, "label": KIND_LABELS[s.kind],
                         "stated": float(s.value), "table_value": float(figure), "figure": where,
                         "sentence": s.sentence, "where": "正文", "suffix": "件"})
    return pd.DataFrame(rows, columns=["report_id", "unit", "year", "kind", "label", "stated", "table_value", "figure",
                                       "sentence", "where", "suffix"])


_YEAR = re.compile(r"20\d{2}")


def copied_from(r: AnnualReport, previous: AnnualReport | None) -> float | None:
    """Similarity (0–1) of the text with last year's, years masked, when both tables are equal; else None."""
    if previous is None or previous.sha256 == r.sha256 and previous.year == r.year:
        return None
    if r.table3 != previous.table3 or r.table4 != previous.table4:
        return None
    a, b = _YEAR.sub("YYYY", r.text), _YEAR.sub("YYYY", previous.text)
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def report_frame(reports: list[AnnualReport], ctx: ReviewContext) -> pd.DataFrame:
    rows = []
    for i, r in enumerate(reports):
        kind = ctx.unit_kinds.get(r.unit or "", "department")
        deadline = ctx.deadlines.for_unit(kind, r.year) if r.year else None
        blank_rows = [ROW_LABELS[k] for k in _rows_of(r) if r.table3[k].get("total") is None]
        blank = "new" in r.table3 and (not r.has_total_column or bool(blank_rows))
        similarity = copied_from(r, ctx.previous.get(r.unit or ""))
        rows.append({
            "report_id": i, "unit": r.unit, "year": r.year, "format": r.format,
            "expected_format": "2021" if r.year and r.year >= 2021 and r.format else None,
            "published": r.published.isoformat() if r.published else None,
            "deadline": deadline.isoformat() if deadline and r.published else None, "unit_kind": kind,
            "total_column_blank": bool(blank), "total_column_missing": not r.has_total_column,
            "blank_total_rows": len(blank_rows), "table3_rows": len(_rows_of(r)),
            "blank_total_labels": "、".join(label.split(" ")[-1] for label in blank_rows[:4])
            + ("等" if len(blank_rows) > 4 else ""),
            "copied": bool(similarity is not None and similarity >= COPY_TEXT_SIMILARITY),
            "similarity": similarity, "where": r.source,
        })
    return pd.DataFrame(rows, columns=["report_id", "unit", "year", "format", "expected_format", "published", "deadline",
                                       "unit_kind", "total_column_blank", "total_column_missing", "blank_total_rows",
                                       "table3_rows", "blank_total_labels", "copied", "similarity", "where"])


def prose_frame(reports: list[AnnualReport]) -> pd.DataFrame:
    """Totals and their parts the text states (共受理372件，其中…331件…61件): the parts of a whole
    partition add up to it, and no parts ever exceed it (flows/ingest/document/prose.py)."""
    from flows.ingest.document.prose import stated_numbers as prose_numbers

    rows = []
    for i, r in enumerate(reports):
        _numbers, identities = prose_numbers([(line, "正文") for line in r.text.splitlines() if line.strip()])
        for ident in identities:
            parts = sum(p.value for p in ident.parts)
            rows.append({"report_id": i, "unit": r.unit, "year": r.year, "total": float(ident.total.value),
                         "parts_sum": float(parts), "bound": float(parts) if ident.exhaustive else max(float(parts), float(ident.total.value)),
                         "parts": "、".join(f"{p.value:g}" for p in ident.parts),
                         "sentence": ident.sentence, "where": "正文"})
    return pd.DataFrame(rows, columns=["report_id", "unit", "year", "total", "parts_sum", "bound", "parts",
                                       "sentence", "where"])


def shares_frame(reports: list[AnnualReport]) -> pd.DataFrame:
    """Shares printed beside the parts of a total the text states (其中…1条，占比0.5%)."""
    from expectations.document_frames import shares_frame as frame
    from flows.ingest.document.prose import identity_shares, stated_numbers as prose_numbers

    frames = []
    for i, r in enumerate(reports):
        _n, identities = prose_numbers([(line, "正文") for line in r.text.splitlines() if line.strip()])
        frames.append(frame(identity_shares(identities), report_id=i))
    return pd.concat(frames, ignore_index=True) if frames else frame([])


def unit_frame(reports: list[AnnualReport], ctx: ReviewContext) -> pd.DataFrame:
    if ctx.registered is None:
        return pd.DataFrame(columns=["unit", "year", "has_report", "where"])
    have = {r.unit for r in reports}
    return pd.DataFrame([{"unit": u, "year": ctx.year, "has_report": u in have, "where": "单位名册"}
                         for u in ctx.registered], columns=["unit", "year", "has_report", "where"])


def register_frame(reports: list[AnnualReport], ctx: ReviewContext) -> pd.DataFrame:
    """One row per cell of table 三 of each report whose unit the register holds: the number printed and the
    number the register counts (docs/applications.md §3). A blank printed cell is not compared."""
    rows = []
    for i, r in enumerate(reports):
        counted = (ctx.register or {}).get(r.unit or "")
        if counted is None or "new" not in r.table3:
            continue
        for key in _rows_of(r):
            if key not in counted:  # a 2019-format row (（六）其他处理) the register does not count
                continue
            for col in COLUMNS:
                rows.append({"report_id": i, "unit": r.unit, "year": r.year, "row_label": ROW_LABELS[key],
                             "column_label": COLUMN_LABELS[col], "reported": r.cell(key, col),
                             "register": counted[key][col], "where": f"表三“{ROW_LABELS[key]}”行“{COLUMN_LABELS[col]}”列"})
    return pd.DataFrame(rows, columns=["report_id", "unit", "year", "row_label", "column_label", "reported", "register",
                                       "where"])


def build_frames(reports: list[AnnualReport], ctx: ReviewContext | None = None) -> dict[str, pd.DataFrame]:
    ctx = ctx or ReviewContext()
    return {"annual_columns": column_frame(reports), "annual_rows": row_frame(reports),
            "annual_review": review_frame(reports), "annual_text": text_frame(reports),
            "annual_reports": report_frame(reports, ctx), "annual_units": unit_frame(reports, ctx),
            "annual_prose": prose_frame(reports), "annual_shares": shares_frame(reports),
            "annual_register": register_frame(reports, ctx)}
