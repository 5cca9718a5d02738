"""zwgk owns only what it wrote (docs/reliability.md, "zwgk owns only what it wrote").

Every output folder zwgk publishes (``<out>/<county>/<period>/``, ``<year>-annual/``, the region's)
carries a manifest, ``.zwgk-manifest.json``: each file it wrote, with its size and SHA-256. A later run
replaces the folder only when it holds exactly those files, unchanged. A folder holding a file zwgk
did not write (``important.txt``, ``sub/keep.docx``), or one the office edited in place
(``bulletin.docx``), or no manifest at all, is refused with one line (exit 2) unless ``--force``.

Even then nothing is deleted: the previous version is moved to ``<out>/.history/<county>/<name>/<when>/``
and the newest ``ZWGK_KEEP_VERSIONS`` (default 5) versions of each folder are kept there.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import datetime
from pathlib import Path

MANIFEST = ".zwgk-manifest.json"
DEFAULT_KEEP = 5


class NotOurs(ValueError):
    """An output folder holds files zwgk did not write, or changed since it wrote them."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def write_manifest(folder: str | Path) -> Path:
    """Record every file of ``folder`` (what zwgk just wrote there) in its manifest."""
    folder = Path(folder)
    files = {}
    for path in _files(folder):
        rel = path.relative_to(folder).as_posix()
        if rel != MANIFEST:
            files[rel] = {"size": path.stat().st_size, "sha256": _sha256(path)}
    manifest = folder / MANIFEST
    manifest.write_text(json.dumps({"written_by": "zwgk", "written_at": datetime.now().astimezone().isoformat(
        timespec="seconds"), "files": files}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def not_ours(folder: str | Path) -> list[str]:
    """What in ``folder`` zwgk did not write or that changed since: relative paths with a note."""
    folder = Path(folder)
    try:
        listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        present = [p.relative_to(folder).as_posix() for p in _files(folder)]
        return [*present, "（没有 zwgk 的文件清单 " + MANIFEST + "）"]
    out = []
    for path in _files(folder):
        rel = path.relative_to(folder).as_posix()
        if rel == MANIFEST:
            continue
        entry = listed.get(rel)
        if entry is None:
            out.append(rel)
        elif path.is_symlink() or path.stat().st_size != entry.get("size") or _sha256(path) != entry.get("sha256"):
            out.append(f"{rel}（已改动）")
    return out


def check_ours(folder: str | Path) -> None:
    """``NotOurs`` (one line) when ``folder`` holds anything zwgk did not write, or changed."""
    foreign = not_ours(folder)
    if foreign:
        shown = "、".join(foreign[:5]) + (f" 等{len(foreign)}项" if len(foreign) > 5 else "")
        raise NotOurs(f"{folder} 中有不是 zwgk 写的文件或改过的文件：{shown}。为免覆盖，未替换该文件夹；"
                      "请把这些文件移走后重试，或加 --force（原文件夹会整体移到输出根目录的 .history/ 保存，不删除）")


def keep(value: str | None = None) -> int:
    raw = value if value is not None else os.environ.get("ZWGK_KEEP_VERSIONS", "")
    try:
        n = int(raw)
    except ValueError:
        return DEFAULT_KEEP
    return n if 1 <= n <= 1000 else DEFAULT_KEEP


def keep_history(old: str | Path, out_root: str | Path, county_slug: str, name: str) -> Path:
    """Move a replaced output folder to ``<out>/.history/<county>/<name>/<when>/``; keep the newest versions."""
    base = Path(out_root).resolve() / ".history" / county_slug / name
    base.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S.%f")
    target = base / f"{stamp}.{os.getpid()}"
    n = 1
    while target.exists():  # two publishes in the same microsecond
        target, n = base / f"{stamp}.{os.getpid()}.{n}", n + 1
    Path(old).rename(target)
    versions = sorted(p for p in base.iterdir() if p.is_dir())
    for stale in versions[:-keep()]:
        shutil.rmtree(stale, ignore_errors=True)
    return target
