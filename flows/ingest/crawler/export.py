"""JSONL export of crawled items: one JSON object per distinct item (by URL) per line.

Fields (see docs/crawler.md): url, title, unit (canonical via the registry, else null), unit_raw,
column, column_type, columns, publish_date, doc_date, doc_number, index_number, topic (dates as
YYYY-MM-DD or null), list_date, body_date, body_text, format_facts, crawl_id, fetched_at, repost_of.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Iterable

REQUIRED_FIELDS = ("url", "title", "unit", "unit_raw", "column", "column_type", "publish_date", "doc_date",
                   "doc_number", "index_number", "topic", "body_text", "format_facts", "crawl_id",
                   "fetched_at", "repost_of")


def _default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def export_jsonl(items: Iterable[dict], path: str | Path) -> int:
    """Write the distinct items (first occurrence of each URL wins); returns the number written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    seen: set[str] = set()
    n = 0
    with open(tmp, "w", encoding="utf-8") as fh:
        for item in items:
            url = item.get("url")
            if not url or url in seen:
                continue
            seen.add(url)
            record = {k: item.get(k) for k in REQUIRED_FIELDS}
            record.update({k: v for k, v in item.items() if k not in record and not k.startswith("_")})
            for k in ("publish_date", "doc_date", "list_date", "body_date"):
                if isinstance(record.get(k), (date, datetime)):
                    record[k] = record[k].isoformat()[:10]
            fh.write(json.dumps(record, ensure_ascii=False, default=_default) + "\n")
            n += 1
    os.replace(tmp, path)
    return n


def export_crawl_report(result, jsonl_path: str | Path) -> Path:
    """Beside ``x.jsonl``, ``x.crawl.json``: whether the crawl is complete, the summary, and every
    column with its status, ``complete`` flag and the reason it is not (item cap, time budget …)."""
    jsonl_path = Path(jsonl_path)
    path = jsonl_path.with_name(jsonl_path.name.removesuffix(".jsonl") + ".crawl.json")
    data = {"complete": result.complete, "summary": result.summary.to_dict(),
            "incomplete_columns": result.incomplete_columns(),
            "columns": [c.to_dict() for c in result.columns], "single_pages": result.pages}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_jsonl(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
