"""Checking a config's values as they are read: one pydantic model per TOML table (its keys, their types,
the ranges of flows/domain/bounds.py), and the first thing wrong as one line naming the file, the dotted key
(``columns[2].url``, ``politeness.rate``) and what was expected; the limits again when the command line
overrides them. The checks that need more than one table (columns within ``portal.allowed_hosts``, no
column twice) are made in loading.py on the validated tables.
"""

from __future__ import annotations

import difflib
import inspect
import re
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, Field, StringConstraints, ValidationError, field_validator, \
    model_validator

from flows.domain.bounds import out_of_bounds
from flows.domain.config_model import Table

from .model import (COLUMN_TYPES, DOC_DATE_FROM_BODY, LINK_KINDS, META_FIELDS, PAGING_KINDS, ConfigError, Limits,
                    Paging, Politeness, Selectors)
from .presets import PRESETS


# --- value types -----------------------------------------------------------------------------------
def _str_list(value: Any) -> list[str]:
    """A string or a list of strings, as a list (a single selector may be written bare)."""
    listed = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else None
    if listed is None or not all(isinstance(v, str) for v in listed):
        raise ValueError(f"应为字符串或字符串列表，实为 {value!r}")
    return listed


def _hosts(value: Any) -> list[str]:
    listed = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else None
    if listed is None or not all(isinstance(h, str) and h for h in listed):
        raise ValueError(f"应为主机名列表，实为 {value!r}")
    return listed


StrList = Annotated[list[str], BeforeValidator(_str_list)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"不是有效的正则表达式（{exc}）") from None
    return value


def _one_of(value: str, allowed: tuple[str, ...], name: str) -> str:
    """``value`` when allowed; the message names the column (``columns[3].type（通知公告）应为 … 之一``)."""
    if value not in allowed:
        raise ValueError(f"（{name}）应为 {' | '.join(allowed)} 之一，实为 {value!r}")
    return value


# --- the tables ------------------------------------------------------------------------------------
class _Bounded(Table):
    """A table whose numbers have ranges in flows/domain/bounds.py (by key name)."""

    @field_validator("*")
    @classmethod
    def _in_bounds(cls, value, info):
        problem = out_of_bounds(info.field_name, value)
        if problem:
            raise ValueError(f"{problem}，实为 {value!r}")
        return value


