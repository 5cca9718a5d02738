"""Loading a config: a TOML file or dict on top of its preset, a config made from a preset in code,
and copies with another rate or other limits.
"""

from __future__ import annotations

import copy

from flows.domain.bounds import out_of_bounds
import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from .model import (
    COLUMN_TYPES,
    COMMON_LABELS,
    LINK_KINDS,
    Column,
    ConfigError,
    CrawlConfig,
    DOC_DATE_FROM_BODY,
    Limits,
    META_FIELDS,
    PAGING_KINDS,
    Paging,
    Politeness,
    Selectors,
    host_allowed,
)
from .presets import PRESETS, infer_column_type
from .validation import LIMIT_FLAGS, _as_list, _build_dataclass, _check_limits


# --- loading ---------------------------------------------------------------------------------------
def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _columns_and_links(data: dict, where: str, base_url: str, hosts: list[str]) -> tuple[list[Column], list[Column]]:
    """``[[columns]]`` and ``[[links]]``, routed by ``kind``: a column is crawled; any other kind is a link
    listed for the office (docs/crawler.md, "Discovery")."""
    columns: list[Column] = []
    links: list[Column] = []
    raw_columns = data.get("columns", [])
    raw_links = data.get("links", [])
    if not isinstance(raw_columns, list):
        raise ConfigError(f"{where}: columns 应写成 [[columns]] 表数组")
    if not isinstance(raw_links, list):
        raise ConfigError(f"{where}: links 应写成 [[links]] 表数组")
    seen_urls: dict[str, int] = {}
    entries = [(f"columns[{i}]", col, "column") for i, col in enumerate(raw_columns, start=1)]
    entries += [(f"links[{i}]", col, None) for i, col in enumerate(raw_links, start=1)]
    for i, (key, col, default_kind) in enumerate(entries, start=1):
        if not isinstance(col, dict):
            raise ConfigError(f"{where}: {key} 应为表（name、url、type、unit）")
        for req in ("name", "url"):
            if not isinstance(col.get(req), str) or not col[req].strip():
                raise ConfigError(f"{where}: {key}.{req} 应为非空字符串（第{i}个栏目）")
        ctype = col.get("type") or infer_column_type(col["name"])
        if ctype not in COLUMN_TYPES:
            raise ConfigError(f"{where}: {key}.type（{col['name']}）应为 {' | '.join(COLUMN_TYPES)} 之一，"
                              f"实为 {ctype!r}")
        for k in col:
            if k not in ("name", "url", "type", "unit", "section", "kind", "reason"):
                raise ConfigError(f"{where}: {key} 中未知的键 {k!r}；可用：name、url、type、unit、section、kind、reason")
        kind = col.get("kind") or default_kind
        if kind not in LINK_KINDS:
            raise ConfigError(f"{where}: {key}.kind（{col['name']}）应为 {' | '.join(LINK_KINDS)} 之一，实为 {kind!r}")
        url = urljoin(base_url.rstrip("/") + "/", col["url"].strip())
        if kind != "column":  # listed for the office, never fetched: any host, no duplicate check
            links.append(Column(name=col["name"].strip(), url=url, type=ctype, unit=(col.get("unit") or None),
                                section=(col.get("section") or None), kind=kind, reason=str(col.get("reason") or "")))
            continue
        if not host_allowed(url, hosts):
            raise ConfigError(f"{where}: {key}.url {url} 不在 portal.allowed_hosts {hosts} 之内")
        if url in seen_urls:
            raise ConfigError(f"{where}: {key}.url 与第{seen_urls[url]}个栏目重复：{url}")
        seen_urls[url] = i
        columns.append(Column(name=col["name"].strip(), url=url, type=ctype,
                              unit=(col.get("unit") or None), section=(col.get("section") or None),
                              reason=str(col.get("reason") or "")))

    return columns, links


