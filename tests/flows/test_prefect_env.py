"""flows/prefect_env.py: a foreground ``zwgk run`` has no flow-run heartbeats unless they are configured."""

import subprocess
import sys

import pytest


def _heartbeat_inside(env_value: str | None) -> str:
    code = ("from flows.prefect_env import foreground_run\n"
            "from prefect.settings import get_current_settings\n"
            "with foreground_run():\n"
            "    print(get_current_settings().flows.heartbeat_frequency)\n"
            "print(get_current_settings().flows.heartbeat_frequency)\n")
    import os

    env = {k: v for k, v in os.environ.items() if k != "PREFECT_FLOWS_HEARTBEAT_FREQUENCY"}
    if env_value is not None:
        env["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"] = env_value
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout


@pytest.mark.slow  # over 1.4 s: in `make test`, not in `make test-fast`
def test_foreground_run_turns_heartbeats_off_then_restores_them():
    inside, after = _heartbeat_inside(None).split()
    assert inside == "None"
    assert after != "None"  # Prefect's default, for the schedule's served runs


@pytest.mark.slow  # over 1.4 s: in `make test`, not in `make test-fast`
def test_a_configured_heartbeat_is_kept():
    assert _heartbeat_inside("60").split() == ["60", "60"]
