"""Crawl configuration: one TOML file per county portal, on top of a CMS preset.

A config names the portal (base URL, allowed hosts, contact for the User-Agent), the disclosure
columns (name, list URL, column type for the freshness rules, owning unit), how list pages paginate,
how list items and article pages are read (CSS selectors) and how metadata labels map to fields.
Anything the file leaves out comes from its preset, so a new portal needs selectors only where its
template differs. The format is documented with an example in docs/crawler.md.

Presets (docs/domain.md §5, "How county portals are built"):

- ``trs``: TRS WCM. Lists ``index.html``, ``index_1.html`` …; page count in
  ``createPageHTML(count, current, "index", "html")``; body in ``div.TRS_Editor``.
- ``hanweb``: Hanweb/大汉 JCMS. Lists ``/col/col{ID}/index.html`` with items in an XML
  ``<datastore>`` (CDATA ``<li>`` records); further records by POST to
  ``/module/web/jpage/dataproxy.jsp`` with ``startrecord``/``endrecord``/``perpage``.
- ``yueyang``: the Yueyang-family template of Huarong's portal. Lists ``index.htm``,
  ``index_1.htm`` …, "1/37页" page counts; items ``ul > li > a[title] + span``; articles
  ``content_{id}.html`` with ``<meta name="ArticleTitle|PubDate|ContentSource">`` and the labels
  索引号 / 发布机构 / 公开范围 / 生成日期 / 公开日期 / 公开方式.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

COLUMN_TYPES = ("dynamics", "notice", "policy", "normative", "personnel", "plan", "annual_report",
                "budget", "other")
PAGING_KINDS = ("yueyang", "trs", "hanweb", "next", "none")
META_FIELDS = ("index_number", "topic", "unit_raw", "doc_date", "publish_date", "doc_number", "title")
DOC_DATE_FROM_BODY = ("never", "if_missing", "if_same_as_publish")

USER_AGENT = "zwgk-crawler/0.1 (+政务公开办; {contact})"

# Metadata labels every preset understands (the presets add or override). docs/domain.md §5:
# Huarong prints 索引号/发布机构/生成日期/公开日期; other portals 成文日期/发布日期/文号/主题分类/发文机关/公开主体.
COMMON_LABELS = {
    "索引号": "index_number", "索 引 号": "index_number",
    "主题分类": "topic", "主题词": "topic", "分类": "topic", "信息分类": "topic",
    "发布机构": "unit_raw", "发文机关": "unit_raw", "公开主体": "unit_raw", "发布单位": "unit_raw",
    "发文单位": "unit_raw", "信息来源": "unit_raw", "来源": "unit_raw",
    "成文日期": "doc_date", "生成日期": "doc_date", "形成日期": "doc_date", "印发日期": "doc_date",
    "发布日期": "publish_date", "公开日期": "publish_date", "发布时间": "publish_date",
    "文号": "doc_number", "发文字号": "doc_number", "文件编号": "doc_number",
    "标题": "title", "名称": "title", "信息名称": "title",
}


class ConfigError(ValueError):
    """A config that cannot be used; the message names the file, the key and what was expected."""


# --- the model -------------------------------------------------------------------------------------
@dataclass
class Column:
    name: str
    url: str
    type: str = "other"
    unit: str | None = None      # the unit owning the column (canonical name when known)
    section: str | None = None   # the section the column was found under (discovery)


@dataclass
class Politeness:
    rate: float = 2.0             # requests per second per host
    concurrency: int = 4          # columns crawled at once (and requests in flight)
    timeout: float = 15.0         # connect/read timeout, seconds
    total_timeout: float = 60.0   # a whole response must arrive within this (slow-drip servers)
    retries: int = 3              # retries on 5xx, timeouts and dropped connections (never 4xx)
    backoff: float = 1.0          # first retry after this many seconds, doubling each time
    max_backoff: float = 30.0
    max_bytes: int = 5_000_000    # responses larger than this (decoded) are aborted and recorded too_large
    max_redirects: int = 5
    obey_robots: bool = True
    max_retry_after: float = 120.0  # a 429/503 Retry-After up to this is waited for; longer: give up for now
    robots_retry: float = 600.0   # an unreadable robots.txt (5xx, timeout) is asked for again after this


@dataclass
class Limits:
    """Bounds on one crawl (docs/crawler.md, "Limits"): a column or crawl that hits one is incomplete."""
    max_items_per_column: int = 5000     # list entries taken from one column in one crawl
    column_time_budget: float = 7200.0   # seconds one column may take in one crawl
    crawl_time_budget: float = 21600.0   # seconds the whole crawl may take


@dataclass
class Paging:
    kind: str = "next"                                # yueyang | trs | hanweb | next | none
    max_pages: int = 200
    next_text: list[str] = field(default_factory=lambda: ["下一页", "下页"])
    page_count_regex: str = r"(\d+)\s*/\s*(\d+)\s*页"  # yueyang: current/total
    page_url_template: str = "index_{n}.htm"           # page n (1-based after the head page)
    hanweb_proxy: str = "/module/web/jpage/dataproxy.jsp"
    hanweb_perpage: int = 20
    hanweb_batch: int = 60                             # records per dataproxy request


@dataclass
class Selectors:
    list_container: list[str] = field(default_factory=list)  # first match holds the list
    list_item: str = "li"
    list_link: str = "a"
    list_title_attr: str = "title"
    list_date: str = "span"
    article_title: list[str] = field(default_factory=lambda: ["meta[name=ArticleTitle]", "h1", "title"])
    article_body: list[str] = field(default_factory=list)
    meta_container: list[str] = field(default_factory=list)
    meta_publish_date: str = "PubDate"     # <meta name=…> holding the publish date
    meta_unit: str = "ContentSource"       # <meta name=…> holding the publishing unit


@dataclass
class CrawlConfig:
    name: str
    base_url: str
    preset: str = "yueyang"
    county: str = ""
    allowed_hosts: list[str] = field(default_factory=list)
    contact: str = ""
    start_url: str | None = None
    columns: list[Column] = field(default_factory=list)
    paging: Paging = field(default_factory=Paging)
    selectors: Selectors = field(default_factory=Selectors)
    labels: dict[str, str] = field(default_factory=dict)
    politeness: Politeness = field(default_factory=Politeness)
    doc_date_from_body: str = "if_missing"
    source: str | None = None  # the file it was read from
    limits: Limits = field(default_factory=Limits)

    @property
    def user_agent(self) -> str:
        return USER_AGENT.format(contact=self.contact or "未填联系方式")

    def host_allowed(self, url: str) -> bool:
        return host_allowed(url, self.allowed_hosts)

    def column(self, name_or_url: str) -> Column | None:
        return next((c for c in self.columns if name_or_url in (c.name, c.url)), None)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("source", None)
        return d


def host_allowed(url: str, allowed_hosts: list[str]) -> bool:
    """An entry ``host`` allows any port, ``host:port`` that port only, ``*.example.cn`` subdomains."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    host = parts.hostname.lower()
    netloc = f"{host}:{parts.port}" if parts.port else host
    for entry in allowed_hosts:
        entry = entry.lower().strip()
        if entry.startswith("*."):
            if host == entry[2:] or host.endswith(entry[1:]):
                return True
        elif entry in (host, netloc):
            return True
    return False


