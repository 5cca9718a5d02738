"""``zwgk init``: a new county from its portal (flows/steps/init_county.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from flows.commands.common import INPUT_ERRORS, console, fail
from flows.domain.bounds import out_of_bounds


def init_command(
    county: Annotated[str, typer.Option(help="县名，如 青溪县（通报中的写法）")],
    slug: Annotated[str, typer.Option(help="县的代号（字母数字），用作文件名和输出目录名，如 qingxi")],
    start: Annotated[str, typer.Option(help="门户“政务公开”首页网址")],
    directory: Annotated[Path, typer.Option("--dir", help="写出配置文件的目录")],
    preset: Annotated[Optional[str], typer.Option(help="门户 CMS 预设：trs | trs_trt | hanweb | empirecms | public | yueyang | generic（默认按政务公开首页的特征自动选择）")] = None,
    registry: Annotated[Optional[Path], typer.Option(help="单位名册 CSV；不给时按门户上的发布机构起草一份")] = None,
    rate: Annotated[Optional[float], typer.Option(help="每个主机每秒最多请求数（默认 2）")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的配置文件")] = False,
) -> None:
    """A new county in one command: discover the portal's columns and write DIR/<slug>.toml (the county job)
    and DIR/<slug>_portal.toml (the columns); without --registry, crawl the portal and draft
    DIR/<slug>_registry.csv from its publishers. Then: zwgk run --config DIR/<slug>.toml --period P."""
    from flows.ingest.crawler.config import ConfigError as CrawlConfigError
    from flows.steps.init_county import init_county

    if rate is not None and out_of_bounds("rate", rate):
        fail(f"--rate {out_of_bounds('rate', rate)}，实为 {rate!r}")
    try:
        result = init_county(county=county, slug=slug, preset=preset, start=start, out_dir=directory,
                             registry=registry, rate=rate, force=force, progress=True)
    except (*INPUT_ERRORS, CrawlConfigError) as exc:
        fail(str(exc))
    console.print(f"预设 {result.preset}：{result.preset_reason}", highlight=False)
    console.print(f"发现 {result.columns} 个栏目：{result.portal_config}（请核对栏目名称、类型和所属单位）", highlight=False)
    if result.links:
        names = {"single_page": "单页", "form": "表单", "search": "搜索页", "external": "站外链接"}
        listed = "、".join(f"{names.get(k, k)} {n}" for k, n in sorted(result.links.items()))
        console.print(f"另有不是栏目的链接：{listed}（不采集；见 [[links]]，判断有误时改 kind）", highlight=False)
    if result.registry_drafted:
        crawl = result.crawl or {}
        console.print(f"未提供单位名册：已按门户上 {crawl.get('items', 0)} 条信息的 {result.publishers} 个发布机构"
                      f"起草 {result.registry}（草稿：类别按名称推断，排序按名称，请核对后删去 note 列的说明）",
                      highlight=False)
    console.print(f"县级配置：{result.county_config}", highlight=False)
    console.print(f"下一步：zwgk run --config {result.county_config} --period 2021H1（或 --period latest）",
                  highlight=False)


def register(app: typer.Typer) -> None:
    app.command("init", short_help="新县接入：发现门户栏目，写出县级配置（及名册草稿）")(init_command)
