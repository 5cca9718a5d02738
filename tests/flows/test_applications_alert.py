"""The morning 依申请公开 alert (flows/steps/applications.py ``due_alert``, the flow ``applications_due_alert`` that
`zwgk serve` runs daily): one message to a real local webhook receiver on a working day when something is due or
overdue, none on a day off or when all is clear; and the flow itself, run through Prefect."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from receivers import WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "applications" / "huarong_demo_register.csv"


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    from flows.domain.config import load_config
    from flows.steps.applications import import_register

    folder = tmp_path_factory.mktemp("alert")
    config = folder / "county.toml"
    config.write_text(f'county = "华容县"\nslug = "huarong"\nregistry = "{ROOT / "data" / "registry" / "huarong.csv"}"\n',
                      encoding="utf-8")
    cfg = load_config(config)
    import_register(cfg, folder / "wh.duckdb", DEMO)
    return cfg, config, folder / "wh.duckdb"


def test_a_working_morning_with_an_overdue_answer_sends_one_alert(county):
    from flows.steps.applications import due_alert

    cfg, _config, warehouse = county
    with WebhookReceiver() as hook:
        # Mon 2021-02-01: 2020-011 (人社局) due Tue 01-26, 4 working days past (27, 28, 29, 02-01)
        result = due_alert(replace(cfg, alert_urls=[hook.url("json", "/office")]), warehouse, date(2021, 2, 1))
        (request,) = hook.requests
    assert result["status"] == "sent" and result["overdue"] == ["2020-011"]
    payload = request.json()
    assert "已超期1件" in payload["title"]
    assert "人社局：2020-011已超期4个工作日（期限2021-01-26）" in payload["message"]


def test_due_soon_alerts_and_days_off_and_clear_days_do_not(county):
    from flows.steps.applications import due_alert

    cfg, _config, warehouse = county
    with WebhookReceiver() as hook:
        office = replace(cfg, alert_urls=[hook.url("json", "/office")])
        # Fri 2021-01-22: 25, 26 left = 2 ≤ 3: one alert
        soon = due_alert(office, warehouse, date(2021, 1, 22))
        # Sat 2021-01-23 is not a working day: no check, no alert
        weekend = due_alert(office, warehouse, date(2021, 1, 23))
        # Mon 2021-01-18: 19…22, 25, 26 = 6 left, nothing else open: clear
        clear = due_alert(office, warehouse, date(2021, 1, 18))
        assert len(hook.requests) == 1 and "剩2个工作日（期限2021-01-26）" in hook.requests[0].json()["message"]
    assert (soon["status"], weekend["status"], clear["status"]) == ("sent", "not_a_workday", "clear")


def test_a_county_without_a_register_is_said_so(tmp_path):
    from flows.domain.config import DEFAULT_CONFIG, load_config
    from flows.steps.applications import due_alert

    assert due_alert(load_config(DEFAULT_CONFIG), tmp_path / "wh.duckdb", date(2021, 2, 1))["status"] == "no_register"


def test_serve_deploys_the_daily_check_and_its_flow_runs(prefect_harness, county):
    from flows.applications_flow import applications_due_alert
    from flows.schedule import APPLICATIONS_CRON, deployments

    cfg, config, warehouse = county
    deps = deployments(cfg, config=config, out=Path("/tmp/out"), warehouse=warehouse)
    daily = next(d for d in deps if d.name == "applications-huarong")
    assert daily.flow_name == "applications_due_alert" and daily.schedules[0].schedule.cron == APPLICATIONS_CRON
    assert "applications-huarong" not in {d.name for d in deployments(cfg, config=config, out=Path("/tmp/out"),
                                                                         warehouse=warehouse, applications_cron=None)}
    result = applications_due_alert(county="huarong", config=str(config), warehouse=str(warehouse), today="2021-02-01")
    assert result["status"] == "no_urls" and result["overdue"] == ["2020-011"]
