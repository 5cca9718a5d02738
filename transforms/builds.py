"""Skip a county's rebuild when nothing it reads changed (the warm rerun, issue 22).

A build of one county × period (``runner.run_marts``) reads the county's rows of the raw and registry
tables its staging and mart models name, the working days, the model files themselves and the day
(``current_date``: names valid today, dates in the future). ``fingerprint`` hashes all of them (per
table: the number of rows and the sum of their hashes — order does not matter); ``build`` runs the
marts only when the fingerprint differs from the one recorded with the partition's last build, else
returns the rows the marts already hold. The record is written after the build's transaction, so a
crash in between only costs one more rebuild.
"""

from __future__ import annotations

import hashlib
import re
from flows.domain.periods import office_today
from functools import cache

import duckdb

from transforms import model_files, runner


@cache
def input_tables(family: str = "bulletin") -> tuple[str, ...]:
    """The raw and registry tables the family's staging and mart models read (by name in their SQL)."""
    raw = set()
    for text in model_files.layer_files("raw").values():
        raw.update(re.findall(r"CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+(\w+)", text, re.I))
    texts = [text for name, text in {**runner.models("staging"), **runner.models("marts")}.items()
             if name.removeprefix("stg_").startswith("annual_") == (family == "annual")]
    body = "\n".join(model_files.strip_comments(t) for t in texts)
    return tuple(sorted(t for t in raw if re.search(rf"\b{t}\b", body)))


def _code_digest() -> str:
    return model_files.files_digest("staging", "marts")


def fingerprint(con: duckdb.DuckDBPyConnection, county_slug: str, period: str) -> str:
    """What a build of this county and period would read, as one hash."""
    parts = [_code_digest(), period, office_today().isoformat()]
    for table in input_tables():
        cols = runner.columns(con, table)
        if cols is None:
            parts.append(f"{table}:absent")
            continue
        if any(c == "county_slug" for c, _ in cols):
            n, total = runner.execute(con, runner.template("table_digest", table=table), {"county_slug": county_slug})[0]
        else:
            n, total = runner.execute(con, runner.template("table_digest_all", table=table))[0]
        parts.append(f"{table}:{n}:{total}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def build(con: duckdb.DuckDBPyConnection, county_slug: str, period: str) -> tuple[dict[str, int], bool]:
    """(rows per mart, whether the build was skipped): the county's marts for the period, rebuilt only
    when their fingerprint changed."""
    current = fingerprint(con, county_slug, period)
    last = runner.scalar(con, runner.sql("queries/build_fingerprint"), {"county_slug": county_slug, "period": period})
    if last == current:
        return runner.partition_counts(con, [(county_slug, period)])[county_slug], True
    counts = runner.run_marts(con, county_slug, period)
    runner.execute(con, runner.sql("load/record_build"),
                   {"county_slug": county_slug, "period": period, "fingerprint": current})
    return counts, False
