"""The unit registry: every county department (县直部门) and township (乡镇) a bulletin ranks.

A registry is a CSV file (``data/registry/<county>.csv``), one row per unit and validity period:

    unit_id, unit, short_name, category, display_order, aliases, valid_from, valid_to, successor_of, note

- ``unit`` is the canonical name, as the bulletin's attachment tables print it;
- ``short_name`` is how the bulletin's text names it (生态环境局 for 市生态环境局华容分局);
- ``aliases`` are other names separated by ``|``; the county name or 县 before any name also
  resolves (县公安局, 华容县公安局);
- ``display_order`` is the office's own list order: it breaks ties in the ranking;
- ``valid_from`` / ``valid_to`` (YYYY-MM-DD, blank = open) bound the unit's existence, so a
  reorganised unit (扶贫办 → 乡村振兴局 in 2021) resolves only in periods it existed;
- ``successor_of`` names the unit_id a unit replaced, for period-over-period comparisons.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REQUIRED_COLUMNS = ("unit_id", "unit", "category", "display_order")
# the bulletin's attachment tables: a typo (其他类) would add a table of its own, so it is refused
CATEGORIES = ("县直部门", "乡镇")
MAX_DISPLAY_ORDER = 1_000_000_000  # a 30-digit order would overflow the warehouse's INTEGER
# a county has some 50–200 units; a registry far beyond that is a wrong file (a 100,000-row one took
# 13.7 GB in the ranking queries): refused before anything is loaded
MAX_UNITS = 5000
OPTIONAL_COLUMNS = ("short_name", "aliases", "valid_from", "valid_to", "successor_of", "note")
COUNTY_PREFIXES = ("县",)

_SPACES = re.compile(r"[\s\u3000\u00a0]+")


class RegistryError(ValueError):
    """A registry file that cannot be used; the message names the file, the row and the problem."""


def normalize_name(name: str | None) -> str:
    """The comparable form of a unit name: NFKC (full-width → half-width) and no whitespace."""
    if name is None:
        return ""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(name)))


@dataclass(frozen=True)
class Unit:
    unit_id: str
    unit: str
    short_name: str
    category: str
    display_order: int
    aliases: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None
    successor_of: str | None = None
    note: str = ""
    row: int = 0  # line number in the registry file

    def valid_between(self, start: date, end: date) -> bool:
        """True when the unit existed at some point between start and end (inclusive)."""
        return (self.valid_from is None or self.valid_from <= end) and (
            self.valid_to is None or self.valid_to >= start
        )

    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([self.unit, self.short_name, *self.aliases]))


@dataclass
class Registry:
    county: str
    path: Path | None
    units: list[Unit] = field(default_factory=list)

    def name_rows(self) -> list[tuple[str, Unit]]:
        """(normalised name, unit) for every name a unit answers to, with county prefixes."""
        out: list[tuple[str, Unit]] = []
        prefixes = [*COUNTY_PREFIXES]
        if self.county:
            prefixes.insert(0, self.county)
        for unit in self.units:
            seen: set[str] = set()
            for name in unit.names():
                base = normalize_name(name)
                for variant in [base, *(normalize_name(p) + base for p in prefixes)]:
                    if variant and variant not in seen:
                        seen.add(variant)
                        out.append((variant, unit))
        return out

    def resolve(self, name: str, start: date | None = None, end: date | None = None) -> Unit | None:
        """The unit a printed name stands for, among units valid in [start, end] when given."""
        key = normalize_name(name)
        matches = [
            unit for variant, unit in self.name_rows()
            if variant == key and (start is None or end is None or unit.valid_between(start, end))
        ]
        # A canonical-name match beats an alias match; then the unit that existed latest.
        matches.sort(key=lambda u: (normalize_name(u.unit) != key, -(u.valid_to or date.max).toordinal()))
        return matches[0] if matches else None

    def valid_units(self, start: date, end: date) -> list[Unit]:
        return sorted((u for u in self.units if u.valid_between(start, end)), key=lambda u: u.display_order)


def _parse_date(text: str, path: Path, row: int, column: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RegistryError(f"{path}: 第{row}行 {column} 应为日期 YYYY-MM-DD 或留空，实为 {text!r}") from None


MAX_REGISTRY_BYTES = 20 * 1024 * 1024


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else GB18030: Excel on a Chinese Windows saves "CSV" in GBK, which
    GB18030 contains. A file that is neither raises UnicodeDecodeError (from the UTF-8 attempt)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as first:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise first from None


def load_registry(path: str | Path, county: str = "") -> Registry:
    """Read and validate a registry CSV. Errors name the file, the row and what was expected."""
    path = Path(path)
    try:
        if path.exists() and (not path.is_file() or path.stat().st_size > MAX_REGISTRY_BYTES):
            raise RegistryError(f"{path}: 不是单位名册文件（应为不超过 20 MB 的 UTF-8 CSV 文件）")
        text = _decode(path.read_bytes())
    except FileNotFoundError:
        raise RegistryError(f"{path}: 单位名册文件不存在") from None
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{path}: 单位名册应为 UTF-8（或 Excel 另存的 GBK）编码的 CSV"
                            f"（第 {exc.start} 字节起无法解码）") from None
    except OSError as exc:
        raise RegistryError(f"{path}: 无法读取单位名册（{exc.strerror or exc}）") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise RegistryError(
            f"{path}: 第1行表头缺少列 {', '.join(missing)}；应有 {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}"
        )
    units: list[Unit] = []
    ids: dict[str, int] = {}
    for row_no, raw in enumerate(reader, start=2):
        rec = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(rec.values()):
            continue
        if len(units) >= MAX_UNITS:
            raise RegistryError(f"{path}: 第{row_no}行：单位名册超过 {MAX_UNITS} 个单位的上限——"
                                "一个县的名册应为几十到几百个单位，请检查是否选错了文件")
        for col in REQUIRED_COLUMNS:
            if not rec.get(col):
                raise RegistryError(f"{path}: 第{row_no}行 {col} 不能为空")
        try:
            order = int(rec["display_order"])
            if not -MAX_DISPLAY_ORDER <= order <= MAX_DISPLAY_ORDER:
                raise ValueError(order)
        except ValueError:
            raise RegistryError(
                f"{path}: 第{row_no}行 display_order 应为 ±{MAX_DISPLAY_ORDER:,} 以内的整数，"
                f"实为 {rec['display_order'][:40]!r}"
            ) from None
        if rec["category"] not in CATEGORIES:
            raise RegistryError(
                f"{path}: 第{row_no}行 category 应为 {'、'.join(CATEGORIES)} 之一（每个类别是通报的一张附件表），"
                f"实为 {rec['category'][:40]!r}"
            )
        if rec["unit_id"] in ids:
            raise RegistryError(f"{path}: 第{row_no}行 unit_id {rec['unit_id']} 与第{ids[rec['unit_id']]}行重复")
        ids[rec["unit_id"]] = row_no
        valid_from = _parse_date(rec.get("valid_from", ""), path, row_no, "valid_from")
        valid_to = _parse_date(rec.get("valid_to", ""), path, row_no, "valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            raise RegistryError(f"{path}: 第{row_no}行 valid_to 早于 valid_from")
        aliases = tuple(a.strip() for a in rec.get("aliases", "").split("|") if a.strip())
        units.append(Unit(
            unit_id=rec["unit_id"], unit=rec["unit"], short_name=rec.get("short_name") or rec["unit"],
            category=rec["category"], display_order=order, aliases=aliases,
            valid_from=valid_from, valid_to=valid_to, successor_of=rec.get("successor_of") or None,
            note=rec.get("note", ""), row=row_no,
        ))
    registry = Registry(county=county, path=path, units=units)
    _check_ambiguous(registry)
    return registry


def _check_ambiguous(registry: Registry) -> None:
    """Two units that exist at the same time must not answer to the same name."""
    by_name: dict[str, list[Unit]] = {}
    for name, unit in registry.name_rows():
        by_name.setdefault(name, []).append(unit)
    for name, units in by_name.items():
        for i, a in enumerate(units):
            for b in units[i + 1:]:
                if a.unit_id != b.unit_id and a.valid_between(b.valid_from or date.min, b.valid_to or date.max):
                    raise RegistryError(
                        f"{registry.path}: 第{a.row}行与第{b.row}行的单位在同一时期都叫“{name}”；"
                        "请删去其中一个别名或设置有效期"
                    )
