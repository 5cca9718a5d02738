"""Configs validated by pydantic models (flows/domain/config_model.py, issue 23) still fail in one line
naming the file, the key and what was expected — and a misspelt key is refused with the nearest one."""

from __future__ import annotations

import pytest

from flows.domain.config_model import ConfigError
from flows.domain.region_config import load_region_config

GOOD = 'name = "岳阳市"\nslug = "yueyang"\ncounties = ["a.toml"]\n'


def _refusal(tmp_path, text: str) -> str:
    """The one line a region TOML with this text is refused with (a.toml, the county it names, exists)."""
    (tmp_path / "a.toml").write_text("", encoding="utf-8")
    path = tmp_path / "region.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_region_config(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}: "), message
    return message.removeprefix(f"{path}: ")


@pytest.mark.parametrize("text, says", [
    (GOOD + "[dask]\nn_worker = 3\n", "[dask] 有未知的键 'n_worker'；是否应为 'n_workers'？"),
    (GOOD + "memory = \"2GB\"\n", "顶层有未知的键 'memory'；是否应为 'memory_limit'？"),
    (GOOD + "[dask]\nn_workers = 0\n", "dask.n_workers 至少为 1，实为 0"),
    (GOOD + "[dask]\nn_workers = \"2\"\n", "dask.n_workers 应为整数，实为 '2'"),
    (GOOD + "[dask]\nprocesses = 1\n", "dask.processes 应为 true / false，实为 1"),
    (GOOD + "default_period = \"2021H9\"\n", "default_period：不是可识别的期间：'2021H9'"),
    (GOOD + "dask = 3\n", "[dask] 应为表（TOML table），实为 3"),
    ('slug = "yueyang"\ncounties = ["a.toml"]\n', "name 缺少该项（必填）"),
    ('name = "岳阳市"\nslug = "yue/yang"\ncounties = ["a.toml"]\n', "slug 只能含字母、数字、- 和 _"),
    ('name = "岳阳市"\nslug = "yueyang"\ncounties = []\n', "counties 不能为空"),
    ('name = "岳阳市"\nslug = "yueyang"\ncounties = ["a.toml", 3]\n', "counties 第2项 应为字符串，实为 3"),
    ('name = "岳阳市"\nslug = "yueyang"\ncounties = ["b.toml"]\n', "counties 第1项 b.toml 不存在"),
])
def test_a_bad_region_config_is_one_line_naming_the_key(tmp_path, text, says):
    assert _refusal(tmp_path, text).startswith(says)


def test_defaults_and_values_are_read(tmp_path):
    (tmp_path / "a.toml").write_text("", encoding="utf-8")
    path = tmp_path / "region.toml"
    path.write_text(GOOD + 'default_period = "2021年上半年"\n[dask]\nn_workers = 4\n', encoding="utf-8")
    cfg = load_region_config(path)
    assert (cfg.name, cfg.slug, cfg.default_period, cfg.memory_limit) == ("岳阳市", "yueyang", "2021H1", "1GB")
    assert (cfg.dask.n_workers, cfg.dask.threads_per_worker, cfg.dask.processes, cfg.dask.address) == (4, 1, True, "")
    assert cfg.counties == [(tmp_path / "a.toml").resolve()]
