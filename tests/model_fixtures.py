"""Small hand-made parsed bulletins for the SQL and expectation tests (no parser involved)."""

from __future__ import annotations

from flows.ingest.bulletin_model import ParsedBulletin, ReportedRow, ReportedTable


def row(unit: str, count, rank=None, line: int = 0) -> ReportedRow:
    count_raw = "" if count is None else str(count)
    parsed = count if isinstance(count, int) else None
    return ReportedRow(unit_raw=unit, count_raw=count_raw, count=parsed,
                       rank_raw="" if rank is None else str(rank), rank=rank, line=line, where=f"第{line}行")


def bulletin(tables: list[tuple[str, list[ReportedRow], int | None]], stated_total: int | None = None,
             period: str = "2021H1", sha: str = "f" * 64, has_rank: bool = True) -> ParsedBulletin:
    out = []
    for i, (category, rows, printed) in enumerate(tables, start=1):
        out.append(ReportedTable(table_no=i, category=category, title=f"测试县{category}统计", rows=rows,
                                 printed_total_raw=None if printed is None else str(printed),
                                 printed_total=printed, total_where=f"表{i}合计", has_rank_column=has_rank))
    return ParsedBulletin(path="fixture.txt", sha256=sha, file_format="txt", county="华容县", period=period,
                          title="测试通报", stated_total=stated_total, stated_total_where="第3行", tables=out)
