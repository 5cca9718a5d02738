"""The project's own local Prefect server: ``zwgk server start|stop|status``, and the server ``zwgk run``,
``backfill`` and ``annual`` use when no Prefect API is configured (instead of Prefect's temporary server,
which costs 11–21 s to start on every command here).

State lives under the work directory's ``prefect/`` (``var/prefect/`` under the project root, or
``$ZWGK_HOME/prefect/``: flows/domain/settings.py):
``home/`` (the server's PREFECT_HOME: its SQLite database), ``server.json`` (pid, port, URL), ``server.log``.
The server listens on 127.0.0.1 only, on a free port chosen at start. This module never imports Prefect:
the server runs as its own process (``prefect server start``), started in a new session so that stopping it
stops its workers too.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flows.domain.settings import settings

START_TIMEOUT = float(os.environ.get("ZWGK_SERVER_START_TIMEOUT", "180"))  # s; a cold start here takes ~20 s


@dataclass
class ServerState:
    running: bool
    url: str | None = None
    pid: int | None = None
    port: int | None = None
    log: Path | None = None
    reason: str = ""

    @property
    def api_url(self) -> str | None:
        return f"{self.url}/api" if self.url else None


def state_dir() -> Path:
    return settings().prefect


def _state_file() -> Path:
    return state_dir() / "server.json"


def _read_state() -> dict | None:
    try:
        return json.loads(_state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _is_our_server(pid: int) -> bool:
    """The pid is alive and is a Prefect server (not another process that reused the pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True  # no /proc (macOS): alive is the best we can tell
    return b"prefect" in cmdline and b"server" in cmdline


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/health", timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status == 200
    except OSError:
        return False


def status() -> ServerState:
    state = _read_state()
    log = state_dir() / "server.log"
    if not state:
        return ServerState(False, log=log, reason="未启动")
    pid, url = state.get("pid"), state.get("url")
    if not isinstance(pid, int) or not _is_our_server(pid):
        return ServerState(False, log=log, reason="进程已退出")
    if not healthy(url):
        return ServerState(False, url=url, pid=pid, port=state.get("port"), log=log, reason="进程在运行但未响应健康检查")
    return ServerState(True, url=url, pid=pid, port=state.get("port"), log=log)


@contextmanager
def _start_lock():
    """One start at a time per state folder (two commands starting together share one server)."""
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "start.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prefect_command() -> list[str]:
    script = Path(sys.executable).with_name("prefect")
    return [str(script)] if script.exists() else [shutil.which("prefect") or "prefect"]


def start(timeout: float | None = None) -> tuple[ServerState, bool]:
    """The running server, started in the background first when it is not running and healthy.
    Returns (state, started_now). Raises RuntimeError naming the log when it does not come up."""
    with _start_lock():
        current = status()
        if current.running:
            return current, False
        if current.pid:  # alive but unhealthy: replace it
            _terminate(current.pid)
        folder = state_dir()
        home = folder / "home"
        home.mkdir(parents=True, exist_ok=True)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
                   PREFECT_SERVER_API_HOST="127.0.0.1", PREFECT_SERVER_API_PORT=str(port))
        log = folder / "server.log"
        with open(log, "ab") as out:
            proc = subprocess.Popen([*_prefect_command(), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
                                    cwd=folder, start_new_session=True)
        _state_file().write_text(json.dumps({"pid": proc.pid, "port": port, "url": url,
                                             "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}), encoding="utf-8")
        deadline = time.monotonic() + (timeout or START_TIMEOUT)
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                _state_file().unlink(missing_ok=True)
                raise RuntimeError(f"Prefect 服务器启动失败（退出码 {proc.returncode}），详见 {log}")
            if healthy(url):
                return ServerState(True, url=url, pid=proc.pid, port=port, log=log), True
            time.sleep(0.5)
        _terminate(proc.pid)
        _state_file().unlink(missing_ok=True)
        raise RuntimeError(f"Prefect 服务器 {timeout or START_TIMEOUT:.0f} 秒内未就绪，已停止；详见 {log}")


def _terminate(pid: int, grace: float = 20.0) -> None:
    """SIGTERM the server's process group, SIGKILL what is left after ``grace`` seconds."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        try:  # reap it when it is our own child (a start then a stop in one process)
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            pass
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def stop() -> ServerState:
    """Stop the server (if any); returns the state it had."""
    with _start_lock():
        current = status()
        if current.pid and _is_our_server(current.pid):
            _terminate(current.pid)
        _state_file().unlink(missing_ok=True)
        return current


def api_configured() -> bool:
    """Whether the Prefect API is not ours to choose: PREFECT_API_URL is in the environment, or Prefect is
    already imported in this process (tests, an embedding program: its settings, e.g. a test harness's
    server, were fixed at import and are left alone)."""
    return bool(os.environ.get("PREFECT_API_URL")) or "prefect" in sys.modules


def use_project_server(ephemeral: bool, say=None) -> str | None:
    """Point this process at the project's Prefect server (starting it once, in the background, when needed)
    unless an API is configured or ``ephemeral`` keeps Prefect's temporary server. Returns the API URL used."""
    if ephemeral or api_configured():
        return None
    state, started = start()
    if started and say:
        say(f"已在后台启动本项目的 Prefect 服务器：{state.url}（zwgk server stop 停止）")
    os.environ["PREFECT_API_URL"] = state.api_url
    return state.api_url
