"""The README is the manual: its commands are run and their key output compared with what it says.

Every `uv run zwgk …` line of the README's console blocks is either run here (RUN: exit code and the lines
its output must hold) or excused with a reason (NOT_RUN: it needs the network, files the office has, or runs
until stopped). A command added to the README without either fails `test_every_readme_command_is_accounted_for`.
The commands run from the project folder, as the README shows them, with a private ZWGK_HOME: the quick
start's `zwgk run --draft-ok` first (the `default_run` fixture, tests/conftest.py), then the others in order
on the same work directory.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # not in `make test-fast`

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SEED_LINE = "附件合计 1298 条（县直部门 915 条，乡镇 383 条）；正文原述 1267 条"


def _runs_json(output: str) -> None:
    runs = json.loads(output)
    assert runs and {(r["county_slug"], r["period"]) for r in runs} == {("huarong", "2021H1")}
    assert runs[0]["status"] == "draft" and "overall_total_matches_tables" in runs[0]["failed_checks"]


def _due_json(output: str) -> None:
    report = json.loads(output)
    assert [r["number"] for r in report["overdue"]] == ["2020-011"]  # the demo register's one unanswered application
    assert report["applications"] == 12


def _tables_json(output: str) -> None:
    t3 = json.loads(output)["人社局"]["table3"]
    assert t3["new"]["total"] == 4 and t3["results_total"]["total"] == 3 and t3["carried_out"]["other_org"] == 1


# README command (what follows `uv run zwgk`) → (exit code, lines the output holds, or a function that checks
# it). Run in this order, after the quick start's `zwgk run --draft-ok`.
RUN: dict[str, tuple[int, list[str] | object]] = {
    "run --draft-ok": (0, [SEED_LINE, "结果：草稿", "输出目录："]),  # the quick start (make run)
    "check data/bulletins/huarong_2021H1.txt --registry data/registry/huarong.csv":
        (3, ["正文所述总数：1267　附件合计：1298", "overall_total_mismatch：正文所述公开总数1267条与附件合计1298条不一致（相差31条）"]),
    "run": (3, [SEED_LINE, "结果：草稿 —— 阻断性检查未通过，通报不得印发：", "门户未重新采集"]),
    "run --config data/counties/huarong.toml --period 2021H1": (3, [SEED_LINE, "overall_total_matches_tables: 1267 ≠ 1298"]),
    "annual --year 2020": (3, ["应公布 50 个单位：已公布 48（按时 45，逾期 3），未公布 2，报告有问题 7"]),
    "applications import data/applications/huarong_demo_register.csv": (0, ["已导入 12 件申请（3 个承办单位）"]),
    "applications due --today 2021-02-01": (3, ["已超期 1 件", "超期 2020-011  收到 2020-12-28  期限 2021-01-26"]),
    "applications due --within 5 --json": (3, _due_json),
    "applications tables --year 2020 --unit 人社局": (0, _tables_json),
    "annual --draft 人社局 --year 2020": (0, ["已起草：", "2020-annual-drafts/人社局.docx"]),
    "runs": (0, ["华容县", "2021H1", "草稿", "overall_total_matches_tables"]),
    "runs --county huarong --period 2021H1 --json": (0, _runs_json),
    "transform": (0, ["已重建"]),
    "inspect tests/fixtures/real_portal/empirecms_jiayu_column_list_3.html":
        (0, ["栏目列表页（column_list）", "预设 empirecms", "共22条，共2页，当前第2页"]),
    "inspect tests/fixtures/real_portal/other_wanzai_article_1.html --json":
        (0, ['"kind": "article"', '"索引号": "014742224A/2023-0043406"', '"发布机构": "万载县统计局"']),
    "docs 2021H1": (0, ["var/work/validation/huarong/2021H1/index.html"]),
    "docs 2021H1 --config data/counties/huarong.toml": (0, ["var/work/validation/huarong/2021H1/index.html"]),
    "doctor": (0, ["正常 仓库", "正常 输出目录"]),
    "vacuum": (0, ["已整理", "MB →"]),
    "server start": (0, ["Prefect 服务器已在运行：http://127.0.0.1:"]),
    "server status": (0, ["Prefect 服务器运行中：http://127.0.0.1:"]),
    "server stop": (0, ["已停止 Prefect 服务器"]),
}
NETWORK = "needs the network (a real portal)"
OFFICE_FILES = "needs files the office has, not in the repository"
FOREVER = "serves schedules until stopped (tests/reports/test_annual_outputs.py, tests/prefect_helpers.py)"
NOT_RUN = {
    "vacuum --warehouse /srv/zwgk/warehouse.duckdb --keep-crawls 2": "a path on the office's server (tests/transforms/test_retention.py)",
    "doctor --warehouse /srv/zwgk/warehouse.duckdb": "a path on the office's server (tests/flows/test_doctor.py)",
    "run --period 2026H2 --partial-ok": "depends on today's date (tests/flows/test_reliability.py runs the current half-year)",
    "run --period 2021H1 --force": "needs an output folder the office changed (tests/flows/test_ownership.py)",
    "init --county 青溪县 --slug qingxi --start http://www.qingxi.gov.cn/zwgk/index.html "
    "--registry qingxi_units.csv --dir counties/": NETWORK + " (tests/flows/test_new_county.py runs it on a local copy)",
    "inspect http://www.qingxi.gov.cn/zwgk/bm/fgj/gzdt/index.html --preset trs": NETWORK + " (tests/ingest/test_inspect.py)",
    "init --county 青溪县 --slug qingxi --preset trs --start http://www.qingxi.gov.cn/zwgk/index.html "
    "--registry qingxi_units.csv --dir counties/": NETWORK,
    "init --county 青溪县 --slug qingxi --preset trs --start http://www.qingxi.gov.cn/zwgk/index.html "
    "--rate 1 --dir counties/": NETWORK,
    "run --config counties/qingxi.toml --period 2021H1": NETWORK + " (after zwgk init; tests/flows/test_new_county.py)",
    "check draft.docx --json": OFFICE_FILES,
    "check draft.docx --config data/counties/huarong_scored.toml": OFFICE_FILES + " (tests/reports/test_scoring.py "
                                                                   "checks a scored bulletin with --config)",
    "run --config data/counties/huarong_scored.toml --draft-ok": "the same flow as `run --config …huarong.toml`, on "
                                                                 "the scored example (tests/reports/test_scoring.py)",
    "check draft.docx --period 2021H2 --docs /tmp/validation": OFFICE_FILES,
    "check 财政局2022年年报.html": OFFICE_FILES,
    "check 财政局2022年年报.docx --json": OFFICE_FILES,
    "run --period latest": "the half-year just ended: no data for it in the bundle",
    "run --period 2021H2": "a full crawl-counted run (tests/transforms/test_counts_source.py)",
    "run --period 2021H1 --out /srv/zwgk/out --warehouse /srv/zwgk/warehouse.duckdb":
        "writes under /srv (flags winning over the work directory: tests/domain/test_settings.py)",
    "run --notify-success": "alerts need receivers (tests/alerts/test_alerts.py)",
    "run --region data/regions/example.toml --period 2021H1": "a Dask cluster, minutes (tests/flows/test_region.py)",
    "run-region --region data/regions/example.toml --period 2021H1": "a Dask cluster, minutes (tests/flows/test_region.py)",
    "run --wait 600": "queues behind another run (tests/flows/test_operations.py)",
    "run --recrawl": "a full re-crawl, the same output as `run` (tests/flows/test_warm_rerun.py)",
    "run --ephemeral": "Prefect's temporary server, 10–20 s more, the same output as `run`",
    "crawl --config data/portals/huarong.toml --registry data/registry/huarong.csv --export out/huarong.jsonl": NETWORK,
    "crawl --config data/portals/huarong.toml --since 2021-01-01": NETWORK,
    "crawl --preset yueyang --start http://www.huarong.gov.cn/zwgk/index.htm --registry data/registry/huarong.csv "
    "--write-config data/portals/huarong_discovered.toml": NETWORK,
    "crawl --preset trs --start http://127.0.0.1:8000/zwgk/ --rate 50 --export /tmp/items.jsonl":
        "needs a portal mirror on port 8000 (tests/ingest/test_demo_portal.py crawls one)",
    "crawl --config data/portals/huarong.toml --max-items 2000 --column-budget 1800 --time-budget 7200": NETWORK,
    "ingest old/2020年下半年通报.docx old/2020年上半年通报.txt": OFFICE_FILES,
    "ingest reports/2021H2_units.xlsx --period 2021H2": OFFICE_FILES,
    "ingest data/adoptions/huarong_demo_2021H1.csv --kind adoptions --period 2021H1 "
    "--config data/counties/huarong_scored.toml": "another county's rows in the quick start's warehouse "
                                                   "(tests/reports/test_scoring.py runs it)",
    "backfill 2019H1..2021H2": "six flow runs, minutes (tests/flows/test_flow.py)",
    "backfill 2021Q1..2021Q4 --config data/counties/huarong.toml": "four flow runs, minutes (tests/flows/test_flow.py)",
    "annual --config data/counties/huarong.toml --year 2022": "the same flow as --year 2020, on a year the demo "
                                                             "portal has no reports for",
    "annual --year 2022 --file 收到的/财政局.docx --file 收到的/教育局.html": OFFICE_FILES,
    "annual --year 2022 --no-crawl --file a.docx": OFFICE_FILES,
    "applications template 登记表.xlsx": "writes into the project folder (tests/ingest/test_applications.py writes "
                                        "the template and reads its lists)",
    "serve": FOREVER,
    "serve --cron '0 8 10 1,4,7,10 *' --period latest:quarter": FOREVER,
    "serve --annual-cron '0 8 5 2 *'": FOREVER,
    "serve --annual-cron ''": FOREVER,
    "serve --applications-cron ''": FOREVER,
    "transform --warehouse /srv/zwgk/warehouse.duckdb": "writes under /srv (flags: tests/domain/test_settings.py)",
}


def console_commands(text: str) -> list[list[str]]:
    """Every `$ …` line of the ```console blocks, continuation lines joined, comments dropped, as words."""
    commands = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        lines = iter(block.splitlines())
        for line in lines:
            if not line.startswith("$ "):
                continue
            command = line[2:]
            while command.rstrip().endswith("\\"):
                command = command.rstrip()[:-1] + " " + next(lines).strip()
            commands.append(shlex.split(command, comments=True))
    return commands


def zwgk_commands() -> list[str]:
    """The README's zwgk commands: the words after `uv run zwgk`, joined as a shell would read them."""
    found = []
    for words in console_commands(README.read_text(encoding="utf-8")):
        while words and "=" in words[0]:  # VAR=value prefixes
            words = words[1:]
        if words[:3] == ["uv", "run", "zwgk"]:
            found.append(shlex.join(words[3:]))
    return list(dict.fromkeys(found))


def _key(command: str) -> str:
    return shlex.join(shlex.split(command))


def test_every_readme_command_is_accounted_for():
    readme = set(zwgk_commands())
    known = {_key(c) for c in RUN} | {_key(c) for c in NOT_RUN}
    assert not readme - known, f"README commands neither run nor excused here: {sorted(readme - known)}"
    assert not known - readme, f"commands this test expects in the README but it no longer has: {sorted(known - readme)}"
    assert len(readme) > 40


def test_make_run_is_the_quick_start_command():
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)[1]
    assert "zwgk run --draft-ok" in recipe and "/out/huarong/2021H1/" in recipe


def test_help_reaches_every_command_the_readme_names(tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    runner = CliRunner()
    top = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert top.exit_code == 0
    listed = set(re.findall(r"^  ([a-z][a-z-]*)\s", top.output, re.M))
    named = {shlex.split(c)[0] for c in zwgk_commands()}
    assert named <= listed, named - listed
    sections = set(re.findall(r"^### `zwgk ([a-z-]+)", README.read_text(encoding="utf-8"), re.M))
    assert sections <= listed, sections - listed
    for command in listed:  # every sub-command (and server's) answers --help
        result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, (command, result.output)
    for sub in ("start", "status", "stop"):
        assert runner.invoke(app, ["server", sub, "--help"]).exit_code == 0


