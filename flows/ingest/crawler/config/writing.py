"""Writing a config back as TOML: only what differs from its preset.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .model import COLUMN_TYPES, COMMON_LABELS, CrawlConfig, Limits, Paging, Politeness, Selectors
from .presets import PRESETS
from .validation import _build_dataclass


# --- writing ---------------------------------------------------------------------------------------
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        # JSON string escapes (\" \\ \n \t \uXXXX) are valid TOML basic-string escapes.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def _diff(current: dict, base: dict) -> dict:
    return {k: v for k, v in current.items() if base.get(k) != v}


def config_to_toml(config: CrawlConfig, *, header: str | None = None) -> str:
    """TOML text for ``config``: only what differs from its preset is written out."""
    preset = PRESETS.get(config.preset, {})
    base_paging = asdict(_build_dataclass(Paging, preset.get("paging", {}), "<preset>", "paging"))
    base_sel = asdict(_build_dataclass(Selectors, preset.get("selectors", {}), "<preset>", "selectors"))
    base_labels = dict(COMMON_LABELS, **preset.get("labels", {}))
    lines: list[str] = []
    if header:
        lines += [f"# {line}" if line else "#" for line in header.splitlines()]
        lines.append("")
    lines.append("[portal]")
    portal = {"name": config.name, "preset": config.preset, "county": config.county,
              "base_url": config.base_url, "allowed_hosts": config.allowed_hosts, "contact": config.contact}
    if config.start_url:
        portal["start_url"] = config.start_url
    lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in portal.items()]
    sections = [
        ("politeness", _diff(asdict(config.politeness), asdict(Politeness()))),
        ("limits", _diff(asdict(config.limits), asdict(Limits()))),
        ("paging", _diff(asdict(config.paging), base_paging)),
        ("selectors", _diff(asdict(config.selectors), base_sel)),
        ("labels", _diff(config.labels, base_labels)),
    ]
    if config.doc_date_from_body != preset.get("doc_date_from_body", "if_missing"):
        lines.append(f"doc_date_from_body = {_toml_value(config.doc_date_from_body)}")
    for title, values in sections:
        if values:
            lines += ["", f"[{title}]"]
            lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in values.items()]
    for table, cols in (("columns", config.columns), ("links", config.links)):
        if table == "links" and cols:
            lines += ["", "# 政务公开页上不是栏目的链接（单页、表单、搜索、站外）：不采集、不计数、不查更新。",
                      "# 判断有误时改 kind（column | single_page | form | search | external）。"]
        for col in cols:
            lines += ["", f"[[{table}]]", f"name = {_toml_value(col.name)}", f"url = {_toml_value(col.url)}",
                      f"type = {_toml_value(col.type)}"]
            if table == "links":
                lines.append(f"kind = {_toml_value(col.kind)}")
            if col.reason:
                lines.append(f"reason = {_toml_value(col.reason)}")
            if col.unit:
                lines.append(f"unit = {_toml_value(col.unit)}")
            if col.section:
                lines.append(f"section = {_toml_value(col.section)}")
    return "\n".join(lines) + "\n"


def write_config(config: CrawlConfig, path: str | Path, *, header: str | None = None) -> Path:
    """Write ``config`` as TOML for the office to edit (round-trips through ``load_crawl_config``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if header is None:
        header = (f"采集配置：{config.name}（预设 {config.preset}"
                  + (f"：{config.preset_reason}" if config.preset_reason else "") + "）\n"
                  "栏目 type 取值：" + " | ".join(COLUMN_TYPES) + "\n"
                  "请核对栏目名称、类型与所属单位（unit）后再采集；说明见 docs/crawler.md")
    path.write_text(config_to_toml(config, header=header), encoding="utf-8")
    return path
