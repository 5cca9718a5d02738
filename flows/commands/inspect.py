"""``zwgk inspect URL|FILE``: what zwgk sees on one page of a portal (its kind, list items, pager totals,
article metadata, format facts, the preset that fits), as Scrapy's ``parse`` command is used for a
spider. docs/crawler.md, "Inspecting a page"."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer
from rich.table import Table

from flows.commands.common import console, fail, styled

KIND_NAMES = {"column_list": "栏目列表页", "article": "文章页", "hanweb_datastore": "大汉数据列表页",
              "single_page": "单页", "search": "搜索页", "form": "表单页", "js_list": "脚本读取接口的列表页",
              "other": "其他页面"}


def inspect_command(
    target: Annotated[str, typer.Argument(help="网址（http/https，只取这一页，遵守 robots.txt）或保存下来的网页文件")],
    preset: Annotated[Optional[str], typer.Option(help="按此预设读取（默认按页面特征自动选择）")] = None,
    url: Annotated[Optional[str], typer.Option(help="保存文件的原网址，用来还原相对链接（默认取页面中的 saved from / canonical）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象")] = False,
) -> None:
    """Show what zwgk reads on one page: kind, items, pager totals, metadata, format facts, preset."""
    from flows.ingest.crawler.config import ConfigError
    from flows.ingest.crawler.inspect import InspectError, inspect_target

    try:
        view = inspect_target(target, preset=preset, url=url)
    except (InspectError, ConfigError, OSError) as exc:
        if as_json:
            print(json.dumps({"source": target, "error": str(exc)}, ensure_ascii=False))
        fail(str(exc))
    if as_json:
        print(json.dumps(view, ensure_ascii=False, indent=2))
        return
    _print_view(view)


def _print_view(view: dict) -> None:
    console.print(styled("[bold]页面类型[/]"), f"{KIND_NAMES.get(view['kind'], view['kind'])}（{view['kind']}）："
                  f"{view['reason']}")
    console.print(styled("[bold]标题[/]"), view.get("title") or "（无）")
    console.print(styled("[bold]预设[/]"), f"{view['preset']}：{view['preset_reason']}")
    if view["preset"] != view["preset_suggested"]:
        console.print(f"  页面特征更像 {view['preset_suggested']}：{view['preset_suggested_reason']}")
    if view["items"]:
        table = Table(title=f"列表条目 {len(view['items'])} 条（{view['list_path']}）")
        for col in ("日期", "标题", "链接"):
            table.add_column(col)
        for item in view["items"]:
            table.add_row(item["list_date"] or "", item["title"], item["url"])
        console.print(table)
    if view["pager"]:
        p = view["pager"]
        console.print(styled("[bold]分页[/]"), f"共{p.get('total_items') if p.get('total_items') is not None else '?'}条，"
                      f"共{p.get('total_pages') if p.get('total_pages') is not None else '?'}页，"
                      f"当前第{p.get('current_page') or '?'}页"
                      + (f"（读自 {p['source']}）" if p.get("source") else "（页面未说明总数）")
                      + (f"；下一页 {p['next_url']}" if p.get("next_url") else ""))
    if view["api_urls"]:
        console.print(styled("[bold]页面脚本调用的接口[/]"), "；".join(view["api_urls"][:5]))
    if view["metadata"]:
        for key, value in list(view["metadata"].items()) + list(view["other_fields"].items()):
            console.print(f"  {key}：{value or '（页面未显示）'}")
    if view["format"]:
        f = view["format"]
        console.print(styled("[bold]格式[/]"), f"段落 {f['paragraph_count']}，空白段落 {f['empty_paragraphs']}"
                      f"（最长连续 {f['max_empty_run']}），连续空格 {f['space_runs']} 处，表格 {len(f['tables'])} 个"
                      f"（最宽 {f['max_table_width_px'] or '—'} px），Word 排版痕迹 {'有' if f['has_word_markup'] else '无'}")


def register(app: typer.Typer) -> None:
    app.command("inspect", short_help="查看 zwgk 在一个网页上读到什么（页面类型、条目、分页、元数据）")(inspect_command)
