"""A county's settings of the disclosure rules: the defaults every rule declares
(flows/domain/rules.py) overlaid with the county config's ``[rules]`` tables, each override checked
against what its table declares (docs/rules.md shows every table with its defaults and source).

    [rules.severity]             # <rule> = "blocking" (makes the bulletin a draft) | "warning"
    [rules.<table>]              # a rule's own settings, e.g. [rules.freshness] dynamics = "14 days"
"""

from __future__ import annotations

import copy
import re

from flows.domain.rules import RULE_IDS, RULE_OF_CHECK, RULES, Group

# Every rule's config tables (flows/domain/rules.py), and [rules.severity]: every rule a warning.
GROUPS: dict[str, Group] = {name: group for r in RULES for name, group in r.settings.items()}
DEFAULTS: dict = {"severity": {rule_id: "warning" for rule_id in RULE_IDS},
                  **{name: group.defaults for name, group in GROUPS.items()}}

SEVERITIES = ("blocking", "warning")
_INTERVAL = re.compile(r"^\s*\d+\s+(day|days|week|weeks|month|months|year|years)\s*$")
_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class RulesConfigError(ValueError):
    pass


def _kind(group: Group, key: str) -> str | None:
    """What a value of ``[rules.<group>] key`` must be: from its default, else the group's open kind."""
    if key not in group.defaults:
        return group.values
    default = group.defaults[key]
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "count"
    if isinstance(default, list):
        return "words"
    if _MONTH_DAY.match(str(default)):
        return "month_day"
    return "interval" if _INTERVAL.match(str(default)) else "text"


_EXPECTED = {"count": "非负整数", "words": "字符串列表，如 [\"预算\", \"决算\"]", "month_day": "MM-DD",
             "interval": "\"14 days\"、\"6 months\"、\"1 year\" 这样的时长", "bool": "true 或 false", "text": "字符串"}


def _valid(kind: str, value) -> bool:
    if kind == "count":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if kind == "words":
        return isinstance(value, list) and all(isinstance(w, str) and w for w in value)
    if kind == "month_day":
        return isinstance(value, str) and bool(_MONTH_DAY.match(value))
    if kind == "interval":
        return isinstance(value, str) and bool(_INTERVAL.match(value))
    if kind == "bool":
        return isinstance(value, bool)
    return isinstance(value, str)


def rules_settings(raw: dict | None, source: str = "配置") -> dict:
    """Defaults overlaid with a config's ``[rules]`` table; errors name the key and the expected form."""
    settings = copy.deepcopy(DEFAULTS)
    for key, value in (raw or {}).items():
        if key not in settings:
            raise RulesConfigError(f"{source}: 未知的 rules.{key}；可用：{', '.join(settings)}")
        if not isinstance(value, dict):
            raise RulesConfigError(f"{source}: rules.{key} 应为表")
        for name, item in value.items():
            if key == "severity":
                if name not in RULE_IDS or item not in SEVERITIES:
                    raise RulesConfigError(f"{source}: rules.severity.{name} = {item!r}；规则应为 {RULE_IDS}，"
                                           f"取值 blocking / warning")
                continue
            kind = _kind(GROUPS[key], name)
            if kind is None:
                raise RulesConfigError(f"{source}: 未知的 rules.{key}.{name}；可用：{', '.join(GROUPS[key].defaults)}")
            if not _valid(kind, item):
                raise RulesConfigError(f"{source}: rules.{key}.{name} 应为{_EXPECTED[kind]}，实为 {item!r}")
        settings[key].update(value)
    return settings


def blocking_overrides(settings: dict) -> dict[str, bool]:
    """GX check name → blocking, from the rules' severities."""
    return {check: settings["severity"][rule_id] == "blocking" for check, rule_id in RULE_OF_CHECK.items()}
