"""County job configuration (TOML). Relative paths resolve against the config file's folder (never against
the current directory or the work directory: flows/domain/settings.py).

    county = "华容县"                          # as the bulletin names it
    slug = "huarong"                           # folder and key name: var/out/huarong/…
    registry = "../registry/huarong.csv"
    default_period = "2021H1"
    issuer = "华容县政务公开领导小组办公室"      # who signs the bulletin

    [[sources]]                                # past bulletins and unit reports to ingest
    path = "../bulletins/huarong_2021H1.txt"
    kind = "bulletin"                          # bulletin | unit_report
    period = "2021H1"                          # optional for bulletins: read from the title

    [counts]
    source = "auto"                            # auto | crawl | reported: where the unit counts come from

    [ranking]
    method = "ordinal"                         # ordinal (1..N, ties by display order) | competition

    [checks.blocking]                          # override which checks make the bulletin a draft
    units_known = false

    [alerts]
    urls = []                                  # apprise URLs; ZWGK_ALERT_URLS adds more
    notify_success = false
"""

from __future__ import annotations

import math

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from flows.domain.bounds import out_of_bounds
from flows.domain.config_model import ConfigError
from flows.domain.periods import PeriodError, parse_period
from flows.domain.settings import PROJECT_ROOT, settings  # noqa: F401  (PROJECT_ROOT: re-exported)

DEFAULT_CONFIG = settings().default_config  # under the project root: the same from any current directory
SOURCE_KINDS = ("bulletin", "unit_report")
MAX_CONFIG_BYTES = 1024 * 1024
SLUG = re.compile(r"[a-z0-9_-]{1,64}")  # a folder name under --out: never "..", "/", never too long for a file name
RANKING_METHODS = ("ordinal", "competition")
COUNTS_SOURCES = ("auto", "crawl", "reported")


@dataclass
class Source:
    path: Path
    kind: str = "bulletin"
    period: str | None = None


@dataclass
class CountyConfig:
    path: Path
    county: str
    slug: str
    registry: Path | None
    default_period: str | None = None
    issuer: str = ""
    sources: list[Source] = field(default_factory=list)
    ranking: str = "ordinal"
    blocking: dict[str, bool] = field(default_factory=dict)
    alert_urls: list[str] = field(default_factory=list)
    notify_success: bool = False
    crawl_config: Path | None = None  # [crawl] config: the portal's crawl TOML (docs/crawler.md)
    crawl_demo: bool = False  # [crawl] demo: serve and crawl the bundled synthetic portal
    crawl_store: Path | None = None  # [crawl] store: raw responses (default <warehouse folder>/crawl/<slug>)
    crawl_rate: float | None = None  # [crawl] rate: requests/s override
    # [crawl] max_items_per_column / column_time_budget / crawl_time_budget: override the crawl
    # config's [limits] (docs/crawler.md, "Limits")
    crawl_limits: dict = field(default_factory=dict)
    # [crawl] max_age: a run reuses the county's last complete crawl younger than this (seconds; "6 hours"
    # by default, 0 = always crawl); `zwgk run --recrawl` crawls regardless
    crawl_max_age: float = 6 * 3600
    tolerance: int = 0  # [reconciliation] tolerance: |crawled − reported| allowed per unit
    # [retention] (docs/reliability.md "Retention"): crawls kept whole in the warehouse (older crawls keep only
    # the items no newer crawl has), and the item files (crawl/<slug>/items/*.jsonl) kept per county
    keep_crawls: int = 1
    keep_item_files: int = 3
    rules: dict = field(default_factory=dict)  # [rules]: flows/domain/rules_config.py (defaults filled in)
    counts_source: str = "auto"  # [counts] source: auto (reported when loaded, else the crawl) | crawl | reported
    raw: dict = field(default_factory=dict)

    @property
    def crawls(self) -> bool:
        return bool(self.crawl_config or self.crawl_demo)

    def sources_for(self, period: str) -> list[Source]:
        """Sources whose declared period is this one, plus undeclared ones (period read from the file)."""
        code = parse_period(period).code
        return [s for s in self.sources if s.period is None or parse_period(s.period).code == code]


# Every key a county TOML may hold (README, "Configuration"): a misspelt key is refused with the nearest
# name instead of silently leaving its setting at the default. [rules] is checked by rules_config.
KNOWN_KEYS = {
    "": {"county", "slug", "registry", "default_period", "issuer", "sources", "counts", "crawl", "reconciliation",
         "retention", "ranking", "checks", "rules", "alerts", "annual"},
    "sources": {"path", "kind", "period"},
    "counts": {"source"},
    "crawl": {"demo", "config", "store", "rate", "max_items_per_column", "column_time_budget", "crawl_time_budget",
              "max_age"},
    "reconciliation": {"tolerance"},
    "retention": {"keep_crawls", "item_files"},
    "ranking": {"method"},
    "checks": {"blocking"},
    "alerts": {"urls", "notify_success"},
    "annual": {"deadline_department", "deadline_township", "deadline_county", "county_units", "columns"},
}


