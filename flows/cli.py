"""The ``zwgk`` command line.

Exit codes: 0 done (and clean), 3 done but something was found (a draft bulletin, findings in a
check), 2 the input could not be read or the command was used wrongly, 1 an unexpected failure.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from flows import prefect_env  # noqa: F401
from flows.ingest.bulletin_model import BulletinParseError
from flows.domain.config import DEFAULT_CONFIG, ConfigError, load_config
from flows.ingest.annual_model import AnnualReportError
from flows.domain.periods import PeriodError, parse_period
from flows.domain.registry import RegistryError
from flows.steps.runlock import WarehouseBusy, warehouse_lock

EXIT_FOUND = 3
EXIT_BAD_INPUT = 2

app = typer.Typer(
    name="zwgk",
    help="政务公开通报流水线：导入通报与报送数据，DuckDB 汇总排名，Great Expectations 核查，生成通报。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
# Markup off: unit names, paths and messages come from input, and "[/]局" must print as it is, never be
# parsed as console markup. Styles are applied with _styled() to zwgk's own words only.
console = Console(soft_wrap=True, markup=False)
err = Console(stderr=True, soft_wrap=True, markup=False)


def _styled(markup: str, *plain: str) -> Text:
    """zwgk's own markup (a constant) followed by plain text that is never parsed."""
    return Text.assemble(Text.from_markup(markup), *(str(p) for p in plain))


INPUT_ERRORS = (BulletinParseError, AnnualReportError, ConfigError, PeriodError, RegistryError, FileNotFoundError,
                LookupError, WarehouseBusy)
