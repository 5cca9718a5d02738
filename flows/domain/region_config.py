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

from flows.domain.config import ConfigError
from flows.domain.periods import PeriodError, parse_period

_SLUG = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass
class DaskSettings:
    address: str = ""
    n_workers: int = 2
    threads_per_worker: int = 1
    processes: bool = True
    dashboard_address: str = ""


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
    dask: DaskSettings = field(default_factory=DaskSettings)

    def parquet_dir(self, work_dir: str | Path) -> Path:
        return (self.parquet_root or Path(work_dir) / "parquet").resolve()


def load_region_config(path: str | Path) -> RegionConfig:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: 区域配置文件不存在") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: 不是有效的 TOML：{exc}") from None
    base = path.resolve().parent

    def text(key: str, required: bool = False, default: str = "") -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or (required and not value.strip()):
            raise ConfigError(f"{path}: 缺少 {key}（应为非空字符串）" if required else f"{path}: {key} 应为字符串")
        return value.strip()

    name, slug = text("name", True), text("slug", True)
    if not _SLUG.match(slug):
        raise ConfigError(f"{path}: slug 只能含字母、数字、- 和 _，实为 {slug!r}")
    counties = data.get("counties")
    if not isinstance(counties, list) or not counties or not all(isinstance(c, str) for c in counties):
        raise ConfigError(f"{path}: counties 应为县级配置文件路径的列表（相对于本文件）")
    county_paths = [(base / c).resolve() for c in counties]
    for i, p in enumerate(county_paths, start=1):
        if not p.is_file():
            raise ConfigError(f"{path}: counties 第{i}项 {counties[i - 1]} 不存在（{p}）")
    if len(set(county_paths)) != len(county_paths):
        raise ConfigError(f"{path}: counties 中有重复的县级配置")
    default_period = data.get("default_period")
    if default_period:
        try:
            default_period = parse_period(str(default_period)).code
        except PeriodError as exc:
            raise ConfigError(f"{path}: default_period：{exc}") from None
    raw_dask = data.get("dask", {})
    if not isinstance(raw_dask, dict):
        raise ConfigError(f"{path}: [dask] 应为一个表")
    try:
        dask = DaskSettings(
            address=str(raw_dask.get("address", "") or "").strip(),
            n_workers=int(raw_dask.get("n_workers", 2)),
            threads_per_worker=int(raw_dask.get("threads_per_worker", 1)),
            processes=bool(raw_dask.get("processes", True)),
            dashboard_address=str(raw_dask.get("dashboard_address", "") or "").strip(),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: [dask] 的 n_workers / threads_per_worker 应为整数：{exc}") from None
    if dask.n_workers < 1 or dask.threads_per_worker < 1:
        raise ConfigError(f"{path}: [dask] n_workers 和 threads_per_worker 至少为 1")
    parquet_root = data.get("parquet_root")
    memory_limit = data.get("memory_limit", "1GB")
    return RegionConfig(
        path=path.resolve(), name=name, slug=slug, counties=county_paths, issuer=text("issuer"),
        addressee=text("addressee", default="各县市区人民政府："), default_period=default_period,
        parquet_root=(base / parquet_root).resolve() if parquet_root else None,
        memory_limit=str(memory_limit) if memory_limit else None, dask=dask,
    )




def region_warehouse(work_dir: str | Path, region_slug: str) -> Path:
    """The region's one warehouse: every county's inputs and marts, and the region models."""
    return (Path(work_dir) / f"region-{region_slug}.duckdb").resolve()
