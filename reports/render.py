"""Renderers: the render context (reports/context.py) → the files the office uses.

Each renderer takes the context and a target folder and returns the file it wrote. HTML is
autoescaped (everything crawled or parsed is text, never markup); so is Markdown, which renderers
(GitLab, VS Code, pandoc) pass raw HTML through: a ``<script>`` in a unit name stays text there too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def environment() -> Environment:
    """One Jinja environment per process: a template is compiled once (a served schedule renders many
    bulletins); the loader still reloads a template whose file changed (auto_reload)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml", "md"), default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=False,
    )


def render_template(name: str, context: dict) -> str:
    """A template rendered on the context made inert (reports/inert.py): invisible and bidi characters
    removed everywhere, Markdown's active characters escaped in .md templates."""
    from reports.inert import inert_deep, md_deep

    safe = md_deep(context) if name.endswith(".md") else inert_deep(context)
    return environment().get_template(name).render(**safe)


def write_markdown(template: str, context: dict, path: Path) -> Path:
    """Render a Markdown template to path, collapsing the blank lines conditional blocks leave
    behind (Markdown needs at most one)."""
    text = render_template(template, context)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


def render_markdown(context: dict, out_dir: Path) -> Path:
    return write_markdown("bulletin.md", context, out_dir / "bulletin.md")


def render_html(context: dict, out_dir: Path) -> Path:
    path = out_dir / "bulletin.html"
    path.write_text(render_template("bulletin.html", context), encoding="utf-8")
    return path


from reports.pdf import render_pdf  # noqa: E402  (the office formats: docs/output-formats.md)


def render_docx(context: dict, out_dir: Path) -> Path | None:
    """bulletin.docx (reports/docx): python-docx is imported when a document is written, not when a
    rerun takes the document from the output cache."""
    from reports.docx import render_docx as write

    return write(context, out_dir)


def render_xlsx(context: dict, out_dir: Path) -> Path | None:
    """attachments.xlsx (reports/xlsx.py): openpyxl is imported when a workbook is written."""
    from reports.xlsx import render_xlsx as write

    return write(context, out_dir)


# A renderer returns the path it wrote, or None when it skipped its output (render_all records why:
# the renderer's optional ``skip_reason()``). Order matters: bulletin.pdf is converted from bulletin.docx.
RENDERERS: dict[str, Callable[[dict, Path], Path | None]] = {
    "bulletin.md": render_markdown,
    "bulletin.html": render_html,
    "bulletin.docx": render_docx,
    "bulletin.pdf": render_pdf,
    "attachments.xlsx": render_xlsx,
}

RENDERERS_DEFAULT = dict(RENDERERS)  # a renderer swapped in (a test's) is never served from the cache


class RenderedOutputs(dict):
    """Output name → path relative to out_dir, as before; outputs a renderer skipped (it returned None, e.g.
    bulletin.pdf without LibreOffice) are left out and listed in ``.skipped`` (name → reason) and
    ``.warnings`` (messages)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skipped: dict[str, str] = {}
        self.warnings: list[str] = []

    def skip(self, name: str, reason: str) -> None:
        self.skipped[name] = reason
        self.warnings.append(f"{name} 未生成：{reason}")
        import logging

        logging.getLogger(__name__).warning("%s skipped: %s", name, reason)


def render_all(context: dict, out_dir: str | Path, *, cache_dir: str | Path | None = None,
               pdf_batch: list | None = None) -> dict[str, str]:
    """Draw the charts (context["charts"]), then run every renderer; returns output name → path relative
    to out_dir (a RenderedOutputs: skipped outputs are in its .skipped / .warnings, not in the dict).
    ``cache_dir`` (the output root's .cache) lets bulletin.pdf be reused when bulletin.docx is unchanged and
    the charts when what they are drawn from is unchanged (reports/chart_cache.py). ``pdf_batch``: bulletin.pdf
    is converted later, with other documents, in one LibreOffice process (reports/pdf.py, convert_batch)."""
    from reports.inert import inert_deep

    inert = inert_deep(context)  # Word, Excel and PDF get no invisible or bidi characters either
    context.clear()
    context.update(inert)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = RenderedOutputs()
    charts = None
    if cache_dir is not None:
        from reports.chart_cache import cached_charts

        charts = cached_charts(context, out_dir, cache_dir)
    if charts is None:
        from reports.charts import CJKFontMissing, add_charts

        try:
            charts = add_charts(context, out_dir)
            if cache_dir is not None:
                from reports.chart_cache import store_charts

                store_charts(context, charts, out_dir, cache_dir)
        except CJKFontMissing as exc:  # no Chinese font: no charts rather than charts full of boxes
            context["charts"], charts = [], []
            written.skip("charts", str(exc))
    for chart in charts:
        written[chart["path"]] = chart["path"]
    key, fresh = None, {}
    if cache_dir is not None:
        from reports.output_cache import CACHED, cached_output, output_key, store_outputs

        key = output_key(context)
    for name, renderer in RENDERERS.items():
        if name == "bulletin.pdf" and pdf_batch is not None and renderer is render_pdf:
            path = renderer(context, out_dir, cache_dir=cache_dir, batch=pdf_batch)
        elif name == "bulletin.pdf" and cache_dir is not None and renderer is render_pdf:
            path = renderer(context, out_dir, cache_dir=cache_dir)
        elif key is not None and name in CACHED and renderer is RENDERERS_DEFAULT.get(name):
            path = cached_output(key, name, out_dir, cache_dir)
            if path is None:
                path = renderer(context, out_dir)
                if path is not None:
                    fresh[name] = Path(path)
        else:
            path = renderer(context, out_dir)
        if path is None:
            reason = getattr(renderer, "skip_reason", None)
            written.skip(name, (reason() if callable(reason) else None) or "渲染器跳过了该输出")
            continue
        written[name] = str(Path(path).relative_to(out_dir))
        _stop_point(name)
    if key is not None:
        store_outputs(key, fresh, cache_dir)
    return written


def _stop_point(name: str) -> None:
    """Fault injection for the crash tests (docs/reliability.md): with ``ZWGK_STOP_AFTER=<output name>``
    the process stops itself (SIGSTOP) once that output is written into the staging folder, so a test
    waits for the stop (``waitpid(WUNTRACED)``) instead of polling the disk, then kills or interrupts the
    run at exactly that point. Unset in every real run."""
    import os

    if os.environ.get("ZWGK_STOP_AFTER") == name:
        import signal

        os.kill(os.getpid(), signal.SIGSTOP)
