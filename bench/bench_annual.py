"""Annual-report benchmark: parse and check N reports through the product's code path.

    .venv/bin/python bench/bench_annual.py [--reports 100] [--repeat 3]

Writes N synthetic reports (data/demo/annual.py: both formats; HTML pages, .docx and
copied text with tabs and with space runs; a third with one planted defect) into a temporary
folder, then, in a fresh Python process per repeat (so Great Expectations' import is counted),
times ``parse_annual_report_file`` on every file and one ``validate_annual`` (GX) over all of them
— what ``zwgk annual`` does per county and year. Prints one JSON record per repeat and the best:
``{"name": "annual-parse-check", "reports": N, "gx_import_s", "parse_s", "check_s", "parse_check_s",
"cold_total_s", "findings"}`` (parse_check_s: parse + check once GX is imported; cold_total_s: with the import).
Results: docs/benchmarks.md, "Annual reports".
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFECTS = ("balance_mismatch", "column_total_mismatch", "row_total_mismatch", "total_column_blank",
           "review_total_mismatch", "text_table_mismatch")
SUFFIX = {"html": ".html", "docx": ".docx", "tab": ".txt", "spaces": ".txt"}


def write_reports(folder: Path, n: int) -> list[Path]:
    from data.demo.annual import make_spec, plant, render_docx, render_page, render_text

    paths = []
    media = list(SUFFIX)
    for i in range(n):
        spec = make_spec(f"基准单位{i:03d}", 2020 if i % 2 else 2022, seed=i)
        if i % 3 == 0:
            spec = plant(spec, DEFECTS[i % len(DEFECTS)])
        medium = media[i % len(media)]
        data = (render_page(spec).encode() if medium == "html" else render_docx(spec) if medium == "docx"
                else render_text(spec, sep="\t" if medium == "tab" else " ").encode())
        path = folder / f"report_{i:03d}{SUFFIX[medium]}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def measure(folder: str) -> dict:
    """Runs in a fresh process: import GX (timed apart: a process imports it once), parse every file,
    then check them all (GX), through product code."""
    t0 = time.perf_counter()
    import great_expectations  # noqa: F401  - what any process that validates pays once

    t1 = time.perf_counter()
    from flows.ingest.annual_report import parse_annual_report_file

    reports = [parse_annual_report_file(p) for p in sorted(Path(folder).iterdir())]
    t2 = time.perf_counter()
    from expectations.annual import validate_annual
    from expectations.annual_frames import build_frames

    outcome = validate_annual(build_frames(reports))
    t3 = time.perf_counter()
    findings = sum(len(v) for v in outcome.findings_by_report.values())
    return {"name": "annual-parse-check", "reports": len(reports), "gx_import_s": round(t1 - t0, 3),
            "parse_s": round(t2 - t1, 3), "check_s": round(t3 - t2, 3), "parse_check_s": round(t3 - t1, 3),
            "cold_total_s": round(t3 - t0, 3), "findings": findings}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    with tempfile.TemporaryDirectory(prefix="zwgk-annual-bench-") as tmp:
        write_reports(Path(tmp), args.reports)
        runs = []
        import os

        for _ in range(args.repeat):
            out = subprocess.run([sys.executable, __file__, "--measure", tmp], capture_output=True, text=True,
                                 check=True, cwd=ROOT)
            record = json.loads(out.stdout.strip().splitlines()[-1])
            record["load_average"] = [round(x, 2) for x in os.getloadavg()]
            runs.append(record)
            print(json.dumps(record, ensure_ascii=False))
        best = min(runs, key=lambda r: r["parse_check_s"])
        print(json.dumps(best | {"name": "annual-parse-check-best"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
