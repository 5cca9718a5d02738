"""The ``zwgk`` sub-commands, one module per command group; flows/cli.py builds the one Typer app from them.

common (shared options, messages, exit codes) · check · run (run, backfill) · warehouse (ingest,
transform, runs, vacuum) · schedule (serve) · county (init) · inspect (one page) · doctor · server (server
start|status|stop) · annual · region (run-region). The crawl command lives with the crawler
(flows/ingest/crawler/cli.py) and joins the same app. None of these modules imports Prefect, GX, matplotlib,
python-docx or openpyxl at import time: ``zwgk --help`` stays fast (tests/flows/test_warm_rerun.py).
"""
