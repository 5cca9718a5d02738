"""Charts for the bulletin: items per unit (one horizontal bar chart per attachment table) and, when the
context compares with an earlier period, this period beside the previous one per unit.

Matplotlib with the Agg canvas and no pyplot (no global figure state, safe in Prefect's threads). Chinese
labels need a CJK font: one of the installed Noto CJK / Source Han / WenQuanYi / AR PL faces, found through
matplotlib's font manager. With none installed, ``add_charts`` raises :class:`CJKFontMissing` instead of
drawing boxes (render_all records that and leaves the charts out).

``add_charts(context, out_dir)`` writes ``charts/units_<category>.png`` (and ``charts/change_<category>.png``)
and puts ``context["charts"] = [{"title", "path", "alt", "width", "height", "dpi", "category", "kind"}]``; the Word,
HTML and Markdown renderers show them from there.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# Preferred faces, best first: simplified-Chinese sans (黑体-like, what charts usually use), then serif,
# then the other CJK families Debian ships (fonts-wqy-*, fonts-arphic-*).
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Serif CJK SC", "Source Han Serif SC",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "AR PL UKai CN", "AR PL UMing CN",
    "Noto Sans CJK TC", "Noto Sans CJK JP",
)
INSTALL_HINT = "请安装中文字体：sudo apt-get install fonts-noto-cjk（或 make system-deps）"

# Pixel geometry (DPI 200): 1200 px = 6 in = 152.4 mm, inside the 156 mm text block of GB/T 9704-2012
# (docs/domain.md §6), so the Word document shows the charts at their own size.
DPI = 200
WIDTH_PX = 1200
BASE_PX = 200  # title, axis and margins
BAR_PX = 40  # one unit, one bar (36 departments → 1640 px = 208 mm: one A4 page with its caption)
PAIR_PX = 52  # one unit, two bars (this period and the previous one)
# a chart never grows past this many units (≈ 4 A4 pages): a larger table's chart shows the units ranked
# first, and says so in its title; the attachment tables list every unit
MAX_CHART_UNITS = 120
CURRENT_COLOUR = "#b22222"  # the red of official documents
PREVIOUS_COLOUR = "#9e9e9e"


class CJKFontMissing(RuntimeError):
    """No installed font can draw Chinese text."""


CJK_FILES = re.compile(r"noto\S*cjk|source-?han|wqy|ukai|uming", re.I)


def _known_cjk_font() -> font_manager.FontEntry | None:
    entries = {f.name: f for f in font_manager.fontManager.ttflist if f.weight in (400, "normal", "regular")}
    entries.update({f.name: f for f in font_manager.fontManager.ttflist if f.name not in entries})
    return next((entries[family] for family in CJK_FAMILIES if family in entries), None)


def cjk_font() -> font_manager.FontEntry:
    """The installed CJK face charts use (raises CJKFontMissing with the install command when none).

    Matplotlib keeps its font list in a cache made at its first import: fonts installed after that (make
    system-deps on a machine where matplotlib already ran) are added from the system font folders once."""
    font = _known_cjk_font()
    if font is None:
        for path in font_manager.findSystemFonts():
            if CJK_FILES.search(Path(path).name):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        font = _known_cjk_font()
    if font is None:
        raise CJKFontMissing(f"没有可显示中文的字体，无法绘制统计图。{INSTALL_HINT}")
    return font


def safe_name(text: str) -> str:
    """A file-name part from a category name: Chinese kept, path and shell-unfriendly characters replaced."""
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", str(text)).strip("_") or "unit"


def figure_px(n_units: int, kind: str = "units") -> tuple[int, int]:
    """The chart's size in pixels for n units: the tests and the Word renderer rely on it."""
    return WIDTH_PX, BASE_PX + max(n_units, 1) * (PAIR_PX if kind == "change" else BAR_PX)


def _fonts() -> tuple[font_manager.FontProperties, ...]:
    """The CJK face at label (9 pt), note (8 pt) and title (12 pt) size. Passed to each text element, not
    set in the global rcParams: Prefect may render two bulletins at once in threads."""
    family = [cjk_font().name]
    return tuple(font_manager.FontProperties(family=family, size=size) for size in (9, 8, 12))


def _figure(n_units: int, kind: str) -> Figure:
    width, height = figure_px(n_units, kind)
    fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _axes(fig: Figure):
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(axis="x", labelsize=8)
    return ax


def _label_px(labels: list[str]) -> int:
    """Room for the unit names: 9 pt at 200 DPI is 25 px a Chinese character (half that for ASCII)."""
    longest = max((sum(1 if ord(ch) > 0x2E7F else 0.55 for ch in label) for label in labels), default=4)
    return int(min(WIDTH_PX * 0.45, max(160, 25 * longest + 40)))


def _layout(fig: Figure, height_px: int, labels: list[str]) -> None:
    # Margins in pixels: the label column as wide as the longest name, room for the title and x label.
    fig.subplots_adjust(left=_label_px(labels) / WIDTH_PX, right=1 - 70 / WIDTH_PX,
                        top=1 - 80 / height_px, bottom=110 / height_px)


