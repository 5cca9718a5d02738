"""The product's commands, timed as a user runs them (whole processes, the ``zwgk`` console script).

- ``bench_warm``: a warm ``zwgk run`` (the default job, Huarong 2021H1) against the project's own
  Prefect server (``zwgk server start`` in a private ZWGK_HOME, stopped at the end): one first run
  (not counted: it registers the flow, crawls, renders), then unchanged reruns into the same output
  folder and warehouse — beside the plain DuckDB + Jinja2 floor script (bench/floor/run.py) in the
  same rounds, taking turns.
- ``bench_region``: ``zwgk run --region`` on synthetic regions of 20 and 100 counties
  (bench/synth.py make_region), fresh work folder each, against the same server; the marginal cost
  of a county is the difference of the two over the 80 counties between them.
- ``bench_check``: ``zwgk check`` on the seed bulletin (exit 3: it finds the 1267 vs 1298 mismatch).

Every figure is the process's wall time and the peak RSS of its process tree (bench/measure.py).
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
from pathlib import Path

from bench.measure import ROOT, Cut, log, python_env, watch

ZWGK = str(Path(sys.executable).with_name("zwgk"))
CONFIG = ROOT / "data" / "counties" / "huarong.toml"
SEED = ROOT / "data" / "bulletins" / "huarong_2021H1.txt"
REGISTRY = ROOT / "data" / "registry" / "huarong.csv"


def _record(name: str, runs: list[dict], **extra) -> dict:
    return {"name": name, "seconds": round(statistics.median(r["wall"] for r in runs), 2),
            "peak_rss_mb": round(statistics.median(r["polled_peak_mb"] for r in runs), 1), "runs": len(runs),
            "seconds_all": [round(r["wall"], 2) for r in runs],
            "peak_rss_mb_all": [round(r["polled_peak_mb"], 1) for r in runs], **extra}


def _ok(r: dict, what: str, codes=(0,)) -> dict:
    if r["returncode"] not in codes:
        raise RuntimeError(f"{what} failed ({r['returncode']}):\n{r['stderr'][-3000:]}")
    return r


class ProjectServer:
    """``zwgk server start`` … ``zwgk server stop`` in a private ZWGK_HOME (never the checkout's)."""

    def __init__(self, home: Path):
        self.env = python_env(ZWGK_HOME=home)
        self.env.pop("PREFECT_API_URL", None)
        self.start_seconds = None

    def __enter__(self):
        r = _ok(watch([ZWGK, "server", "start"], env=self.env, timeout=300), "zwgk server start")
        self.start_seconds = round(r["wall"], 1)
        log(f"  zwgk server start: {self.start_seconds} s — {r['stdout'].strip().splitlines()[-1:]}")
        return self

    def __exit__(self, *exc):
        r = watch([ZWGK, "server", "stop"], env=self.env, timeout=120)
        log(f"  zwgk server stop: exit {r['returncode']}")
        return False


def _zwgk_run(work: Path, env: dict) -> dict:
    cmd = [ZWGK, "run", "--config", str(CONFIG), "--period", "2021H1", "--out", str(work / "out"),
           "--warehouse", str(work / "warehouse.duckdb"), "--draft-ok"]
    return _ok(watch(cmd, env=env, timeout=900), "zwgk run")


_LOG_LINE = re.compile(r"^(\d\d:\d\d:\d\d\.\d{3}) \| \w+\s*\| (Flow run|Task run) '([^']+)' - (.*)$", re.M)


def warm_breakdown(r: dict) -> dict:
    """Where one ``zwgk run``'s wall time went, from its own Prefect log lines (local HH:MM:SS.mmm): before
    the flow run begins (interpreter, imports, the run's creation), each task (from the event before it to
    its Finished line), closing the flow run, and after it (the summary printed, the process exiting)."""
    from datetime import datetime

    day = datetime.fromtimestamp(r["started_epoch"])

    def at(hms: str) -> float:
        clock = datetime.strptime(hms, "%H:%M:%S.%f")
        return day.replace(hour=clock.hour, minute=clock.minute, second=clock.second,
                           microsecond=clock.microsecond).timestamp()

    events = [(at(m[1]), m[2], m[3], m[4]) for m in _LOG_LINE.finditer(r["stderr"])]
    begins = [e[0] for e in events if e[1] == "Flow run" and e[3].startswith("Beginning flow run")]
    ends = [e[0] for e in events if e[1] == "Flow run" and e[3].startswith("Finished in state")]
    if not begins or not ends:
        return {}
    tasks, previous = {}, begins[0]
    for when, kind, name, message in events:
        if kind == "Task run" and message.startswith("Finished in state"):
            tasks[name.split("-")[0]] = round(when - previous, 2)
            previous = when
    return {"before_flow": round(begins[0] - r["started_epoch"], 2), "flow": round(ends[-1] - begins[0], 2),
            "tasks": tasks, "closing_flow_run": round(ends[-1] - previous, 2),
            "after_flow": round(r["started_epoch"] + r["wall"] - ends[-1], 2)}


IMPORT_PROBE = ("import time; t = time.perf_counter(); import {module}; "
                "print(round(time.perf_counter() - t, 3))")


def import_seconds(module: str) -> float:
    """Seconds to import a module in a fresh interpreter (the interpreter's own start left out)."""
    r = _ok(watch([sys.executable, "-c", IMPORT_PROBE.format(module=module)], env=python_env(), timeout=120),
            f"import {module}")
    return float(r["stdout"].strip().splitlines()[-1])


def bench_warm(runs: int) -> list[dict]:
    """Warm ``zwgk run`` reruns and the floor script, taking turns, with a running project server."""
    with tempfile.TemporaryDirectory(prefix="zwgk-bench-warm-") as tmp:
        tmp = Path(tmp)
        with ProjectServer(tmp / "home") as server:
            first = _zwgk_run(tmp / "job", server.env)
            log(f"  zwgk run (first, not counted) {first['wall']:6.1f} s")
            warm, floor = [], []
            for i in range(runs):
                warm.append(_zwgk_run(tmp / "job", server.env))
                floor.append(_ok(watch([sys.executable, "-m", "bench.floor.run", str(tmp / f"floor{i}")],
                                       env=python_env(), timeout=300), "floor script"))
                log(f"  zwgk run (warm) {warm[-1]['wall']:6.1f} s {warm[-1]['polled_peak_mb']:6.0f} MB | "
                    f"floor {floor[-1]['wall']:5.2f} s {floor[-1]['polled_peak_mb']:5.0f} MB")
            start = server.start_seconds
            breakdown = warm_breakdown(sorted(warm, key=lambda r: r["wall"])[len(warm) // 2])  # the median run
            imports = {module: statistics.median(import_seconds(module) for _ in range(3))
                       for module in ("flows.county_flow", "prefect", "pandas")}
            log(f"  warm run's breakdown: {breakdown}; imports (s): {imports}")
    return [_record("zwgk run (warm)", warm, first_run_seconds=round(first["wall"], 1), server_start_seconds=start,
                    breakdown=breakdown, import_seconds=imports),
            _record("floor script", floor)]


def bench_region(sizes: list[int], timeout: float) -> list[dict]:
    """``zwgk run --region`` on synthetic regions; a region over its time limit is recorded as cut."""
    from bench.synth import make_region

    records = []
    with tempfile.TemporaryDirectory(prefix="zwgk-bench-region-") as tmp:
        tmp = Path(tmp)
        with ProjectServer(tmp / "home") as server:
            for n in sizes:
                region, _ = make_region(tmp / f"in{n}", counties=n, seed=0, drafts=(1,))
                cmd = [ZWGK, "run", "--region", str(region), "--out", str(tmp / f"out{n}"),
                       "--work", str(tmp / f"work{n}"), "--draft-ok"]
                log(f"  zwgk run --region ({n} counties) …")
                try:
                    # exit 3: done, with a draft (one county states a wrong total, as planted); --draft-ok is the county's
                    r = _ok(watch(cmd, env=server.env, timeout=timeout), f"zwgk run --region ({n} counties)", codes=(0, 3))
                except Cut as cut:
                    log(f"  {n} counties: cut after {cut.seconds:.0f} s")
                    records.append({"name": "zwgk run --region", "counties": n, "cut_after_seconds": round(cut.seconds),
                                    "polled_peak_mb": round(cut.polled_peak_mb, 1)})
                    continue
                except RuntimeError as exc:
                    log(f"  {n} counties: {exc}")
                    text = str(exc)
                    records.append({"name": "zwgk run --region", "counties": n,
                                    "failed": text.splitlines()[0] + "\n…\n" + text[-1000:]})
                    continue
                log(f"  {n} counties: {r['wall']:.1f} s, {r['polled_peak_mb']:.0f} MB, CPU {r['cpu_seconds']:.0f} s")
                records.append({**_record("zwgk run --region", [r]), "counties": n, "exit_code": r["returncode"],
                                "cpu_seconds": round(r["cpu_seconds"], 1)})
    done = sorted((r for r in records if "seconds" in r), key=lambda r: r["counties"])
    if len(done) >= 2:
        a, b = done[0], done[-1]
        marginal = (b["seconds"] - a["seconds"]) / (b["counties"] - a["counties"])
        b["marginal_seconds_per_county"] = round(marginal, 2)
    return records


def bench_check(runs: int) -> list[dict]:
    """``zwgk check`` on the seed bulletin (exit 3: problems found, as expected)."""
    cmd = [ZWGK, "check", str(SEED), "--registry", str(REGISTRY)]
    results = []
    for _ in range(runs):
        results.append(_ok(watch(cmd, env=python_env(), timeout=300), "zwgk check", codes=(0, 3)))
        log(f"  zwgk check {results[-1]['wall']:5.2f} s {results[-1]['polled_peak_mb']:5.0f} MB "
            f"(exit {results[-1]['returncode']})")
    return [_record("zwgk check (seed)", results, exit_code=results[-1]["returncode"])]
