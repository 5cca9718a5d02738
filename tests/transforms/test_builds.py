"""A county's rebuild is skipped when nothing it reads changed (transforms/builds.py, issue 22)."""

from __future__ import annotations

import pytest

from flows.domain.rules_config import rules_settings
from transforms import builds, runner
from transforms.loaders import load_crawl
from transforms.rule_loaders import load_rule_settings


def item(url: str, publish: str) -> dict:
    return {"url": url, "title": "关于开展检查的通知", "unit_raw": "司法局", "column": "司法局/通知公告",
            "column_type": "notice", "columns": ["司法局/通知公告"], "publish_date": publish, "doc_date": None,
            "doc_number": None, "index_number": None, "topic": None, "repost_of": None,
            "fetched_at": "2021-07-01T08:00:00+08:00", "body_text": "正文", "format_facts": {}}


def _warehouse(tmp_path):
    con = runner.connect(tmp_path / "wh.duckdb")
    load_rule_settings(con, "x", rules_settings({}))
    load_crawl(con, county_slug="x", crawl_id="c1", summary={}, columns=[],
               items=[item("http://p/1", "2021-03-01"), item("http://p/2", "2021-04-01")])
    return con


def test_the_second_build_of_unchanged_inputs_is_skipped_with_the_same_counts(tmp_path):
    con = _warehouse(tmp_path)
    first, skipped = builds.build(con, "x", "2021H1")
    assert not skipped and first["unit_period_crawled"] == 1  # one unknown publisher, two items
    again, skipped = builds.build(con, "x", "2021H1")
    assert skipped and again == first
    con.close()


@pytest.mark.slow  # over 1.5 s: in `make test`, not in `make test-fast`
def test_a_new_crawl_a_setting_or_another_day_rebuilds(tmp_path, monkeypatch):
    con = _warehouse(tmp_path)
    builds.build(con, "x", "2021H1")
    load_crawl(con, county_slug="x", crawl_id="c2", summary={}, columns=[],
               items=[item("http://p/1", "2021-03-01"), item("http://p/2", "2021-04-01"), item("http://p/3", "2021-05-01")])
    counts, skipped = builds.build(con, "x", "2021H1")
    assert not skipped and con.execute("SELECT crawled FROM unit_period_crawled").fetchall() == [(3,)]
    load_rule_settings(con, "x", rules_settings({"formatting": {"min_space_run": 5}}))
    assert builds.build(con, "x", "2021H1")[1] is False
    assert builds.build(con, "x", "2021H1")[1] is True
    monkeypatch.setattr(builds, "office_today", lambda: __import__("datetime").date(2031, 1, 1))
    assert builds.build(con, "x", "2021H1")[1] is False  # names valid "today" and future dates depend on the day
    con.close()


def test_another_county_or_period_has_its_own_fingerprint(tmp_path):
    con = _warehouse(tmp_path)
    assert builds.fingerprint(con, "x", "2021H1") != builds.fingerprint(con, "x", "2021H2")
    assert builds.fingerprint(con, "x", "2021H1") != builds.fingerprint(con, "y", "2021H1")
    con.close()