LATEST_KINDS = ("", "half", "year", "quarter", "month")
WAIT_HELP = "仓库正被另一运行占用时最多等待的秒数（默认不等，直接退出）"
EPHEMERAL_HELP = "用 Prefect 的临时服务器（每条命令启动一次，慢），不用本项目的 Prefect 服务器（zwgk server）"


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    err.print(_styled("[bold red]错误[/]", "：", message), highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _within_caps(file: Path) -> bool:
    """Whether a file may be read at all (a regular file under the size cap; a .docx within the
    decompression caps): anything else is left to the bulletin parser, which says why, and is never
    handed to a reader without caps."""
    from flows.domain.limits import check_archive, read_input

    try:
        data = read_input(file, "通报或年度报告")
        if file.suffix.lower() == ".docx":
            check_archive(data, str(file), "Word 文档（.docx）")
    except BulletinParseError:
        return False
    return True


@app.command("check", short_help="核对通报或政府信息公开工作年度报告")
def check_command(
    file: Annotated[Path, typer.Argument(help="通报文件（.txt / .docx）、单位报送表（.csv / .xlsx）或年度报告（.html / .docx / .txt）")],
    registry: Annotated[Optional[Path], typer.Option(help="单位名册 CSV；给出时核对每个单位都在名册中")] = None,
    period: Annotated[Optional[str], typer.Option(help="期间（如 2021H1），文件标题中读不到时用")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象")] = False,
    docs: Annotated[Optional[Path], typer.Option(help="把 GX 数据文档（Data Docs）写到此目录")] = None,
) -> None:
    """Proofread a bulletin (totals, duplicates, ranks, counts, unit names) or an annual report (its tables and text)."""
    from flows.ingest.annual_report import sniff_annual_report

    if file.suffix.lower() not in {".csv", ".xlsx"} and _within_caps(file) and sniff_annual_report(file):
        from flows.annual_cli import check_annual_report

        return check_annual_report(file, as_json=as_json, docs=docs)
    try:
        # Parse before importing the pipeline (pandas, DuckDB: seconds): unreadable input fails fast.
        if file.suffix.lower() in {".csv", ".xlsx"}:
            from flows.ingest.unit_report import parse_unit_report

            parsed = parse_unit_report(file, period=period)
        else:
            from flows.ingest.bulletin import parse_bulletin

            parsed = parse_bulletin(file)
        from flows.steps.pipeline import proofread

        report = proofread(file, registry=registry, period=period, docs_dir=docs, parsed=parsed)
    except INPUT_ERRORS as exc:
        _fail(str(exc))
    if as_json:
        print(json.dumps({"kind": "bulletin"} | {k: report[k] for k in ("period", "tables", "overall", "findings")}
                         | {"file": report["file"], "county": report["county"]}, ensure_ascii=False, indent=2))
    else:
        _print_check(report)
    raise typer.Exit(EXIT_FOUND if report["findings"] else 0)


def _print_check(report: dict) -> None:
    console.print(Text(str(report["file"]), style="bold") + f"  {report['county'] or ''} {report['period']}",
                  highlight=False)
    table = Table("附件", "类别", "单位数", "各单位相加", "合计栏")
    for i, t in enumerate(report["tables"], start=1):
        table.add_row(str(i), t["category"], str(t["rows"]), str(t["sum"]),
                      "" if t["printed_total"] is None else str(t["printed_total"]))
    console.print(table)
    overall = report["overall"]
    stated = overall["in_text"] if overall["in_text"] is not None else "（未写明）"
    console.print(f"正文所述总数：{stated}　附件合计：{overall['sum_of_tables']}", highlight=False)
    if not report["findings"]:
        console.print(_styled("[green]未发现问题。[/]"))
        return
    for f in report["findings"]:
        colour = "red" if f["severity"] == "error" else "yellow"
        label = "错误" if f["severity"] == "error" else "提醒"
        console.print(Text(label, style=colour) + f" {f['code']}：{f['message']}", highlight=False, soft_wrap=True)
    if report.get("validation"):
        console.print(f"核查报告：{report['validation']}", highlight=False)


@app.command("run", short_help="运行通报流程：导入 → 汇总 → 核查 → 生成通报")
def run_command(
    config: Annotated[Path, typer.Option(help="县级配置（TOML）")] = DEFAULT_CONFIG,
    period: Annotated[Optional[str], typer.Option(help="期间：2021H1、2021、2021Q2、2021-03；默认取配置")] = None,
    out: Annotated[Path, typer.Option(help="输出根目录")] = Path("reports/out"),
    warehouse: Annotated[Path, typer.Option(help="DuckDB 仓库文件")] = Path("data/warehouse.duckdb"),
    draft_ok: Annotated[bool, typer.Option("--draft-ok", help="草稿也以 0 退出（供 make run 使用）")] = False,
    notify_success: Annotated[bool, typer.Option("--notify-success", help="正式稿也发送通知")] = False,
    region: Annotated[Optional[Path], typer.Option(help="区域配置（TOML）：在 Dask 上运行其中每个县，再出区域通报")] = None,
    work: Annotated[Path, typer.Option(help="区域运行的工作目录（各县 DuckDB、Parquet）")] = Path("data/work"),
    wait: Annotated[float, typer.Option(help=WAIT_HELP)] = 0,
    recrawl: Annotated[bool, typer.Option("--recrawl", help="无论上次采集多久以前，都重新采集门户（[crawl] max_age）")] = False,
    ephemeral: Annotated[bool, typer.Option("--ephemeral", help=EPHEMERAL_HELP)] = False,
) -> None:
    """Run the bulletin flow for one county and period (Prefect): ingest, transform, validate, render."""
    if region is not None:
        from flows.region_cli import run_region_command

        return run_region_command(region=region, period=period, out=out, work=work)
    try:
        cfg = load_config(config)
        if period and period.startswith("latest"):
            if period.partition(":")[2] not in LATEST_KINDS:
                raise PeriodError(f"无法识别的期间“{period}”：应为 latest、latest:year、latest:quarter 或 latest:month")
        elif period:
            period = parse_period(period).code
        else:
            period = cfg.default_period or parse_period("").code  # a code, or latest[:kind]
    except INPUT_ERRORS as exc:
        _fail(str(exc))
    use_server(ephemeral)
    summary = _run_flow(cfg, config, period, out, warehouse, notify_success, wait, recrawl)
    _print_run(summary)
    if summary["status"] == "draft" and not draft_ok:
        raise typer.Exit(EXIT_FOUND)


def use_server(ephemeral: bool) -> None:
    """Before Prefect is imported: use the project's Prefect server (started once in the background when
    it is not running) unless PREFECT_API_URL is set or --ephemeral asks for Prefect's temporary server."""
    from flows.prefect_server import use_project_server

    try:
        use_project_server(ephemeral, say=lambda m: err.print(m, highlight=False))
    except RuntimeError as exc:
        _fail(f"{exc}；可改用 --ephemeral（Prefect 临时服务器）", 1)


def _run_flow(cfg, config: Path, period: str, out: Path, warehouse: Path, notify_success: bool, wait: float,
              recrawl: bool = False) -> dict:
    """Run the flow holding the warehouse; a failure is one line on the terminal (its traceback is in the
    log file): exit 2 for what the office can fix (input, config, period, a busy warehouse), else 1."""
    try:
        with warehouse_lock(warehouse, f"zwgk run {cfg.slug} {period}", wait=wait,
                            on_wait=lambda m: err.print(m, highlight=False)):
            from flows.county_flow import RunFailed, half_yearly_bulletin
            from flows.steps.runlog import route_logs

            log = route_logs(warehouse)
            try:
                return half_yearly_bulletin(county=cfg.slug, period=period, config=str(config), out_dir=str(out),
                                            warehouse=str(warehouse), notify_success=notify_success or None,
                                            recrawl=recrawl)
            except RunFailed as exc:
                cause = exc.__cause__
                if isinstance(cause, INPUT_ERRORS):
                    _fail(f"{cfg.county} {period}：{cause}（在“{exc.task_name}”步骤停止，未发布任何输出）")
                _fail(f"{exc}（未发布任何输出；详细信息见 {log}）", 1)
            except INPUT_ERRORS as exc:
                _fail(str(exc))
            except Exception as exc:  # noqa: BLE001 - one line here, the traceback is in the log
                import logging

                logging.getLogger("zwgk").error("运行失败", exc_info=exc)
                _fail(f"运行失败：{type(exc).__name__}: {exc}（详细信息见 {log}）", 1)
    except WarehouseBusy as exc:
        _fail(str(exc))


def _print_run(summary: dict) -> None:
    out_dir = Path(summary["out_dir"])
    console.rule(f"{summary['county']} {summary['period_label']} 政务公开通报")
    totals = summary["totals"]
    parts = [f"{k} {v} 条" for k, v in totals.items() if k not in {"all", "stated_in_text"}]
    stated = (f"正文原述 {totals['stated_in_text']} 条" if totals.get("stated_in_text") is not None
              else "条数按门户采集统计" if summary.get("counts_source") == "crawl" else "正文未写明总数")
    console.print(f"附件合计 {totals['all']} 条（{'，'.join(parts)}）；{stated}", highlight=False)
    failed = [c for c in summary["checks"] if not c["success"]]
    if summary["status"] == "draft":
        console.print(_styled("[bold red]结果：草稿[/] —— 阻断性检查未通过，通报不得印发："), highlight=False)
    else:
        console.print(_styled("[bold green]结果：正式稿[/] —— 全部阻断性检查通过。"), highlight=False)
    for c in sorted(failed, key=lambda c: not c["blocking"]):
        messages = c["messages"] or [c["name"]]
        if c["blocking"]:
            if isinstance(c.get("observed"), int) and isinstance(c.get("expected"), int):
                console.print(f"  {c['name']}: {c['observed']} ≠ {c['expected']}", highlight=False)
            for m in messages:
                console.print(f"  [阻断] {m}", highlight=False)
        else:
            more = f"（等{len(messages)}项，详见通报“存在问题”及 attachments.xlsx）" if len(messages) > 2 else ""
            console.print(f"  [提醒] {c['name']}：{'；'.join(messages[:2])}{more}", highlight=False)
    crawl = summary.get("crawl") or {}
    if crawl and crawl.get("complete") is False:  # a crawl limit or fault: crawled counts may be short
        cols = crawl.get("incomplete_columns") or []
        names = "、".join(f"{c['name']}（{c.get('incomplete') or c.get('status')}）" for c in cols[:3])
        console.print(f"  [采集不完整] {len(cols)} 个栏目未完整读取：{names}{'等' if len(cols) > 3 else ''}；"
                      "网站采集条数可能偏少，详见 run.json 的 crawl.incomplete_columns", highlight=False)
    if crawl.get("skipped"):
        console.print(f"门户未重新采集：沿用 {crawl['age']} 前的采集（未超过 [crawl] max_age；--recrawl 强制重新采集）",
                      highlight=False)
    alert = summary.get("alert") or {}
    if alert.get("status") == "sent":
        console.print(f"已通知：{'、'.join(alert['sent'])}", highlight=False)
    elif alert.get("status") == "failed":
        console.print(_styled("[yellow]通知发送失败[/]", "：", "；".join(alert["errors"])), highlight=False)
    console.print(f"输出目录：{out_dir}", highlight=False)
    for name, rel in summary["outputs"].items():
        console.print(f"  {name}: {out_dir / rel}", highlight=False)


@app.command("ingest", short_help="导入往期通报或单位报送表到仓库")
def ingest_command(
    files: Annotated[list[Path], typer.Argument(help="通报（.txt/.docx）或单位报送表（.csv/.xlsx）")],
    config: Annotated[Path, typer.Option(help="县级配置（TOML），提供县名、名册")] = DEFAULT_CONFIG,
    period: Annotated[Optional[str], typer.Option(help="期间；通报标题中有则可省")] = None,
    warehouse: Annotated[Path, typer.Option(help="DuckDB 仓库文件")] = Path("data/warehouse.duckdb"),
    wait: Annotated[float, typer.Option(help=WAIT_HELP)] = 0,
) -> None:
    """Load past bulletins or unit reports into the warehouse, all or nothing, and rebuild their marts.

    Every file is parsed first; if any cannot be read, none is loaded. Then all are loaded in one
    transaction, and the marts of every period they touch are rebuilt."""
    from flows.steps import pipeline
    from flows.domain.registry import load_registry
    from transforms.loaders import load_county
    from transforms.loaders import load_registry as load_registry_into
    from transforms import runner

    try:
        cfg = load_config(config)
        code = parse_period(period).code if period else None
        parsed = []
        for file in files:
            try:
                parsed.append((file, *pipeline.parse_for_ingest(file, period=code, county=cfg.county)))
            except INPUT_ERRORS as exc:
                more = f"；其余 {len(files) - 1} 个文件也未导入（任一文件有误则全部不导入）" if len(files) > 1 else ""
                _fail(f"{exc}{more}")
        registry = load_registry(cfg.registry, cfg.county) if cfg.registry else None
        with warehouse_lock(warehouse, "zwgk ingest", wait=wait, on_wait=lambda m: err.print(m, highlight=False)):
            con = runner.connect(warehouse)
            try:
                with runner.transaction(con):
                    load_county(con, county_slug=cfg.slug, county=cfg.county, counts_source=cfg.counts_source,
                                portal=pipeline.portal_name(cfg))
                    if registry is not None:
                        load_registry_into(con, registry, cfg.slug)
                    loaded = [(file, chosen, pipeline.load_for_ingest(con, p, chosen, county_slug=cfg.slug,
                                                                      county=cfg.county))
                              for file, p, chosen in parsed]
            finally:
                con.close()
            marts = {chosen: pipeline.transform(warehouse, cfg.slug, chosen, cfg.rules)
                     for chosen in dict.fromkeys(chosen for _, chosen, _ in loaded)}
        for file, chosen, result in loaded:
            state = "已导入" if result.new else "已存在（未重复导入）"
            console.print(f"{file}: {chosen} {state}，{result.rows} 行；已重建 {len(marts[chosen])} 张汇总表",
                          highlight=False)
        if len(loaded) > 1:
            console.print(f"{len(loaded)} 个文件在同一事务中导入（全部成功才写入）。", highlight=False)
    except INPUT_ERRORS as exc:
        _fail(str(exc))


@app.command("backfill", short_help="按期间范围依次补跑通报流程")
def backfill_command(
    periods: Annotated[str, typer.Argument(help="期间范围，如 2019H1..2021H2（也可单个期间）")],
    config: Annotated[Path, typer.Option(help="县级配置（TOML）")] = DEFAULT_CONFIG,
    out: Annotated[Path, typer.Option(help="输出根目录")] = Path("reports/out"),
    warehouse: Annotated[Path, typer.Option(help="DuckDB 仓库文件")] = Path("data/warehouse.duckdb"),
    wait: Annotated[float, typer.Option(help=WAIT_HELP)] = 0,
    ephemeral: Annotated[bool, typer.Option("--ephemeral", help=EPHEMERAL_HELP)] = False,
) -> None:
    """Run the bulletin flow for every period of a range, oldest first, and report each period."""
    from flows.domain.periods import parse_period_range

    try:
        cfg = load_config(config)
        codes = [p.code for p in parse_period_range(periods)]
    except INPUT_ERRORS as exc:
        _fail(str(exc))
    use_server(ephemeral)
    try:
        with warehouse_lock(warehouse, f"zwgk backfill {cfg.slug} {periods}", wait=wait,
                            on_wait=lambda m: err.print(m, highlight=False)):
            from flows.county_flow import backfill
            from flows.steps.runlog import route_logs

            route_logs(warehouse)
            results = backfill(county=cfg.slug, periods=f"{codes[0]}..{codes[-1]}", config=str(config),
                               out_dir=str(out), warehouse=str(warehouse))
    except WarehouseBusy as exc:
        _fail(str(exc))
    table = Table("期间", "结果", "输出目录 / 原因")
    labels = {"final": _styled("[green]正式稿[/]"), "draft": _styled("[yellow]草稿[/]"),
              "failed": _styled("[red]失败[/]")}
    for r in results:
        table.add_row(r["period"], labels.get(r["status"], r["status"]), r["out_dir"] or r["error"] or "")
    console.print(table)
    if any(r["status"] == "failed" for r in results):
        raise typer.Exit(1)
    if any(r["status"] == "draft" for r in results):
        raise typer.Exit(EXIT_FOUND)


@app.command("runs", short_help="列出历次运行及其结果")
def runs_command(
    warehouse: Annotated[Path, typer.Option(help="DuckDB 仓库文件")] = Path("data/warehouse.duckdb"),
    county: Annotated[Optional[str], typer.Option(help="只看某县（slug）")] = None,
    period: Annotated[Optional[str], typer.Option(help="只看某期间")] = None,
    limit: Annotated[int, typer.Option(help="最多列出几次")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """List past runs: when, county, period, status, checks failed, alert, output folder."""
    from flows.steps.pipeline import list_runs

    try:
        runs = list_runs(warehouse, county, period, limit)
    except INPUT_ERRORS as exc:
        _fail(str(exc))
    if as_json:
        print(json.dumps(runs, ensure_ascii=False, indent=2, allow_nan=False))
        return
    if not runs:
        console.print(f"{warehouse} 中还没有运行记录。")
        return
    table = Table("开始时间", "县", "期间", "结果", "未通过的检查 / 错误", "通知", "输出目录")
    labels = {"final": "正式稿", "draft": "草稿", "failed": "失败"}
    for r in runs:
        problems = "、".join(r["failed_checks"] or []) or (r["error"] or "")
        table.add_row((r["started_at"] or "")[:19].replace("T", " "), r["county"] or r["county_slug"], r["period"],
                      labels.get(r["status"], r["status"]), problems, r["alert"] or "", r["out_dir"] or "")
    console.print(table)


@app.command("serve", short_help="按计划（每半年）自动运行通报流程")
def serve_command(
    config: Annotated[Path, typer.Option(help="县级配置（TOML）")] = DEFAULT_CONFIG,
    cron: Annotated[str, typer.Option(help="cron 表达式（默认每年1月、7月5日8:00）")] = "0 8 5 1,7 *",
    timezone: Annotated[str, typer.Option(help="时区")] = "Asia/Shanghai",
    name: Annotated[str, typer.Option(help="部署名称")] = "half-yearly",
    period: Annotated[str, typer.Option(help="运行的期间：latest = 刚结束的半年")] = "latest",
    out: Annotated[Path, typer.Option(help="输出根目录")] = Path("reports/out"),
    warehouse: Annotated[Path, typer.Option(help="DuckDB 仓库文件")] = Path("data/warehouse.duckdb"),
    annual_cron: Annotated[str, typer.Option(help="年度报告审查的 cron（默认每年2月1日8:00；空字符串则不部署）")] = "0 8 1 2 *",
) -> None:
    """Serve the half-yearly bulletin and the annual-report review on cron schedules (Asia/Shanghai) until stopped."""
    try:
        cfg = load_config(config)
    except INPUT_ERRORS as exc:
        _fail(str(exc))
    from flows.schedule import serve

    serve(cfg, config=config, cron=cron, timezone=timezone, name=name, period=period,
          out=out.resolve(), warehouse=warehouse.resolve(), annual_cron=annual_cron or None)


@app.command("transform", short_help="重建仓库中所有县、期间的汇总表")
def transform_command(
    warehouse: Annotated[Path, typer.Option(help="DuckDB 仓库文件")] = Path("data/warehouse.duckdb"),
) -> None:
    """Rebuild every mart for every county and period in the warehouse."""
    from transforms import runner

    try:
        with warehouse_lock(warehouse, "zwgk transform"):
            con = runner.connect(warehouse)
            try:
                n = runner.run_all(con)
            finally:
                con.close()
    except WarehouseBusy as exc:
        _fail(str(exc))
    console.print(f"已重建 {n} 个县·期间的汇总表。")


@app.command("init", short_help="新县接入：发现门户栏目，写出县级配置（及名册草稿）")
def init_command(
    county: Annotated[str, typer.Option(help="县名，如 青溪县（通报中的写法）")],
    slug: Annotated[str, typer.Option(help="县的代号（字母数字），用作文件名和输出目录名，如 qingxi")],
    start: Annotated[str, typer.Option(help="门户“政务公开”首页网址")],
    directory: Annotated[Path, typer.Option("--dir", help="写出配置文件的目录")],
    preset: Annotated[str, typer.Option(help="门户 CMS 预设：trs | hanweb | yueyang")] = "trs",
    registry: Annotated[Optional[Path], typer.Option(help="单位名册 CSV；不给时按门户上的发布机构起草一份")] = None,
    rate: Annotated[Optional[float], typer.Option(help="每个主机每秒最多请求数（默认 2）")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的配置文件")] = False,
) -> None:
    """A new county in one command: discover the portal's columns and write DIR/<slug>.toml (the county job)
    and DIR/<slug>_portal.toml (the columns); without --registry, crawl the portal and draft
    DIR/<slug>_registry.csv from its publishers. Then: zwgk run --config DIR/<slug>.toml --period P."""
    from flows.ingest.crawler.config import ConfigError as CrawlConfigError
    from flows.steps.init_county import init_county

    if rate is not None and rate <= 0:
        _fail(f"--rate 应为正数（每秒请求数），实为 {rate!r}")
    try:
        result = init_county(county=county, slug=slug, preset=preset, start=start, out_dir=directory,
                             registry=registry, rate=rate, force=force, progress=True)
    except (*INPUT_ERRORS, CrawlConfigError) as exc:
        _fail(str(exc))
    console.print(f"发现 {result.columns} 个栏目：{result.portal_config}（请核对栏目名称、类型和所属单位）", highlight=False)
    if result.registry_drafted:
        crawl = result.crawl or {}
        console.print(f"未提供单位名册：已按门户上 {crawl.get('items', 0)} 条信息的 {result.publishers} 个发布机构"
                      f"起草 {result.registry}（草稿：类别按名称推断，排序按名称，请核对后删去 note 列的说明）",
                      highlight=False)
    console.print(f"县级配置：{result.county_config}", highlight=False)
    console.print(f"下一步：zwgk run --config {result.county_config} --period 2021H1（或 --period latest）",
                  highlight=False)


server_app = typer.Typer(help="本项目的本地 Prefect 服务器（zwgk run / backfill / annual 默认使用）",
                         no_args_is_help=True, rich_markup_mode=None)
app.add_typer(server_app, name="server", short_help="启动、停止、查看本项目的本地 Prefect 服务器")


@server_app.command("start", short_help="在后台启动（已在运行则不重复启动），打印界面地址")
def server_start_command() -> None:
    """Start the project's Prefect server in the background (state under .zwgk/prefect/, ZWGK_HOME moves it)."""
    from flows.prefect_server import start

    try:
        state, started = start()
    except RuntimeError as exc:
        _fail(str(exc), 1)
    console.print(f"Prefect 服务器{'已启动' if started else '已在运行'}：{state.url}（进程 {state.pid}，日志 {state.log}）",
                  highlight=False)


@server_app.command("status", short_help="是否在运行、界面地址（未运行时退出码 3）")
def server_status_command() -> None:
    from flows.prefect_server import status

    state = status()
    if state.running:
        console.print(f"Prefect 服务器运行中：{state.url}（进程 {state.pid}，日志 {state.log}）", highlight=False)
        return
    console.print(f"Prefect 服务器未运行：{state.reason}（zwgk server start 启动）", highlight=False)
    raise typer.Exit(EXIT_FOUND)


@server_app.command("stop", short_help="停止本项目的 Prefect 服务器")
def server_stop_command() -> None:
    from flows.prefect_server import stop

    state = stop()
    console.print(f"已停止 Prefect 服务器（进程 {state.pid}）。" if state.pid else "Prefect 服务器未在运行。",
                  highlight=False)


def _register_crawl() -> None:
    from flows.ingest.crawler.cli import crawl_command

    app.command("crawl", short_help="采集门户网站各公开栏目的信息（按配置或预设模板）")(crawl_command)


_register_crawl()


def _register_annual() -> None:
    from flows.annual_cli import annual_command

    app.command("annual", short_help="审查各单位政府信息公开工作年度报告（每年1月）")(annual_command)


_register_annual()


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
