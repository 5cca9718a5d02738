"""What a parsed bulletin is: the data the ingest hands to the warehouse.

Kept apart from the parser so the warehouse loader, the checker and the tests share one shape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


class BulletinParseError(ValueError):
    """A bulletin that cannot be read. ``str()`` names the file, the place and what was expected."""

    def __init__(self, path: str, where: str, expected: str):
        self.path, self.where, self.expected = str(path), where, expected
        super().__init__(f"{self.path}: {where}: {expected}")

    def __reduce__(self):  # picklable: raised on a Dask worker, it reaches the parent intact
        return (type(self), (self.path, self.where, self.expected))


@dataclass
class ReportedRow:
    """One unit's row in an attachment table, as printed."""

    unit_raw: str  # the cell as printed (whitespace trimmed)
    count_raw: str  # the count cell as printed ("" when blank)
    count: int | None  # parsed from count_raw (full-width digits allowed); None when not an integer
    rank_raw: str = ""
    rank: int | None = None
    line: int | None = None  # 1-based line in a .txt; None for .docx
    table_row: int | None = None  # 1-based row inside its Word table; None for .txt
    where: str = ""  # human provenance in Chinese: "第57行" or "表1第3行"


@dataclass
class ReportedTable:
    """One attachment table (附件1 …): a category of units with their counts."""

    table_no: int  # 1-based order in the bulletin
    category: str  # 县直部门 | 乡镇 | the table's own title when neither fits
    title: str  # e.g. 华容县县直部门2021年上半年信息公开情况统计
    rows: list[ReportedRow] = field(default_factory=list)
    printed_total_raw: str | None = None  # the 合计 row's count cell; None when the table has no 合计 row
    printed_total: int | None = None
    total_where: str = ""
    has_rank_column: bool = True
    where: str = ""  # where the table starts (its header)


@dataclass
class ParsedBulletin:
    path: str  # the file as given
    sha256: str  # of the raw bytes
    file_format: str  # txt | docx
    county: str | None  # 华容县, from the text or the tables' titles
    period: str | None  # period code, e.g. 2021H1
    title: str
    stated_total: int | None  # the overall total stated in the text (全县…共公开政府信息1267条)
    stated_total_where: str = ""
    stated_total_sentence: str = ""
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (text, where) of the body
    tables: list[ReportedTable] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)
