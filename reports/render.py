"""Renderers: the render context (reports/context.py) → the files the office uses.

Each renderer takes the context and a target folder and returns the file it wrote. HTML is
autoescaped (everything crawled or parsed is text, never markup); Markdown is not HTML and is not
escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"


def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml"), default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=False,
    )


def render_template(name: str, context: dict) -> str:
    return environment().get_template(name).render(**context)


def render_markdown(context: dict, out_dir: Path) -> Path:
    text = render_template("bulletin.md", context)
    # Collapse the blank lines conditional blocks leave behind; Markdown needs at most one.
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    path = out_dir / "bulletin.md"
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


def render_html(context: dict, out_dir: Path) -> Path:
    path = out_dir / "bulletin.html"
    path.write_text(render_template("bulletin.html", context), encoding="utf-8")
    return path


RENDERERS: dict[str, Callable[[dict, Path], Path]] = {
    "bulletin.md": render_markdown,
    "bulletin.html": render_html,
}


def render_all(context: dict, out_dir: str | Path) -> dict[str, str]:
    """Run every renderer; returns output name → path relative to out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, renderer in RENDERERS.items():
        path = renderer(context, out_dir)
        written[name] = str(path.relative_to(out_dir))
    return written