def _unknown_keys(data: dict, path: Path) -> None:
    import difflib

    def refuse(key: str, known: set, where: str) -> None:
        near = difflib.get_close_matches(key, sorted(known), n=1)
        hint = f"；是否应为 {near[0]!r}？" if near else f"；可用的键：{', '.join(sorted(known))}"
        raise ConfigError(f"{path}: {where}有未知的键 {key!r}{hint}")

    for key in data:
        if key not in KNOWN_KEYS[""]:
            refuse(key, KNOWN_KEYS[""], "顶层")
    for table, known in KNOWN_KEYS.items():
        value = data.get(table) if table else None
        items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        for i, item in enumerate(items, start=1):
            for key in (item if isinstance(item, dict) else {}):
                if key not in known:
                    refuse(key, known, f"[[{table}]] 第{i}项" if isinstance(value, list) else f"[{table}] ")


def _read_toml(path: Path) -> dict:
    try:
        if path.is_dir():
            raise ConfigError(f"{path}: 这是一个文件夹，不是配置文件（应为 .toml 文件）")
        if path.exists() and (not path.is_file() or path.stat().st_size > MAX_CONFIG_BYTES):
            raise ConfigError(f"{path}: 不是配置文件（应为不超过 1 MB 的 .toml 文本文件）")
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: 配置文件不存在") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: 不是 UTF-8 编码的文本（配置文件应为 UTF-8 的 TOML）") from None
    except OSError as exc:
        raise ConfigError(f"{path}: 无法读取配置文件（{exc.strerror or exc}）") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: 不是有效的 TOML：{exc}") from None


def _crawl_settings(crawl: dict, path: Path) -> tuple[float | None, dict, float]:
    """[crawl] rate, limits and max_age, checked."""
    rate = crawl.get("rate")
    if rate is not None and out_of_bounds("rate", rate):
        raise ConfigError(f"{path}: crawl.rate {out_of_bounds('rate', rate)}，实为 {rate!r}")
    crawl_limits = {}
    for key in ("max_items_per_column", "column_time_budget", "crawl_time_budget"):
        value = crawl.get(key)
        if value is None:
            continue
        if out_of_bounds(key, value):
            raise ConfigError(f"{path}: crawl.{key} {out_of_bounds(key, value)}，实为 {value!r}")
        crawl_limits[key] = value
    max_age = crawl.get("max_age", "6 hours")
    try:
        crawl_max_age = parse_duration(max_age)
        if out_of_bounds("max_age", crawl_max_age):
            raise ValueError(max_age)
    except ValueError:
        raise ConfigError(f"{path}: crawl.max_age 应为一年以内的时长，如 \"6 hours\"、\"30 minutes\"、\"1 day\" 或 0，"
                          f"实为 {max_age!r}") from None
    return (float(rate) if rate else None), crawl_limits, crawl_max_age


