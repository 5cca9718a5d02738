"""The disclosure rules, each declared once (docs/rules.md: what each judges and its source).

A rule's entry holds everything the rest of zwgk derives from it:

- ``id`` — the name the county config uses (``[rules.severity] <id> = "blocking"``), the finding code
  of its checks, the ``rule`` of run.json's rows and of the workbook's sheets;
- ``title`` — the heading of its 存在问题 item in the bulletin;
- ``checks`` — the Great Expectations checks that judge it (expectations/checks.py defines them);
- ``settings`` — its config tables under ``[rules]``, each with its defaults and what a value must be
  (flows/domain/rules_config.py validates a county's overrides from them);
- ``settings_rows`` — how its settings become rows of the tables its SQL reads (ref_rule_settings,
  ref_rule_max_age, ref_rule_keywords: transforms/rule_loaders.py);
- ``summary`` — the one sentence of its 存在问题 item, from its rows (reports/problems.py);
- its SQL model is ``transforms/marts/rule_<id>.sql`` (``mart``), its docs ``docs/rules.md#<id>``.

Severity: every rule is a warning (存在问题, attachments.xlsx) unless the county config makes it
blocking. Adding a rule: one entry here, its SQL model, its check and its test (docs/architecture.md,
"Recipe: add a rule").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

UNITS_NAMED = 8  # a problem names at most this many units, then "等N个单位"


@dataclass(frozen=True)
class Group:
    """One ``[rules.<name>]`` table: its defaults, and what a value must be. ``values`` is the kind of any
    key the defaults do not name (``None``: only the default keys are allowed); a default key's kind
    comes from its default (int → non-negative integer, list → list of words, "MM-DD", interval)."""
    defaults: dict
    values: str | None = None  # "interval" | "words" | None


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    checks: tuple[str, ...]
    settings: dict[str, Group]
    summary: Callable[[list[dict], str, dict], str]  # (rows, units named, settings) → the sentence
    settings_rows: Callable[[str, dict], tuple[list, list, list]] = field(
        default=lambda county_slug, settings: ([], [], []))  # → (scalars, max ages, keywords) rows

    @property
    def mart(self) -> str:
        return f"rule_{self.id}"

    @property
    def docs(self) -> str:
        return f"docs/rules.md#{self.id}"


def units_named(rows: list[dict]) -> str:
    """The units of a problem, most rows first: "甲、乙" or "甲、乙…等12个单位"."""
    counts = Counter(r["unit"] or "（未标注单位）" for r in rows)
    names = [u for u, _ in counts.most_common()]
    more = f"等{len(names)}个单位" if len(names) > UNITS_NAMED else ""
    return "、".join(names[:UNITS_NAMED]) + more


# ---- column freshness -------------------------------------------------------------------------


def _freshness_summary(rows: list[dict], units: str, settings: dict) -> str:
    verdicts = Counter(r["detail"]["verdict"] for r in rows)
    parts = [f"{verdicts['overdue']}个栏目超期未更新"] if verdicts["overdue"] else []
    parts += [f"{verdicts['blank']}个空白栏目"] if verdicts["blank"] else []
    parts += [f"{verdicts['undated']}个栏目的信息均无发布日期"] if verdicts["undated"] else []
    parts += [f"{verdicts['unreachable']}个栏目无法访问"] if verdicts["unreachable"] else []
    return f"门户网站有{'，'.join(parts)}，涉及{units}。"


def _freshness_rows(county_slug: str, settings: dict) -> tuple[list, list, list]:
    max_age = [(county_slug, "type", k, v) for k, v in settings["freshness"].items()]
    max_age += [(county_slug, "column", k, v) for k, v in settings["columns"].items()]
    return [], max_age, []


# ---- timeliness and formatting: scalar settings, read by name (<table>.<key>) --------------------


def _scalar_rows(*tables: str) -> Callable[[str, dict], tuple[list, list, list]]:
    def rows(county_slug: str, settings: dict) -> tuple[list, list, list]:
        return [(county_slug, f"{t}.{k}", str(v)) for t in tables for k, v in settings[t].items()], [], []
    return rows


def _timeliness_summary(rows: list[dict], units: str, settings: dict) -> str:
    normative = sum(1 for r in rows if r["detail"].get("is_normative"))
    days = settings.get(TIMELINESS, {}).get("working_days", 20)
    tail = f"，其中行政规范性文件{normative}件" if normative else ""
    return f"有{len(rows)}条信息未在成文之日起{days}个工作日内公开{tail}，涉及{units}。"


def _formatting_summary(rows: list[dict], units: str, settings: dict) -> str:
    return (f"有{len(rows)}条信息直接复制粘贴、未作二次编辑，存在连续空格、空白段落过多、表格超出页面或带有Word格式等问题，"
            f"涉及{units}。")


# ---- key areas: budgets, final accounts, 三公经费 -------------------------------------------------

KEY_AREA_KINDS = ("budget", "final", "sangong")


def _key_area_rows(county_slug: str, settings: dict) -> tuple[list, list, list]:
    own = settings[KEY_AREA]
    scalars = [(county_slug, f"{KEY_AREA}.{k}", str(own[k])) for k in ("budget_approved", "final_approved",
                                                                       "days_after_approval")]
    scalars += [(county_slug, f"{KEY_AREA}.category.{c}", c) for c in own["categories"]]
    keywords = [(county_slug, KEY_AREA, kind, w) for kind in KEY_AREA_KINDS for w in own[f"{kind}_keywords"]]
    return scalars, [], keywords


def _key_area_summary(rows: list[dict], units: str, settings: dict) -> str:
    missing = sum(1 for r in rows if r["detail"]["verdict"] == "missing")
    late = len(rows) - missing
    parts = [f"{missing}项未公开"] if missing else []
    parts += [f"{late}项逾期公开"] if late else []
    return f"部门预算、部门决算和三公经费信息{'、'.join(parts)}，涉及{units}。"


# ---- wrong column ------------------------------------------------------------------------------


def _wrong_column_rows(county_slug: str, settings: dict) -> tuple[list, list, list]:
    return [], [], [(county_slug, WRONG_COLUMN, k, w) for k, words in settings[WRONG_COLUMN].items() for w in words]


def _wrong_column_summary(rows: list[dict], units: str, settings: dict) -> str:
    return f"有{len(rows)}条信息发布的栏目与内容不相符，涉及{units}。"


TIMELINESS, FORMATTING, KEY_AREA, WRONG_COLUMN = "timeliness", "formatting", "key_area", "wrong_column"

# In the order the bulletin's 存在问题 lists them.
RULES: tuple[Rule, ...] = (
    Rule(
        id="column_freshness",
        title="栏目更新不及时",
        checks=("columns_fresh",),
        # 国办秘函〔2019〕19号 (website inspection indicators): dynamics/news columns not updated in 2
        # weeks, notice and policy columns in 6 months count as overdue; personnel and plan columns 1
        # year (2015 census indicators); annual reports are yearly (Art. 49 of the Regulation).
        settings={
            "freshness": Group({
                "dynamics": "14 days", "notice": "6 months", "policy": "6 months", "normative": "6 months",
                "personnel": "1 year", "plan": "1 year", "annual_report": "1 year", "other": "6 months",
            }, values="interval"),
            "columns": Group({}, values="interval"),  # per-column overrides, by column name
        },
        summary=_freshness_summary,
        settings_rows=_freshness_rows,
    ),
    Rule(
        id=TIMELINESS,
        title="信息公开不及时",
        checks=("documents_timely",),
        # Art. 26 of the 政府信息公开条例 (2019): within 20 working days of being formed.
        settings={TIMELINESS: Group({"working_days": 20})},
        summary=_timeliness_summary,
        settings_rows=_scalar_rows(TIMELINESS),
    ),
    Rule(
        id=FORMATTING,
        title="信息发布不规范",
        checks=("bodies_well_formatted",),
        settings={FORMATTING: Group({"min_space_run": 3, "min_empty_run": 3, "max_table_columns": 12,
                                     "max_table_width_px": 1000})},
        summary=_formatting_summary,
        settings_rows=_scalar_rows(FORMATTING),
    ),
    Rule(
        id=KEY_AREA,
        title="重点领域信息公开不到位",
        checks=("key_areas_disclosed",),
        # 预算法 Art. 14: budgets and final accounts public within 20 days of the finance bureau's
        # approval; 三公经费 inside them, on the same clock. Approval dates default to the end of Q1
        # (budgets) and mid-year (prior-year final accounts).
        settings={KEY_AREA: Group({
            "budget_approved": "03-31", "final_approved": "06-30", "days_after_approval": 20,
            "categories": ["县直部门", "乡镇"],
            "budget_keywords": ["预算"], "final_keywords": ["决算"], "sangong_keywords": ["三公"],
        })},
        summary=_key_area_summary,
        settings_rows=_key_area_rows,
    ),
    Rule(
        id=WRONG_COLUMN,
        title="信息发布与栏目不符",
        checks=("items_in_right_column",),
        settings={WRONG_COLUMN: Group({  # title keywords per column type
            "budget": ["预算", "决算", "三公", "经费", "资金", "财政", "收费", "采购"],
            "personnel": ["任免", "任职", "免职", "人事", "招聘", "录用", "招录", "选调", "干部", "职务", "人员"],
            "plan": ["规划", "计划", "方案", "要点", "安排"],
            "annual_report": ["年报", "年度报告"],
        }, values="words")},
        summary=_wrong_column_summary,
        settings_rows=_wrong_column_rows,
    ),
)

RULE_IDS: tuple[str, ...] = tuple(r.id for r in RULES)
RULE_OF_CHECK: dict[str, str] = {check: r.id for r in RULES for check in r.checks}


def rule(rule_id: str) -> Rule:
    for r in RULES:
        if r.id == rule_id:
            return r
    raise KeyError(f"no rule {rule_id!r}; the rules are {RULE_IDS}")
