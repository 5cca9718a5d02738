"""Checking a config's values as they are read: types, lists, dataclass sections and limits; every
error names the file, the key and what was expected.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from flows.domain.bounds import out_of_bounds

from .model import Column, ConfigError, Limits


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _check_type(where: str, key: str, value: Any, expected: type | tuple, what: str) -> None:
    if isinstance(value, bool) and expected in (int, float, (int, float)):
        raise ConfigError(f"{where}: {key} 应为{what}，实为 {value!r}")
    if not isinstance(value, expected):
        raise ConfigError(f"{where}: {key} 应为{what}，实为 {value!r}")


def _build_dataclass(cls, data: dict, where: str, section: str):
    known = {f.name: f for f in fields(cls)}
    kwargs = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"{where}: [{section}] 中未知的键 {key!r}；可用的键：{', '.join(known)}")
        default = getattr(cls(), key) if cls is not Column else None
        dotted = f"{section}.{key}"
        if isinstance(default, bool):
            _check_type(where, dotted, value, bool, "true 或 false")
        elif isinstance(default, int):
            _check_type(where, dotted, value, int, "整数")
        elif isinstance(default, float):
            _check_type(where, dotted, value, (int, float), "数字")
            value = float(value)
        elif isinstance(default, list):
            value = _as_list(value)
            if not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: {dotted} 应为字符串或字符串列表，实为 {value!r}")
        elif isinstance(default, str):
            _check_type(where, dotted, value, str, "字符串")
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            problem = out_of_bounds(key, value)
            if problem:
                raise ConfigError(f"{where}: {dotted} {problem}，实为 {value!r}")
        kwargs[key] = value
    return cls(**kwargs)


LIMIT_FLAGS = {"max_items_per_column": "--max-items", "column_time_budget": "--column-budget",
               "crawl_time_budget": "--time-budget"}


def _check_limits(limits: Limits, where: str, prefix: str, names: dict[str, str] | None = None) -> None:
    for key in LIMIT_FLAGS:
        value = getattr(limits, key)
        problem = out_of_bounds(key, value)
        if problem:
            label = (names or {}).get(key, f"{prefix}{key}")
            raise ConfigError(f"{where}: {label} {problem}，实为 {value!r}")
