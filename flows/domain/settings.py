"""Where zwgk reads its inputs and writes what it makes: one settings object.

The project root is found once, from this file's location (``flows/domain/settings.py`` → two folders
up), never from the current directory: ``zwgk`` run from any folder uses the same files.

``data/`` under the root holds inputs only (registries, county/region/portal configs, bundled bulletins,
the holiday override file, the demo-portal generator). Everything zwgk makes goes to the work directory,
``var/`` under the root, or ``$ZWGK_HOME`` when set (a relative ``ZWGK_HOME`` is taken from the current
directory when the command starts)::

    var/
      warehouse.duckdb       the DuckDB warehouse (--warehouse)
      warehouse.duckdb.lock  one command at a time per warehouse (flows/steps/runlock.py)
      crawl/<slug>/          the crawl store: raw responses and their index (--store for zwgk crawl)
      demo_portal/           the generated synthetic demo portal ([crawl] demo = true)
      logs/zwgk.log          every command's log, tracebacks included
      out/<county>/<period>/ the outputs (--out)
      work/                  region runs: per-county DuckDB files, Parquet, the region DuckDB (--work)
      prefect/               the project's Prefect server (zwgk server): home/, server.json, server.log

Inside the output root, ``.cache/`` keeps what an unchanged rerun reuses (validation results and Data Docs;
charts, rendered documents and PDFs). ``$ZWGK_RENDER_CACHE`` moves the documents' part to one folder shared by
several output roots (``render_cache``).

The crawl store, the demo portal and the log belong to a warehouse: they sit in its folder, so a
``--warehouse`` elsewhere takes them along (``beside_warehouse``). Flags win over ``ZWGK_HOME``, which wins
over ``var/``. Relative paths inside a county or region TOML resolve against that file's folder
(flows/domain/config.py), not against the work directory.

Call ``settings()`` when a path is needed, not at import time: it reads ``ZWGK_HOME`` each time (tests
give each session a private one).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WORK_DIR_NAME = "var"
HOME_ENV = "ZWGK_HOME"


@dataclass(frozen=True)
class Settings:
    """The project root and the work directory, and every default path derived from them."""

    root: Path
    home: Path

    # inputs (read only)
    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def default_config(self) -> Path:
        return self.data / "counties" / "huarong.toml"

    # what zwgk makes
    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def out(self) -> Path:
        return self.home / "out"

    @property
    def crawl(self) -> Path:
        return self.home / "crawl"

    @property
    def demo_portal(self) -> Path:
        return self.home / "demo_portal"

    @property
    def work(self) -> Path:
        return self.home / "work"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def prefect(self) -> Path:
        return self.home / "prefect"


def settings(home: str | Path | None = None) -> Settings:
    """The settings in force: ``home`` if given, else ``$ZWGK_HOME``, else ``<project root>/var``."""
    chosen = home or os.environ.get(HOME_ENV) or PROJECT_ROOT / WORK_DIR_NAME
    return Settings(root=PROJECT_ROOT, home=Path(chosen).expanduser().resolve())


RENDER_CACHE_ENV = "ZWGK_RENDER_CACHE"


def render_cache(out_root: str | Path) -> Path:
    """Where runs keep the documents they can reuse (charts, rendered bulletins and workbooks, PDFs):
    ``<output root>/.cache``, or ``$ZWGK_RENDER_CACHE`` when set, one folder shared by several output roots
    (an analyst's scratch outputs, a CI job, a test session). Sharing is safe: every entry is keyed on what it
    was made from (reports/output_cache.py, reports/pdf.py, reports/chart_cache.py). The validation results
    and their Data Docs stay under each output root's own .cache."""
    chosen = os.environ.get(RENDER_CACHE_ENV)
    return Path(chosen).expanduser().resolve() if chosen else Path(out_root).resolve() / ".cache"


def beside_warehouse(warehouse: str | Path | None, name: str) -> Path:
    """A folder that belongs to a warehouse (``crawl``, ``demo_portal``, ``logs``): in the warehouse's folder,
    which is the work directory for the default warehouse."""
    return Path(warehouse or settings().warehouse).resolve().parent / name


def crawl_store_root(warehouse: str | Path | None) -> Path:
    return beside_warehouse(warehouse, "crawl")


def demo_portal_dir(warehouse: str | Path | None) -> Path:
    return beside_warehouse(warehouse, "demo_portal")


def log_dir(warehouse: str | Path | None) -> Path:
    return beside_warehouse(warehouse, "logs")


LEGACY_WAREHOUSE = "data/warehouse.duckdb"  # where zwgk kept the warehouse before the work directory


def legacy_warehouse_hint() -> str | None:
    """One line for a checkout upgraded from the layout that kept the warehouse in data/: the default
    warehouse (no ZWGK_HOME) does not exist yet, the old one does. None otherwise."""
    s = settings()
    old = s.root / LEGACY_WAREHOUSE
    if os.environ.get(HOME_ENV) or s.warehouse.exists() or not old.exists():
        return None
    return (f"提示：仓库现默认在 {s.warehouse}，旧位置 {old} 仍有一个仓库（运行记录、往期数据）；"
            f"要沿用它：mkdir -p {s.home} && mv {old} {s.home}/")