def load_config(path: str | Path) -> CountyConfig:
    """A county job from its TOML file; relative paths in it resolve against the file's folder."""
    path = Path(path)
    data = _read_toml(path)
    _unknown_keys(data, path)
    base = path.resolve().parent

    def table(key: str, parent: dict | None = None, name: str | None = None) -> dict:
        value = (data if parent is None else parent).get(key, {})
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: [{name or key}] 应为表（TOML table），实为 {value!r}")
        return value

    def need(key: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{path}: 缺少 {key}（应为非空字符串）")
        return value.strip()

    def rel(value: str | None) -> Path | None:
        if value and not isinstance(value, str):
            raise ConfigError(f"{path}: 路径应为字符串，实为 {value!r}")
        return None if not value else (base / value).resolve()

    sources = []
    if not isinstance(data.get("sources", []), list):
        raise ConfigError(f"{path}: sources 应为 [[sources]] 表的列表")
    for i, item in enumerate(data.get("sources", []), start=1):
        if not isinstance(item, dict) or "path" not in item:
            raise ConfigError(f"{path}: sources 第{i}项缺少 path")
        kind = item.get("kind", "bulletin")
        if kind not in SOURCE_KINDS:
            raise ConfigError(f"{path}: sources 第{i}项 kind 应为 {' / '.join(SOURCE_KINDS)}，实为 {kind!r}")
        period = item.get("period")
        if period is not None:
            try:
                period = parse_period(str(period)).code
            except PeriodError as exc:
                raise ConfigError(f"{path}: sources 第{i}项 period：{exc}") from None
        if not isinstance(item["path"], str) or not item["path"].strip():
            raise ConfigError(f"{path}: sources 第{i}项 path 应为非空字符串")
        sources.append(Source(path=rel(item["path"]), kind=kind, period=period))
    ranking = table("ranking").get("method", "ordinal")
    if ranking not in RANKING_METHODS:
        raise ConfigError(f"{path}: ranking.method 应为 {' / '.join(RANKING_METHODS)}，实为 {ranking!r}")
    blocking = table("blocking", table("checks"), "checks.blocking")
    if not all(isinstance(v, bool) for v in blocking.values()):
        raise ConfigError(f"{path}: checks.blocking 的值应为 true / false")
    alerts = table("alerts")
    urls = alerts.get("urls", [])
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise ConfigError(f"{path}: alerts.urls 应为字符串列表，实为 {urls!r}")
    crawl = data.get("crawl", {})
    if not isinstance(crawl, dict):
        raise ConfigError(f"{path}: [crawl] 应为表")
    tolerance = table("reconciliation").get("tolerance", 0)
    if not isinstance(tolerance, int) or tolerance < 0:
        raise ConfigError(f"{path}: reconciliation.tolerance 应为非负整数，实为 {tolerance!r}")
    rate, crawl_limits, crawl_max_age = _crawl_settings(crawl, path)
    retention = table("retention")
    keep = {k: retention.get(k, d) for k, d in (("keep_crawls", 1), ("item_files", 3))}
    for key, value in keep.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
            raise ConfigError(f"{path}: retention.{key} 应为 1 到 1000 之间的整数，实为 {value!r}")
    from flows.domain.rules_config import RulesConfigError, rules_settings

    try:
        rules = rules_settings(data.get("rules"), str(path))
    except RulesConfigError as exc:
        raise ConfigError(str(exc)) from None
    counts = data.get("counts", {})
    if not isinstance(counts, dict):
        raise ConfigError(f"{path}: [counts] 应为表")
    counts_source = counts.get("source", "auto")
    if counts_source not in COUNTS_SOURCES:
        raise ConfigError(f"{path}: counts.source 应为 {' / '.join(COUNTS_SOURCES)}，实为 {counts_source!r}")
    default_period = data.get("default_period")
    if default_period:
        default_period = _default_period(str(default_period), path)
    slug = need("slug")
    if not SLUG.fullmatch(slug):
        raise ConfigError(f"{path}: slug 只能由小写字母、数字、- 和 _ 组成、最长 64 个字符（用作输出文件夹名），"
                          f"实为 {slug[:80]!r}{'…' if len(slug) > 80 else ''}")
    return CountyConfig(
        path=path.resolve(), county=need("county"), slug=slug, registry=rel(data.get("registry")),
        default_period=default_period, issuer=data.get("issuer", ""), sources=sources, ranking=ranking,
        blocking=dict(blocking), alert_urls=list(alerts.get("urls", [])),
        notify_success=bool(alerts.get("notify_success", False)),
        crawl_config=rel(crawl.get("config")), crawl_demo=bool(crawl.get("demo", False)),
        crawl_store=rel(crawl.get("store")), crawl_rate=rate, crawl_limits=crawl_limits,
        crawl_max_age=crawl_max_age, tolerance=tolerance, keep_crawls=keep["keep_crawls"],
        keep_item_files=keep["item_files"],
        rules=rules, counts_source=counts_source,
        raw=data,
    )


DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z\u4e00-\u9fff]*)\s*")
DURATION_UNITS = {
    1: ("", "s", "sec", "secs", "second", "seconds", "秒"),
    60: ("m", "min", "mins", "minute", "minutes", "分钟"),
    3600: ("h", "hr", "hrs", "hour", "hours", "小时"),
    86400: ("d", "day", "days", "天"),
}


def parse_duration(value) -> float:
    """Seconds in a duration: a number of seconds, or "6 hours", "30 minutes", "1 day", "90s", "2 小时".
    Raises ValueError for anything else (negative, unknown unit, not a string or number)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or value < 0:
            raise ValueError(value)
        return float(value)
    match = DURATION.fullmatch(value.lower()) if isinstance(value, str) else None
    if not match:
        raise ValueError(value)
    for seconds, names in DURATION_UNITS.items():
        if match[2] in names:
            return float(match[1]) * seconds
    raise ValueError(value)


LATEST_KINDS = ("half", "year", "quarter", "month")


def _default_period(value: str, path: Path) -> str:
    """A period code, or ``latest`` / ``latest:KIND`` (the period of that kind just ended, at run time)."""
    if value.startswith("latest"):
        kind = value.partition(":")[2] or "half"
        if value not in ("latest", f"latest:{kind}") or kind not in LATEST_KINDS:
            raise ConfigError(f"{path}: default_period 应为期间（如 2021H1）或 latest、latest:quarter 等，实为 {value!r}")
        return value
    try:
        return parse_period(value).code
    except PeriodError as exc:
        raise ConfigError(f"{path}: default_period：{exc}") from None
