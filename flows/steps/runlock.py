"""One writer per warehouse: runs, backfills and ingests on the same DuckDB file are serialised.

DuckDB lets one process hold a database file for writing; a second run started while the first one
is between two steps would fail in the middle of a task ("Could not set lock on file"). Instead, a
command takes an advisory lock (``flock``) on ``<warehouse>.lock`` before it touches anything and
keeps it until it is done. A second command waits up to ``wait`` seconds, saying so, and then
stops with exit 2 and one line naming the run that holds the warehouse (pid, what, since when).

The lock is per open file, so it is released when the process ends however it ends (kill -9
included): no stale lock to clean up. The lock file itself stays (removing it would race).
Re-entrant within a process: the CLI takes it, the flow it starts takes it again.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

# A scheduled run the busy warehouse kept out is tried again by its schedule (flows/county_flow.py schedule_retry)
BUSY_RETRIES = 3            # at most this many more times …
BUSY_RETRY_DELAY = 3600.0   # … this many seconds apart

_held: dict[str, int] = {}
_guard = threading.Lock()


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse; the message names it."""


class FolderNotWritable(ValueError):
    """The warehouse's (or crawl store's) folder cannot be written: read-only, or the disk is full."""


class CrawlStoreBusy(WarehouseBusy):
    """Another crawl uses the same crawl store (two crawls would resume each other at twice the rate)."""


def lock_path(warehouse: str | Path) -> Path:
    path = Path(warehouse).resolve()
    return path.with_name(path.name + ".lock")


def holder(warehouse: str | Path) -> str:
    """Who holds the warehouse, as one phrase: "进程 123（zwgk run huarong 2021H1，开始于 …）"."""
    try:
        info = json.loads(lock_path(warehouse).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    pid = info.get("pid")
    released_here = pid == os.getpid() and str(lock_path(warehouse)) not in _held
    if not info or released_here or not _alive(pid):  # the file keeps the last holder after it let go
        return "另一个进程"
    return f"进程 {info.get('pid')}（{info.get('what') or 'zwgk'}，开始于 {info.get('since') or '未知时间'}）"


def _alive(pid) -> bool:
    try:
        os.kill(int(pid), 0)
    except (TypeError, ValueError, ProcessLookupError):
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


@contextmanager
def warehouse_lock(warehouse: str | Path, what: str, wait: float = 0,
                   on_wait: Callable[[str], None] | None = None, *, noun: str = "仓库",
                   busy: type[WarehouseBusy] = WarehouseBusy) -> Iterator[None]:
    """Hold the warehouse (or, with ``noun``/``busy``, another file such as a crawl store's index) for
    the duration of the block; ``busy`` after ``wait`` seconds."""
    if str(warehouse) == ":memory:":
        yield
        return
    key = str(lock_path(warehouse))
    with _guard:
        if key in _held:
            _held[key] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                _held[key] -= 1
        return
    try:
        Path(key).parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:  # a read-only folder, a full disk: one line, before anything is done
        raise FolderNotWritable(f"{Path(key).parent}: 无法写入（{exc.strerror or exc}）——{noun}所在的目录须可写；"
                                "请修改权限，或用 --warehouse / ZWGK_HOME 换一个目录") from None
    try:
        deadline = time.monotonic() + max(wait, 0)
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    waited = f"等待 {wait:g} 秒后" if wait > 0 else ""
                    raise busy(
                        f"{noun} {warehouse} 正被{holder(warehouse)}使用；{waited}仍未释放。"
                        f"请等它结束后再运行（或用 --wait 秒数 排队等待）"
                    ) from None
                if not told and on_wait is not None:
                    on_wait(f"{noun} {warehouse} 正被{holder(warehouse)}使用，最多等待 {wait:g} 秒……")
                    told = True
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "what": what,
                                  "since": datetime.now().astimezone().isoformat(timespec="seconds")},
                                 ensure_ascii=False).encode("utf-8"), 0)
        with _guard:
            _held[key] = 1
        try:
            yield
        finally:
            with _guard:
                _held.pop(key, None)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
