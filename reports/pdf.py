"""bulletin.pdf: bulletin.docx converted by LibreOffice (headless), so the PDF is the Word layout itself.

Why LibreOffice rather than an HTML-to-PDF engine: the office's document is the .docx (GB/T 9704 page,
fixed line pitch, fonts by name, real tables, PAGE fields); converting that one file keeps the PDF and the
Word copy identical, with no second layout to maintain. See docs/output-formats.md.

- Fonts: LibreOffice runs with FONTCONFIG_FILE=reports/fonts.conf (the system configuration plus aliases of
  仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体 to installed Noto CJK / AR PL UKai faces). A FONTCONFIG_FILE
  already set in the environment wins.
- Each conversion gets its own LibreOffice profile (-env:UserInstallation=file:///tmp/…), so concurrent runs
  never share or lock one, and a timeout (ZWGK_SOFFICE_TIMEOUT, default 180 s) kills the whole process group.
- No LibreOffice: ``render_pdf`` returns None and logs a warning; render_all records the reason
  (``render_pdf.skip_reason``). Install: ``make system-deps`` or
  ``sudo apt-get install --no-install-recommends libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

log = logging.getLogger(__name__)

FONTS_CONF = Path(__file__).resolve().parent / "fonts.conf"
DEFAULT_TIMEOUT = 180.0  # s; a cold first start on a busy 2-core machine takes well under a minute
INSTALL_HINT = ("安装方法：make system-deps，或 sudo apt-get install --no-install-recommends "
                "libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai")


class PdfConversionError(RuntimeError):
    """LibreOffice ran but produced no PDF (or took too long)."""


def find_soffice() -> str | None:
    """The LibreOffice binary: $ZWGK_SOFFICE, else soffice / libreoffice on PATH."""
    explicit = os.environ.get("ZWGK_SOFFICE")
    if explicit:
        return explicit if Path(explicit).exists() or shutil.which(explicit) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def skip_reason() -> str | None:
    """Why bulletin.pdf cannot be made here, or None when it can."""
    if find_soffice() is None:
        return f"LibreOffice 未安装（找不到 soffice），未生成 PDF。{INSTALL_HINT}"
    return None


def soffice_env() -> dict:
    env = dict(os.environ)
    if not env.get("FONTCONFIG_FILE") and FONTS_CONF.exists():
        env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    env.setdefault("SAL_USE_VCLPLUGIN", "svp")  # headless VCL, no X display needed
    return env


def convert_to_pdf(source: Path, out_pdf: Path, *, soffice: str | None = None,
                   timeout: float | None = None) -> Path:
    """Convert one document to PDF with a private LibreOffice profile; returns out_pdf."""
    return convert_many([(Path(source), Path(out_pdf))], soffice=soffice, timeout=timeout)[0]


def convert_many(jobs: list[tuple[Path, Path]], *, soffice: str | None = None,
                 timeout: float | None = None) -> list[Path]:
    """Convert many documents to PDF in ONE LibreOffice process (``soffice --convert-to pdf a.docx b.docx …``:
    its start, seconds, is paid once), each source → its target PDF. ``timeout`` is per document.
    Sources are linked under distinct names first (every county's file is called bulletin.docx)."""
    soffice = soffice or find_soffice()
    if soffice is None:
        raise FileNotFoundError(skip_reason())
    if not jobs:
        return []
    timeout = (timeout or float(os.environ.get("ZWGK_SOFFICE_TIMEOUT", DEFAULT_TIMEOUT))) * max(1, len(jobs) ** 0.5)
    with tempfile.TemporaryDirectory(prefix="zwgk-soffice-") as tmp:
        profile, indir, outdir = Path(tmp) / "profile", Path(tmp) / "in", Path(tmp) / "out"
        indir.mkdir()
        outdir.mkdir()
        sources = []
        for i, (source, _) in enumerate(jobs):
            linked = indir / f"{i:05d}{Path(source).suffix}"
            os.symlink(Path(source).resolve(), linked)
            sources.append(str(linked))
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
               "--nodefault", "--nolockcheck", "--norestore", "--convert-to", "pdf:writer_pdf_Export",
               "--outdir", str(outdir), *sources]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=soffice_env(),
                                cwd=tmp, start_new_session=True, text=True)
        names = "、".join(Path(s).name for s, _ in jobs[:3]) + ("…" if len(jobs) > 3 else "")
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # soffice.bin and its children, nothing else
            proc.communicate()
            raise PdfConversionError(f"LibreOffice 转换超时（{timeout:.0f} 秒）：{names}") from None
        done = []
        for i, (source, out_pdf) in enumerate(jobs):
            produced = outdir / f"{i:05d}.pdf"
            if proc.returncode != 0 or not produced.exists() or produced.stat().st_size == 0:
                raise PdfConversionError(f"LibreOffice 未能把 {Path(source).name} 转成 PDF（退出码 {proc.returncode}）："
                                         f"{(stderr or stdout).strip()[-500:]}")
            Path(out_pdf).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(produced), out_pdf)
            done.append(Path(out_pdf))
    return done


