"""Documents reused across runs: bulletin.md, .html, .docx and attachments.xlsx kept under the output
root's .cache/outputs/, keyed on a hash of the whole render context (after the charts are drawn), the
source of the reports package (renderers and templates) and the versions of the libraries that write
the files. An unchanged rerun copies them instead of rendering again; anything that changes what a
document says — or how it is written — changes the key. bulletin.pdf has its own cache, on the Word
file's content (reports/pdf.py), and the charts theirs (reports/chart_cache.py)."""

from __future__ import annotations

import hashlib
import json
import shutil
from functools import cache
from importlib.metadata import version
from pathlib import Path

from reports.cache_store import put_folder, touch

REPORTS = Path(__file__).resolve().parent
CACHED = ("bulletin.md", "bulletin.html", "bulletin.docx", "attachments.xlsx")
LIBRARIES = ("jinja2", "python-docx", "openpyxl", "markupsafe")
KEEP = 20  # entries kept per output root (the most recently used)


@cache
def _code_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in REPORTS.rglob("*") if p.is_file() and p.suffix in {".py", ".html", ".md", ".css",
                                                                                      ".conf", ".xml", ".json"}
                       and "__pycache__" not in p.parts and "out" not in p.relative_to(REPORTS).parts[:1]):
        digest.update(str(path.relative_to(REPORTS)).encode())
        digest.update(path.read_bytes())
    for name in LIBRARIES:
        digest.update(f"{name}={version(name)}".encode())
    return digest.hexdigest()


def output_key(context: dict) -> str:
    digest = hashlib.sha256(json.dumps(context, sort_keys=True, default=str, ensure_ascii=False).encode())
    digest.update(_code_digest().encode())
    return digest.hexdigest()


def cached_output(key: str, name: str, out_dir: Path, cache_dir: Path | str) -> Path | None:
    """The output copied from the cache into out_dir, or None on a miss."""
    entry = Path(cache_dir) / "outputs" / key
    source = entry / name
    if not source.is_file():
        return None
    shutil.copyfile(source, out_dir / name)
    touch(entry)
    return out_dir / name


def store_outputs(key: str, written: dict[str, Path], cache_dir: Path | str) -> None:
    """Keep freshly rendered documents (name → path), written whole to a temporary folder, then renamed
    into place; only the most recently used entries are kept."""
    if not written:
        return

    def fill(folder: Path) -> None:
        for name, path in written.items():
            shutil.copyfile(path, folder / name)

    # merge: keep what an earlier run stored under the same key
    put_folder(Path(cache_dir) / "outputs", key, fill, KEEP, merge=True)