def config_from_dict(data: dict, where: str = "<config>") -> CrawlConfig:
    """Build and validate a config from a parsed TOML dict (preset merged underneath)."""
    portal = data.get("portal")
    if not isinstance(portal, dict):
        raise ConfigError(f"{where}: 缺少 [portal] 表（应含 name、base_url、preset、allowed_hosts）")
    preset = portal.get("preset", "yueyang")
    if preset not in PRESETS:
        raise ConfigError(f"{where}: portal.preset 应为 {' | '.join(PRESETS)} 之一，实为 {preset!r}")
    merged = _merge(PRESETS[preset], {k: v for k, v in data.items() if k != "portal"})
    allowed_top = {"portal", "paging", "selectors", "labels", "politeness", "limits", "columns", "links",
                   "doc_date_from_body"}
    for key in data:
        if key not in allowed_top:
            raise ConfigError(f"{where}: 未知的表或键 {key!r}；可用：{', '.join(sorted(allowed_top))}")
    for key in ("name", "base_url"):
        if not isinstance(portal.get(key), str) or not portal[key].strip():
            raise ConfigError(f"{where}: portal.{key} 应为非空字符串")
    base_url = portal["base_url"].strip()
    if urlsplit(base_url).scheme not in ("http", "https"):
        raise ConfigError(f"{where}: portal.base_url 应以 http:// 或 https:// 开头，实为 {base_url!r}")
    known_portal = {"name", "base_url", "preset", "county", "allowed_hosts", "contact", "start_url"}
    for key in portal:
        if key not in known_portal:
            raise ConfigError(f"{where}: [portal] 中未知的键 {key!r}；可用：{', '.join(sorted(known_portal))}")
    hosts = _as_list(portal.get("allowed_hosts")) or [urlsplit(base_url).hostname or ""]
    if not all(isinstance(h, str) and h for h in hosts):
        raise ConfigError(f"{where}: portal.allowed_hosts 应为主机名列表，实为 {hosts!r}")

    paging = _build_dataclass(Paging, merged.get("paging", {}), where, "paging")
    if paging.kind not in PAGING_KINDS:
        raise ConfigError(f"{where}: paging.kind 应为 {' | '.join(PAGING_KINDS)} 之一，实为 {paging.kind!r}")
    try:
        re.compile(paging.page_count_regex)
    except re.error as exc:
        raise ConfigError(f"{where}: paging.page_count_regex 不是有效的正则表达式（{exc}）") from None
    _check_api(paging, where)
    if "{n}" not in paging.page_url_template:
        raise ConfigError(f"{where}: paging.page_url_template 应含 {{n}}，实为 {paging.page_url_template!r}")
    selectors = _build_dataclass(Selectors, merged.get("selectors", {}), where, "selectors")
    politeness = _build_dataclass(Politeness, merged.get("politeness", {}), where, "politeness")
    if politeness.rate <= 0:
        raise ConfigError(f"{where}: politeness.rate 应为正数（每秒请求数），实为 {politeness.rate!r}")
    if politeness.concurrency < 1:
        raise ConfigError(f"{where}: politeness.concurrency 应为 ≥1 的整数，实为 {politeness.concurrency!r}")
    for key in ("max_retry_after", "robots_retry"):
        if getattr(politeness, key) < 0:
            raise ConfigError(f"{where}: politeness.{key} 应为非负秒数，实为 {getattr(politeness, key)!r}")
    limits = _build_dataclass(Limits, merged.get("limits", {}), where, "limits")
    _check_limits(limits, where, "limits.")

    labels = dict(COMMON_LABELS)
    raw_labels = merged.get("labels", {})
    if not isinstance(raw_labels, dict):
        raise ConfigError(f"{where}: [labels] 应为 标签 = 字段 的表")
    for label, fld in raw_labels.items():
        if fld not in META_FIELDS and fld != "ignore":
            raise ConfigError(f"{where}: labels.{label} 应为 {' | '.join(META_FIELDS)} | ignore 之一，实为 {fld!r}")
        labels[label] = fld
    doc_date_from_body = merged.get("doc_date_from_body", "if_missing")
    if doc_date_from_body not in DOC_DATE_FROM_BODY:
        raise ConfigError(f"{where}: doc_date_from_body 应为 {' | '.join(DOC_DATE_FROM_BODY)} 之一，"
                          f"实为 {doc_date_from_body!r}")

    columns, links = _columns_and_links(data, where, base_url, hosts)

    return CrawlConfig(
        name=portal["name"].strip(), base_url=base_url, preset=preset,
        county=str(portal.get("county", "")), allowed_hosts=hosts, contact=str(portal.get("contact", "")),
        start_url=portal.get("start_url"), columns=columns, links=links, paging=paging, selectors=selectors,
        labels=labels, politeness=politeness, doc_date_from_body=doc_date_from_body, source=where,
        limits=limits,
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


def _check_api(paging: Paging, where: str) -> None:
    """``[paging.api]``: only the ApiSpec's keys, a url, and kind = "api" to use it."""
    from dataclasses import fields as dc_fields

    from ..parse.api_lists import ApiSpec

    if not isinstance(paging.api, dict):
        raise ConfigError(f"{where}: paging.api 应为表（[paging.api]），实为 {paging.api!r}")
    if not paging.api and paging.kind != "api":
        return
    known = {f.name for f in dc_fields(ApiSpec)}
    unknown = sorted(set(paging.api) - known)
    if unknown:
        raise ConfigError(f"{where}: [paging.api] 中未知的键 {unknown[0]!r}；可用的键：{', '.join(sorted(known))}")
    if not str(paging.api.get("url") or "").strip():
        raise ConfigError(f"{where}: paging.kind = \"api\" 时 [paging.api] 应有 url（接口地址，可含 {{page}} {{start}} {{size}} {{id}}）")
    for key in ("page_size", "first_page"):
        value = paging.api.get(key, 1)
        if isinstance(value, bool) or not isinstance(value, int) or value < (1 if key == "page_size" else 0):
            raise ConfigError(f"{where}: paging.api.{key} 应为{'正' if key == 'page_size' else '非负'}整数，实为 {value!r}")
    if str(paging.api.get("method", "GET")).upper() not in ("GET", "POST"):
        raise ConfigError(f"{where}: paging.api.method 应为 GET 或 POST，实为 {paging.api.get('method')!r}")
    if paging.api.get("id_regex"):
        try:
            re.compile(paging.api["id_regex"])
        except re.error as exc:
            raise ConfigError(f"{where}: paging.api.id_regex 不是有效的正则表达式（{exc}）") from None


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
