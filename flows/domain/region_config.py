"""Region configuration (TOML): the counties of a region and how its run is spread over Dask.

    name = "岳阳市"                      # as the bulletin names the region
    slug = "yueyang"                     # folder name: <out>/yueyang/<period>/
    issuer = "岳阳市政务公开办"           # who signs the region bulletin (optional)
    addressee = "各县市区人民政府："       # optional
    default_period = "2021H1"            # optional
    parquet_root = "../work/parquet"     # optional; default <work>/parquet
    memory_limit = "1GB"                 # the region warehouse's DuckDB memory limit (optional)
    counties = ["../counties/huarong.toml"]   # county configs, relative to this file

    [dask]
    address = ""                         # "" → a LocalCluster; else tcp://host:8786
    n_workers = 2                        # LocalCluster only
    threads_per_worker = 1               # LocalCluster only
    processes = true                     # LocalCluster only: worker processes (not threads)
    dashboard_address = ""               # LocalCluster only: "" → Dask's default (:8787, else a free port)
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from flows.domain.config_model import ConfigError, Table, validated
from flows.domain.periods import PeriodError, parse_period

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
_SLUG = re.compile(r"^[A-Za-z0-9_-]+$")


class DaskTable(Table):
    """[dask]: "" → a LocalCluster with these workers; else the address of a running scheduler."""
    address: Annotated[str, StringConstraints(strip_whitespace=True)] = ""
    n_workers: int = Field(2, ge=1)
    threads_per_worker: int = Field(1, ge=1)
    processes: bool = True
    dashboard_address: Annotated[str, StringConstraints(strip_whitespace=True)] = ""


class RegionTable(Table):
    """The region TOML (the module's docstring shows every key)."""
    name: Name
    slug: Name
    counties: list[Name] = Field(min_length=1)
    issuer: Annotated[str, StringConstraints(strip_whitespace=True)] = ""
    addressee: Annotated[str, StringConstraints(strip_whitespace=True)] = "各县市区人民政府："
    default_period: str | None = None
    parquet_root: str | None = None
    memory_limit: str | None = "1GB"
    dask: DaskTable = DaskTable()

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(f"只能含字母、数字、- 和 _（用作文件夹名），实为 {value!r}")
        return value

    @field_validator("default_period")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        try:
            return parse_period(value).code if value else None
        except PeriodError as exc:
            raise ValueError(f"：{exc}") from None


@dataclass
class RegionConfig:
    path: Path
    name: str
    slug: str
    counties: list[Path]
    issuer: str = ""
    addressee: str = "各县市区人民政府："
    default_period: str | None = None
    parquet_root: Path | None = None
    memory_limit: str | None = "1GB"
    dask: DaskTable = field(default_factory=DaskTable)

    def parquet_dir(self, work_dir: str | Path) -> Path:
        return (self.parquet_root or Path(work_dir) / "parquet").resolve()


def load_region_config(path: str | Path) -> RegionConfig:
    """A region from its TOML file (``RegionTable``); county paths resolve against the file's folder."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: 区域配置文件不存在") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: 不是有效的 TOML：{exc}") from None
    table = validated(RegionTable, data, path)
    base = path.resolve().parent
    county_paths = [(base / c).resolve() for c in table.counties]
    for i, p in enumerate(county_paths, start=1):
        if not p.is_file():
            raise ConfigError(f"{path}: counties 第{i}项 {table.counties[i - 1]} 不存在（{p}）")
    if len(set(county_paths)) != len(county_paths):
        raise ConfigError(f"{path}: counties 中有重复的县级配置")
    return RegionConfig(
        path=path.resolve(), name=table.name, slug=table.slug, counties=county_paths, issuer=table.issuer,
        addressee=table.addressee, default_period=table.default_period,
        parquet_root=(base / table.parquet_root).resolve() if table.parquet_root else None,
        memory_limit=table.memory_limit or None, dask=table.dask,
    )


def region_warehouse(work_dir: str | Path, region_slug: str) -> Path:
    """The region's one warehouse: every county's inputs and marts, and the region models."""
    return (Path(work_dir) / f"region-{region_slug}.duckdb").resolve()
