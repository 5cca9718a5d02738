"""``make bench``: the product measured through its own code path, written to bench/out/ (git-ignored).

    python -m bench.run                                  # everything → bench/out/results.json, bench/out/benchmarks.md
    python -m bench.run --publish                        # the same, and the page copied to docs/benchmarks.md (make bench)
    python -m bench.run --sizes 1e5 --skip-flow --skip-region --skip-extras   # the smoke test's quick look

1. The region path's aggregate + rank + validate (bench/jobs.py) by zwgk — the project's model files
   through ``transforms.runner``, its GX checks through expectations/runner.py — plain pandas and polars
   lazy, on crawl sets of 1e5, 1e6 and 1e7 records (bench/crawlset.py). Every measurement is a fresh
   process (``python -m bench.child``); the implementations take turns within each round, so a busy
   moment on the shared machine falls on all of them alike; the median of the rounds is recorded. The
   three ranked results are compared row by row first.
2. Warm ``zwgk run`` vs the floor script, ``zwgk run --region`` on 20 and 100 synthetic counties, and
   ``zwgk check`` on the seed (bench/product_runs.py).
3. The crawler's and the annual reports' own benchmarks (bench/bench_crawler.py, bench/bench_annual.py).

Nothing tracked is written unless ``--publish`` (docs/benchmarks.md, the only tracked output).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from bench.measure import ROOT, Cut, log, python_env, watch
from bench.report import JOB_NAMES, machine, report, size_label

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
DOC = ROOT / "docs" / "benchmarks.md"
MANY = 1_000_000  # from this size on, --runs-large rounds (the product's job takes minutes there on 2 shared cores)


def run_job(job: str, folder: Path, dst: Path, timeout: float) -> dict:
    r = watch([sys.executable, "-m", "bench.child", job, str(folder), str(dst)], env=python_env(), timeout=timeout)
    if r["returncode"] != 0:
        raise RuntimeError(f"{job} on {folder.name} failed:\n{r['stderr'][-3000:]}")
    child = json.loads(r["stdout"].strip().splitlines()[-1])
    if not child["result"]["valid"]:
        raise RuntimeError(f"{job} on {folder.name}: blocking checks failed: {child['result']['failed']}")
    return {"seconds": child["seconds"], "peak_rss_mb": child["peak_rss_mb"], "import_seconds": child["import_seconds"],
            "job_cpu_seconds": child["cpu_seconds"], "process_seconds": r["wall"], "result": child["result"]}


def stages_from(stderr: str, tag: str = "stage") -> dict[str, float]:
    """The stages (or marts: tag "mart") a job reported on stderr (bench/jobs.py) before it was cut."""
    done: dict[str, float] = {}
    for line in stderr.splitlines():
        if line.startswith(f"[{tag}] "):
            seconds, name = line[len(tag) + 3:].split(" ", 1)
            done[name] = round(done.get(name, 0.0) + float(seconds), 3)
    return done


def _summary(job: str, size: int, counties: int, samples: list[dict], checked: dict) -> dict:
    def med(key):
        return round(statistics.median(s[key] for s in samples), 3)

    result = samples[0]["result"]
    rec = {"name": job, "size": size, "counties": counties, "runs": len(samples), "seconds": med("seconds"),
           "peak_rss_mb": round(med("peak_rss_mb"), 1), "process_seconds": med("process_seconds"),
           "import_seconds": med("import_seconds"), "job_cpu_seconds": med("job_cpu_seconds"),
           "seconds_all": [round(s["seconds"], 3) for s in samples],
           "peak_rss_mb_all": [round(s["peak_rss_mb"], 1) for s in samples],
           "load_average": [round(x, 2) for x in os.getloadavg()], "same_answer": checked,
           "checks": result.get("checks"), "findings": result.get("findings")}
    for key in ("built_by", "framed_by", "frame_rows", "mart_seconds", "validate_parts", "mart_rows"):
        if key in result:
            rec[key] = result[key]
    stages = [s["result"]["stages"] for s in samples]
    rec["stages"] = {k: round(statistics.median(st[k] for st in stages), 3) for k in stages[0]}
    return rec


def bench_jobs(sizes: list[int], runs: int, runs_large: int, jobs: tuple[str, ...], timeout: float,
               root: Path = OUT) -> list[dict]:
    """Every size: the crawl set (built or reused under root), then rounds of the three jobs taking turns."""
    from bench.crawlset import CrawlSpec, make_crawlset
    from bench.jobs import same_answer

    records = []
    for size in sizes:
        log(f"{size_label(size)} records: crawl set …")
        folder = make_crawlset(size, root=root)
        counties = CrawlSpec(size).counties
        n = runs_large if size >= MANY else runs
        log(f"{size_label(size)} records, {counties} counties ({folder.name}): {n} rounds of {', '.join(jobs)}")
        samples: dict[str, list[dict]] = {job: [] for job in jobs}
        cut: dict[str, dict] = {}
        checked = None
        with tempfile.TemporaryDirectory(prefix="zwgk-bench-") as tmp:
            outputs = {job: Path(tmp) / f"{job}.parquet" for job in jobs}
            for i in range(n):
                for job in jobs[i % len(jobs):] + jobs[:i % len(jobs)]:  # take turns going first
                    if job in cut:
                        continue
                    try:
                        samples[job].append(run_job(job, folder, outputs[job], timeout))
                    except Cut as cut_short:
                        cut[job] = {"name": job, "size": size, "counties": counties, "cut": round(cut_short.seconds),
                                    "stages_done": stages_from(cut_short.stderr),
                                    "marts_done": stages_from(cut_short.stderr, "mart"),
                                    "polled_peak_mb": round(cut_short.polled_peak_mb, 1)}
                        log(f"  {job:<12} cut after {cut_short.seconds:.0f} s; done: {cut[job]['stages_done']}")
                        continue
                    s = samples[job][-1]
                    log(f"  {job:<12} {s['seconds']:8.3f} s  {s['peak_rss_mb']:7.1f} MB")
                if checked is None and all(outputs[j].exists() for j in jobs if j not in cut):
                    checked = same_answer({j: outputs[j] for j in jobs if j not in cut})
                    log(f"  same answer: {checked}")
        records += [_summary(job, size, counties, samples[job], checked) if samples[job] else cut[job] for job in jobs]
    return records


def bench_script(name: str) -> list[dict]:
    """bench/<name>.py, another benchmark of the project: its JSON lines, tagged with their source."""
    script = HERE / f"{name}.py"
    if not script.exists():
        return []
    r = watch([sys.executable, str(script)], env=python_env(), timeout=1800)
    if r["returncode"] != 0:
        log(f"bench/{name}.py failed ({r['returncode']}): {r['stderr'][-1000:]}")
        return []
    records = []
    for line in r["stdout"].splitlines():
        try:
            rec = json.loads(line) if line.strip().startswith("{") else None
        except json.JSONDecodeError:
            rec = None
        if rec is not None:
            records.append({**rec, "source": f"bench/{name}.py"})
    log(f"bench/{name}.py: {len(records)} records in {r['wall']:.1f} s")
    return records


def guarded(name: str, fn, *args) -> list[dict]:
    """One part of the run; its failure is recorded (and reported) instead of losing the others' figures."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 — the report names it
        log(f"{name} failed: {exc}")
        return [{"name": name, "error": str(exc)[-1500:]}]


