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
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from flows.domain.bounds import out_of_bounds
from flows.domain.config_model import ConfigError, Table, validated
from flows.domain.periods import PeriodError, parse_period
from flows.domain.settings import settings

DEFAULT_CONFIG = settings().default_config  # under the project root: the same from any current directory
MAX_CONFIG_BYTES = 1024 * 1024
SLUG = re.compile(r"[a-z0-9_-]{1,64}")  # a folder name under --out: never "..", "/", never too long for a file name


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
    quotas: dict = field(default_factory=dict)  # [quotas]: {"per": "month", "minimum": {category: n}} (or {})
    # [scoring]: {"rank_by": "score", "count_source": "本县门户采用", "weights": {source: points}} (or {})
    scoring: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict)

    @property
    def crawls(self) -> bool:
        return bool(self.crawl_config or self.crawl_demo)

    def sources_for(self, period: str) -> list[Source]:
        """Sources whose declared period is this one, plus undeclared ones (period read from the file)."""
        code = parse_period(period).code
        return [s for s in self.sources if s.period is None or parse_period(s.period).code == code]


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


def _default_period(value: str) -> str:
    """A period code, or ``latest`` / ``latest:KIND`` (the period of that kind just ended, at run time)."""
    if value.startswith("latest"):
        kind = value.partition(":")[2] or "half"
        if value not in ("latest", f"latest:{kind}") or kind not in LATEST_KINDS:
            raise ValueError(f"应为期间（如 2021H1）或 latest、latest:quarter 等，实为 {value!r}")
        return value
    try:
        return parse_period(value).code
    except PeriodError as exc:
        raise ValueError(f"：{exc}") from None


class SourceTable(Table):
    """[[sources]]: a past bulletin or a unit report to ingest."""
    path: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    kind: Literal["bulletin", "unit_report", "adoptions"] = "bulletin"
    period: str | None = None  # optional for bulletins: read from the title; required for adoptions

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, value):
        try:
            return None if value is None else parse_period(str(value)).code
        except PeriodError as exc:
            raise ValueError(f"：{exc}") from None

    @model_validator(mode="after")
    def _adoptions_period(self):
        if self.kind == "adoptions" and self.period is None:
            raise ValueError("kind = \"adoptions\" 的采用情况表须写明 period（如 \"2021H1\"）")
        return self


class CrawlTable(Table):
    """[crawl]: the portal to crawl and how (docs/crawler.md); every number within flows/domain/bounds.py."""
    demo: bool = False
    config: str | None = None
    store: str | None = None
    rate: int | float | None = None
    max_items_per_column: int | float | None = None  # a fraction is refused by bounds.py, never rounded
    column_time_budget: int | float | None = None
    crawl_time_budget: int | float | None = None
    # a run reuses the county's last complete crawl younger than this ("6 hours", "30 minutes", seconds; 0 =
    # always crawl); held as seconds once read
    max_age: str | int | float = Field("6 hours", validate_default=True)

    @field_validator("rate", "max_items_per_column", "column_time_budget", "crawl_time_budget")
    @classmethod
    def _bounded(cls, value, info):
        problem = out_of_bounds(info.field_name, value) if value is not None else None
        if problem:
            raise ValueError(f"{problem}，实为 {value!r}")
        return value

    @field_validator("max_age")
    @classmethod
    def _age(cls, value):
        try:
            seconds = parse_duration(value)
            if out_of_bounds("max_age", seconds):
                raise ValueError(value)
        except ValueError:
            raise ValueError(f"应为一年以内的时长，如 \"6 hours\"、\"30 minutes\"、\"1 day\" 或 0，实为 {value!r}") from None
        return seconds


class CountsTable(Table):
    source: Literal["auto", "crawl", "reported"] = "auto"


class ReconciliationTable(Table):
    tolerance: int = Field(0, ge=0)


class RetentionTable(Table):
    keep_crawls: int = Field(1, ge=1, le=1000)
    item_files: int = Field(3, ge=1, le=1000)


class RankingTable(Table):
    method: Literal["ordinal", "competition"] = "ordinal"


class ChecksTable(Table):
    blocking: dict[str, bool] = {}


class AlertsTable(Table):
    urls: list[str] = []
    notify_success: bool = False


class QuotasTable(Table):
    """[quotas]: the minimum items per unit of each attachment category (最低标准), written for one kind of period
    (``per``) and scaled to the run's period (docs/rules.md, "Quotas")."""
    per: Literal["month", "quarter", "half", "year"] = "month"
    minimum: dict[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)],
                  Annotated[int, Field(ge=1, le=100_000)]] = {}


