"""The demo portal's structure: its units and H1 2021 counts (the seed's attachment tables), its
columns, the column and article model, and the words its synthetic pages are made of.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path


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
