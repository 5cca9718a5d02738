"""kill -9 of a run while it renders: the previous outputs stay byte for byte, the warehouse opens, the
next run succeeds and removes the dead run's staging folder. Real ``zwgk run`` processes against the
session's Prefect server; a second ``zwgk run`` on a held warehouse is refused with one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from transforms import runner

pytestmark = pytest.mark.flow
ROOT = Path(__file__).resolve().parents[2]


def _config(tmp_path: Path, seed_path: Path) -> Path:
    (tmp_path / "reg.csv").write_text((ROOT / "data" / "registry" / "huarong.csv").read_text(encoding="utf-8"),
                                      encoding="utf-8")
    (tmp_path / "seed.txt").write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "county.toml"
    path.write_text('county = "华容县"\nslug = "huarong"\nregistry = "reg.csv"\ndefault_period = "2021H1"\n'
                    '[[sources]]\npath = "seed.txt"\n', encoding="utf-8")
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _env() -> dict:
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PYTHONPATH": str(ROOT)}


def _args(config: Path, tmp_path: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "flows.cli", "run", "--config", str(config), "--out", str(tmp_path / "out"),
            "--warehouse", str(tmp_path / "wh.duckdb"), "--draft-ok", *extra]


def test_kill_during_render_then_rerun(prefect_harness, tmp_path, seed_path):
    config, env = _config(tmp_path, seed_path), _env()
    first = subprocess.run(_args(config, tmp_path), env=env, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stdout + first.stderr
    county = tmp_path / "out" / "huarong"
    before = _files(county / "2021H1")
    assert "bulletin.docx" in before and "run.json" in before

    victim = subprocess.Popen(_args(config, tmp_path), env={**env, "ZWGK_STOP_AFTER": "bulletin.md"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    staged = _stopped_mid_render(victim, county)  # frozen mid-render, still holding the warehouse
    # A second run while the first holds the warehouse: one line naming it, exit 2, nothing touched.
    busy = subprocess.run(_args(config, tmp_path), env=env, capture_output=True, text=True, timeout=120)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=60)
    assert busy.returncode == 2, busy.stdout + busy.stderr
    assert f"进程 {victim.pid}" in busy.stderr and "Traceback" not in busy.stdout + busy.stderr
    assert len([line for line in busy.stderr.splitlines() if line.strip()]) == 1, busy.stderr

    assert staged.exists(), "the killed run's staging folder is left behind (removed by the next run)"
    assert _files(county / "2021H1") == before, "the previous outputs changed"
    con = runner.connect(tmp_path / "wh.duckdb")
    try:
        assert runner.scalar(con, "SELECT count(*) FROM run_history WHERE status = 'draft'") == 1
    finally:
        con.close()

    again = subprocess.run(_args(config, tmp_path), env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    assert not staged.exists(), "the dead run's staging folder was not removed"
    assert not [d for d in county.iterdir() if d.name.startswith(".")], list(county.iterdir())
    after = _files(county / "2021H1")
    assert after.keys() == before.keys()
    assert after["bulletin.md"] == before["bulletin.md"]  # same inputs, same bulletin
    mode = (county / "2021H1").stat().st_mode & 0o777
    assert mode == 0o777 & ~_umask(), oct(mode)  # from the umask, not mkdtemp's 0700


def _stopped_mid_render(victim: subprocess.Popen, county: Path) -> Path:
    """Wait (no polling) until the run stops itself right after writing bulletin.md into its staging folder
    (``ZWGK_STOP_AFTER``, reports/render.py): Word, PDF and Excel are not yet written, nothing published."""
    _, status = os.waitpid(victim.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status), f"the run ended before render (status {status})"
    staged = [d for d in county.glob(f".2021H1.{victim.pid}.*") if (d / "bulletin.md").exists()]
    assert len(staged) == 1, list(county.iterdir())
    return staged[0]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_ctrl_c_during_render_is_one_line_recorded_and_leaves_nothing(prefect_harness, tmp_path, seed_path):
    """Ctrl-C (SIGINT) while the bulletin renders: exit 130 with one line, the staging folder removed, the
    run in `zwgk runs` as stopped — not a silent exit with a half-written folder left (probe of issue 21)."""
    config, env = _config(tmp_path, seed_path), _env()
    county = tmp_path / "out" / "huarong"
    victim = subprocess.Popen(_args(config, tmp_path), env={**env, "ZWGK_STOP_AFTER": "bulletin.md"},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    staged = _stopped_mid_render(victim, county)
    victim.send_signal(signal.SIGINT)  # delivered when it runs on
    victim.send_signal(signal.SIGCONT)
    out, err = victim.communicate(timeout=120)
    assert victim.returncode == 130, out + err
    errors = [line for line in err.splitlines() if line.startswith("错误")]
    assert errors == ["错误：已中断（Ctrl-C）：未发布任何输出，已记入运行记录（zwgk runs）"], err[-2000:]
    assert "Traceback" not in out + err
    assert not staged.exists() and not (county / "2021H1").exists(), list(county.iterdir())
    con = runner.connect(tmp_path / "wh.duckdb")
    try:
        stopped = con.execute("SELECT status, error FROM run_history").fetchall()
    finally:
        con.close()
    assert len(stopped) == 1 and stopped[0][0] == "failed" and "中断" in stopped[0][1], stopped
