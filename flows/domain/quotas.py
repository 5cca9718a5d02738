"""Quotas (最低标准): the minimum items a unit of an attachment category must publish, as a county's [quotas]
writes them for one kind of period (``per``: month, quarter, half or year) and scaled to the period of a run:
a monthly minimum of 20 is 60 for a quarter, 120 for a half-year and 240 for a year; a quarterly minimum of 20
is 7 for a month (rounded up: a unit must reach it, not nearly). docs/rules.md, "Quotas"."""

from __future__ import annotations

import math

MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
PER_LABELS = {"month": "每月", "quarter": "每季度", "half": "每半年", "year": "每年"}


def scaled(minimum: int, per: str, kind: str) -> int:
    """The minimum for a period of ``kind`` when ``minimum`` is written per ``per``."""
    return math.ceil(minimum * MONTHS[kind] / MONTHS[per])


def quota_for(quotas: dict | None, category: str, kind: str) -> int | None:
    """The quota of a category for a period kind, or None when the county sets none for it."""
    minimum = (quotas or {}).get("minimum", {}).get(category)
    return None if minimum is None else scaled(minimum, quotas.get("per", "month"), kind)
