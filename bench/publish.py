"""Writing a measured table into a docs page between its two markers (``make realcheck PUBLISH=1`` and the
like): the text between ``begin`` and ``end`` is replaced, or the block is added at the end."""

from __future__ import annotations

from pathlib import Path


def replace_block(page: Path, begin: str, end: str, text: str) -> None:
    doc = page.read_text(encoding="utf-8")
    if begin in doc and end in doc:
        head, rest = doc.split(begin, 1)
        doc = head + begin + "\n" + text + "\n" + end + rest.split(end, 1)[1]
    else:
        doc += f"\n{begin}\n{text}\n{end}\n"
    page.write_text(doc, encoding="utf-8")
