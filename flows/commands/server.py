"""``zwgk server start|status|stop``: the project's local Prefect server (flows/steps/prefect_server.py), its state
under the work directory's prefect/ (var/prefect/, or $ZWGK_HOME/prefect/)."""

from __future__ import annotations

import typer

from flows.commands.common import EXIT_FOUND, console, fail

server_app = typer.Typer(help="本项目的本地 Prefect 服务器（zwgk run / backfill / annual 默认使用）",
                         no_args_is_help=True, rich_markup_mode=None)


@server_app.command("start", short_help="在后台启动（已在运行则不重复启动），打印界面地址")
def server_start_command() -> None:
    """Start the project's Prefect server in the background (state under var/prefect/, ZWGK_HOME moves it)."""
    from flows.steps.prefect_server import start

    try:
        state, started = start()
    except RuntimeError as exc:
        fail(str(exc), 1)
    console.print(f"Prefect 服务器{'已启动' if started else '已在运行'}：{state.url}（进程 {state.pid}，日志 {state.log}）",
                  highlight=False)


@server_app.command("status", short_help="是否在运行、界面地址（未运行时退出码 3）")
def server_status_command() -> None:
    from flows.steps.prefect_server import status

    state = status()
    if state.running:
        console.print(f"Prefect 服务器运行中：{state.url}（进程 {state.pid}，日志 {state.log}）", highlight=False)
        return
    console.print(f"Prefect 服务器未运行：{state.reason}（zwgk server start 启动）", highlight=False)
    raise typer.Exit(EXIT_FOUND)


@server_app.command("stop", short_help="停止本项目的 Prefect 服务器")
def server_stop_command() -> None:
    from flows.steps.prefect_server import stop

    state = stop()
    console.print(f"已停止 Prefect 服务器（进程 {state.pid}）。" if state.pid else "Prefect 服务器未在运行。",
                  highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(server_app, name="server", short_help="启动、停止、查看本项目的本地 Prefect 服务器")
