"""The structured annual disclosure report (政府信息公开工作年度报告) and its fixed national layout.

Rows and columns follow the two national formats (docs/annual-reports.md): the 2019 trial format
(国办公开办函〔2019〕60号, reports for 2019 and 2020) and the 2021 format (国办公开办函〔2021〕30号,
reports for 2021 onward). They differ in table 二 and in row （六）其他处理 of table 三.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

# Table 三: the seven number columns (自然人, five kinds of 法人或其他组织, 总计).
COLUMNS = ("natural", "business", "research", "charity", "legal", "other_org", "total")
COLUMN_LABELS = {"natural": "自然人", "business": "商业企业", "research": "科研机构", "charity": "社会公益组织",
                 "legal": "法律服务机构", "other_org": "其他", "total": "总计"}
APPLICANT_COLUMNS = COLUMNS[:6]

# Table 三 rows: key, group (the result it belongs to, for subtotals), printed label, keywords that
# identify it in a row's label cells (any one matches; a bare "其他" needs the （六） context).
ROWS_COMMON: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("new", "", "一、本年新收政府信息公开申请数量", ("本年新收",)),
    ("carried_in", "", "二、上年结转政府信息公开申请数量", ("上年结转",)),
    ("granted", "r1", "（一）予以公开", ("予以公开",)),
    ("partial", "r2", "（二）部分公开", ("部分公开",)),
    ("withheld_secret", "r3", "（三）不予公开 1.属于国家秘密", ("国家秘密",)),
    ("withheld_law", "r3", "（三）不予公开 2.其他法律行政法规禁止公开", ("禁止公开",)),
    ("withheld_safety", "r3", "（三）不予公开 3.危及“三安全一稳定”", ("三安全一稳定",)),
    ("withheld_third_party", "r3", "（三）不予公开 4.保护第三方合法权益", ("第三方合法权益",)),
    ("withheld_internal", "r3", "（三）不予公开 5.属于三类内部事务信息", ("内部事务",)),
    ("withheld_process", "r3", "（三）不予公开 6.属于四类过程性信息", ("过程性信息",)),
    ("withheld_enforcement", "r3", "（三）不予公开 7.属于行政执法案卷", ("行政执法案卷",)),
    ("withheld_query", "r3", "（三）不予公开 8.属于行政查询事项", ("行政查询事项",)),
    ("unable_not_held", "r4", "（四）无法提供 1.本机关不掌握相关政府信息", ("不掌握",)),
    ("unable_no_record", "r4", "（四）无法提供 2.没有现成信息需要另行制作", ("没有现成信息", "另行制作")),
    ("unable_unclear", "r4", "（四）无法提供 3.补正后申请内容仍不明确", ("仍不明确",)),
    ("unhandled_petition", "r5", "（五）不予处理 1.信访举报投诉类申请", ("信访举报投诉",)),
    ("unhandled_repeat", "r5", "（五）不予处理 2.重复申请", ("重复申请",)),
    ("unhandled_publication", "r5", "（五）不予处理 3.要求提供公开出版物", ("公开出版物",)),
    ("unhandled_mass", "r5", "（五）不予处理 4.无正当理由大量反复申请", ("大量反复申请",)),
    ("unhandled_confirm", "r5", "（五）不予处理 5.要求行政机关确认或重新出具已获取信息", ("重新出具",)),
)
ROWS_OTHER_2019 = (("other_handling", "r6", "（六）其他处理", ("其他处理",)),)
ROWS_OTHER_2021 = (
    ("other_no_correction", "r6", "（六）其他处理 1.申请人无正当理由逾期不补正", ("逾期不补正",)),
    ("other_no_fee", "r6", "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用", ("缴纳费用", "收费通知")),
    ("other_other", "r6", "（六）其他处理 3.其他", ()),
)
ROWS_TAIL = (
    ("results_total", "", "（七）总计", ("总计",)),
    ("carried_out", "", "四、结转下年度继续办理", ("结转下年度",)),
)
RESULT_GROUPS = ("r1", "r2", "r3", "r4", "r5", "r6")
GROUP_LABELS = {"r1": "（一）予以公开", "r2": "（二）部分公开", "r3": "（三）不予公开", "r4": "（四）无法提供",
                "r5": "（五）不予处理", "r6": "（六）其他处理"}


def table3_rows(fmt: str) -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """Table 三's rows in the given format ("2019" or "2021")."""
    return ROWS_COMMON + (ROWS_OTHER_2019 if fmt == "2019" else ROWS_OTHER_2021) + ROWS_TAIL


ROW_LABELS = {key: label for key, _g, label, _k in ROWS_COMMON + ROWS_OTHER_2019 + ROWS_OTHER_2021 + ROWS_TAIL}

# Table 四: three groups of five numbers.
REVIEW_GROUPS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_GROUP_LABELS = {"review": "行政复议", "litigation_direct": "行政诉讼（未经复议直接起诉）",
                       "litigation_after_review": "行政诉讼（复议后起诉）"}
REVIEW_PARTS = ("upheld", "corrected", "other", "pending", "total")
REVIEW_PART_LABELS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结",
                      "total": "总计"}

SECTION_HEADINGS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                    "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项")


@dataclass
class StatedNumber:
    """A number the text states, with what it names and the sentence it came from."""
    kind: str        # received | granted | partial | withheld | unable | review | litigation | share
    value: float     # N of "N件", or x of "x%"
    sentence: str
    part: str | None = None    # for a share: which result it is the share of (granted, …)
    part_value: int | None = None  # for a share: the count the same sentence states for that part


@dataclass
class AnnualReport:
    source: str                          # URL or file path
    sha256: str
    medium: str                          # html | docx | text
    title: str = ""
    unit: str | None = None
    year: int | None = None
    format: str | None = None            # "2019" | "2021"
    published: date | None = None
    table2: list[dict] = field(default_factory=list)   # [{"item", "values": {column: number | None}}]
    table3: dict[str, dict[str, int | None]] = field(default_factory=dict)  # row key → column → n | None
    has_total_column: bool = True
    table4: dict[str, dict[str, int | None]] = field(default_factory=dict)  # group → part → n | None
    stated: list[StatedNumber] = field(default_factory=list)
    text: str = ""                       # the prose, for copy detection
    notes: list[str] = field(default_factory=list)  # cells that could not be read as numbers, …

    def cell(self, row: str, column: str) -> int | None:
        return self.table3.get(row, {}).get(column)

    def tables(self) -> dict:
        return {"table2": self.table2, "table3": self.table3, "table3_has_total_column": self.has_total_column,
                "table4": self.table4}

    def to_dict(self) -> dict:
        out = asdict(self)
        out["published"] = self.published.isoformat() if self.published else None
        return out


class AnnualReportError(ValueError):
    """An annual report that cannot be read: names the file, where, and what was expected."""

    def __init__(self, path: str, where: str, expected: str):
        super().__init__(f"{path}：{where}：{expected}")
        self.path, self.where, self.expected = str(path), where, expected

    def __reduce__(self):
        return (type(self), (self.path, self.where, self.expected))
