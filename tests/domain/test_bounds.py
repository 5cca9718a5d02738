"""Numbers in configs and on the command line are finite and in range (issue 21; docs/reliability.md,
"Numbers in configs"): NaN, infinities, zero or negative values and absurd ones are refused with one
line naming the key, in the crawl config, the county config and the flags."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from flows.domain.bounds import BOUNDS, out_of_bounds
from flows.domain.config import ConfigError as CountyConfigError
from flows.domain.config import load_config
from flows.ingest.crawler.config import ConfigError, config_from_dict, with_limits, with_rate

ROOT = Path(__file__).resolve().parents[2]
PORTAL = {"name": "x", "base_url": "http://x.gov.cn", "preset": "generic", "allowed_hosts": ["x.gov.cn"]}


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1, 0, 1e9, 5000])
def test_a_rate_outside_its_range_is_refused_everywhere(value):
    assert out_of_bounds("rate", value)
    with pytest.raises(ConfigError, match="politeness.rate"):
        config_from_dict({"portal": PORTAL, "politeness": {"rate": value}}, "x.toml")
    with pytest.raises(ConfigError, match="--rate"):
        with_rate(config_from_dict({"portal": PORTAL}, "x.toml"), value)


@pytest.mark.parametrize("key,value", [("max_items_per_column", 10**20), ("max_items_per_column", 0),
                                       ("column_time_budget", float("nan")), ("crawl_time_budget", float("inf")),
                                       ("crawl_time_budget", -5)])
def test_limits_outside_their_range_are_refused(key, value):
    with pytest.raises(ConfigError, match=key):
        config_from_dict({"portal": PORTAL, "limits": {key: value}}, "x.toml")
    with pytest.raises(ConfigError, match="--"):
        with_limits(config_from_dict({"portal": PORTAL}, "x.toml"), **{key: value})


def test_every_bounded_number_has_a_sane_range_and_its_defaults_pass():
    from dataclasses import asdict

    from flows.ingest.crawler.config import Limits, Paging, Politeness

    for lo, hi, _lo_ok, _integer, unit in BOUNDS.values():
        assert lo < hi and unit
    for section in (Politeness(), Limits(), Paging()):
        for key, value in asdict(section).items():
            assert out_of_bounds(key, value) is None, (key, value)


@pytest.mark.parametrize("line,key", [("rate = nan", "crawl.rate"), ("rate = 1e9", "crawl.rate"),
                                      ("max_age = nan", "crawl.max_age"), ("max_age = inf", "crawl.max_age"),
                                      ("max_items_per_column = 1e20", "crawl.max_items_per_column"),
                                      ("crawl_time_budget = nan", "crawl.crawl_time_budget")])
def test_the_county_config_refuses_them_too(tmp_path, line, key):
    text = (ROOT / "data" / "counties" / "huarong.toml").read_text(encoding="utf-8")
    path = tmp_path / "huarong.toml"
    text = text.replace("[crawl]", f"[crawl]\n{line}", 1) if "[crawl]" in text else text + f"\n[crawl]\n{line}\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CountyConfigError, match=key.replace(".", r"\.")):
        load_config(path)


def test_a_nan_rate_on_the_command_line_is_one_line_with_exit_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "crawl", "--config", str(ROOT / "data" / "portals" /
                                                                                      "huarong.toml"),
                           "--rate", "nan", "--store", str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2 and "--rate" in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr and len((proc.stderr + proc.stdout).strip().splitlines()) == 1
