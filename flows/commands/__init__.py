"""The ``zwgk`` sub-commands, one module per command group; flows/cli.py builds the one Typer app from them.

common (shared options, messages, exit codes) · check · run (run, backfill) · warehouse (ingest,
transform, runs) · schedule (serve) · county (init) · inspect (one page) · doctor · server (server start|status|stop). The crawl,
annual and region commands live beside their flows (flows/ingest/crawler/cli.py, flows/annual_cli.py,
flows/region_cli.py) and join the same app. None of these modules imports Prefect, GX, matplotlib,
python-docx or openpyxl at import time: ``zwgk --help`` stays fast (tests/flows/test_warm_rerun.py).
"""
