"""Outputs: rendered into a staging folder, then swapped in, so a failed run leaves the last good one;
run.json (``run_summary``). Plain functions, no Prefect.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flows.domain.config import ConfigError, CountyConfig
from flows.domain.periods import office_today, parse_period
from transforms import runner

TZ = ZoneInfo("Asia/Shanghai")


def _inside(out_root: str | Path, target: str | Path) -> Path:
    """target, resolved, when it lies strictly inside out_root; otherwise refuse (a slug such as
    "../victim" must never make a run write, rename or delete outside the output root)."""
    root, resolved = Path(out_root).resolve(), Path(target).resolve()
    if resolved == root or not resolved.is_relative_to(root):
        raise ConfigError(f"输出位置 {target} 不在输出根目录 {root} 之内：拒绝写入")
    return resolved


def current_umask() -> int:
    """The process umask (read from /proc where possible: os.umask() changes it for a moment)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_STAGING_NAME = re.compile(r"^\.(?P<period>[^.]+)\.(?P<old>old\.)?(?P<pid>\d+)(?:\.[^.]*)?$")
_LEGACY_STAGING_NAME = re.compile(r"^\.[^.]+\.[A-Za-z0-9_]{8}$")
LEGACY_STAGING_AGE = 24 * 3600  # staging folders named before they carried a pid: removed after a day


