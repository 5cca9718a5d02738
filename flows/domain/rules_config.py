"""Settings of the disclosure rules (docs/rules.md), with defaults and their sources.

A county config may override any of them under ``[rules]``:

    [rules.severity]             # blocking (makes the bulletin a draft) | warning
    timeliness = "blocking"

    [rules.freshness]            # longest allowed gap per column type
    dynamics = "14 days"

    [rules.columns]              # per-column overrides, by column name
    "农业农村局/工作动态" = "1 month"

    [rules.timeliness]
    working_days = 20

    [rules.formatting]
    min_space_run = 3
    min_empty_run = 3
    max_table_columns = 12
    max_table_width_px = 1000

    [rules.key_area]
    budget_approved = "03-31"    # default approval dates when the finance bureau's are unknown
    final_approved = "06-30"
    days_after_approval = 20
    categories = ["县直部门", "乡镇"]

    [rules.wrong_column]         # title keywords per column type
    budget = ["预算", "决算", "三公", "经费", "资金", "财政"]
"""

from __future__ import annotations

import copy
import re

RULES = ("column_freshness", "timeliness", "formatting", "key_area", "wrong_column")

DEFAULTS: dict = {
    "severity": {rule: "warning" for rule in RULES},
    # 国办秘函〔2019〕19号 (website inspection indicators; docs/domain.md §3): dynamics/news columns not
    # updated in 2 weeks, notice and policy columns in 6 months count as overdue; personnel and plan
    # columns 1 year (2015 census indicators); annual reports are yearly (Art. 49 of the Regulation).
    "freshness": {
        "dynamics": "14 days", "notice": "6 months", "policy": "6 months", "normative": "6 months",
        "personnel": "1 year", "plan": "1 year", "annual_report": "1 year", "other": "6 months",
    },
    "columns": {},
    # Art. 26 of the 政府信息公开条例 (2019): within 20 working days of being formed.
    "timeliness": {"working_days": 20},
    "formatting": {"min_space_run": 3, "min_empty_run": 3, "max_table_columns": 12, "max_table_width_px": 1000},
    # 预算法 Art. 14: budgets and final accounts public within 20 days of the finance bureau's
    # approval; 三公经费 inside them, on the same clock (docs/domain.md §4). Approval dates default to
    # the end of Q1 (budgets) and mid-year (prior-year final accounts).
    "key_area": {
        "budget_approved": "03-31", "final_approved": "06-30", "days_after_approval": 20,
        "categories": ["县直部门", "乡镇"],
        "budget_keywords": ["预算"], "final_keywords": ["决算"], "sangong_keywords": ["三公"],
    },
    "wrong_column": {
        "budget": ["预算", "决算", "三公", "经费", "资金", "财政", "收费", "采购"],
        "personnel": ["任免", "任职", "免职", "人事", "招聘", "录用", "招录", "选调", "干部", "职务", "人员"],
        "plan": ["规划", "计划", "方案", "要点", "安排"],
        "annual_report": ["年报", "年度报告"],
    },
}

SEVERITIES = ("blocking", "warning")
_INTERVAL = re.compile(r"^\s*\d+\s+(day|days|week|weeks|month|months|year|years)\s*$")
_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class RulesConfigError(ValueError):
    pass


def rules_settings(raw: dict | None, source: str = "配置") -> dict:
    """Defaults overlaid with a config's ``[rules]`` table; errors name the key and the expected form."""
    settings = copy.deepcopy(DEFAULTS)
    raw = raw or {}
    for key, value in raw.items():
        if key not in settings:
            raise RulesConfigError(f"{source}: 未知的 rules.{key}；可用：{', '.join(settings)}")
        if not isinstance(value, dict):
            raise RulesConfigError(f"{source}: rules.{key} 应为表")
        settings[key].update(value)
    for rule, level in settings["severity"].items():
        if rule not in RULES or level not in SEVERITIES:
            raise RulesConfigError(f"{source}: rules.severity.{rule} = {level!r}；规则应为 {RULES}，取值 blocking / warning")
    for name, value in {**settings["freshness"], **settings["columns"]}.items():
        if not isinstance(value, str) or not _INTERVAL.match(value):
            raise RulesConfigError(f"{source}: rules.freshness/columns “{name}” = {value!r}；应写作 \"14 days\"、\"6 months\"、\"1 year\"")
    for key in ("budget_approved", "final_approved"):
        if not _MONTH_DAY.match(str(settings["key_area"][key])):
            raise RulesConfigError(f"{source}: rules.key_area.{key} 应为 MM-DD，实为 {settings['key_area'][key]!r}")
    for group in ("timeliness", "formatting"):
        for key, value in settings[group].items():
            if not isinstance(value, int) or value < 0:
                raise RulesConfigError(f"{source}: rules.{group}.{key} 应为非负整数，实为 {value!r}")
    return settings


def blocking_overrides(settings: dict) -> dict[str, bool]:
    """GX check name → blocking, from the rules' severities."""
    from expectations.checks import RULE_CHECKS

    return {check: settings["severity"][rule] == "blocking" for check, rule in RULE_CHECKS.items()}
