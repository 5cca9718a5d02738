"""Caps on what an input file may cost before it is parsed (docs/reliability.md).

A .docx or .xlsx is a ZIP archive: a 1 MB file can expand to gigabytes of XML (a "decompression
bomb") and the XML parsers then hold all of it in memory. Before python-docx or openpyxl sees a
file, its ZIP directory is read and the file is refused when the entries would expand beyond
``ZWGK_MAX_UNZIPPED_MB`` megabytes in total (default 50) or when it has more than
``ZWGK_MAX_ZIP_ENTRIES`` entries (default 2000; a real bulletin has about 20, a workbook a few per
sheet). Python's zipfile never returns more bytes for an entry than its directory declares, so the
declared sizes are a true bound on what the parsers can be handed.
"""

from __future__ import annotations

import io
import os
import zipfile

from flows.ingest.bulletin_model import BulletinParseError

DEFAULT_MAX_UNZIPPED_MB = 50
DEFAULT_MAX_XML_MB = 20  # one XML part (document.xml, a sheet): lxml holds ~20 bytes per byte of it
DEFAULT_MAX_ZIP_ENTRIES = 2000
DEFAULT_MAX_INPUT_MB = 20  # a bulletin or a unit report on disk (a real one is well under 1 MB of text)
DEFAULT_MAX_LINES = 200_000  # lines of a .txt / paragraphs and table rows of a .docx / rows of a sheet


def _env_number(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BulletinParseError(f"环境变量 {name}", "取值", f"应为正整数，实为 {raw!r}") from None
    if value <= 0:
        raise BulletinParseError(f"环境变量 {name}", "取值", f"应为正整数，实为 {raw!r}")
    return value


def max_unzipped_bytes() -> int:
    return _env_number("ZWGK_MAX_UNZIPPED_MB", DEFAULT_MAX_UNZIPPED_MB) * 1024 * 1024


def max_zip_entries() -> int:
    return _env_number("ZWGK_MAX_ZIP_ENTRIES", DEFAULT_MAX_ZIP_ENTRIES)


def max_input_bytes() -> int:
    return _env_number("ZWGK_MAX_INPUT_MB", DEFAULT_MAX_INPUT_MB) * 1024 * 1024


def max_xml_bytes() -> int:
    return _env_number("ZWGK_MAX_XML_MB", DEFAULT_MAX_XML_MB) * 1024 * 1024


def max_lines() -> int:
    return _env_number("ZWGK_MAX_LINES", DEFAULT_MAX_LINES)


def read_input(path, what: str) -> bytes:
    """The bytes of an input file, refusing what is not a regular file or is larger than the cap.

    ``what`` completes "应为…": the message of a missing file says what was expected."""
    from pathlib import Path

    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise BulletinParseError(str(path), "文件", f"文件不存在：应为{what}") from None
    except OSError as exc:
        raise BulletinParseError(str(path), "文件", f"无法读取文件（{exc.strerror or exc}）") from None
    import stat

    if stat.S_ISDIR(st.st_mode):
        raise BulletinParseError(str(path), "文件", f"这是一个文件夹，不是文件：应为{what}")
    if not stat.S_ISREG(st.st_mode):
        raise BulletinParseError(str(path), "文件", f"不是普通文件（设备、管道等）：应为{what}")
    limit = max_input_bytes()
    if st.st_size > limit:
        raise BulletinParseError(str(path), "文件", (
            f"文件过大：{st.st_size / 1048576:.0f} MB，超过上限{limit // 1048576} MB"
            f"（应为{what}；可用环境变量 ZWGK_MAX_INPUT_MB 调整）"
        ))
    try:
        with open(p, "rb") as fh:
            return fh.read(limit + 1)
    except OSError as exc:
        raise BulletinParseError(str(path), "文件", f"无法读取文件（{exc.strerror or exc}）") from None


def check_lines(count: int, path: str, unit: str = "行") -> None:
    limit = max_lines()
    if count > limit:
        raise BulletinParseError(path, "全文", (
            f"文件过长：超过{limit}{unit}，不像一份通报或报送表（可用环境变量 ZWGK_MAX_LINES 调整）"
        ))


def check_archive(data: bytes, path: str, kind: str) -> None:
    """Refuse an Office file (kind: "Word 文档（.docx）" …) whose ZIP would expand too far.

    A file that is not a ZIP at all is left to the parser, which reports it as damaged."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        entries = archive.infolist()
        limit_entries = max_zip_entries()
        if len(entries) > limit_entries:
            raise BulletinParseError(path, "文件", (
                f"文件解压后过大：{kind}含{len(entries)}个压缩条目，超过上限{limit_entries}个"
                f"（可用环境变量 ZWGK_MAX_ZIP_ENTRIES 调整）"
            ))
        xml_limit = max_xml_bytes()
        big = next((e for e in entries if e.filename.endswith((".xml", ".rels")) and e.file_size > xml_limit),
                   None)
        if big is not None:
            raise BulletinParseError(path, "文件", (
                f"文件解压后过大：{kind}中的 {big.filename} 解压后为{big.file_size / 1048576:.0f} MB，"
                f"超过单个部件上限{xml_limit // 1048576} MB（可用环境变量 ZWGK_MAX_XML_MB 调整）"
            ))
        total = sum(max(e.file_size, 0) for e in entries)
        limit = max_unzipped_bytes()
        if total > limit:
            raise BulletinParseError(path, "文件", (
                f"文件解压后过大：{kind}解压后为{total / 1048576:.0f} MB，超过上限{limit // 1048576} MB"
                f"（可用环境变量 ZWGK_MAX_UNZIPPED_MB 调整）"
            ))
