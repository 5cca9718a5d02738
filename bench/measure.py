"""Running one measured process: wall time, peak RSS of its process tree, CPU time; the child's env."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def log(message: str) -> None:
    print(f"[bench {datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Running one process and watching its memory
# --------------------------------------------------------------------------------------------


def _tree_rss(proc) -> int:
    import psutil

    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


class Cut(TimeoutError):
    """A measured process stopped at its time limit (or by an interrupt: ``kill -INT`` the driver to cut the
    part running); what it had written to stderr, its peak so far and how long it ran."""

    def __init__(self, message: str, stderr: str, polled_peak_mb: float, seconds: float):
        super().__init__(message)
        self.stderr = stderr
        self.polled_peak_mb = polled_peak_mb
        self.seconds = seconds


def watch(cmd: list[str], *, env: dict | None = None, timeout: float = 1800, cwd: Path = ROOT) -> dict:
    """Run cmd; wall time, stdout, the peak RSS of its process tree (psutil, every 20 ms) and the
    CPU time of its waited-for descendants (getrusage RUSAGE_CHILDREN, before and after)."""
    import resource

    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    started_epoch = time.time()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    watched = psutil.Process(proc.pid)
    peak = 0
    out_chunks: list[str] = []

    def drain(stream, into):
        for line in stream:
            into.append(line)

    err_chunks: list[str] = []
    threads = [threading.Thread(target=drain, args=(proc.stdout, out_chunks), daemon=True),
               threading.Thread(target=drain, args=(proc.stderr, err_chunks), daemon=True)]
    for t in threads:
        t.start()
    try:
        while proc.poll() is None:
            peak = max(peak, _tree_rss(watched))
            if time.perf_counter() - start > timeout:
                raise TimeoutError
            time.sleep(0.02)
    except (TimeoutError, KeyboardInterrupt) as why:  # the time limit, or Ctrl-C / kill -INT: cut this one
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        for t in threads:
            t.join(timeout=5)
        elapsed = time.perf_counter() - start
        reason = f"no result after {timeout:.0f} s" if isinstance(why, TimeoutError) else f"interrupted after {elapsed:.0f} s"
        raise Cut(f"{' '.join(cmd)}: {reason}", "".join(err_chunks), peak / 2**20, elapsed) from None
    wall = time.perf_counter() - start
    for t in threads:
        t.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"returncode": proc.returncode, "wall": wall, "polled_peak_mb": peak / 2**20, "cpu_seconds": cpu,
            "stdout": "".join(out_chunks), "stderr": "".join(err_chunks), "started_epoch": started_epoch}


def python_env(**extra) -> dict:
    env = dict(os.environ)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("GX_ANALYTICS_ENABLED", "false")
    env.setdefault("DO_NOT_TRACK", "1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.update({k: str(v) for k, v in extra.items()})
    return env