CACHE_KEEP = 20  # cached PDFs kept per output root (the most recently used)
_TIMESTAMPS = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def docx_content_hash(docx: Path) -> str:
    """SHA-256 of a .docx's content: every part's name and bytes, with the created/modified stamps of
    docProps/core.xml left out, so the same bulletin rendered twice hashes the same. The LibreOffice binary
    and reports/fonts.conf are part of the key (either changes the PDF)."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(docx) as archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            data = archive.read(info)
            if info.filename == "docProps/core.xml":
                data = _TIMESTAMPS.sub(b"", data)
            digest.update(info.filename.encode() + b"\0" + hashlib.sha256(data).digest())
    digest.update(str(find_soffice()).encode())
    digest.update(FONTS_CONF.read_bytes() if FONTS_CONF.exists() else b"")
    return digest.hexdigest()


def _cache_put(pdf: Path, cached: Path) -> None:
    """Copy a fresh PDF into the cache atomically (a reader never sees half a file), keep the newest few."""
    from reports.cache_store import put_file

    put_file(pdf, cached, CACHE_KEEP)


def render_pdf(context: dict, out_dir: Path, *, cache_dir: Path | str | None = None,
               batch: list | None = None) -> Path | None:
    """bulletin.pdf from out_dir/bulletin.docx (rendered first when missing); None when LibreOffice is absent.

    With ``cache_dir`` (the output root's .cache), a PDF converted earlier from a bulletin.docx of the same
    content (docx_content_hash) is copied instead of starting LibreOffice again; the cached file is checked
    to exist and be non-empty before it is used.

    ``batch``: a PDF that must be converted is not converted here: (docx, pdf, cache file) is appended to
    the list and the path it will have is returned; ``convert_batch`` converts them all at once."""
    out_dir = Path(out_dir)
    reason = skip_reason()
    if reason:
        log.warning("bulletin.pdf skipped: %s", reason)
        return None
    docx_path = out_dir / "bulletin.docx"
    if not docx_path.exists():
        from reports.docx import render_docx

        render_docx(context, out_dir)
    out_pdf = out_dir / "bulletin.pdf"
    if cache_dir is None:
        if batch is not None:
            batch.append((str(docx_path), str(out_pdf), None))
            return out_pdf
        return convert_to_pdf(docx_path, out_pdf)
    cached = Path(cache_dir) / "pdf" / f"{docx_content_hash(docx_path)}.pdf"
    if cached.is_file() and cached.stat().st_size > 0:
        shutil.copyfile(cached, out_pdf)
        os.utime(cached)  # recently used: kept by the pruning in _cache_put (reports/cache_store.py)
        log.info("bulletin.pdf reused from the cache (bulletin.docx unchanged): %s", cached.name)
        return out_pdf
    if batch is not None:
        batch.append((str(docx_path), str(out_pdf), str(cached)))
        return out_pdf
    convert_to_pdf(docx_path, out_pdf)
    _cache_put(out_pdf, cached)
    return out_pdf


def convert_batch(batch: list[tuple[str, str, str | None]]) -> list[str]:
    """Convert what ``render_pdf(batch=…)`` deferred, in one LibreOffice process, and fill the PDF cache.
    Two documents of the same content (the same cache file) are converted once."""
    first: dict[str, str] = {}  # cache file → the PDF converted for it
    jobs = []
    for docx, pdf, cached in batch:
        if cached and cached in first:
            continue
        jobs.append((Path(docx), Path(pdf)))
        if cached:
            first[cached] = pdf
    convert_many(jobs)
    for _, pdf, cached in batch:
        if cached and first[cached] != pdf:
            shutil.copyfile(first[cached], pdf)
    for cached, pdf in first.items():
        _cache_put(Path(pdf), Path(cached))
    return [pdf for _, pdf, _ in batch]
render_pdf.skip_reason = skip_reason  # render_all asks this when render_pdf returns None
