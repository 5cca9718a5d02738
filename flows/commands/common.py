"""What every ``zwgk`` command shares: the consoles, the one-line failure, the input errors, exit codes,
option help texts and the default paths (from the settings object, resolved when a command runs).

Exit codes: 0 done (and clean), 3 done but something was found (a draft bulletin, findings in a
check), 2 the input could not be read or the command was used wrongly, 1 an unexpected failure.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.text import Text

from flows.domain.config import ConfigError
from flows.domain.periods import PeriodError
from flows.domain.registry import RegistryError
from flows.domain.settings import settings
from flows.ingest.annual_model import AnnualReportError
from flows.ingest.bulletin_model import BulletinParseError
from flows.steps.ownership import NotOurs
from flows.steps.runlock import FolderNotWritable, WarehouseBusy
from transforms.errors import StoreDamaged

EXIT_FOUND = 3
EXIT_BAD_INPUT = 2

# Markup off: unit names, paths and messages come from input, and "[/]局" must print as it is, never be
# parsed as console markup. Styles are applied with styled() to zwgk's own words only.
console = Console(soft_wrap=True, markup=False)
err = Console(stderr=True, soft_wrap=True, markup=False)

INPUT_ERRORS = (BulletinParseError, AnnualReportError, ConfigError, PeriodError, RegistryError, FileNotFoundError,
                LookupError, WarehouseBusy, NotOurs, StoreDamaged, FolderNotWritable)
LATEST_KINDS = ("", "half", "year", "quarter", "month")
WAIT_HELP = "仓库正被另一运行占用时最多等待的秒数（默认不等，直接退出）"
EPHEMERAL_HELP = "用 Prefect 的临时服务器（每条命令启动一次，慢），不用本项目的 Prefect 服务器（zwgk server）"
# Defaults are resolved when the command runs (flows/domain/settings.py), so ZWGK_HOME set at any time counts.
OUT_HELP = "输出根目录（默认 工作目录/out：var/out，或 $ZWGK_HOME/out）"
WAREHOUSE_HELP = "DuckDB 仓库文件（默认 工作目录/warehouse.duckdb：var/，或 $ZWGK_HOME/）"


def styled(markup: str, *plain: str) -> Text:
    """zwgk's own markup (a constant) followed by plain text that is never parsed."""
    return Text.assemble(Text.from_markup(markup), *(str(p) for p in plain))


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    err.print(styled("[bold red]错误[/]", "：", message), highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def say(message: str) -> None:
    err.print(message, highlight=False)


def out_or_default(out: Path | None) -> Path:
    return out if out is not None else settings().out


def warehouse_or_default(warehouse: Path | None) -> Path:
    if warehouse is not None:
        return warehouse
    from flows.domain.settings import legacy_warehouse_hint

    hint = legacy_warehouse_hint()
    if hint:
        say(hint)
    return settings().warehouse


def use_server(ephemeral: bool) -> None:
    """Before Prefect is imported: use the project's Prefect server (started once in the background when
    it is not running) unless PREFECT_API_URL is set or --ephemeral asks for Prefect's temporary server."""
    from flows.steps.prefect_server import use_project_server

    try:
        use_project_server(ephemeral, say=say)
    except RuntimeError as exc:
        fail(f"{exc}；可改用 --ephemeral（Prefect 临时服务器）", 1)
