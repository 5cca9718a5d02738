"""Loading a config: a TOML file or dict on top of its preset, a config made from a preset in code,
and copies with another rate or other limits.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from flows.domain.bounds import out_of_bounds

from .model import COMMON_LABELS, Column, ConfigError, CrawlConfig, Limits, Paging, Politeness, Selectors, host_allowed
from .presets import PRESETS, infer_column_type
from .validation import LIMIT_FLAGS, SECTIONS, CrawlTable, _check_limits, validated


# --- loading ---------------------------------------------------------------------------------------
def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _columns_and_links(table: CrawlTable, where: str, base_url: str,
                       hosts: list[str]) -> tuple[list[Column], list[Column]]:
    """``[[columns]]`` and ``[[links]]``, routed by ``kind``: a column is crawled (within the allowed hosts,
    never twice); any other kind is a link listed for the office (docs/crawler.md, "Discovery")."""
    columns: list[Column] = []
    links: list[Column] = []
    seen_urls: dict[str, int] = {}
    entries = [(f"columns[{i}]", col) for i, col in enumerate(table.columns, start=1)]
    entries += [(f"links[{i}]", col) for i, col in enumerate(table.links, start=1)]
    for i, (key, col) in enumerate(entries, start=1):
        url = urljoin(base_url.rstrip("/") + "/", col.url)
        column = Column(name=col.name, url=url, type=col.type or infer_column_type(col.name), unit=col.unit or None,
                        section=col.section or None, kind=col.kind or "column", reason=col.reason)
        if column.kind != "column":  # listed for the office, never fetched: any host, no duplicate check
            links.append(column)
            continue
        if not host_allowed(url, hosts):
            raise ConfigError(f"{where}: {key}.url {url} 不在 portal.allowed_hosts {hosts} 之内")
        if url in seen_urls:
            raise ConfigError(f"{where}: {key}.url 与第{seen_urls[url]}个栏目重复：{url}")
        seen_urls[url] = i
        columns.append(column)
    return columns, links


def config_from_dict(data: dict, where: str = "<config>") -> CrawlConfig:
    """Build and validate a config from a parsed TOML dict (preset merged underneath)."""
    portal = data.get("portal")
    if not isinstance(portal, dict):
        raise ConfigError(f"{where}: 缺少 [portal] 表（应含 name、base_url、preset、allowed_hosts）")
    preset = portal.get("preset", "yueyang")
    table = validated(CrawlTable, _merge(PRESETS.get(preset, {}) if isinstance(preset, str) else {}, data), where)
    base_url = table.portal.base_url
    hosts = table.portal.allowed_hosts or [urlsplit(base_url).hostname]
    columns, links = _columns_and_links(table, where, base_url, hosts)
    given = {name: getattr(table, name).model_dump(exclude_unset=True) for name in SECTIONS}
    return CrawlConfig(
        name=table.portal.name, base_url=base_url, preset=table.portal.preset, county=table.portal.county,
        allowed_hosts=hosts, contact=table.portal.contact, start_url=table.portal.start_url, columns=columns,
        links=links, paging=Paging(**given["paging"]), selectors=Selectors(**given["selectors"]),
        labels={**COMMON_LABELS, **table.labels}, politeness=Politeness(**given["politeness"]),
        doc_date_from_body=table.doc_date_from_body, source=where, limits=Limits(**given["limits"]),
    )


def load_crawl_config(path: str | Path) -> CrawlConfig:
    """Read a TOML crawl config; ConfigError names the file, the key and what was expected."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: 采集配置文件不存在") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: 是目录，应为采集配置文件（TOML）") from None
    except OSError as exc:
        raise ConfigError(f"{path}: 无法读取采集配置文件（{exc.strerror or exc}）") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: 采集配置文件应为 UTF-8 编码") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: 不是有效的 TOML（{exc}）") from None
    return config_from_dict(data, str(path))


def make_config(preset: str, base_url: str, *, name: str | None = None, columns: list[Column] | None = None,
                allowed_hosts: list[str] | None = None, county: str = "", contact: str = "",
                start_url: str | None = None, rate: float | None = None, **overrides: Any) -> CrawlConfig:
    """A config from a preset in code (overrides: paging / selectors / labels / politeness dicts)."""
    data: dict[str, Any] = {"portal": {
        "name": name or (urlsplit(base_url).hostname or base_url), "base_url": base_url, "preset": preset,
        "county": county, "contact": contact,
        "allowed_hosts": allowed_hosts or [urlsplit(base_url).netloc],
    }}
    if start_url:
        data["portal"]["start_url"] = start_url
    for key, value in overrides.items():
        data[key] = value
    if rate is not None:
        data.setdefault("politeness", {})["rate"] = rate
    cfg = config_from_dict(data, "<make_config>")
    cfg.columns = list(columns or [])
    return cfg


def with_rate(config: CrawlConfig, rate: float | None) -> CrawlConfig:
    if rate is None:
        return config
    problem = out_of_bounds("rate", rate)
    if problem:
        raise ConfigError(f"--rate {problem}，实为 {rate!r}")
    return replace(config, politeness=replace(config.politeness, rate=float(rate)))


def with_limits(config: CrawlConfig, *, max_items_per_column: int | None = None,
                column_time_budget: float | None = None, crawl_time_budget: float | None = None,
                where: str = "命令行") -> CrawlConfig:
    """``config`` with the given limits overridden (None keeps the config's value); checked like the file."""
    given = {"max_items_per_column": max_items_per_column, "column_time_budget": column_time_budget,
             "crawl_time_budget": crawl_time_budget}
    given = {k: v for k, v in given.items() if v is not None}
    if not given:
        return config
    limits = replace(config.limits, **given)
    _check_limits(limits, where, "", names=LIMIT_FLAGS if where == "命令行" else None)
    return replace(config, limits=limits)
