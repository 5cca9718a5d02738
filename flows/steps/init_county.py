"""``zwgk init``: a new county in one command, from its portal alone.

    zwgk init --county 青溪县 --slug qingxi --preset trs --start http://www.qingxi.gov.cn/zwgk/index.html \\
              [--registry units.csv] [--rate 2] --dir counties/

1. discovers the portal's disclosure columns from its 政务公开 page (``discover_config``) and writes
   ``DIR/<slug>_portal.toml`` for the office to check (names, types, owning units);
2. without ``--registry``: crawls the portal (into the county's crawl store, which the later runs
   reuse incrementally) and drafts ``DIR/<slug>_registry.csv`` from the publishers (发布机构) its
   items print — category guessed from the name (…镇/乡/街道 → 乡镇, else 县直部门), display order by
   name, a note saying it is a draft to confirm;
3. writes the county job ``DIR/<slug>.toml``: registry, crawl config and store, ``[counts] source =
   "auto"`` (the crawl, until a reported bulletin or unit report is loaded), default period ``latest``.

Then ``zwgk run --config DIR/<slug>.toml --period P`` produces the bulletin (docs/counts.md).
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from flows.domain.config import SLUG, ConfigError
from flows.domain.registry import normalize_name

TOWNSHIP_SUFFIXES = ("镇", "乡", "街道")
OFFICE_SUFFIXES = ("人民政府", "办事处")  # 白沙镇人民政府 → 白沙镇, 河东街道办事处 → 河东街道
DRAFT_NOTE = "草稿：由 zwgk init 根据门户网站发布机构生成，请核对名称、类别和排序"


@dataclass
class InitResult:
    county_config: Path
    portal_config: Path
    registry: Path
    registry_drafted: bool
    columns: int
    links: dict[str, int] = field(default_factory=dict)   # other links of the 政务公开 page, by kind
    publishers: int = 0
    crawl: dict | None = None
    files: list[Path] = field(default_factory=list)
    preset: str = ""
    preset_reason: str = ""


def _toml(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def guess_unit(printed: str, county: str) -> tuple[str, str]:
    """(canonical name, category) for a publisher as printed: the county prefix dropped, a township's
    office suffix dropped (石门乡人民政府 → 石门乡), 乡镇 when the name then ends in 镇/乡/街道."""
    name = normalize_name(printed)
    for prefix in (normalize_name(county), "县"):
        if prefix and name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix):]
            break
    core = name
    for suffix in OFFICE_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
    if core.endswith(TOWNSHIP_SUFFIXES):
        return core, "乡镇"
    return name, "县直部门"


def draft_registry(items: list[dict], county: str, path: Path) -> int:
    """Write a registry CSV from the publishers the crawled items print; returns the number of units."""
    units: dict[str, dict] = {}
    for item in items:
        printed = item.get("unit_raw")
        if not printed or item.get("repost_of"):
            continue
        name, category = guess_unit(printed, county)
        unit = units.setdefault(name, {"category": category, "aliases": set(), "items": 0})
        unit["items"] += 1
        if normalize_name(printed) != name:
            unit["aliases"].add(normalize_name(printed))
    rows = []
    for category, letter in (("县直部门", "D"), ("乡镇", "T")):
        names = sorted(n for n, u in units.items() if u["category"] == category)
        for i, name in enumerate(names, start=1):
            u = units[name]
            rows.append({"unit_id": f"{letter}{i:02d}", "unit": name, "short_name": name, "category": category,
                         "display_order": (100 if letter == "T" else 0) + i * 10,
                         "aliases": "|".join(sorted(u["aliases"])), "valid_from": "", "valid_to": "",
                         "successor_of": "", "note": f"{DRAFT_NOTE}（门户上{u['items']}条信息）"})
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["unit_id", "unit", "short_name", "category", "display_order", "aliases",
                                                "valid_from", "valid_to", "successor_of", "note"])
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def county_toml(*, county: str, slug: str, registry: str, portal: str, store: str, drafted: bool) -> str:
    note = "（草稿：由门户发布机构生成，请核对）" if drafted else ""
    return "\n".join([
        f"# {county}政务公开通报任务：由 zwgk init 生成，请核对后使用。格式见 README“配置”。",
        f"county = {_toml(county)}",
        f"slug = {_toml(slug)}",
        f"registry = {_toml(registry)}            # 单位名册{note}",
        'default_period = "latest"                # 刚结束的半年（latest:quarter、latest:month 亦可），或 2021H1',
        f"issuer = {_toml(county + '政务公开领导小组办公室')}",
        "",
        "[counts]",
        'source = "auto"        # auto：仓库中有该期通报或单位报送表时用之，否则按门户采集统计 | crawl | reported',
        "",
        "[crawl]",
        f"config = {_toml(portal)}   # 门户栏目（请核对栏目名称、类型、所属单位）",
        f"store = {_toml(store)}     # 原始网页存储：以后的采集只发条件请求，只取新内容",
        "",
        "[alerts]",
        "urls = []              # apprise 通知地址；环境变量 ZWGK_ALERT_URLS 可追加",
        "",
    ])


def init_county(*, county: str, slug: str, preset: str | None, start: str, out_dir: str | Path,
                registry: str | Path | None = None, rate: float | None = None, force: bool = False,
                progress: bool = False) -> InitResult:
    """Discover, (crawl and draft a registry,) and write the county's config files. ConfigError /
    RegistryError name what is wrong (the CLI prints one line and exits 2)."""
    from flows.ingest.crawler.config import write_config
    from flows.ingest.crawler.discovery import discover_config
    from flows.domain.registry import load_registry

    if not SLUG.fullmatch(slug or ""):
        raise ConfigError(f"--slug 只能由小写字母、数字、- 和 _ 组成、最长 64 个字符（用作文件名和输出文件夹名），"
                          f"实为 {slug[:80]!r}")
    if not county.strip():
        raise ConfigError("--county 不能为空")
    out = Path(out_dir)
    county_path, portal_path = out / f"{slug}.toml", out / f"{slug}_portal.toml"
    drafted_path = out / f"{slug}_registry.csv"
    targets = [county_path, portal_path] + ([] if registry else [drafted_path])
    existing = [str(p) for p in targets if p.exists()]
    if existing and not force:
        raise ConfigError(f"{'、'.join(existing)} 已存在：为免覆盖办公室的修改，请换 --dir 或加 --force")
    reg = load_registry(registry, county) if registry else None
    config = discover_config(preset, start, registry=reg, rate=rate, county=county, name=f"{county}人民政府门户网站")
    if not config.columns:
        raise ConfigError(f"{start}: 没有发现政务公开栏目（预设 {config.preset}：{config.preset_reason}）；"
                          "请检查 --start 网址，或用 --preset 指定预设、用 zwgk inspect 查看首页")
    out.mkdir(parents=True, exist_ok=True)
    store_rel = f"crawl/{slug}"
    result = InitResult(county_config=county_path, portal_config=portal_path,
                        registry=Path(registry) if registry else drafted_path, registry_drafted=registry is None,
                        columns=len(config.columns), preset=config.preset, preset_reason=config.preset_reason,
                        links={k: sum(1 for c in config.links if c.kind == k) for k in {c.kind for c in config.links}})
    if registry is None:
        from flows.ingest.crawler.crawl import crawl

        crawled = crawl(config, out / store_rel, progress=progress)
        result.crawl = crawled.summary.to_dict()
        result.publishers = draft_registry(crawled.items, county, drafted_path)
        reg = load_registry(drafted_path, county)
        for col in config.columns:  # the sections of the 政务公开 page name the units owning the columns
            unit = reg.resolve(col.section) if col.section else None
            col.unit = unit.unit if unit else col.unit
    write_config(config, portal_path)
    registry_rel = os.path.relpath(Path(registry).resolve(), out.resolve()) if registry else drafted_path.name
    county_path.write_text(county_toml(county=county, slug=slug, registry=registry_rel, portal=portal_path.name,
                                       store=store_rel, drafted=registry is None), encoding="utf-8")
    result.files = [county_path, portal_path] + ([drafted_path] if registry is None else [])
    return result