class PortalTable(Table):
    """[portal]: the site, the preset it builds on, where the crawl may go, who to name in the User-Agent."""
    name: NonEmpty
    base_url: NonEmpty
    preset: Literal[tuple(PRESETS)] = "yueyang"
    county: str = ""
    allowed_hosts: Annotated[list[str], BeforeValidator(_hosts)] = Field(default_factory=list)
    contact: str = ""
    start_url: str | None = None

    @field_validator("base_url")
    @classmethod
    def _http(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https"):
            raise ValueError(f"应以 http:// 或 https:// 开头，实为 {value!r}")
        if not parts.hostname:
            raise ValueError(f"应含主机名（如 http://www.example.gov.cn），实为 {value!r}")
        return value


class ApiTable(Table):
    """[paging.api]: the keys of parse/api_lists.py ``ApiSpec``."""
    url: str = ""
    method: str = "GET"
    form: dict[str, Any] = Field(default_factory=dict)
    page_size: int = 20
    first_page: int = 1
    items_path: str = "data"
    total_path: str = "total"
    title_key: str = "title"
    url_key: str = "url"
    date_key: str = "date"
    id_regex: str = ""

    _id_regex = field_validator("id_regex")(_regex)

    @field_validator("method")
    @classmethod
    def _method(cls, value: str) -> str:
        if value.upper() not in ("GET", "POST"):
            raise ValueError(f"应为 GET 或 POST，实为 {value!r}")
        return value

    @field_validator("form")
    @classmethod
    def _form(cls, value: dict) -> dict:
        for key, given in value.items():
            if isinstance(given, bool) or not isinstance(given, (str, int, float)):
                raise ValueError(f".{key} 应为字符串或数字，实为 {given!r}")
        return value

    @field_validator("page_size", "first_page")
    @classmethod
    def _counts(cls, value: int, info) -> int:
        if value < (1 if info.field_name == "page_size" else 0):
            raise ValueError(f"应为{'正' if info.field_name == 'page_size' else '非负'}整数，实为 {value!r}")
        return value


class PagingTable(_Bounded):
    """[paging]: how a column's list pages follow one another."""
    kind: Literal[PAGING_KINDS] = Paging.kind
    max_pages: int = Paging.max_pages
    next_text: StrList = Field(default_factory=lambda: Paging().next_text)
    page_count_regex: str = Paging.page_count_regex
    page_url_template: str = Paging.page_url_template
    hanweb_proxy: str = Paging.hanweb_proxy
    hanweb_perpage: int = Paging.hanweb_perpage
    hanweb_batch: int = Paging.hanweb_batch
    api: ApiTable = Field(default_factory=ApiTable)

    _page_count_regex = field_validator("page_count_regex")(_regex)

    @field_validator("page_url_template")
    @classmethod
    def _numbered(cls, value: str) -> str:
        if "{n}" not in value:
            raise ValueError(f"应含 {{n}}，实为 {value!r}")
        return value

    @model_validator(mode="after")
    def _api_url(self):
        if self.kind == "api" and not self.api.url.strip():
            raise ValueError(".kind = \"api\" 时 [paging.api] 应有 url（接口地址，可含 {page} {start} {size} {id}）")
        return self


class SelectorsTable(Table):
    """[selectors]: CSS selectors of lists and articles (lists are tried in order)."""
    list_container: StrList = Field(default_factory=list)
    list_item: str = Selectors.list_item
    list_link: str = Selectors.list_link
    list_title_attr: str = Selectors.list_title_attr
    list_date: str = Selectors.list_date
    article_title: StrList = Field(default_factory=lambda: Selectors().article_title)
    article_body: StrList = Field(default_factory=list)
    meta_container: StrList = Field(default_factory=list)
    meta_publish_date: str = Selectors.meta_publish_date
    meta_unit: str = Selectors.meta_unit


class PolitenessTable(_Bounded):
    """[politeness]: how gently a host is asked."""
    rate: float = Politeness.rate
    concurrency: int = Politeness.concurrency
    timeout: float = Politeness.timeout
    total_timeout: float = Politeness.total_timeout
    retries: int = Politeness.retries
    backoff: float = Politeness.backoff
    max_backoff: float = Politeness.max_backoff
    max_bytes: int = Politeness.max_bytes
    max_redirects: int = Politeness.max_redirects
    obey_robots: bool = Politeness.obey_robots
    max_retry_after: float = Politeness.max_retry_after
    robots_retry: float = Politeness.robots_retry


class LimitsTable(_Bounded):
    """[limits]: bounds on one crawl."""
    max_items_per_column: int = Limits.max_items_per_column
    column_time_budget: float = Limits.column_time_budget
    crawl_time_budget: float = Limits.crawl_time_budget


class ColumnTable(Table):
    """One [[columns]] entry (kind, when given and not "column", makes it a link listed for the office)."""
    name: NonEmpty
    url: NonEmpty
    type: str = ""  # empty: from the name (presets.infer_column_type)
    unit: str = ""
    section: str = ""
    kind: str = ""  # empty: column
    reason: str = ""

    @field_validator("type", "kind")
    @classmethod
    def _known(cls, value: str, info) -> str:
        allowed = COLUMN_TYPES if info.field_name == "type" else LINK_KINDS
        return _one_of(value, allowed, info.data.get("name", "?")) if value else value


class LinkTable(ColumnTable):
    """One [[links]] entry: its kind must be said."""
    kind: NonEmpty


class CrawlTable(Table):
    """A crawl config (its preset merged underneath)."""
    portal: PortalTable
    paging: PagingTable = Field(default_factory=PagingTable)
    selectors: SelectorsTable = Field(default_factory=SelectorsTable)
    labels: dict[str, Literal[(*META_FIELDS, "ignore")]] = Field(default_factory=dict)
    politeness: PolitenessTable = Field(default_factory=PolitenessTable)
    limits: LimitsTable = Field(default_factory=LimitsTable)
    columns: list[ColumnTable] = Field(default_factory=list)
    links: list[LinkTable] = Field(default_factory=list)
    doc_date_from_body: Literal[DOC_DATE_FROM_BODY] = "if_missing"


SECTIONS = {"paging": PagingTable, "selectors": SelectorsTable, "politeness": PolitenessTable, "limits": LimitsTable}


# --- one line per refusal --------------------------------------------------------------------------
_SAID = {"string_type": "应为字符串", "int_type": "应为整数", "float_type": "应为数字", "bool_type": "应为 true 或 false",
         "list_type": "应为列表", "string_too_short": "应为非空字符串", "missing": "缺少该项（必填）"}
_QUOTED = re.compile(r"'([^']*)'")  # the values in a literal error's "'a', 'b' or 'c'"


def _key(loc: tuple) -> str:
    """('columns', 1, 'url') → columns[2].url (entries counted from 1, as the file reads)."""
    text = ""
    for part in loc:
        text += f"[{part + 1}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _keys_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys the table at ``loc`` declares."""
    for part in (p for p in loc if not isinstance(p, int)):
        annotation = model.model_fields[part].annotation
        model = next(a for a in (annotation, *get_args(annotation)) if inspect.isclass(a) and issubclass(a, BaseModel))
    return list(model.model_fields)


def _refusal(where: str, exc: ValidationError, model: type[BaseModel], prefix: tuple = ()) -> ConfigError:
    """The first error of a validation as one line: ``<file>: <key> <what was expected>，实为 <value>``. A
    validator's own sentence follows the key (directly when it starts with （, ： or .)."""
    error = exc.errors(include_url=False)[0]
    loc = prefix + tuple(error["loc"])
    key, kind = _key(loc), error["type"]
    if kind == "value_error":
        said = str(error["ctx"]["error"])
        return ConfigError(f"{where}: {key}{'' if said[:1] in ('（', '：', '.') else ' '}{said}")
    if kind == "extra_forbidden":
        known = _keys_at(model, tuple(error["loc"])[:-1])
        near = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = (f"；是否应为 {near[0]!r}？" if near else "；") + f"可用的键：{', '.join(known)}"
        if len(loc) == 1:
            return ConfigError(f"{where}: 未知的表或键 {loc[-1]!r}{hint}")
        table = _key(loc[:-1]) if isinstance(loc[-2], int) else f"[{_key(loc[:-1])}]"
        return ConfigError(f"{where}: {table} 中未知的键 {loc[-1]!r}{hint}")
    if kind in ("dict_type", "model_type"):
        table = key if isinstance(loc[-1], int) else f"[{key}]"
        return ConfigError(f"{where}: {table} 应为表（TOML table），实为 {error['input']!r}")
    if kind == "list_type" and loc in (("columns",), ("links",)):
        said = f"应写成 [[{key}]] 表数组"
    elif kind == "literal_error":
        said = f"应为 {' | '.join(re.findall(_QUOTED, str(error['ctx']['expected'])))} 之一"
    else:
        said = _SAID.get(kind, error["msg"])
    return ConfigError(f"{where}: {key} {said}" + ("" if kind == "missing" else f"，实为 {error['input']!r}"))


def validated(model: type[Table], data: Any, where: str, prefix: tuple = ()) -> Table:
    """``model`` from a TOML table, or the crawler's ``ConfigError`` naming the file, the key and what was
    expected (``prefix``: where the table sits in the file)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _refusal(where, exc, model, prefix) from None


def _build_dataclass(cls, data: dict, where: str, section: str):
    """The dataclass of one table (``[section]``) from its TOML values, checked by the table's model."""
    return cls(**validated(SECTIONS[section], data, where, (section,)).model_dump(exclude_unset=True))


# --- limits from the command line ------------------------------------------------------------------
LIMIT_FLAGS = {"max_items_per_column": "--max-items", "column_time_budget": "--column-budget",
               "crawl_time_budget": "--time-budget"}


def _check_limits(limits: Limits, where: str, prefix: str, names: dict[str, str] | None = None) -> None:
    for key in LIMIT_FLAGS:
        value = getattr(limits, key)
        problem = out_of_bounds(key, value)
        if problem:
            label = (names or {}).get(key, f"{prefix}{key}")
            raise ConfigError(f"{where}: {label} {problem}，实为 {value!r}")
