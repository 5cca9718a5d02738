"""A damaged warehouse or crawl store is named in one line, by every command and by ``zwgk doctor``, with
the way to rebuild (issue 21; docs/reliability.md "损坏的仓库或采集存储"). Real ``zwgk`` processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from transforms import runner

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # real zwgk processes that start Prefect: not in `make test-fast`


@pytest.fixture(autouse=True)
def _no_prefect_server_left(tmp_path):
    """`zwgk run` and `zwgk annual` start a Prefect server in ZWGK_HOME when none runs (README, "Prefect"):
    stop it once the test is done, so no test leaves a server behind."""
    yield
    if (tmp_path / "prefect").exists():
        _zwgk("server", "stop", home=tmp_path)


def _zwgk(*args, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ZWGK_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "flows.cli", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def _damaged_warehouse(path: Path, how: str) -> None:
    con = runner.connect(path)  # a real warehouse, then damaged
    con.close()
    data = bytearray(path.read_bytes())
    if how == "header":
        data[:4096] = os.urandom(4096)
    else:
        data = data[: len(data) // 3]
    path.write_bytes(bytes(data))


def test_a_damaged_warehouse_is_one_line_everywhere_and_doctor_says_how_to_rebuild(tmp_path):
    for how in ("header", "truncated"):
        home = tmp_path / how
        home.mkdir()
        wh = home / "warehouse.duckdb"
        _damaged_warehouse(wh, how)
        for args in (["runs"], ["transform"]):
            proc = _zwgk(*args, home=home)
            assert proc.returncode == 2, (args, proc.stdout, proc.stderr[-2000:])
            line = proc.stderr.strip()
            assert len(line.splitlines()) == 1 and str(wh) in line and "zwgk doctor" in line, line
            assert "另一个" not in line and "Traceback" not in proc.stderr  # never "used by another process"
        doctor = _zwgk("doctor", home=home)
        assert doctor.returncode == 3 and "有问题" in doctor.stdout and "zwgk ingest" in doctor.stdout


def test_a_damaged_crawl_store_is_one_line_and_doctor_finds_it(tmp_path):
    store = tmp_path / "crawl" / "huarong"
    store.mkdir(parents=True)
    (store / "index.sqlite").write_bytes(b"this is not a database " * 100)
    proc = _zwgk("crawl", "--config", ROOT / "data" / "portals" / "huarong.toml", "--store", tmp_path / "crawl",
                 home=tmp_path)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr[-2000:]
    assert "index.sqlite" in proc.stderr and "采集存储无法读取" in proc.stderr
    doctor = _zwgk("doctor", home=tmp_path)
    assert doctor.returncode == 3 and "采集存储" in doctor.stdout and "有问题" in doctor.stdout


def test_a_warehouse_folder_that_cannot_be_written_is_one_line(tmp_path):
    """The warehouse's folder cannot be made (a file stands where it should be; for root, whom a read-only
    mode does not stop, the same OSError path): one line naming the folder, exit 2, no traceback (issue 21)."""
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("", encoding="utf-8")
    for args in (["transform"], ["vacuum"], ["run", "--period", "2021H1"]):
        proc = _zwgk(*args, "--warehouse", blocker / "wh.duckdb", home=tmp_path)
        assert proc.returncode == 2, (args, proc.stderr[-2000:])
        assert "无法写入" in proc.stderr and "Traceback" not in proc.stderr
        assert len([ln for ln in proc.stderr.splitlines() if ln.startswith("错误")]) == 1


def test_a_python_without_utf8_prints_chinese_instead_of_a_traceback(tmp_path):
    env = {**os.environ, "ZWGK_HOME": str(tmp_path), "PYTHONUTF8": "0", "LC_ALL": "C", "LANG": "C"}
    env.pop("PYTHONIOENCODING", None)
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "runs"], cwd=ROOT, env=env, capture_output=True,
                          timeout=120)
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr
    assert "还没有运行记录" in proc.stdout.decode("utf-8")


@pytest.fixture
def full_disk(tmp_path):
    """A 3 MB tmpfs: the warehouse fills it during the run (needs the right to mount, as root here)."""
    mnt = tmp_path / "small_disk"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", str(mnt)], capture_output=True)


def test_a_full_disk_is_one_line_without_logging_recursion(prefect_harness, tmp_path, seed_path, full_disk):
    """The warehouse's disk fills up during a run: one warning that the log cannot be written, one error line
    saying the disk is full — not 23,000 lines of "Logging error" ending in RecursionError (issue 21)."""
    from prefect.settings import PREFECT_API_URL

    (tmp_path / "seed.txt").write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "reg.csv").write_text((ROOT / "data" / "registry" / "huarong.csv").read_text(encoding="utf-8"),
                                      encoding="utf-8")
    config = tmp_path / "county.toml"
    config.write_text('county = "华容县"\nslug = "huarong"\nregistry = "reg.csv"\n[[sources]]\npath = "seed.txt"\n',
                      encoding="utf-8")
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "run", "--config", str(config), "--period", "2021H1",
                           "--out", str(tmp_path / "out"), "--warehouse", str(full_disk / "wh.duckdb")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr[-2000:]
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith(("错误", "警告"))]
    assert any(ln.startswith("错误：磁盘已满") for ln in errors) and len(errors) <= 2
    assert "Logging error" not in proc.stderr and "RecursionError" not in proc.stderr
    assert len(proc.stderr.splitlines()) < 30 and not (tmp_path / "out" / "huarong" / "2021H1").exists()


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder on a filesystem mounted read-only, holding a real warehouse (root ignores a read-only mode,
    not a read-only mount; needs the right to mount, as root here)."""
    mnt = tmp_path / "ro"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mnt)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        (mnt / "with_warehouse").mkdir()
        (mnt / "empty").mkdir()
        runner.connect(mnt / "with_warehouse" / "wh.duckdb").close()
        remount = subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True, text=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only here: {remount.stderr.strip()}")
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