def remove_stale_staging(parent: str | Path) -> list[Path]:
    """Remove the staging folders (".2021H1.<pid>.xxxx") and set-aside old outputs
    (".2021H1.old.<pid>") that runs killed midway left behind: their process is gone."""
    removed = []
    try:
        entries = list(Path(parent).iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(".") or entry.name.startswith(".cache") or not entry.is_dir():
            continue
        m = _STAGING_NAME.match(entry.name)
        if m is not None:
            stale = not _pid_alive(int(m["pid"]))
        elif _LEGACY_STAGING_NAME.match(entry.name):  # ".2021H1.k2j4x_q" of an older version: no pid
            try:
                stale = time.time() - entry.stat().st_mtime > LEGACY_STAGING_AGE
            except OSError:
                stale = False
        else:
            continue
        if stale and m is not None and m["old"] and not (Path(parent) / m["period"]).exists():
            entry.rename(Path(parent) / m["period"])  # killed between the two renames: put the old one back
        elif stale:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def check_writable_out(out_root: str | Path) -> None:
    """Refuse an output root that cannot be written, before a run starts anything (its Prefect server, a
    crawl): the nearest folder that exists on the way to it must be a folder this process may write in.
    The real proof is still ``staging_folder``; this only spares a doomed run its slow first steps."""
    from flows.steps.runlock import FolderNotWritable

    target = Path(out_root).absolute()
    existing = next((p for p in (target, *target.parents) if p.exists()), None)
    if existing is None:
        return
    if not existing.is_dir():
        reason = f"{existing} 不是文件夹"
    elif not os.access(existing, os.W_OK | os.X_OK):
        read_only = bool(os.statvfs(existing).f_flag & os.ST_RDONLY)
        reason = f"{existing} {'在只读文件系统上' if read_only else '没有写权限'}"
    else:
        return
    raise FolderNotWritable(f"{target}: 无法写入（{reason}）——输出目录须可写；请修改权限，或用 --out / ZWGK_HOME 换一个目录")


def staging_dir(out_root: str | Path, county_slug: str, period: str) -> Path:
    """The staging folder of a period's outputs (``staging_folder`` for ``out_root/county/<period>``)."""
    return staging_folder(out_root, county_slug, parse_period(period).code)


def staging_folder(out_root: str | Path, county_slug: str, name: str) -> Path:
    """A fresh folder beside the final ``out_root/county/name`` (same filesystem, so the swap is a rename),
    named with this process's id so a later run can tell it is stale if this one is killed; mode from
    the umask. Stale staging folders of killed runs are removed first."""
    from flows.steps.runlock import FolderNotWritable

    parent = _inside(out_root, Path(out_root) / county_slug)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(parent)
        staged = Path(tempfile.mkdtemp(prefix=f".{name}.{os.getpid()}.", dir=parent))
    except OSError as exc:  # a read-only or full output folder: one line, before anything is rendered
        raise FolderNotWritable(f"{getattr(exc, 'filename', None) or parent}: 无法写入（{exc.strerror or exc}）——"
                                "输出目录须可写；请修改权限，或用 --out / ZWGK_HOME 换一个目录") from None
    os.chmod(staged, 0o777 & ~current_umask())  # mkdtemp makes it 0700; the outputs are for the office
    return staged


def publish_dir(staged: str | Path, out_root: str | Path, county_slug: str, period: str, *,
                force: bool = False) -> Path:
    """Replace ``out_root/county/period`` by the staged folder (``publish_folder``)."""
    return publish_folder(staged, out_root, county_slug, parse_period(period).code, force=force)


def publish_folder(staged: str | Path, out_root: str | Path, county_slug: str, name: str, *,
                   force: bool = False) -> Path:
    """Replace ``out_root/county/name`` by the staged folder. zwgk owns only what it wrote
    (flows/steps/ownership.py): the staged folder gets its manifest; a folder already there is replaced
    only when it holds nothing but what its manifest lists, unchanged (else ``NotOurs``, unless
    ``force``), and it is moved to ``out_root/.history/`` (the last versions kept), never deleted.
    Both must lie inside ``out_root``."""
    from flows.steps.ownership import check_ours, keep_history, write_manifest

    final = _inside(out_root, Path(out_root) / county_slug / name)
    staged = _inside(out_root, staged)
    if final.exists() and not force:
        check_ours(final)
    write_manifest(staged)
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old.{os.getpid()}")
        final.rename(old)
    staged.rename(final)
    if old is not None:
        keep_history(old, out_root, county_slug, name)
    return final


def period_check(period: str, partial_ok: bool, today=None) -> dict | None:
    """A check for a period that has not ended (issue 21; docs/reliability.md, "Periods not yet ended"):
    blocking — the bulletin is a draft — unless ``partial_ok``, then a warning saying 截至 which day.
    None for an ended period."""
    p = parse_period(period)
    today = today or office_today()
    if p.end < today:
        return None
    as_of = f"{today.year}年{today.month}月{today.day}日"
    message = (f"{p.label}尚未结束（统计截至{as_of}）：数据不完整，本通报按截至当日的数据统计"
               + ("。" if partial_ok else "，为草稿；期满后重新运行，或加 --partial-ok 出截至当日的通报"))
    return {"name": "period_ended", "success": False, "observed": today.isoformat(), "expected": p.end.isoformat(),
            "severity": "warning" if partial_ok else "error", "blocking": not partial_ok, "code": "period_not_ended",
            "messages": [message], "findings": [{"code": "period_not_ended", "message": message}]}


def with_period_check(validation: dict, period: str, partial_ok: bool, today=None) -> dict:
    """``validation`` with the period check added when the period has not ended."""
    check = period_check(period, partial_ok, today)
    if check is None:
        return validation
    return {**validation, "checks": [*validation["checks"], check]}


class DocsCopyFailed(OSError):
    """The Data Docs could not be copied into the outputs: the message names the first file and the count."""


def copy_docs(source: Path, target: Path) -> None:
    """Copy a Data Docs folder; a failure is one line naming the first file that failed and how many did
    (shutil.Error's own text lists every file: 14 KB for one "line")."""
    try:
        shutil.copytree(source, target, dirs_exist_ok=True)
    except shutil.Error as exc:
        failures = exc.args[0] if exc.args and isinstance(exc.args[0], list) else []
        first = failures[0] if failures else ("", "", str(exc))
        raise DocsCopyFailed(f"数据文档（Data Docs）复制失败：{first[0]} → {first[1]}（{str(first[2])[:200]}）"
                             f"，共 {len(failures) or 1} 个文件未能复制——请检查 {target.parent} 的磁盘空间和权限") from None
    except OSError as exc:
        raise DocsCopyFailed(f"数据文档（Data Docs）复制失败：{exc.filename or source}（{exc.strerror or exc}）"
                             f"——请检查 {target.parent} 的磁盘空间和权限") from None


def now_iso() -> str:
    return datetime.now(TZ).isoformat(timespec="seconds")


def write_json(path: str | Path, data: dict) -> Path:
    path = Path(path)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def render_outputs(config: CountyConfig, warehouse: str | Path, period: str, validation: dict,
                   out_dir: str | Path, extra: dict | None = None, *, cache_dir: str | Path | None = None,
                   read_only: bool = False, pdf_batch: list | None = None) -> dict:
    """Build the render context from the warehouse, write every output and run.json into out_dir
    (bulletin.pdf reused from ``cache_dir`` when bulletin.docx's content is unchanged: reports/pdf.py).

    The region run: ``read_only`` (many counties render at once from one warehouse), the Data Docs built
    here from the county's share of the region's validation (``validation["docs_results"]``,
    expectations/scope.py), and ``pdf_batch`` collecting bulletin.pdf for one LibreOffice process."""
    from reports.context import build_context
    from reports.render import render_all

    out_dir = Path(out_dir).resolve()
    if validation.get("docs_results"):
        from expectations.scope import build_docs

        index = build_docs(validation["docs_results"], out_dir / "validation")
        validation = {**validation, "docs_dir": str(out_dir / "validation"),
                      "docs_index": str(index) if index else None}
    docs_src = validation.get("docs_dir")
    if docs_src and Path(docs_src).is_dir() and not Path(docs_src).resolve().is_relative_to(out_dir):
        # Data Docs built (or cached) elsewhere: copy them into this run's outputs.
        copy_docs(Path(docs_src), out_dir / "validation")
        validation = {**validation, "docs_index": str(out_dir / "validation" / "index.html")}
    docs = validation.get("docs_index")
    docs_rel = str(Path(docs).relative_to(out_dir)) if docs and Path(docs).is_relative_to(out_dir) else docs
    # a region renders Data Docs only for a draft (expectations: flows/steps/region.py validate_scope)
    hint = (f"zwgk docs {period} --config {config.path} --warehouse {warehouse}" if "docs_results" in validation
            and not validation["docs_results"] and not docs else None)
    with runner.connect(warehouse, read_only=read_only) as con:
        context = build_context(
            con, county_slug=config.slug, period=period, checks=validation["checks"], issuer=config.issuer,
            ranking=config.ranking, validation_index=docs_rel, rules_settings=config.rules,
            validation_hint=hint, quotas=config.quotas, scoring=config.scoring,
        )
    outputs = render_all(context, out_dir, cache_dir=cache_dir, pdf_batch=pdf_batch)
    skipped = dict(getattr(outputs, "skipped", {}) or {})
    outputs = dict(outputs)
    if docs_rel:
        outputs["validation"] = docs_rel
    outputs["run.json"] = "run.json"
    summary = run_summary(context, outputs, extra or {})
    if skipped:
        summary["skipped_outputs"] = skipped
    write_json(out_dir / "run.json", summary)
    return summary


def finalize(staged: str | Path, summary: dict, out_root: str | Path, county_slug: str, period: str, *,
             force: bool = False) -> Path:
    """Write the final run.json into the staged folder, then swap it into place."""
    write_json(Path(staged) / "run.json", summary)
    return publish_dir(staged, out_root, county_slug, period, force=force)


def final_dir(out_root: str | Path, county_slug: str, period: str) -> Path:
    return (Path(out_root) / county_slug / parse_period(period).code).resolve()



def run_summary(context: dict, outputs: dict, extra: dict) -> dict:
    """The run.json object: what ran, what it found, where the outputs are."""
    checks = [
        {"name": c["name"], "success": c["success"], "observed": c.get("observed"), "expected": c.get("expected"),
         "severity": c.get("severity"), "blocking": c.get("blocking"), "code": c.get("code"),
         "messages": [f["message"] for f in c.get("findings", [])]}
        for c in context["checks"]
    ]
    return {
        "county": context["county"],
        "county_slug": context["county_slug"],
        "period": context["period"],
        "period_label": context["period_label"],
        "status": context["status"],
        "totals": context["totals"],
        "units": context["units"],
        "checks": checks,
        "outputs": outputs,
        "source": context["source"],
        "counts_source": context["counts_source"],
        "unknown_publishers": context["unknown_publishers"],
        "rules": [{"rule": r["rule"], "severity": r["severity"], "unit": r["unit"], "column": r["column"],
                   "url": r["url"], "title": (r.get("detail") or {}).get("title"), "detail": r.get("detail")}
                  for r in context["rules"]],
        "started_at": extra.get("started_at"),
        "finished_at": now_iso(),
        "ingest": extra.get("ingest"),
        "marts": extra.get("marts"),
        **({"crawl": {
            "items": extra["crawl"]["items"], "pages_fetched": extra["crawl"]["pages_fetched"],
            "requests": extra["crawl"]["requests"], "failed": extra["crawl"]["failed"],
            "unknown_units": [u["unit_raw"] for u in context.get("crawl_unknown_units", [])],
            "crawl_id": extra["crawl"]["crawl_id"], "summary": extra["crawl"].get("summary"),
            # a crawl that hit a limit or lost pages/articles says so: never reported as complete
            "complete": extra["crawl"].get("complete", False),
            "incomplete_columns": extra["crawl"].get("incomplete_columns", []),
            "single_pages": extra["crawl"].get("single_pages", []),
            **({k: extra["crawl"][k] for k in ("skipped", "age", "age_seconds")} if extra["crawl"].get("skipped") else {}),
        }, "reconciliation": [
            {k: r[k] for k in ("unit", "category", "reported", "crawled")} for r in context["reconciliation"]
        ]} if extra.get("crawl") else {}),
    }