def units_chart(table: dict, period_label: str, county: str, path: Path) -> dict:
    """Items per unit, sorted, largest on top: one bar per unit of the table."""
    rows = [r for r in table["rows"] if r.get("count") is not None]
    rows.sort(key=lambda r: (-r["count"], r.get("rank") or 0))
    rows, cut = rows[:MAX_CHART_UNITS], len(rows) > MAX_CHART_UNITS
    labels = [r.get("short_name") or r["unit"] for r in rows]
    counts = [r["count"] for r in rows]
    title = f"{county}{table['category']}{period_label}信息公开条数" + (f"（前{MAX_CHART_UNITS}名）" if cut else "")
    label_font, note_font, title_font = _fonts()
    fig = _figure(len(rows), "units")
    ax = _axes(fig)
    y = list(range(len(rows)))
    ax.barh(y, counts, color=CURRENT_COLOUR, height=0.7)
    ax.set_yticks(y, labels, fontproperties=label_font)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    top = max(counts, default=0) or 1
    ax.set_xlim(0, top * 1.12)
    for yi, c in zip(y, counts):
        ax.text(c + top * 0.01, yi, str(c), va="center", fontproperties=note_font)
    ax.set_xlabel("更新条数", fontproperties=label_font)
    ax.set_title(title, fontproperties=title_font)
    _layout(fig, figure_px(len(rows), "units")[1], labels)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, facecolor="white")
    width, height = figure_px(len(rows), "units")
    return {"title": title, "kind": "units", "category": table["category"], "width": width, "height": height,
            "dpi": DPI, "alt": f"{title}横向条形图，共{len(rows)}个单位，最多{counts[0] if counts else 0}条"}


def change_chart(table: dict, period_label: str, comparison: dict, county: str, path: Path) -> dict:
    """This period beside the previous one, per unit, with the change written at the end of each pair."""
    rows = [r for r in table["rows"] if r.get("count") is not None or r.get("previous") is not None]
    rows.sort(key=lambda r: (-(r.get("count") or 0), r.get("rank") or 0))
    rows, cut = rows[:MAX_CHART_UNITS], len(rows) > MAX_CHART_UNITS
    labels = [r.get("short_name") or r["unit"] for r in rows]
    current = [r.get("count") or 0 for r in rows]
    previous = [r.get("previous") or 0 for r in rows]
    title = (f"{county}{table['category']}{period_label}与{comparison['label']}信息公开条数对比"
             + (f"（前{MAX_CHART_UNITS}名）" if cut else ""))
    label_font, note_font, title_font = _fonts()
    fig = _figure(len(rows), "change")
    ax = _axes(fig)
    y = list(range(len(rows)))
    ax.barh([v - 0.2 for v in y], current, height=0.4, color=CURRENT_COLOUR, label=period_label)
    ax.barh([v + 0.2 for v in y], previous, height=0.4, color=PREVIOUS_COLOUR, label=comparison["label"])
    ax.set_yticks(y, labels, fontproperties=label_font)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    top = max(current + previous, default=0) or 1
    ax.set_xlim(0, top * 1.18)
    for yi, r, c, p in zip(y, rows, current, previous):
        change = r.get("change")
        text = "—" if change is None else (f"+{change}" if change > 0 else str(change))
        ax.text(max(c, p) + top * 0.01, yi, text, va="center", fontproperties=note_font,
                color=CURRENT_COLOUR if change and change < 0 else "#1a1a1a")
    ax.set_xlabel("更新条数", fontproperties=label_font)
    ax.set_title(title, fontproperties=title_font)
    ax.legend(loc="lower right", prop=note_font, frameon=False)
    _layout(fig, figure_px(len(rows), "change")[1], labels)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, facecolor="white")
    width, height = figure_px(len(rows), "change")
    return {"title": title, "kind": "change", "category": table["category"], "width": width, "height": height,
            "dpi": DPI, "alt": f"{title}：每个单位两条横条，红色为{period_label}，灰色为{comparison['label']}，条末为增减条数"}


def add_charts(context: dict, out_dir: str | Path) -> list[dict]:
    """Draw every chart into out_dir/charts and record them in context["charts"] (paths relative to out_dir)."""
    out_dir = Path(out_dir)
    cjk_font()  # fail before drawing anything
    charts = []
    for table in context.get("tables") or []:
        name = safe_name(table["category"])
        rel = f"charts/units_{name}.png"
        charts.append({**units_chart(table, context["period_label"], context.get("county", ""), out_dir / rel),
                       "path": rel})
        if context.get("comparison"):
            rel = f"charts/change_{name}.png"
            charts.append({**change_chart(table, context["period_label"], context["comparison"],
                                          context.get("county", ""), out_dir / rel), "path": rel})
    context["charts"] = charts
    return charts
