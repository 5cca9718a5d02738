"""Prefect defaults for zwgk, set before Prefect is first imported (the environment still wins).

- The temporary local server's analytics caused SQLite "database is locked" errors here.
- Starting that server can take tens of seconds on a small machine: allow 120 s.
Point PREFECT_API_URL at a running ``prefect server start`` to skip the temporary server.
"""

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "true")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
