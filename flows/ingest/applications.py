"""The 依申请公开 applications register: the office's Excel (or CSV) list of government-information
applications, one row per application, read and validated (docs/applications.md §1).

A row is refused with one line naming the file, the row, the column and what was expected; a file with
one bad row loads nothing. The columns, their kinds and the lists of allowed values are declared once
here (``FIELDS``): the reader, the shipped template's data-validation lists (reports/applications_template.py)
and the docs derive from them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flows.ingest.annual_model import GROUP_LABELS, ROWS_COMMON, ROWS_OTHER_2021
from flows.ingest.bulletin import compact
from flows.ingest.bulletin_model import BulletinParseError

FORMATS = (".xlsx", ".csv")

# 申请人类型 → table 三's column (flows/ingest/annual_model.py COLUMNS)
APPLICANT_TYPES = {"自然人": "natural", "商业企业": "business", "科研机构": "research", "社会公益组织": "charity",
                   "法律服务机构": "legal", "其他": "other_org"}
RECEIPT_CHANNELS = ("当面", "邮寄", "网络", "传真", "电子邮件", "其他")   # Art. 31 fixes the receipt day per channel
ANSWER_CHANNELS = ("当面", "邮寄", "电子邮件", "网络", "传真", "其他")     # 邮寄: 答复日期 is the posting date
YES_NO = ("是", "否")
REVIEW_RESULTS = {"维持": "upheld", "纠正": "corrected", "其他": "other", "尚未审结": "pending"}


def _result_choices() -> dict[str, str]:
    """答复结果: the result rows of table 三 in the 2021 format, written as 予以公开 / 不予公开：属于国家秘密."""
    choices = {}
    for key, group, label, _keywords in ROWS_COMMON + ROWS_OTHER_2021:
        if not group:
            continue
        head = GROUP_LABELS[group].split("）", 1)[1]
        item = label.split(" ", 1)[1].split(".", 1)[1] if " " in label else ""
        choices[f"{head}：{item}" if item else head] = key
    return choices


RESULTS = _result_choices()


@dataclass(frozen=True)
class Field:
    key: str
    header: str
    kind: str                     # text | date | choice
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


FIELDS = (
    Field("number", "编号", "text", True, help="登记编号，全表唯一"),
    Field("received", "收到日期", "date", True, help="按条例第三十一条确定的收到申请之日"),
    Field("channel", "收到方式", "choice", True, RECEIPT_CHANNELS),
    Field("applicant", "申请人类型", "choice", True, tuple(APPLICANT_TYPES)),
    Field("content", "申请内容", "text"),
    Field("unit", "承办单位", "text", True, help="单位名称，与单位名录一致"),
    Field("correction_notice", "补正告知日期", "date", help="条例第三十条：收到申请之日起7个工作日内一次性告知"),
    Field("correction_received", "补正收到日期", "date", help="收到补正后的申请之日，答复期限自此重新计算"),
    Field("consult_from", "征求意见开始日期", "date", help="条例第三十二条、第三十四条：征求第三方或其他机关意见"),
    Field("consult_to", "征求意见结束日期", "date", help="征求意见所需时间不计算在答复期限内"),
    Field("extended_on", "延期日期", "date", help="条例第三十三条：延长答复期限的告知日期，延长不超过20个工作日"),
    Field("extension_approver", "延期批准人", "text", help="政府信息公开工作机构负责人"),
    Field("answered", "答复日期", "date", help="邮寄答复填交邮日期"),
    Field("answer_channel", "答复方式", "choice", False, ANSWER_CHANNELS),
    Field("result", "答复结果", "choice", False, tuple(RESULTS)),
    Field("review", "行政复议", "choice", False, YES_NO),
    Field("review_result", "行政复议结果", "choice", False, tuple(REVIEW_RESULTS)),
    Field("litigation", "行政诉讼", "choice", False, YES_NO),
    Field("litigation_result", "行政诉讼结果", "choice", False, tuple(REVIEW_RESULTS)),
)
HEADERS = {f.header: f for f in FIELDS}
DATE_FIELDS = tuple(f.key for f in FIELDS if f.kind == "date")


class RegisterError(BulletinParseError):
    """A register that cannot be loaded: ``str()`` is one line naming the file, the row, the column and
    what was expected."""


@dataclass
class Application:
    row: int                      # the row in the file (1-based, the header is a row)
    number: str
    received: date
    channel: str
    applicant: str                # table 三 column key
    content: str
    unit: str
    correction_notice: date | None = None
    correction_received: date | None = None
    consult_from: date | None = None
    consult_to: date | None = None
    extended_on: date | None = None
    extension_approver: str = ""
    answered: date | None = None
    answer_channel: str = ""
    result: str | None = None     # table 三 row key
    review: bool = False
    review_result: str | None = None      # upheld | corrected | other | pending
    litigation: bool = False
    litigation_result: str | None = None

    def clock(self):
        from flows.domain.application_clock import Clock

        return Clock(received=self.received, correction_notice=self.correction_notice,
                     correction_received=self.correction_received,
                     consultations=((self.consult_from, self.consult_to),) if self.consult_from else (),
                     extended_on=self.extended_on, answered=self.answered)


@dataclass
class Register:
    path: str
    sha256: str
    applications: list[Application] = field(default_factory=list)


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+0{1,2}:0{2}(?::0{2})?)?$")


def parse_date(text: str) -> date | None:
    match = _DATE.match(text.strip())
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _header(cells: list[str]) -> dict[str, int] | None:
    found = {HEADERS[compact(c)].key: i for i, c in enumerate(cells) if compact(c) in HEADERS}
    return found if len(found) >= 3 else None


def _value(path: Path, where: str, f: Field, raw: str):
    text = raw.strip()
    if not text:
        if f.required:
            raise RegisterError(path, f"{where}“{f.header}”列", "不能为空")
        return None
    if f.kind == "date":
        value = parse_date(text)
        if value is None:
            raise RegisterError(path, f"{where}“{f.header}”列", f"应为日期（如 2024-03-15），实为 {text[:40]!r}")
        return value
    if f.kind == "choice":
        if text not in f.choices:
            raise RegisterError(path, f"{where}“{f.header}”列", f"应为 {'、'.join(f.choices)} 之一，实为 {text[:40]!r}")
        return text
    return text


def _application(path: Path, row_no: int, where: str, values: dict) -> Application:
    def need(condition: bool, column: str, expected: str):
        if not condition:
            raise RegisterError(path, f"{where}“{column}”列", expected)

    received = values["received"]
    for f in FIELDS:
        if f.kind == "date" and values.get(f.key) is not None and f.key != "received":
            need(values[f.key] >= received, f.header, f"不应早于收到日期 {received.isoformat()}，实为 {values[f.key].isoformat()}")
    need(values.get("correction_received") is None or values.get("correction_notice") is not None, "补正告知日期",
         "填了补正收到日期，也应填补正告知日期")
    if values.get("correction_received") and values.get("correction_notice"):
        need(values["correction_received"] >= values["correction_notice"], "补正收到日期", "不应早于补正告知日期")
    need(values.get("consult_to") is None or values.get("consult_from") is not None, "征求意见开始日期",
         "填了征求意见结束日期，也应填开始日期")
    if values.get("consult_to") and values.get("consult_from"):
        need(values["consult_to"] >= values["consult_from"], "征求意见结束日期", "不应早于开始日期")
    need(values.get("extended_on") is None or bool(values.get("extension_approver")), "延期批准人",
         "延期须经政府信息公开工作机构负责人同意（条例第三十三条），应填批准人")
    answered, result = values.get("answered"), values.get("result")
    need(answered is None or result is not None, "答复结果", "填了答复日期，也应填答复结果")
    need(result is None or answered is not None, "答复日期", "填了答复结果，也应填答复日期")
    need(answered is None or bool(values.get("answer_channel")), "答复方式", "填了答复日期，也应填答复方式")
    for flag, outcome, label in (("review", "review_result", "行政复议"), ("litigation", "litigation_result", "行政诉讼")):
        need(values.get(outcome) is None or values.get(flag) == "是", label, f"填了{label}结果，{label}列应为“是”")
        need(values.get(flag) != "是" or values.get(outcome) is not None, f"{label}结果",
             f"{label}为“是”时应填结果（{'、'.join(REVIEW_RESULTS)}）")
    return Application(
        row=row_no, number=values["number"], received=received, channel=values["channel"],
        applicant=APPLICANT_TYPES[values["applicant"]], content=values.get("content") or "", unit=values["unit"],
        correction_notice=values.get("correction_notice"), correction_received=values.get("correction_received"),
        consult_from=values.get("consult_from"), consult_to=values.get("consult_to"),
        extended_on=values.get("extended_on"), extension_approver=values.get("extension_approver") or "",
        answered=answered, answer_channel=values.get("answer_channel") or "",
        result=RESULTS[result] if result else None,
        review=values.get("review") == "是", review_result=REVIEW_RESULTS.get(values.get("review_result") or ""),
        litigation=values.get("litigation") == "是",
        litigation_result=REVIEW_RESULTS.get(values.get("litigation_result") or ""))


def read_register(path: str | Path, *, resolve=None) -> Register:
    """Every application of the register file, validated; ``resolve(name) -> canonical name | None`` checks
    承办单位 against the county's unit registry."""
    from flows.domain.limits import read_input
    from flows.ingest.sheets import read_sheets

    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise RegisterError(path, "文件", f"应为 .xlsx 或 .csv 的依申请公开登记表，实为 {path.suffix or '无扩展名'}")
    data = read_input(path, "依申请公开登记表（.xlsx 或 .csv）")
    sheets = read_sheets(path, data)
    for sheet in sheets:
        found = next(((i, cols) for i, (_n, cells) in enumerate(sheet.rows[:5]) if (cols := _header(cells))), None)
        if found:
            break
    else:
        raise RegisterError(path, "表头", f"未找到登记表表头：应有 {'、'.join(f.header for f in FIELDS if f.required)} 等列"
                                        "（模板：zwgk applications template）")
    start, columns = found
    missing = [f.header for f in FIELDS if f.required and f.key not in columns]
    if missing:
        raise RegisterError(path, sheet.where(sheet.rows[start][0]), f"缺少必填列：{'、'.join(missing)}")
    register = Register(str(path), hashlib.sha256(data).hexdigest())
    seen: dict[str, int] = {}
    for row_no, cells in sheet.rows[start + 1:]:
        if not any(c.strip() for c in cells):
            continue
        where = sheet.where(row_no)
        values = {}
        for f in FIELDS:
            raw = cells[columns[f.key]] if f.key in columns and columns[f.key] < len(cells) else ""
            if raw.startswith("="):
                raise RegisterError(path, f"{where}“{f.header}”列", f"是公式（{raw[:30]}），文件中没有计算结果：应填写值")
            values[f.key] = _value(path, where, f, raw)
        if values["number"] in seen:
            raise RegisterError(path, f"{where}“编号”列", f"编号 {values['number']} 与第{seen[values['number']]}行重复：编号应唯一")
        seen[values["number"]] = row_no
        if resolve is not None:
            canonical = resolve(values["unit"])
            if canonical is None:
                raise RegisterError(path, f"{where}“承办单位”列", f"“{values['unit'][:40]}”不在单位名录中：应为名录中的单位名称或别名")
            values["unit"] = canonical
        register.applications.append(_application(path, row_no, where, values))
    return register