def checkout_state() -> str | None:
    """``git status --porcelain`` of the checkout (None outside a git checkout): the run must not change it."""
    import subprocess

    try:
        return subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True,
                              check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(float(s)) for s in text.split(",") if s.strip()]
    except ValueError:
        raise SystemExit(f"--sizes: expected record counts such as 1e5,1e6 — got {text!r}") from None
    if any(s < 1000 for s in sizes):
        raise SystemExit(f"--sizes: at least 1000 records each — got {text!r}")
    return sizes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1e5,1e6,1e7", help="crawled records, comma-separated (default 1e5,1e6,1e7)")
    ap.add_argument("--runs", type=int, default=3, help="rounds per size below 1e6 (median)")
    ap.add_argument("--runs-large", type=int, default=1, help="rounds at 1e6 and above")
    ap.add_argument("--job-timeout", type=float, default=600, help="s: a job running longer is recorded as cut")
    ap.add_argument("--jobs", default=",".join(JOB_NAMES))
    ap.add_argument("--flow-runs", type=int, default=3, help="warm zwgk run / floor / zwgk check: runs each")
    ap.add_argument("--regions", default="20,100", help="synthetic region sizes for zwgk run --region")
    ap.add_argument("--region-timeout", type=float, default=300, help="s: a region running longer is cut")
    ap.add_argument("--skip-flow", action="store_true", help="no warm zwgk run, floor script or zwgk check")
    ap.add_argument("--skip-region", action="store_true", help="no zwgk run --region")
    ap.add_argument("--skip-extras", action="store_true", help="not bench/bench_crawler.py nor bench/bench_annual.py")
    ap.add_argument("--out", type=Path, default=OUT,
                    help="results folder, crawl sets cached there too (default bench/out/, git-ignored)")
    ap.add_argument("--merge", type=Path, metavar="RESULTS_JSON",
                    help="keep that run's records of the parts this run does not measure (the page names both runs)")
    ap.add_argument("--publish", action="store_true", help="also copy the page to docs/benchmarks.md (make bench)")
    ap.add_argument("--report-only", type=Path, metavar="RESULTS_JSON",
                    help="measure nothing: write the page again from that run's records (after the report's "
                         "wording changed); the figures and the machine stay that run's")
    args = ap.parse_args(argv)
    if args.report_only:
        earlier = json.loads(args.report_only.read_text(encoding="utf-8"))
        earlier["machine"]["page_rewritten"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        page = write(args.out, earlier["records"], earlier["machine"], earlier["options"])
        log(f"wrote {page} from {args.report_only} (the run of {earlier['machine']['date']})")
        if args.publish:
            shutil.copyfile(page, DOC)
            log(f"published {DOC}")
        return 0
    sizes = parse_sizes(args.sizes)
    jobs = tuple(j for j in args.jobs.split(",") if j)
    if unknown := [j for j in jobs if j not in JOB_NAMES]:
        raise SystemExit(f"--jobs: unknown {unknown}; choose from {JOB_NAMES}")
    signal.signal(signal.SIGINT, signal.default_int_handler)  # a background run starts with SIGINT ignored
    info = machine()
    before = checkout_state()
    options = {k: v for k, v in vars(args).items() if k not in {"out", "publish"}}
    log(f"{info['cpu_model']}, {info['logical_cores']} cores, {info['memory_gib']} GiB, load {info['load_average_start']}")
    records = bench_jobs(sizes, args.runs, args.runs_large, jobs, args.job_timeout, args.out)
    write(args.out, records, info, options)  # after each part: an interrupted run still leaves its figures
    if not args.skip_flow:
        from bench.product_runs import bench_check, bench_warm

        log(f"warm zwgk run vs the floor script, {args.flow_runs} rounds")
        records += guarded("zwgk run (warm)", bench_warm, args.flow_runs)
        records += guarded("zwgk check (seed)", bench_check, args.flow_runs)
        write(args.out, records, info, options)
    if not args.skip_extras:
        for script in ("bench_crawler", "bench_annual"):
            records += guarded(script, bench_script, script)
        write(args.out, records, info, options)
    if not args.skip_region:  # last: the longest part (kill -INT the driver to cut the region running)
        from bench.product_runs import bench_region

        regions = [int(n) for n in args.regions.split(",") if n.strip()]
        records += guarded("zwgk run --region", bench_region, regions, args.region_timeout)
    info["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    after = checkout_state()
    info["checkout_unchanged"] = None if before is None or after is None else before == after
    if info["checkout_unchanged"] is False:
        log(f"WARNING: the run changed the checkout:\n{after}")
    for r in records:
        r.setdefault("run", info["date"])
    if args.merge:
        records = merged(args.merge, records, info)
    page = write(args.out, records, info, options)
    log(f"wrote {args.out / 'results.json'} and {page}")
    if args.publish:
        shutil.copyfile(page, DOC)
        log(f"published {DOC}")
    return 0


def merged(path: Path, records: list[dict], info: dict) -> list[dict]:
    """An earlier run's records (results.json) for the parts this run did not measure, then this run's."""
    earlier = json.loads(path.read_text(encoding="utf-8"))
    fresh = {r["name"] for r in records}
    kept = [{**r, "run": r.get("run", earlier["machine"]["date"])} for r in earlier["records"] if r["name"] not in fresh]
    info["merged_from"] = {"date": earlier["machine"]["date"], "load_average_start": earlier["machine"]["load_average_start"],
                           "load_average_end": earlier["machine"].get("load_average_end"),
                           "checkout_unchanged": earlier["machine"].get("checkout_unchanged")}
    return kept + records


def write(out: Path, records: list[dict], info: dict, options: dict) -> Path:
    """results.json and the page, in the results folder (never a tracked file)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps({"machine": info, "options": options, "records": records},
                                                 ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    page = out / "benchmarks.md"
    page.write_text(report(records, info, options), encoding="utf-8")
    return page

if __name__ == "__main__":
    raise SystemExit(main())