@pytest.mark.parametrize("folder", ["empty", "with_warehouse"])
def test_a_read_only_warehouse_folder_is_one_line_from_every_writing_command(tmp_path, read_only_folder, folder):
    """A warehouse folder on a read-only filesystem: run, ingest, transform, annual and vacuum each stop
    with one line naming the folder, exit 2, no traceback (issue 21: 33–109 lines before)."""
    warehouse = read_only_folder / folder / "wh.duckdb"
    before = sorted(p.name for p in (read_only_folder / folder).iterdir())
    for args in (["run", "--period", "2021H1"], ["ingest", ROOT / "data" / "bulletins" / "huarong_2021H1.txt"],
                 ["transform"], ["annual", "--year", "2025"],
                 ["vacuum"]):
        proc = _zwgk(*args, "--warehouse", warehouse, home=tmp_path)
        errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("错误")]
        assert proc.returncode == 2, (args, proc.stdout[-1000:], proc.stderr[-2000:])
        assert "Traceback" not in proc.stderr and len(errors) == 1, (args, proc.stderr[-2000:])
        assert str(warehouse.parent) in errors[0] and "无法写入" in errors[0], (args, errors)
    assert sorted(p.name for p in (read_only_folder / folder).iterdir()) == before
    assert not (tmp_path / "prefect").exists()  # no Prefect server started for runs that could not write


def test_a_read_only_output_folder_is_one_line_before_anything_is_rendered(tmp_path, read_only_folder):
    """`--out` on a read-only filesystem: run and annual say so in one line naming the folder, exit 2 (they
    used to stop with 运行失败：OSError, or a flow traceback on the terminal)."""
    out = read_only_folder / "empty" / "out"
    for args in (["run", "--period", "2021H1"], ["annual", "--year", "2025", "--no-crawl"]):
        proc = _zwgk(*args, "--out", out, "--warehouse", tmp_path / "wh.duckdb", home=tmp_path)
        errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("错误")]
        assert proc.returncode == 2, (args, proc.stdout[-1000:], proc.stderr[-2000:])
        assert "Traceback" not in proc.stderr and len(errors) == 1, (args, proc.stderr[-2000:])
        assert str(out) in errors[0] and "输出目录须可写" in errors[0], (args, errors)
    # refused before anything started: no Prefect server was started in the work directory for it
    assert not (tmp_path / "prefect").exists()
