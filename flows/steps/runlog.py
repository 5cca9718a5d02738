"""Where a command's log goes: everything, tracebacks included, to ``<warehouse folder>/logs/zwgk.log``
(``var/logs/zwgk.log`` for the default warehouse: flows/domain/settings.py);
on the terminal only Prefect's progress lines, never an error record or a traceback (the command
itself prints one clear line when something fails, naming this file).
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from flows.domain.settings import log_dir

_installed: dict[str, logging.Handler] = {}


def log_file_for(warehouse: str | Path) -> Path:
    return log_dir(warehouse) / "zwgk.log"


_BOOKKEEPING = ("prefect.events", "prefect._internal", "prefect.client", "prefect.utilities.services")


class _TerminalFilter(logging.Filter):
    """On the terminal: below ERROR only, and without tracebacks (the log file has them: it is the
    root logger's first handler, so it has already written the record when this filter runs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            return False
        if record.name.startswith(_BOOKKEEPING):  # Prefect's own API chatter (a stopped server: ~40 lines)
            return False
        if record.name.startswith(("prefect.flow_runs", "prefect.task_runs")) and any(
                state in record.getMessage() for state in ("Failed(", "Crashed(")):
            return False  # "Finished in state Failed('…exception…')": the command's own line says it once
        if record.exc_info or record.exc_text:
            record.exc_info, record.exc_text = None, None
        return True


class SafeFileHandler(RotatingFileHandler):
    """The log file, which can never make logging recurse: when a record cannot be written (disk full, a
    read-only folder), it says so once on stderr, in one line naming the file, and stops writing —
    instead of logging's "--- Logging error ---" traceback for every record, each of which Prefect would
    log again (tests/flows/test_reliability.py)."""

    broken: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.broken is not None:
            return
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        import sys

        if self.broken is None:
            exc = sys.exc_info()[1]
            self.broken = str(exc)
            try:
                sys.stderr.write(f"警告：无法写入日志文件 {self.baseFilename}（{exc}），此后的日志不再写入该文件\n")
            except Exception:  # noqa: BLE001 - stderr itself may be gone
                pass


def route_logs(warehouse: str | Path) -> Path:
    """Send the process's log records to the log file and keep tracebacks off the terminal.

    Call after Prefect is imported (it configures logging on import) and before the flow runs."""
    path = log_file_for(warehouse)
    key = str(path)
    root = logging.getLogger()
    if key not in _installed:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = SafeFileHandler(path, maxBytes=5 * 1024 * 1024, backupCount=3, encoding="utf-8")
        except OSError as exc:  # a read-only folder: the run goes on without its log file, and says so once
            import sys

            sys.stderr.write(f"警告：无法写入日志文件 {path}（{exc.strerror or exc}），本次运行不写日志文件\n")
            return path
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.setLevel(logging.INFO)
        _installed[key] = handler
    handler = _installed[key]
    if handler not in root.handlers:
        root.handlers.insert(0, handler)
    for h in root.handlers:
        if h is not handler and isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler):
            if not any(isinstance(f, _TerminalFilter) for f in h.filters):
                h.addFilter(_TerminalFilter())
    return path
