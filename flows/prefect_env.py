"""Prefect defaults for zwgk, set before Prefect is first imported (the environment still wins).

- The temporary local server's analytics caused SQLite "database is locked" errors here.
- Starting that server can take tens of seconds on a small machine: allow 120 s.
Point PREFECT_API_URL at a running ``prefect server start`` to skip the temporary server.
"""

import os
from contextlib import contextmanager

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "true")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@contextmanager
def foreground_run():
    """A flow run a command waits for in the foreground (``zwgk run``): no flow-run heartbeats, unless
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY is set. Heartbeats let a server notice a crashed run of a deployment
    (the schedule's served runs keep them); the command reports its own failure, and ending its run waited
    up to a second for the heartbeat thread to wake."""
    if os.environ.get("PREFECT_FLOWS_HEARTBEAT_FREQUENCY"):
        yield
        return
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
