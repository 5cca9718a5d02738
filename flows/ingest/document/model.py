"""What reading a published document gives: its tables (records unfolded from side-by-side pairs),
the numbers its prose states, its period, and the parts that could not be read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Column:
    name: str        # the header as printed (two header lines joined: 省级采用)
    role: str        # count | rate | score | quota | rank | serial | unit | note


@dataclass
class Record:
    """One unit's values in one table (a row, or one of the unit/count pairs a row holds)."""

    unit: str
    raw: dict[str, str]                      # column name → the cell as printed
    values: dict[str, float | None]          # column name → number (None: blank or not a number)
    decimals: dict[str, int | None] = field(default_factory=dict)   # printed decimals, for rates
    bad: list[str] = field(default_factory=list)   # columns whose cell is text where a number belongs
    rank: int | None = None
    where: str = ""
    section: str = ""                        # a label row above it inside the table (县直单位…)


@dataclass
class ReadTable:
    title: str
    headers: list[str]                       # the header cells as printed, left to right
    columns: list[Column]                    # one group's columns (pairs unfolded), unit excluded
    records: list[Record] = field(default_factory=list)
    totals: dict[str, float | None] = field(default_factory=dict)   # the 合计 row's values
    total_where: str = ""
    complete: bool = True                    # False: the copy stops inside this table
    cut_reason: str = ""
    from_prose: bool = False
    where: str = ""
    ranked_by: str = ""                      # the column the rank follows ("" without a rank column)
    rank_basis: str = ""                     # how ranked_by was chosen (the text says so / the order)
    category: str = ""                       # 县直部门 | 乡镇 | … from the title or the units

    def numeric(self) -> list[Column]:
        return [c for c in self.columns if c.role in ("count", "score", "quota")]

    def sums(self) -> dict[str, float]:
        out = {}
        for c in self.numeric():
            values = [r.values.get(c.name) for r in self.records]
            out[c.name] = _tidy(sum(v for v in values if v is not None))
        return out

    def to_dict(self) -> dict:
        return {"title": self.title, "category": self.category, "headers": self.headers,
                "columns": [asdict(c) for c in self.columns], "rows": len(self.records),
                "sums": self.sums(), "printed_totals": {k: _tidy(v) for k, v in self.totals.items()},
                "complete": self.complete, "cut_reason": self.cut_reason, "from_prose": self.from_prose,
                "ranked_by": self.ranked_by, "rank_basis": self.rank_basis, "where": self.where}


@dataclass
class Stated:
    """A number the prose states: a total (共…N条), or a part of one (其中…A条)."""

    value: float
    text: str              # the clause it is in
    sentence: str
    where: str
    subject: str = ""      # what it counts: 全县 | 县直 | 乡镇 | a unit's name
    verb: str = ""         # 发布 | 公开 | 报送 | 采用 | …
    kind: str = "total"    # total | part | share


@dataclass
class Identity:
    """A total and its parts, as one sentence states them (共372件，其中…331件…61件)."""

    total: Stated
    parts: list[Stated]
    exhaustive: bool       # the parts name a whole partition (县直/乡镇, 自然人/法人…)
    sentence: str
    where: str


@dataclass
class Share:
    """A part's share of a total the text states (…1条，占比0.5% of 224条)."""

    part: float
    total: float
    printed: float         # the percentage as printed
    decimals: int
    text: str              # “规划计划类信息1条,占比0.5%”
    where: str


@dataclass
class NotRead:
    part: str              # what was not read: 第3个表格, 第12–20行, 全文
    why: str


@dataclass
class ReadDocument:
    path: str
    kind: str                                 # bulletin | annual_report
    medium: str                               # text | html | docx
    title: str = ""
    place: str | None = None
    period: str | None = None
    period_source: str = ""                   # title | body | date | option
    paragraphs: list[tuple[str, str]] = field(default_factory=list)   # (text, where)
    tables: list[ReadTable] = field(default_factory=list)
    stated: list[Stated] = field(default_factory=list)
    identities: list[Identity] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)
    not_read: list[NotRead] = field(default_factory=list)
    ends_mid_text: bool = False               # the copy stops mid-sentence or mid-row
    opening: list[str] = field(default_factory=list)  # the first lines and rows' text, for the period
    rank_by: str | None = None  # a county's [scoring] rank_by (zwgk check --config): score | count


def _tidy(v: float | None) -> float | int | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else round(v, 6)
