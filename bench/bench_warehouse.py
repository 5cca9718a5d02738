"""Opening the warehouse and rebuilding a county's marts, with the schema stamps and without them, through the
product's own code (``transforms.runner.connect`` and ``run_marts``), in the same run.

    python -m bench.bench_warehouse              # the seed bulletin's warehouse, 20 opens, 5 builds
    python -m bench.bench_warehouse --repeat 50

A warehouse is built from the bundled seed bulletin (``pipeline.ingest_config``: the product's loaders).
Then each measure runs ``--repeat`` times, in CPU seconds of this process:

- ``open``: ``runner.connect`` as every writing command opens it — the stamped path (the raw tables and
  staging views checked in one catalog query) against the full path (the stamp removed before each open:
  every DDL statement run again, as before the stamps), and against DuckDB's own open (``schema=False``,
  the floor);
- ``build``: ``runner.run_marts`` for the seed's county and period — stamped (no DESCRIBE of each mart)
  against the full path (the ``marts:bulletin`` stamp removed before each build).

Prints one JSON record per measure, with the ratio of the stamped path to the full one
(docs/architecture.md, "schema stamps").
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cpu(fn, repeat: int, before=None) -> float:
    """Mean CPU seconds of ``fn()`` over ``repeat`` calls (``before()`` runs first each time, not timed)."""
    total = 0.0
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.process_time()
        fn()
        total += time.process_time() - started
    return total / repeat


def _forget(warehouse: Path, part: str) -> None:
    from transforms import runner

    con = runner.connect(warehouse, schema=False)
    try:
        runner.execute(con, "DELETE FROM schema_stamps WHERE part = ?", [part])
    finally:
        con.close()


def run(repeat: int, work: Path) -> list[dict]:
    from flows.domain.config import load_config
    from flows.steps.pipeline import ingest_config
    from transforms import runner

    config = load_config(ROOT / "data" / "counties" / "huarong.toml")
    warehouse = work / "wh.duckdb"
    ingest_config(config, warehouse, "2021H1")
    with runner.connect(warehouse) as con:
        runner.run_marts(con, config.slug, "2021H1")

    def open_close(schema: bool = True):
        runner.connect(warehouse, schema=schema).close()

    floor = _cpu(lambda: open_close(False), repeat)
    stamped = _cpu(open_close, repeat)
    full = _cpu(open_close, repeat, before=lambda: _forget(warehouse, "schema"))
    records = [{"name": "open", "repeat": repeat, "duckdb_open_s": round(floor, 4), "stamped_s": round(stamped, 4),
                "full_s": round(full, 4), "stamped_over_full": round(stamped / full, 3)}]

    with runner.connect(warehouse) as con:
        def build():
            runner.run_marts(con, config.slug, "2021H1")

        def forget_marts():
            runner.execute(con, "DELETE FROM schema_stamps WHERE part = 'marts:bulletin'")

        stamped = _cpu(build, max(1, repeat // 4))
        full = _cpu(build, max(1, repeat // 4), before=forget_marts)
    records.append({"name": "build", "repeat": max(1, repeat // 4), "stamped_s": round(stamped, 4),
                    "full_s": round(full, 4), "stamped_over_full": round(stamped / full, 3)})
    return records


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20, help="opens per measure (builds: a quarter of it)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for record in run(args.repeat, Path(tmp)):
            print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
