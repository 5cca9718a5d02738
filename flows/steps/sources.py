"""Reading one source file for the warehouse: a bulletin (.txt/.html/.docx) or a unit report (.csv/.xlsx),
and settling its period. Nothing here writes: ingest (flows/steps/pipeline.py) and proofreading
(flows/steps/validate.py ``proofread``) both start here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flows.domain.periods import parse_period
from flows.ingest.bulletin_model import BulletinParseError, ParsedBulletin

PERIOD_HINT_CONFIG = "请在配置或命令行中指定 period"
PERIOD_HINT_CLI = "请用 --period 指定"


def parse_source(path: str | Path, kind: str = "auto", period: str | None = None,
                 county: str | None = None) -> ParsedBulletin:
    """Parse a bulletin (.txt/.docx) or a unit report (.csv/.xlsx)."""
    suffix = Path(path).suffix.lower()
    if kind == "unit_report" or (kind == "auto" and suffix in {".csv", ".xlsx"}):
        from flows.ingest.unit_report import parse_unit_report

        return parse_unit_report(path, period=period, county=county)
    from flows.ingest.document.as_bulletin import parse_any_bulletin

    return parse_any_bulletin(path)


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def parse_for_ingest(path: str | Path, *, period: str | None, county: str | None, kind: str = "auto",
                     parsed: ParsedBulletin | None = None, hint: str = PERIOD_HINT_CONFIG) -> tuple[ParsedBulletin, str]:
    """Parse one source (unless ``parsed`` is given) and settle its period: (parsed, period code). Nothing is
    written. ``hint``: what the office should do when the file states no period."""
    parsed = parsed or parse_source(path, kind=kind, period=period, county=county)
    chosen = period or parsed.period
    if chosen is None:
        raise BulletinParseError(str(path), "标题", f"未能识别期间（如“2021年上半年”）；{hint}")
    check_period_agrees(path, parsed, period)
    return parsed, parse_period(chosen).code


def check_period_agrees(path: str | Path, parsed: ParsedBulletin, period: str | None) -> None:
    """A period given on the command line must be the one the file states (never silently overridden)."""
    if period and parsed.period and parse_period(period).code != parse_period(parsed.period).code:
        raise BulletinParseError(
            str(path), "标题", f"文件所述期间为 {parsed.period}，与指定的 {parse_period(period).code} 不一致")
