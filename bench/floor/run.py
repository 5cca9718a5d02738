"""The floor: what a plain DuckDB + Jinja2 script needs to turn the seed's counts into a bulletin.

    python -m bench.floor.run OUT_DIR

Reads the seed's unit counts (data/demo/seed_counts.csv) and the registry (data/registry/huarong.csv)
with DuckDB, ranks the units within each table (bench/floor/ranked.sql), and renders the bulletin as
Markdown and HTML with Jinja2 (autoescaped) — no Prefect, no checks, no crawl, no Word or PDF. bench/run.py
times the whole process (interpreter start and imports included) beside a warm ``zwgk run``: the
distance between the two is what the product's orchestration, checks and formats cost.
"""

from __future__ import annotations

import sys
from itertools import groupby
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def main(argv: list[str]) -> int:
    import jinja2

    from transforms import runner

    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    with runner.connect(":memory:", schema=False) as con:
        cur = con.execute((HERE / "ranked.sql").read_text(encoding="utf-8"),
                          {"counts": str(ROOT / "data/demo/seed_counts.csv"),
                           "registry": str(ROOT / "data/registry/huarong.csv")})
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
    tables = []
    for (attachment, category), group in groupby(rows, key=lambda r: (r["attachment"], r["category"])):
        group = list(group)
        tables.append({"attachment": attachment, "category": category, "rows": group,
                       "sum": sum(r["count"] for r in group)})
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE), autoescape=jinja2.select_autoescape(["html.j2"]))
    context = {"county": "华容县", "period": "2021年上半年", "tables": tables, "total": sum(t["sum"] for t in tables)}
    for name in ("bulletin.md", "bulletin.html"):
        (out / name).write_text(env.get_template(f"{name}.j2").render(context), encoding="utf-8")
    print(f"{len(rows)} units, {context['total']} items → {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
