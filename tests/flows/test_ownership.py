"""zwgk owns only what it wrote (issue 21; flows/steps/ownership.py, docs/reliability.md): a period folder
holding the office's files or edits is never replaced without --force, and even then nothing is deleted —
the previous version goes to <out>/.history/, the newest versions kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.steps import pipeline
from flows.steps.ownership import MANIFEST, NotOurs, not_ours

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # real zwgk processes that start Prefect: not in `make test-fast`


def _stage(out: Path, text: str) -> Path:
    staged = pipeline.staging_dir(out, "huarong", "2021H1")
    (staged / "bulletin.md").write_text(text, encoding="utf-8")
    (staged / "charts").mkdir()
    (staged / "charts" / "a.png").write_bytes(b"png")
    return staged


def test_a_rerun_replaces_only_its_own_folder_and_keeps_the_old_one(tmp_path, monkeypatch):
    monkeypatch.setenv("ZWGK_KEEP_VERSIONS", "2")
    out = tmp_path / "out"
    for n in range(4):
        pipeline.publish_dir(_stage(out, f"第{n}版"), out, "huarong", "2021H1")
    final = out / "huarong" / "2021H1"
    assert (final / "bulletin.md").read_text(encoding="utf-8") == "第3版" and not_ours(final) == []
    listed = json.loads((final / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert set(listed) == {"bulletin.md", "charts/a.png"}
    history = sorted((out / ".history" / "huarong" / "2021H1").iterdir())
    assert [(h / "bulletin.md").read_text(encoding="utf-8") for h in history] == ["第1版", "第2版"]  # newest 2


@pytest.mark.parametrize("change", ["important.txt", "sub/keep.docx", "bulletin.md"])
def test_the_offices_files_and_edits_stop_a_replace_and_force_keeps_them(tmp_path, change):
    out = tmp_path / "out"
    pipeline.publish_dir(_stage(out, "原稿"), out, "huarong", "2021H1")
    final = out / "huarong" / "2021H1"
    (final / change).parent.mkdir(parents=True, exist_ok=True)
    (final / change).write_text("办公室的文件", encoding="utf-8")
    staged = _stage(out, "新稿")
    with pytest.raises(NotOurs, match="--force") as refused:
        pipeline.publish_dir(staged, out, "huarong", "2021H1")
    assert change in str(refused.value) and ("已改动" in str(refused.value)) == (change == "bulletin.md")
    assert (final / change).read_text(encoding="utf-8") == "办公室的文件"  # untouched
    pipeline.publish_dir(staged, out, "huarong", "2021H1", force=True)
    assert (final / "bulletin.md").read_text(encoding="utf-8") == "新稿" and not (final / "important.txt").exists()
    (kept,) = (out / ".history" / "huarong" / "2021H1").iterdir()
    assert (kept / change).read_text(encoding="utf-8") == "办公室的文件"  # moved, never deleted


def test_a_folder_zwgk_did_not_make_is_not_replaced(tmp_path):
    out = tmp_path / "out"
    mine = out / "huarong" / "2021H1"
    mine.mkdir(parents=True)
    (mine / "通报.docx").write_text("办公室自己做的", encoding="utf-8")
    with pytest.raises(NotOurs, match="没有 zwgk 的文件清单"):
        pipeline.publish_dir(_stage(out, "新稿"), out, "huarong", "2021H1")


def test_zwgk_run_refuses_in_one_line_and_force_keeps_the_file(prefect_harness, tmp_path, seed_path):
    from prefect.settings import PREFECT_API_URL

    reg = (ROOT / "data" / "registry" / "huarong.csv").read_text(encoding="utf-8")
    (tmp_path / "reg.csv").write_text(reg, encoding="utf-8")
    (tmp_path / "seed.txt").write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    config = tmp_path / "county.toml"
    config.write_text('county = "华容县"\nslug = "huarong"\nregistry = "reg.csv"\ndefault_period = "2021H1"\n'
                      '[[sources]]\npath = "seed.txt"\n', encoding="utf-8")
    final = tmp_path / "out" / "huarong" / "2021H1"
    final.mkdir(parents=True)
    (final / "important.txt").write_text("keep", encoding="utf-8")
    args = [sys.executable, "-m", "flows.cli", "run", "--config", str(config), "--period", "2021H1",
            "--out", str(tmp_path / "out"), "--warehouse", str(tmp_path / "wh.duckdb"), "--draft-ok"]
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    refused = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert refused.returncode == 2 and "important.txt" in refused.stderr and "--force" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and (final / "important.txt").read_text() == "keep"
    forced = subprocess.run(args + ["--force"], cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert forced.returncode == 0, forced.stdout + forced.stderr[-2000:]
    assert (final / "bulletin.md").exists() and not (final / "important.txt").exists()
    (kept,) = (tmp_path / "out" / ".history" / "huarong" / "2021H1").iterdir()
    assert (kept / "important.txt").read_text(encoding="utf-8") == "keep"
