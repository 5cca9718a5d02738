"""The ``zwgk`` command line: one Typer app, every sub-command reachable from ``zwgk --help``.

The commands live in flows/commands/, one module per command group, each with ``register(app)``; the
crawl command's module, flows/ingest/crawler/cli.py, sits with the crawler.
Default paths come from the settings object (flows/domain/settings.py): inputs under the project's
data/, everything made under the work directory var/ (or $ZWGK_HOME), flags first.

Exit codes: 0 done (and clean), 3 done but something was found (a draft bulletin, findings in a
check), 2 the input could not be read or the command was used wrongly, 1 an unexpected failure.
"""

from __future__ import annotations

import sys

# A Python started without UTF-8 (PYTHONUTF8=0 LC_ALL=C) would fail on the first Chinese character it prints:
# the terminal streams are made UTF-8 (unknown characters replaced) before any console is created.
for _stream in (sys.stdout, sys.stderr):
    if (getattr(_stream, "encoding", "") or "").lower().replace("-", "") != "utf8" and hasattr(_stream, "reconfigure"):
        _stream.reconfigure(encoding="utf-8", errors="replace")

import typer  # noqa: E402

from flows import prefect_env  # noqa: F401,E402
from flows.commands import annual, applications, check, county, docs, doctor, inspect, region, run, schedule, server, warehouse

app = typer.Typer(
    name="zwgk",
    help="政务公开通报流水线：导入通报与报送数据，DuckDB 汇总排名，Great Expectations 核查，生成通报。"
         "输入在项目的 data/，生成的文件在工作目录 var/（或 $ZWGK_HOME）。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


def _register_crawl(app: typer.Typer) -> None:
    from flows.ingest.crawler.cli import crawl_command

    app.command("crawl", short_help="采集门户网站各公开栏目的信息（按配置或预设模板）")(crawl_command)


check.register(app)
run.register(app)
warehouse.register(app)
annual.register(app)
applications.register(app)
_register_crawl(app)
county.register(app)
inspect.register(app)
doctor.register(app)
docs.register(app)
schedule.register(app)
region.register(app)
server.register(app)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
