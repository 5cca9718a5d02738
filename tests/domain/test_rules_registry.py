"""Each disclosure rule is declared once (flows/domain/rules.py, issue 23); what derives from the
declaration agrees with it: the config's defaults and validation, the settings rows the SQL reads, the
checks, the bulletin's 存在问题 item and docs/rules.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from expectations.checks import CHECKS
from flows.domain.rules import RULE_IDS, RULES, rule
from flows.domain.rules_config import DEFAULTS, RulesConfigError, blocking_overrides, rules_settings
from reports.problems import build_problems
from transforms.rule_loaders import _settings_rows

ROOT = Path(__file__).resolve().parents[2]
SQL = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "transforms").rglob("*.sql"))


@pytest.mark.parametrize("r", RULES, ids=lambda r: r.id)
def test_a_rule_has_its_model_its_checks_and_its_docs(r):
    assert (ROOT / "transforms" / "marts" / f"{r.mart}.sql").is_file()
    by_name = {c.name: c for c in CHECKS}
    for name in r.checks:
        assert by_name[name].code == r.id and by_name[name].findings_query  # judged at the summary grain
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    heading = re.search(rf"^### `{r.id}` — .*\(`{r.mart}`, check `{r.checks[0]}`\)$", docs, re.M)
    assert heading, f"docs/rules.md has no section for {r.id}"
    for table in r.settings:
        assert f"[rules.{table}]" in docs  # every settings table is shown with its defaults


def test_every_setting_a_rule_writes_is_read_by_its_sql():
    settings = rules_settings({"columns": {"司法局/工作动态": "1 month"}})
    scalars, max_age, keywords = _settings_rows("x", settings)
    for _, name, _ in scalars:  # ref_rule_settings rows, read by name (a category by its prefix)
        key = name if ".category." not in name else name.split(".category.")[0] + ".category."
        assert f"'{key}" in SQL, f"no SQL reads the setting {name}"
    assert {scope for _, scope, _, _ in max_age} == {"type", "column"}
    assert "scope = 'type'" in SQL and "scope = 'column'" in SQL
    assert {r for _, r, _, _ in keywords} <= set(RULE_IDS)
    for rule_id in {r for _, r, _, _ in keywords}:
        assert f"rule = '{rule_id}'" in SQL


def test_defaults_and_severities_come_from_the_registry():
    assert list(DEFAULTS["severity"]) == list(RULE_IDS)
    assert {t for r in RULES for t in r.settings} == set(DEFAULTS) - {"severity"}
    blocking = blocking_overrides(rules_settings({"severity": {RULE_IDS[1]: "blocking"}}))
    assert blocking == {c: r.id == RULE_IDS[1] for r in RULES for c in r.checks}


@pytest.mark.parametrize("raw, says", [
    ({"timeliness": {"working_days": -1}}, "rules.timeliness.working_days 应为非负整数"),
    ({"timeliness": {"workingdays": 20}}, "未知的 rules.timeliness.workingdays"),
    ({"freshness": {"dynamics": "two weeks"}}, "rules.freshness.dynamics 应为"),
    ({"columns": {"司法局/工作动态": 14}}, "rules.columns.司法局/工作动态 应为"),
    ({"key_area": {"budget_approved": "3-31"}}, "rules.key_area.budget_approved 应为MM-DD"),
    ({"wrong_column": {"budget": "预算"}}, "rules.wrong_column.budget 应为字符串列表"),
    ({"severity": {"speed": "blocking"}}, "rules.severity.speed"),
])
def test_a_bad_override_names_its_key_and_what_was_expected(raw, says):
    with pytest.raises(RulesConfigError, match=re.escape(says)):
        rules_settings(raw, "huarong.toml")


def test_open_tables_take_new_keys_of_their_kind():
    settings = rules_settings({"columns": {"司法局/工作动态": "1 month"}, "wrong_column": {"notice": ["通知"]}})
    assert settings["columns"] == {"司法局/工作动态": "1 month"} and settings["wrong_column"]["notice"] == ["通知"]


def test_the_problems_section_follows_the_registry():
    rows = [{"rule": r.id, "unit": "司法局", "detail": {"verdict": "missing", "is_normative": False}} for r in RULES]
    problems = build_problems(list(reversed(rows)), {}, rules_settings({}))
    assert [p["rule"] for p in problems] == list(RULE_IDS)
    assert [p["title"] for p in problems] == [r.title for r in RULES]
    assert all("司法局" in p["summary"] for p in problems)
    assert rule(RULE_IDS[0]) is RULES[0]
