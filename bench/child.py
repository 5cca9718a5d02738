"""One measurement in a fresh process: ``python -m bench.child JOB SRC DST``.

Imports what the job needs first (bench/jobs.py IMPORTS), then times the job alone (less what it
reports as ``untimed``: writing its result for the three-way comparison), and prints
one JSON object: the job's seconds (wall) and CPU seconds (all threads), the process's peak RSS (the kernel's high-water mark of the
process, VmHWM: the whole process, interpreter and libraries included), the
time the imports took, and what the job returned.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time


def peak_rss_kb() -> int:
    """This process's peak resident set: VmHWM, the high-water mark of its own address space.

    Not getrusage's ru_maxrss: on Linux that also counts the parent's pages the child had between
    fork and exec (here: the benchmark driver, a few hundred MB), so every child would seem at
    least as big as its parent."""
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(argv: list[str]) -> int:
    job, src, dst = argv[:3]
    options = json.loads(argv[3]) if len(argv) > 3 else {}
    t0 = time.perf_counter()
    from bench.jobs import IMPORTS, JOBS

    for module in IMPORTS[job]:
        importlib.import_module(module)
    t1 = time.perf_counter()
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    result = JOBS[job](src, dst, **options)
    t2 = time.perf_counter()
    cpu2 = resource.getrusage(resource.RUSAGE_SELF)
    peak_kb = peak_rss_kb()
    cpu = (cpu2.ru_utime - cpu1.ru_utime) + (cpu2.ru_stime - cpu1.ru_stime)
    untimed = float(result.get("untimed", 0)) if isinstance(result, dict) else 0.0  # writing the comparison file
    print(json.dumps({"job": job, "seconds": t2 - t1 - untimed, "cpu_seconds": cpu, "import_seconds": t1 - t0,
                      "peak_rss_mb": peak_kb / 1024, "result": result}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
