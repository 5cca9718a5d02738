"""Deterministic synthetic data: small counties for tests, big crawled-record sets for benchmarks.

Everything here is a function of its seed: the same seed gives the same bytes, on any machine
and in any process (``random.Random`` seeded with a string, numpy ``default_rng`` seeded with a
list of integers; no hash randomisation, no clock).

(a) ``make_county`` / ``make_region`` write what a county job needs, in the layouts the pipeline
    already reads: a unit registry CSV, a bulletin ``.txt`` in the seed's layout (the body states
    共公开政府信息N条; each attachment table is one TAB-led cell per line, rows separated by empty
    lines, a 合计 row) and a county config TOML — plus, for a region, the region TOML.

(b) ``make_records`` writes a big synthetic set of crawled records as one Parquet file, in chunks
    of at most 1,000,000 rows with pyarrow (never a whole frame in pandas): county id, unit id,
    publish date, column id over 3,000 counties × 50 units and ten years, and beside it the unit
    registry (unit id → county id, name). Cached under ``bench/out/`` (git-ignored): a file whose
    metadata names the same size, seed and layout is reused.

    python -m bench.synth records 1e6          # → bench/out/records-1000000-s0.parquet
    python -m bench.synth region /tmp/r --counties 3
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

# --------------------------------------------------------------------------------------------
# (a) synthetic counties
# --------------------------------------------------------------------------------------------

DEPARTMENTS = (
    "政府办", "发改局", "教育体育局", "科工局", "公安局", "民政局", "司法局", "财政局", "人社局", "自然资源局",
    "住建局", "交通运输局", "水利局", "农业农村局", "商务粮食局", "文化旅游广电局", "卫生健康局", "退役军人事务局",
    "应急管理局", "审计局", "市场监督管理局", "统计局", "医保局", "林业局", "城管局", "信访局", "行政审批服务局",
    "乡村振兴局", "工信局", "数据资源局", "档案馆", "融媒体中心", "供销社", "气象局", "税务局", "生态环境分局",
)
# Characters for made-up place names (common in Hunan place names; none of 全各本我该此省年月日于).
PLACE_CHARS = "安宁平江湘阴汨罗临澧华容君山云溪屈原岳麓石门桃源沅陵辰溪溆浦麻阳新晃芷洪靖通道会同城步武冈隆回洞口邵东新邵祁阳东安双牌道县宁远蓝山嘉禾临武宜章汝城桂东资兴永兴安仁茶陵炎陵攸醴陵湘潭韶山株洲衡阳南岳常宁耒阳"  # noqa: E501
TOWN_SUFFIXES = ("镇", "镇", "镇", "乡")


@dataclass(frozen=True)
class SynthUnit:
    unit_id: str
    unit: str
    short_name: str
    category: str
    display_order: int
    count: int


@dataclass(frozen=True)
class SynthCounty:
    slug: str
    county: str
    period: str
    config: Path
    registry: Path
    bulletin: Path
    units: tuple[SynthUnit, ...]
    stated_total: int

    @property
    def totals(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for u in self.units:
            out[u.category] = out.get(u.category, 0) + u.count
        return out

    @property
    def total(self) -> int:
        return sum(u.count for u in self.units)


def _rng(seed: int, *parts: object) -> random.Random:
    # A string seed is hashed with SHA-512 by random.Random: stable across processes and runs.
    return random.Random("/".join(map(str, (seed, *parts))))


def _place(rng: random.Random, length: int, taken: set[str]) -> str:
    for _ in range(1000):
        name = "".join(rng.choice(PLACE_CHARS) for _ in range(length))
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("synth: ran out of place names")


def _period_label(period: str) -> tuple[str, str]:
    from flows.domain.periods import parse_period

    p = parse_period(period)
    return p.code, p.label


def county_units(slug: str, seed: int = 0, *, departments: int = 12, townships: int = 6) -> list[SynthUnit]:
    """The units of one synthetic county with their counts (deterministic)."""
    rng = _rng(seed, slug, "units")
    depts = rng.sample(DEPARTMENTS, k=min(departments, len(DEPARTMENTS)))
    taken: set[str] = set()
    towns = [_place(rng, rng.choice((2, 2, 3)), taken) + rng.choice(TOWN_SUFFIXES) for _ in range(townships)]
    units = []
    order = 0
    for i, name in enumerate(depts, start=1):
        order += 10
        # Counts drawn from a few values only, so that ties (broken by display order) happen.
        count = rng.choice((0, 3, 8, 12, 12, 20, 27, 27, 35, 44, 60, 90, 150))
        units.append(SynthUnit(f"D{i:02d}", name, name, "县直部门", order, count))
    for i, name in enumerate(towns, start=1):
        order += 10
        count = rng.choice((2, 6, 6, 15, 18, 18, 25, 33, 41, 61))
        units.append(SynthUnit(f"T{i:02d}", name, name, "乡镇", order, count))
    return units


def registry_csv(units: list[SynthUnit] | tuple[SynthUnit, ...], county: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["unit_id", "unit", "short_name", "category", "display_order", "aliases", "valid_from",
                     "valid_to", "successor_of", "note"])
    for u in units:
        aliases = f"{u.unit}人民政府" if u.category == "乡镇" else f"县{u.unit}"
        writer.writerow([u.unit_id, u.unit, u.short_name, u.category, u.display_order, aliases, "", "", "", ""])
    return buf.getvalue()


def _ranked(units, category: str) -> list[SynthUnit]:
    """The table order: count descending, ties by display order (the office's list order)."""
    return sorted((u for u in units if u.category == category), key=lambda u: (-u.count, u.display_order))


def bulletin_text(units, county: str, period: str, stated_total: int) -> str:
    """A bulletin in the seed's layout (data/bulletins/huarong_2021H1.txt)."""
    _, label = _period_label(period)
    short = label[5:]  # 上半年 / 下半年 / …
    depts, towns = _ranked(units, "县直部门"), _ranked(units, "乡镇")
    most = [u.short_name for u in depts[:3]] + [u.short_name for u in towns[:2]]
    lines = [
        f" 关于{label}全县政务公开工作情况的通  报",
        "",
        "各乡镇人民政府、县直各单位：",
        f"为持续推动政务公开工作健康有序发展，县政务公开领导小组办公室对全县政府信息公开{short}工作情况进行了检查统计。"
        "现将有关情况通报如下：",
        "\u3000\u3000一、总体情况",
        f"{short}，全县各乡镇和县直各部门认真推进政务公开工作，及时回应群众关切。{short}，全县各单位在政府门户网站"
        f"共公开政府信息{stated_total}条。其中：{'、'.join(most)}等单位主动公开政府信息数量较多，工作成效明显。",
        "二、工作要求",
        "各单位要进一步明确职责分工，确保政府门户网站各栏目的内容及时更新。",
        "",
        f"附件：1、{county}县直部门{label}信息公开情况统计",
        f"2、{county}各乡镇{label}信息公开情况统计",
    ]
    for no, (rows, title, name_header) in enumerate(
            ((depts, f"{county}县直部门{label}信息公开情况统计", "单位名称"),
             (towns, f"{county}各乡镇{label}信息公开情况统计", "乡镇名称")), start=1):
        lines += [" \t" + f"附件{no}：", "\t", "\t", "", "\t" + title, "",
                  "\t" + name_header, f"\t{label}度更新条数", "\t排名", ""]
        for rank, u in enumerate(rows, start=1):
            lines += [f"\t{u.unit}", f"\t{u.count}", f"\t{rank}", ""]
        lines += ["\t合计", f"\t{sum(u.count for u in rows)}", "\t", "", "", ""]
    return "\n".join(lines) + "\n"


def make_county(root: str | Path, slug: str, *, seed: int = 0, county: str | None = None, period: str = "2021H1",
                departments: int = 12, townships: int = 6, stated_offset: int = 0,
                issuer: str | None = None) -> SynthCounty:
    """Write ``root/<slug>/{registry.csv, <slug>_<period>.txt, county.toml}``; returns what was written.

    ``stated_offset`` ≠ 0 makes the body's stated total differ from the tables (a draft bulletin).
    """
    code, _ = _period_label(period)
    rng = _rng(seed, slug, "name")
    name = county or (_place(rng, 2, set()) + "县")
    units = tuple(county_units(slug, seed, departments=departments, townships=townships))
    folder = Path(root) / slug
    folder.mkdir(parents=True, exist_ok=True)
    stated = sum(u.count for u in units) + stated_offset
    registry = folder / "registry.csv"
    registry.write_text(registry_csv(units, name), encoding="utf-8")
    bulletin = folder / f"{slug}_{code}.txt"
    bulletin.write_text(bulletin_text(units, name, code, stated), encoding="utf-8")
    config = folder / "county.toml"
    config.write_text(
        f"# Synthetic county (bench/synth.py, seed {seed}).\n"
        f'county = "{name}"\nslug = "{slug}"\nregistry = "registry.csv"\ndefault_period = "{code}"\n'
        f'issuer = "{issuer or name + "政务公开领导小组办公室"}"\n\n'
        f'[[sources]]\npath = "{bulletin.name}"\nkind = "bulletin"\nperiod = "{code}"\n\n'
        f'[ranking]\nmethod = "ordinal"\n\n[alerts]\nurls = []\nnotify_success = false\n',
        encoding="utf-8")
    return SynthCounty(slug, name, code, config, registry, bulletin, units, stated)


def make_region(root: str | Path, *, counties: int = 3, seed: int = 0, period: str = "2021H1",
                slug: str = "synth", name: str = "合成市", drafts: tuple[int, ...] = (),
                parquet_root: str = "parquet", memory_limit: str = "512MB", n_workers: int = 2,
                threads_per_worker: int = 1, address: str = "") -> tuple[Path, list[SynthCounty]]:
    """``counties`` synthetic counties under ``root/counties/`` and a region config ``root/region.toml``.

    Counties whose index is in ``drafts`` state a total that differs from their tables.
    """
    root = Path(root)
    made = []
    taken: set[str] = set()
    rng = _rng(seed, slug, "counties")
    for i in range(counties):
        county_slug = f"c{i + 1:03d}"
        county_name = _place(rng, 2, taken) + "县"
        made.append(make_county(root / "counties", county_slug, seed=seed, county=county_name, period=period,
                                departments=10 + i % 5, townships=4 + i % 4,
                                stated_offset=(-7 - i) if i in drafts else 0))
    listed = ",\n".join(f'  "counties/{c.slug}/county.toml"' for c in made)
    region = root / "region.toml"
    region.write_text(
        f"# Synthetic region (bench/synth.py, seed {seed}).\n"
        f'name = "{name}"\nslug = "{slug}"\nissuer = "{name}政务公开办"\ndefault_period = "{_period_label(period)[0]}"\n'
        f'parquet_root = "{parquet_root}"\nmemory_limit = "{memory_limit}"\n'
        f"counties = [\n{listed},\n]\n\n"
        f'[dask]\naddress = "{address}"\nn_workers = {n_workers}\nthreads_per_worker = {threads_per_worker}\n',
        encoding="utf-8")
    return region, made


# --------------------------------------------------------------------------------------------
# (b) big crawled-record sets (Parquet)
# --------------------------------------------------------------------------------------------

RECORDS_LAYOUT = 1  # bump when the generator changes: cached files of another layout are rebuilt
START_YEAR = 2015
CHUNK = 1_000_000


@dataclass(frozen=True)
class RecordSpec:
    size: int
    seed: int = 0
    counties: int = 3000
    units_per_county: int = 50
    years: int = 10
    start_year: int = START_YEAR
    columns: int = 12  # 栏目 per unit

    @property
    def units(self) -> int:
        return self.counties * self.units_per_county

    @property
    def halves(self) -> int:
        return self.years * 2

    def metadata(self) -> dict:
        return {"size": self.size, "seed": self.seed, "counties": self.counties,
                "units_per_county": self.units_per_county, "years": self.years,
                "start_year": self.start_year, "columns": self.columns, "layout": RECORDS_LAYOUT}


def records_schema():
    import pyarrow as pa

    return pa.schema([
        pa.field("county_id", pa.int16(), nullable=False),
        pa.field("unit_id", pa.int32(), nullable=False),  # global: county_id * units_per_county + local id
        pa.field("publish_date", pa.date32(), nullable=False),
        pa.field("column_id", pa.int16(), nullable=False),
    ])


def _unit_weights(n: int):
    import numpy as np

    # Some units publish far more than others (as in the seed: 179 down to 1).
    w = 1.0 / np.arange(1, n + 1) ** 0.9
    return w / w.sum()


def records_chunk(spec: RecordSpec, index: int, rows: int):
    """Chunk ``index`` of the record set as a pyarrow Table (its own generator: order-independent)."""
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng([spec.seed, RECORDS_LAYOUT, index])
    county = rng.integers(0, spec.counties, size=rows, dtype=np.int32)
    # Each county's own permutation of who publishes most: a fixed function of (county, rank).
    local_rank = rng.choice(spec.units_per_county, size=rows, p=_unit_weights(spec.units_per_county))
    local = (local_rank * 7 + county * 13) % spec.units_per_county
    unit = (county * spec.units_per_county + local).astype(np.int32)
    first = np.datetime64(f"{spec.start_year}-01-01", "D")
    last = np.datetime64(f"{spec.start_year + spec.years}-01-01", "D")
    days = rng.integers(0, int((last - first).astype(int)), size=rows, dtype=np.int32)
    dates = (first + days.astype("timedelta64[D]"))
    column = rng.integers(0, spec.columns, size=rows, dtype=np.int16)
    return pa.Table.from_arrays(
        [pa.array(county.astype(np.int16)), pa.array(unit), pa.array(dates, type=pa.date32()), pa.array(column)],
        schema=records_schema())


def records_path(spec: RecordSpec, out: str | Path = OUT) -> Path:
    return Path(out) / f"records-{spec.size}-s{spec.seed}.parquet"


def units_path(spec: RecordSpec, out: str | Path = OUT) -> Path:
    return Path(out) / f"units-{spec.counties}x{spec.units_per_county}.parquet"


def units_path_for(records: str | Path) -> Path:
    """The unit registry written beside a record set (from the record file's own metadata)."""
    import pyarrow.parquet as pq

    meta = json.loads(pq.read_metadata(records).metadata[b"zwgk.synth"])
    return Path(records).parent / f"units-{meta['counties']}x{meta['units_per_county']}.parquet"


def make_units(spec: RecordSpec, out: str | Path = OUT) -> Path:
    """The unit registry of the record sets: unit id → county id and a name (dictionary-encoded)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = units_path(spec, out)
    unit = np.arange(spec.units, dtype=np.int32)
    county = (unit // spec.units_per_county).astype(np.int16)
    names = pa.array([f"县{c:04d}单位{u % spec.units_per_county:02d}" for c, u in zip(county.tolist(), unit.tolist())]
                     ).dictionary_encode()
    table = pa.table({"unit_id": unit, "county_id": county, "unit": names})
    if path.exists() and pq.read_table(path).equals(table):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
    return path


def _cached(path: Path, spec: RecordSpec) -> bool:
    if not path.exists():
        return False
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
        stored = json.loads((meta.metadata or {}).get(b"zwgk.synth", b"{}"))
    except Exception:  # a truncated or foreign file: rebuild it
        return False
    return stored == spec.metadata() and meta.num_rows == spec.size


def make_records(size: int | float | str, *, seed: int = 0, out: str | Path = OUT, **kw) -> Path:
    """Write (or reuse) the record set of ``size`` rows; returns its path.

    Written in chunks of ≤ 1e6 rows with ``pyarrow.parquet.ParquetWriter`` to a temporary file
    that is renamed into place: peak memory is one chunk, and an interrupted run leaves no file.
    """
    import pyarrow.parquet as pq

    spec = RecordSpec(size=int(float(size)), seed=seed, **kw)
    path = records_path(spec, out)
    make_units(spec, out)
    if _cached(path, spec):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    schema = records_schema().with_metadata({"zwgk.synth": json.dumps(spec.metadata(), sort_keys=True)})
    try:
        with pq.ParquetWriter(tmp, schema, compression="zstd", write_statistics=True) as writer:
            done, index = 0, 0
            while done < spec.size:
                rows = min(CHUNK, spec.size - done)
                writer.write_table(records_chunk(spec, index, rows).replace_schema_metadata(schema.metadata),
                                   row_group_size=256 * 1024)
                done += rows
                index += 1
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synth", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    rec = sub.add_parser("records", help="a big record set as Parquet (cached under bench/out/)")
    rec.add_argument("size", help="rows, e.g. 1e5, 1e6, 1e7")
    rec.add_argument("--seed", type=int, default=0)
    reg = sub.add_parser("region", help="synthetic counties and a region config")
    reg.add_argument("root", type=Path)
    reg.add_argument("--counties", type=int, default=3)
    reg.add_argument("--seed", type=int, default=0)
    reg.add_argument("--period", default="2021H1")
    args = parser.parse_args(argv)
    if args.what == "records":
        print(make_records(args.size, seed=args.seed))
    else:
        region, counties = make_region(args.root, counties=args.counties, seed=args.seed, period=args.period)
        print(region)
        for c in counties:
            print(f"  {c.slug} {c.county}: {c.total} 条 → {c.config}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
