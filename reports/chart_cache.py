"""Charts reused across runs: the PNGs of reports/charts.py kept under the output root's .cache/charts/,
keyed on a hash of everything a chart is drawn from (the context's tables, period label, county,
comparison), reports/charts.py itself and the matplotlib version. A hit copies the PNGs and skips
importing matplotlib at all; an entry is used only when every file it lists exists."""

from __future__ import annotations

import hashlib
import json
import shutil
from importlib.metadata import version
from pathlib import Path

from reports.cache_store import put_folder, touch

CHARTS_SOURCE = Path(__file__).resolve().parent / "charts.py"
KEEP = 20  # entries kept per output root (the most recently used)


def chart_key(context: dict) -> str:
    inputs = {k: context.get(k) for k in ("tables", "period_label", "county", "comparison")}
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str, ensure_ascii=False).encode())
    digest.update(CHARTS_SOURCE.read_bytes())
    digest.update(version("matplotlib").encode())
    return digest.hexdigest()


def cached_charts(context: dict, out_dir: Path, cache_dir: Path | str) -> list[dict] | None:
    """The charts copied from the cache into out_dir (context["charts"] set), or None on a miss."""
    entry = Path(cache_dir) / "charts" / chart_key(context)
    try:
        charts = json.loads((entry / "charts.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not all((entry / c["path"]).is_file() for c in charts):
        return None
    for chart in charts:
        (out_dir / chart["path"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(entry / chart["path"], out_dir / chart["path"])
    touch(entry)
    context["charts"] = charts
    return charts


def store_charts(context: dict, charts: list[dict], out_dir: Path, cache_dir: Path | str) -> None:
    """Keep freshly drawn charts (written whole to a temporary folder, then renamed into place)."""
    def fill(folder: Path) -> None:
        for chart in charts:
            (folder / chart["path"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out_dir / chart["path"], folder / chart["path"])
        (folder / "charts.json").write_text(json.dumps(charts, ensure_ascii=False), encoding="utf-8")

    put_folder(Path(cache_dir) / "charts", chart_key(context), fill, KEEP)