# --- presets ---------------------------------------------------------------------------------------
PRESETS: dict[str, dict[str, Any]] = {
    "yueyang": {
        "paging": {"kind": "yueyang", "page_url_template": "index_{n}.htm",
                   "page_count_regex": r"(\d+)\s*/\s*(\d+)\s*页"},
        "selectors": {
            "list_container": ["div.list_right", "div.xxgk_list", "div.list-box", "div.listbox",
                               "ul.list_ul", "div.list", "ul.list"],
            "list_item": "li", "list_link": "a", "list_title_attr": "title", "list_date": "span",
            "article_title": ["meta[name=ArticleTitle]", "div.article h1", "h1", "title"],
            "article_body": ["div#zoom", "div.zoom", "div.article_content", "div.content", "div#content"],
            "meta_container": ["div.xxgk_table", "table.xxgk_table", "div.xxgk-info", "div.info_table"],
        },
        "labels": {"生成日期": "doc_date", "公开日期": "publish_date", "发布机构": "unit_raw",
                   "索引号": "index_number"},
        "doc_date_from_body": "if_missing",
    },
    "trs": {
        "paging": {"kind": "trs", "page_url_template": "index_{n}.html"},
        "selectors": {
            "list_container": ["div.list", "ul.list", "div.xxgk_list", "div.zfxxgk_zdgkc", "div.gl_list",
                               "div.listbox", "div.news_list", "table.list"],
            "list_item": "li", "list_link": "a", "list_title_attr": "title", "list_date": "span",
            "article_title": ["meta[name=ArticleTitle]", "div.article h1", "h1", "title"],
            "article_body": ["div.TRS_Editor", "div.trs_editor_view", "div#zoom", "div.view"],
            "meta_container": ["div.xxgk_table", "table.xxgk", "div.zwgk_info", "div.xxgk-info",
                               "table.table_xxgk", "div.info"],
        },
        "labels": {},
        "doc_date_from_body": "if_missing",
    },
    "hanweb": {
        "paging": {"kind": "hanweb", "hanweb_proxy": "/module/web/jpage/dataproxy.jsp",
                   "hanweb_perpage": 20, "hanweb_batch": 60},
        "selectors": {
            "list_container": [], "list_item": "li", "list_link": "a", "list_title_attr": "title",
            "list_date": "span",
            "article_title": ["meta[name=ArticleTitle]", "div.main-txt h1", "h1", "title"],
            "article_body": ["div#zoom", "div.main-txt", "td.bt_content", "div.bt_content", "div.article"],
            "meta_container": ["table.xxgk_table", "div.xxgk_table", "table.gov_info", "div.info"],
        },
        "labels": {},
        "doc_date_from_body": "if_missing",
    },
}


