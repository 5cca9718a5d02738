"""Annual reports written for the tests: both formats, three media (HTML page, .docx, copied text)."""

from __future__ import annotations

from data.demo.annual import make_spec, render_docx, render_page, render_text

MEDIA = ("html", "docx", "tab", "spaces")


def render(spec, medium: str) -> bytes:
    if medium == "html":
        return render_page(spec).encode("utf-8")
    if medium == "docx":
        return render_docx(spec)
    return render_text(spec, sep="\t" if medium == "tab" else " ").encode("utf-8")


def spec(year: int = 2021, unit: str = "华容县财政局", seed: int = 7, fmt: str | None = None):
    return make_spec(unit, year, seed, fmt=fmt)
