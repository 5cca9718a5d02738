"""The test harness's safety net for log handlers (tests/conftest.py): Prefect's console handler left on a closed stream."""

from __future__ import annotations

import logging
import sys

import typer
from typer.testing import CliRunner

from conftest import repoint_closed_log_streams


def test_a_prefect_console_handler_left_on_a_closed_cli_stream_logs_again():
    """Prefect can set up its console handler inside a CliRunner.invoke, on the runner's stream, which is closed
    when invoke returns: the next log record would raise. The per-test fixture must move it, without flushing
    the closed stream (logging's setStream does, and raised in CI)."""
    from prefect.logging.handlers import PrefectConsoleHandler

    app, made = typer.Typer(), {}

    @app.command()
    def go():
        made["handler"] = PrefectConsoleHandler()  # binds sys.stderr of this moment: the runner's stream

    CliRunner().invoke(app, [])
    handler = made["handler"]
    logger = logging.getLogger("zwgk.test_harness")
    logger.addHandler(handler)
    try:
        assert handler.stream.closed
        assert repoint_closed_log_streams() >= 1
        assert not handler.stream.closed and handler.console.file is handler.stream
        logger.warning("still logging")  # on the closed stream: "I/O operation on closed file"
        assert repoint_closed_log_streams() == 0
        assert handler.stream in (sys.stderr, sys.__stderr__)
    finally:
        logger.removeHandler(handler)