# --- column types --------------------------------------------------------------------------------
_TYPE_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("annual_report", ("年报", "年度报告")),
    ("normative", ("规范性文件",)),
    ("budget", ("预决算", "预算", "决算", "财政", "三公", "资金")),
    ("notice", ("通知公告", "公示公告", "通知", "公告")),
    ("policy", ("政策文件", "政策解读", "政府文件", "政策")),
    ("personnel", ("人事",)),
    ("plan", ("规划计划", "规划", "计划")),
    ("dynamics", ("动态", "要闻", "工作", "新闻")),
]


def infer_column_type(name: str) -> str:
    """Column type from its name by keywords (动态/要闻/工作→dynamics, 通知公告→notice, …, else other)."""
    for kind, words in _TYPE_KEYWORDS:
        if any(w in name for w in words):
            return kind
    return "other"


# --- loading ---------------------------------------------------------------------------------------
def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


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
        kwargs[key] = value
    return cls(**kwargs)


def config_from_dict(data: dict, where: str = "<config>") -> CrawlConfig:
    """Build and validate a config from a parsed TOML dict (preset merged underneath)."""
    portal = data.get("portal")
    if not isinstance(portal, dict):
        raise ConfigError(f"{where}: 缺少 [portal] 表（应含 name、base_url、preset、allowed_hosts）")
    preset = portal.get("preset", "yueyang")
    if preset not in PRESETS:
        raise ConfigError(f"{where}: portal.preset 应为 {' | '.join(PRESETS)} 之一，实为 {preset!r}")
    merged = _merge(PRESETS[preset], {k: v for k, v in data.items() if k != "portal"})
    allowed_top = {"portal", "paging", "selectors", "labels", "politeness", "limits", "columns",
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

    columns: list[Column] = []
    raw_columns = data.get("columns", [])
    if not isinstance(raw_columns, list):
        raise ConfigError(f"{where}: columns 应写成 [[columns]] 表数组")
    seen_urls: dict[str, int] = {}
    for i, col in enumerate(raw_columns, start=1):
        key = f"columns[{i}]"
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
            if k not in ("name", "url", "type", "unit", "section"):
                raise ConfigError(f"{where}: {key} 中未知的键 {k!r}；可用：name、url、type、unit、section")
        url = urljoin(base_url.rstrip("/") + "/", col["url"].strip())
        if not host_allowed(url, hosts):
            raise ConfigError(f"{where}: {key}.url {url} 不在 portal.allowed_hosts {hosts} 之内")
        if url in seen_urls:
            raise ConfigError(f"{where}: {key}.url 与第{seen_urls[url]}个栏目重复：{url}")
        seen_urls[url] = i
        columns.append(Column(name=col["name"].strip(), url=url, type=ctype,
                              unit=(col.get("unit") or None), section=(col.get("section") or None)))

    return CrawlConfig(
        name=portal["name"].strip(), base_url=base_url, preset=preset,
        county=str(portal.get("county", "")), allowed_hosts=hosts, contact=str(portal.get("contact", "")),
        start_url=portal.get("start_url"), columns=columns, paging=paging, selectors=selectors,
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
    for col in config.columns:
        lines += ["", "[[columns]]", f"name = {_toml_value(col.name)}", f"url = {_toml_value(col.url)}",
                  f"type = {_toml_value(col.type)}"]
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
        header = (f"采集配置：{config.name}（预设 {config.preset}）\n"
                  "栏目 type 取值：" + " | ".join(COLUMN_TYPES) + "\n"
                  "请核对栏目名称、类型与所属单位（unit）后再采集；说明见 docs/crawler.md")
    path.write_text(config_to_toml(config, header=header), encoding="utf-8")
    return path


# --- discovery -------------------------------------------------------------------------------------
_LIST_URL = {
    "yueyang": re.compile(r"/index(?:_\d+)?\.html?$|/$"),
    "trs": re.compile(r"/index(?:_\d+)?\.s?html?$|/$"),
    "hanweb": re.compile(r"/col/col\d+/index\.html?$"),
}
_SECTION_TITLE = ("h1", "h2", "h3", "h4", "h5", "h6", "dt", "legend", "caption")
_TITLE_CLASS = re.compile(r"(?:^|[\s_-])(?:tit|title|name|hd|head|bt)(?:$|[\s_-])", re.I)


_NAV_WORDS = {"首页", "网站首页", "返回首页", "上一页", "下一页", "尾页", "末页", "网站地图", "无障碍", "返回", "关闭"}
_MORE_WORDS = {"更多", "更多>>", "更多>", ">>", "more", "MORE", "更多+", "+更多"}


def _section_title(node) -> str | None:
    """The heading of the innermost section holding ``node`` (a preceding h1-h6/dt/.title sibling)."""
    cur = node
    for _ in range(8):
        parent = cur.parent
        if parent is None or parent.tag in ("body", "html"):
            return None
        sib = cur.prev
        while sib is not None:
            if sib.is_element_node:
                cls = sib.attributes.get("class") or ""
                if sib.tag in _SECTION_TITLE or _TITLE_CLASS.search(cls):
                    text = sib.text(deep=True, strip=True)
                    if text:
                        return re.sub(r"\s+", "", text)
            sib = sib.prev
        cur = parent
    return None


def discover_config(preset: str, start_url: str, registry=None, rate: float | None = None, *,
                    name: str | None = None, allowed_hosts: list[str] | None = None, contact: str = "",
                    county: str | None = None, follow_units: bool = True, max_unit_pages: int = 100,
                    fetcher=None) -> CrawlConfig:
    """Discover the disclosure columns from the portal's 政务公开 index page.

    Links that look like list pages of the preset become columns, named after their link text and
    typed by keywords (``infer_column_type``); the enclosing section's heading, resolved through the
    registry when one is given, becomes the column's unit. With a registry, a link whose text is a
    unit's name is followed once (the unit's own catalogue page) and its column links are taken with
    that unit. Robots.txt, the rate limit and the allowed hosts apply as in a crawl.
    """
    from .fetch import Fetcher
    from .parse import parse_html

    if preset not in PRESETS:
        raise ConfigError(f"--preset 应为 {' | '.join(PRESETS)} 之一，实为 {preset!r}")
    parts = urlsplit(start_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"--start 应为 http(s):// 网址，实为 {start_url!r}")
    base_url = f"{parts.scheme}://{parts.netloc}"
    config = make_config(preset, base_url, name=name, allowed_hosts=allowed_hosts or [parts.netloc],
                         county=county if county is not None else (getattr(registry, "county", "") or ""),
                         contact=contact, start_url=start_url, rate=rate)
    own = fetcher is None
    fetcher = fetcher or Fetcher(config.politeness, config.allowed_hosts, user_agent=config.user_agent)
    list_re = _LIST_URL[preset]

    def resolve(text: str | None):
        if not text or registry is None:
            return None
        return registry.resolve(text)

    columns: dict[str, Column] = {}
    start_dir = (urlsplit(start_url).path or "/").rsplit("/", 1)[0] + "/"
    try:
        res = fetcher.fetch(start_url, kind="discover")
        if res.outcome != "ok":
            raise ConfigError(f"{start_url}: 无法读取政务公开首页（{res.outcome}：{res.reason}）")
        unit_pages: list[tuple[str, str]] = []

        def collect(html: str, page_url: str, forced_unit=None) -> None:
            tree = parse_html(html)
            for a in tree.css("a[href]"):
                href = (a.attributes.get("href") or "").strip()
                if not href or href.startswith(("javascript:", "#", "mailto:")):
                    continue
                url = urljoin(page_url, href).split("#")[0]
                if not config.host_allowed(url) or url == page_url:
                    continue
                text = re.sub(r"\s+", "", a.attributes.get("title") or a.text(deep=True, strip=True))
                if not text:
                    continue
                link_unit = resolve(text) if forced_unit is None else None
                if link_unit is not None and follow_units:
                    unit_pages.append((url, link_unit.unit))
                    continue
                path = urlsplit(url).path or "/"
                if not list_re.search(path) or text in _NAV_WORDS:
                    continue
                if start_dir.startswith(path.rsplit("/", 1)[0] + "/"):
                    continue  # the site's home or the start page's own folder: navigation, not a column
                section = _section_title(a)
                if text in _MORE_WORDS:
                    if not section:
                        continue
                    text = section
                unit = forced_unit or resolve(section)
                unit_name = unit if isinstance(unit, str) else (unit.unit if unit else None)
                if url in columns:
                    continue
                label = f"{section}/{text}" if section and section != text else text
                if forced_unit and not (section and resolve(section)):
                    label = f"{forced_unit}/{text}"
                columns[url] = Column(name=label, url=url, type=infer_column_type(text), unit=unit_name,
                                      section=section if not forced_unit else forced_unit)

        collect(res.text or "", res.final_url)
        seen_pages = {start_url}
        for url, unit_name in unit_pages[:max_unit_pages]:
            if url in seen_pages:
                continue
            seen_pages.add(url)
            sub = fetcher.fetch(url, kind="discover")
            if sub.outcome == "ok":
                collect(sub.text or "", sub.final_url, forced_unit=unit_name)
    finally:
        if own:
            fetcher.close()
    config.columns = list(columns.values())
    return config


def with_rate(config: CrawlConfig, rate: float | None) -> CrawlConfig:
    if rate is None:
        return config
    if rate <= 0:
        raise ConfigError(f"--rate 应为正数（每秒请求数），实为 {rate!r}")
    return replace(config, politeness=replace(config.politeness, rate=float(rate)))


LIMIT_FLAGS = {"max_items_per_column": "--max-items", "column_time_budget": "--column-budget",
               "crawl_time_budget": "--time-budget"}


def _check_limits(limits: Limits, where: str, prefix: str, names: dict[str, str] | None = None) -> None:
    for key in LIMIT_FLAGS:
        value = getattr(limits, key)
        if value <= 0:
            label = (names or {}).get(key, f"{prefix}{key}")
            what = "正整数（条）" if key == "max_items_per_column" else "正数（秒）"
            raise ConfigError(f"{where}: {label} 应为{what}，实为 {value!r}")


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
