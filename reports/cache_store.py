"""The one helper behind the output root's caches (``<out>/.cache/``: charts, rendered documents, PDFs): an
entry is written whole beside its place and renamed into it (a reader never sees half of one), a use
marks it recent, and only the most recently used entries are kept.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def touch(entry: Path) -> None:
    """Mark a cache entry as used now (pruning keeps the most recently used)."""
    os.utime(entry)


def put_folder(root: Path, key: str, fill: Callable[[Path], None], keep: int, *, merge: bool = False) -> Path:
    """``root/key`` written by ``fill(folder)`` into a temporary folder, then renamed into place (``merge``: the
    entry's earlier files are kept); then only the ``keep`` most recently used folders under root stay."""
    root.mkdir(parents=True, exist_ok=True)
    entry = root / key
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    if merge and entry.is_dir():
        shutil.copytree(entry, tmp, dirs_exist_ok=True)
    fill(tmp)
    shutil.rmtree(entry, ignore_errors=True)
    os.replace(tmp, entry)
    prune(root, keep, folders=True)
    return entry


def put_file(source: Path, cached: Path, keep: int) -> Path:
    """``source`` copied to ``cached`` through a temporary file and a rename; then only the ``keep`` most
    recently used files with its suffix stay in its folder."""
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, cached)
    prune(cached.parent, keep, suffix=cached.suffix)
    return cached


def prune(root: Path, keep: int, *, folders: bool = False, suffix: str = "") -> list[Path]:
    """Remove all but the ``keep`` most recently used entries of root (folders, or files ending in suffix);
    temporary entries being written are left alone. Returns what was removed."""
    entries = [p for p in root.iterdir() if not p.name.startswith(".tmp-")
               and (p.is_dir() if folders else p.is_file() and p.name.endswith(suffix))]
    stale = sorted(entries, key=lambda p: p.stat().st_mtime, reverse=True)[keep:]
    for path in stale:
        if folders:
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return stale