def test_check_json_matches_the_readme(seed_path):
    """The README's `zwgk check --json` example, field by field ("…" stands for what it leaves out)."""
    text = README.read_text(encoding="utf-8")
    shown = json.loads(re.search(r"`--json` prints one\s+object in every case.*?\n\n```json\n(.*?)```", text, re.S)[1])
    proc = subprocess.run([*_zwgk(), "check", str(seed_path.relative_to(ROOT)), "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 3, proc.stderr
    actual = json.loads(proc.stdout)
    assert {k: actual[k] for k in ("period", "tables", "overall", "county")} == {
        k: shown[k] for k in ("period", "tables", "overall", "county")}
    assert actual["findings"][0] == shown["findings"][0]


def _zwgk() -> list[str]:
    import sys

    return [sys.executable, "-m", "flows.cli"]


def _expected_output_lines(text: str) -> list[str]:
    """The quick start's printed block: the first ``` block after "and prints"."""
    block = re.search(r"and prints.*?\n```\n(.*?)```", text, re.S)[1]
    return [line for line in block.splitlines() if line.strip() not in {"", "…"}]


def _holds(output: str, shown: str) -> bool:
    """Some output line holds the README line: its parts around "…" in order (rules' ─ runs left out)."""
    parts = [p for p in shown.strip("─ ").split("…") if p]
    for line in output.splitlines():
        line, at = line.strip("─ "), 0
        for part in parts:
            at = line.find(part, at)
            if at < 0:
                break
            at += len(part)
        else:
            return True
    return False


def _as_documented(output: str, home: Path) -> str:
    """Output with the private work directory written as the README writes the default one."""
    return output.replace(str(home), str(ROOT / "var"))


@pytest.mark.flow
def test_quick_start_prints_what_the_readme_shows(default_run):
    proc = default_run.proc
    assert proc.returncode == 0, proc.stderr[-3000:]
    output = _as_documented(proc.stdout, default_run.home)
    missing = [line for line in _expected_output_lines(README.read_text(encoding="utf-8")) if not _holds(output, line)]
    assert not missing, f"README quick-start lines not in the output: {missing}\n--- output ---\n{output[-4000:]}"


@pytest.mark.flow
@pytest.mark.parametrize("command", [c for c in RUN if c != "run --draft-ok"])
def test_readme_command(command, default_run):
    assert default_run.proc.returncode == 0, default_run.proc.stderr[-3000:]
    code, expected = RUN[command]
    proc = subprocess.run([*_zwgk(), *shlex.split(command)], cwd=ROOT, env=default_run.env, capture_output=True,
                          text=True, timeout=900)
    output = _as_documented(proc.stdout, default_run.home)
    assert proc.returncode == code, (command, proc.returncode, proc.stderr[-3000:], output[-2000:])
    if callable(expected):
        expected(proc.stdout)
    else:
        for line in expected:
            assert line in output, (command, line, output[-3000:])


def test_the_cli_stays_split():
    """One Typer app in flows/cli.py, its commands in flows/commands/ (one module per command group): each
    module within 500 lines, each function within 100 (tests/test_layout.py's scan)."""
    from test_layout import oversized

    paths = [Path("flows/cli.py"), Path("flows/commands/annual.py"), Path("flows/ingest/crawler/cli.py"),
             *sorted(p.relative_to(ROOT) for p in (ROOT / "flows" / "commands").glob("*.py")),
             *sorted(p.relative_to(ROOT) for p in (ROOT / "flows" / "domain").glob("*.py"))]
    assert len(paths) > 10
    assert not oversized(paths)