class ScoringTable(Table):
    """[scoring]: points per item of each count source (计分) and whether the tables rank by score or by count
    (docs/rules.md, "Scores"). ``count_source`` names the source the unit count itself is (the crawl's or the
    reported tables' count); every other source's counts come from a [[sources]] kind = "adoptions" sheet."""
    rank_by: Literal["count", "score"] = "count"
    count_source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] | None = None
    weights: dict[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)],
                  Annotated[float, Field(ge=0, le=10_000)]] = {}

    @model_validator(mode="after")
    def _consistent(self):
        if self.rank_by == "score" and not self.weights:
            raise ValueError("rank_by = \"score\" 需要 [scoring.weights]（各来源每条的分值，如 本县门户采用 = 5）")
        if self.count_source is not None and self.count_source not in self.weights:
            raise ValueError(f"count_source = {self.count_source!r} 应为 [scoring.weights] 中的一个来源"
                             f"（{'、'.join(self.weights) or '未设置'}）")
        return self


class AnnualTable(Table):
    """[annual]: the annual-report review's deadlines and units (flows/steps/annual.py reads them)."""
    deadline_department: Any = None
    deadline_township: Any = None
    deadline_county: Any = None
    county_units: Any = None
    columns: Any = None


class CountyTable(Table):
    """A county TOML: every key it may hold (README, "Configuration"). A misspelt key is refused with the
    nearest name instead of silently leaving its setting at the default; [rules] is checked by rules_config."""
    county: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    slug: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    registry: str | None = None
    default_period: str | None = None
    issuer: str = ""
    sources: list[SourceTable] = []
    counts: CountsTable = CountsTable()
    crawl: CrawlTable = CrawlTable()
    reconciliation: ReconciliationTable = ReconciliationTable()
    retention: RetentionTable = RetentionTable()
    ranking: RankingTable = RankingTable()
    checks: ChecksTable = ChecksTable()
    rules: dict = {}
    alerts: AlertsTable = AlertsTable()
    annual: AnnualTable = AnnualTable()
    quotas: QuotasTable = QuotasTable()
    scoring: ScoringTable = ScoringTable()

    @model_validator(mode="after")
    def _adoptions_are_scored(self):
        if any(s.kind == "adoptions" for s in self.sources) and not self.scoring.weights:
            raise ValueError("[[sources]] 中有 kind = \"adoptions\" 的采用情况表，但未设置 [scoring.weights]（各来源每条的分值）")
        return self

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.fullmatch(value):
            raise ValueError(f"只能由小写字母、数字、- 和 _ 组成、最长 64 个字符（用作输出文件夹名），"
                             f"实为 {value[:80]!r}{'…' if len(value) > 80 else ''}")
        return value

    @field_validator("default_period", mode="before")
    @classmethod
    def _default(cls, value):
        return _default_period(str(value)) if value else None


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


def load_config(path: str | Path) -> CountyConfig:
    """A county job from its TOML file (``CountyTable``); relative paths in it resolve against the file's
    folder. Anything wrong is one line naming the file, the key and what was expected."""
    path = Path(path)
    data = _read_toml(path)
    table = validated(CountyTable, data, path)
    base = path.resolve().parent

    def rel(value: str | None) -> Path | None:
        return None if not value else (base / value).resolve()

    from flows.domain.rules_config import RulesConfigError, rules_settings

    try:
        rules = rules_settings(table.rules, str(path))
    except RulesConfigError as exc:
        raise ConfigError(str(exc)) from None
    crawl = table.crawl
    limits = {k: v for k in ("max_items_per_column", "column_time_budget", "crawl_time_budget")
              if (v := getattr(crawl, k)) is not None}
    return CountyConfig(
        path=path.resolve(), county=table.county, slug=table.slug, registry=rel(table.registry),
        default_period=table.default_period, issuer=table.issuer,
        sources=[Source(path=rel(s.path), kind=s.kind, period=s.period) for s in table.sources],
        ranking=table.ranking.method, blocking=dict(table.checks.blocking), alert_urls=list(table.alerts.urls),
        notify_success=table.alerts.notify_success, crawl_config=rel(crawl.config), crawl_demo=crawl.demo,
        crawl_store=rel(crawl.store), crawl_rate=float(crawl.rate) if crawl.rate else None, crawl_limits=limits,
        crawl_max_age=float(crawl.max_age), tolerance=table.reconciliation.tolerance,
        keep_crawls=table.retention.keep_crawls, keep_item_files=table.retention.item_files,
        rules=rules, counts_source=table.counts.source, raw=data,
        quotas={"per": table.quotas.per, "minimum": dict(table.quotas.minimum)} if table.quotas.minimum else {},
        scoring=scoring_settings(table.scoring),
    )


def scoring_settings(table: ScoringTable) -> dict:
    """[scoring] as the run passes it on; {} when no weights are set (the tables rank by count, as before)."""
    if not table.weights:
        return {}
    weights = dict(table.weights)
    return {"rank_by": table.rank_by, "count_source": table.count_source or next(iter(weights)), "weights": weights}
