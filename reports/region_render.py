"""Renderers for the region bulletin: the region context (flows/region_flow.py) → region.md, region.html.

The same Jinja2 environment as the county bulletin (reports/render.py): HTML is autoescaped
(county and unit names come from parsed files), Markdown is not HTML and is not escaped.
"""

from __future__ import annotations

from pathlib import Path

from reports.render import render_template, write_markdown


def render_region_markdown(context: dict, out_dir: Path) -> Path:
    return write_markdown("region.md", context, out_dir / "region.md")


def render_region_html(context: dict, out_dir: Path) -> Path:
    path = out_dir / "region.html"
    path.write_text(render_template("region.html", context), encoding="utf-8")
    return path


def render_region_outputs(context: dict, out_dir: str | Path) -> dict[str, str]:
    """Write region.md and region.html; returns output name → path relative to out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for renderer in (render_region_markdown, render_region_html):
        path = renderer(context, out_dir)
        written[path.name] = str(path.relative_to(out_dir))
    return written
