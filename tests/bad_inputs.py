"""The bad-input corpus: careless and hostile inputs, each with the exact answer zwgk must give.

``build_corpus(root)`` writes every input into ``root`` (big ones are generated here, at test time, never
committed) and returns the cases; tests/test_bad_inputs.py runs each one as a real ``zwgk`` process and
checks its exit code, its one clear line, that no traceback is printed, that nothing is written, and its
time and peak memory. Run it by hand to look at the files: ``python tests/bad_inputs.py /tmp/corpus``.
The table of cases is in docs/reliability.md.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bulletin_fixtures import SEED, seed_docx, seed_tables, text_bulletin  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "data" / "registry" / "huarong.csv"
MB = 1024 * 1024


@dataclass
class Case:
    name: str
    args: list[str]  # zwgk's arguments; paths relative to the case folder (the process's cwd)
    code: int  # the exact exit code
    says: tuple[str, ...] = ()  # substrings of the output (the error line for exit 2)
    seconds: float = 60  # wall-clock bound (generous: a 2-core machine shared with other jobs)
    rss_mb: float = 500  # peak resident memory of the zwgk process
    one_line: bool = True  # exit 2: exactly one line on stderr, nothing on stdout
    json: bool = False  # stdout must be strict JSON
    what: str = ""  # the row in docs/reliability.md
    env: dict[str, str] = field(default_factory=dict)


def _seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def _write_file(root: Path, name: str, data: bytes | str) -> str:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return name


def _seed_with_units(names: list[str]) -> str:
    """The seed bulletin with its first departments renamed."""
    (title, rows), towns = seed_tables()
    rows = [list(r) for r in rows]
    for i, name in enumerate(names, start=1):
        rows[i][0] = name
    return text_bulletin([(title, rows), towns], layout="tab")


def docx_bomb(path: Path, xml_mb: int) -> Path:
    """A valid bulletin .docx whose document.xml carries ``xml_mb`` MB of empty paragraphs (~50 KB zipped)."""
    src = seed_docx(path.with_suffix(".src.docx"))
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                at = text.index("<w:body>") + len("<w:body>")
                data = (text[:at] + "<w:p/>" * (xml_mb * MB // 6) + text[at:]).encode("utf-8")
            zout.writestr(info.filename, data)
    src.unlink()
    return path


def xlsx_bytes(rows: list[list], sheet_xml_hook=None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    if sheet_xml_hook is None:
        return buf.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml_hook(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info.filename, data)
    return out.getvalue()




def build_corpus(root: str | Path, dry: bool = False) -> list[Case]:
    """Write the corpus into root and return its cases (dry: only the cases, nothing written)."""
    root = Path(root)
    if not dry:
        root.mkdir(parents=True, exist_ok=True)
    seed = _seed_text()
    cases: list[Case] = []

    def _write(root: Path, name: str, data) -> str:  # noqa: F811 - the dry-aware writer
        if callable(data):
            data = None if dry else data()
        return name if dry else _write_file(root, name, data)

    def add(*args, **kw) -> None:
        cases.append(Case(*args, **kw))

    # --- files that cannot be read at all -----------------------------------------------------------
    add("empty", ["check", _write(root, "empty.txt", b"")], 2, ("empty.txt", "文件为空"), what="空文件")
    add("blank", ["check", _write(root, "blank.txt", " \n\t\n\u3000\n")], 2, ("文件为空",), what="只有空白")
    add("binary", ["check", _write(root, "binary.txt", bytes(range(256)) * 64)], 2, ("无法解码",),
        what="二进制内容")
    add("utf16_no_bom", ["check", _write(root, "utf16.txt", seed.encode("utf-16-le"))], 2, ("无法解码",),
        what="编码错误（UTF-16 无 BOM）")
    add("latin1_junk", ["check", _write(root, "latin1.txt", "Ünïcödé ñö tæblé\n".encode("latin-1") * 50)], 2,
        ("无法解码",), what="编码错误（Latin-1 文本）")
    def _county_config(root: Path, name: str, body: str) -> str:
        return _write(root, name, f'county = "华容县"\n{body}')

    docx = b"" if dry else seed_docx(root / "seed.docx").read_bytes()
    add("truncated_docx", ["check", _write(root, "truncated.docx", docx[: len(docx) // 2])], 2,
        ("无法作为 Word 文档",), what="截断的 .docx")
    add("fake_docx", ["check", _write(root, "fake.docx", seed)], 2, ("无法作为 Word 文档",),
        what="假 .docx（文本改扩展名）")
    xlsx = xlsx_bytes([["单位名称", "条数", "期间"], ["公安局", 5, "2021H1"]])
    add("truncated_xlsx", ["check", _write(root, "truncated.xlsx", xlsx[: len(xlsx) // 2])], 2,
        ("无法作为 Excel 工作簿",), what="截断的 .xlsx")
    add("fake_xlsx", ["check", _write(root, "fake.xlsx", "单位名称,条数\n公安局,5\n")], 2,
        ("无法作为 Excel 工作簿",), what="假 .xlsx")
    add("wrong_extension", ["check", _write(root, "seed.pdf", seed)], 2, ("不支持的文件格式“.pdf”",),
        what="错误扩展名（.pdf）")
    add("doc_extension", ["check", _write(root, "old.doc", b"\xd0\xcf\x11\xe0" + b"\0" * 100)], 2,
        ("另存为 .docx",), what=".doc（旧 Word 格式）")
    add("missing", ["check", "no_such_file.txt"], 2, ("no_such_file.txt", "文件不存在"), what="不存在的路径")
    if not dry:
        (root / "a_folder.txt").mkdir(exist_ok=True)
    add("directory", ["check", "a_folder.txt"], 2, ("文件夹",), what="路径是文件夹")
    add("device", ["check", "zero.txt" if dry else _symlink(root, "zero.txt", "/dev/zero")], 2,
        ("不是普通文件",), what="设备文件（/dev/zero）")
    add("markup_path", ["check", "[/x]/[bold]bulletin.txt"], 2, ("[/x]/[bold]bulletin.txt", "文件不存在"),
        what="路径含控制台标记 `[/x]`")

    # --- files that read but hold no usable table -------------------------------------------------------
    body = "\n".join(seed.splitlines()[:17]) + "\n"
    # zwgk check reads what it can and names what it could not (not_read, exit 3: docs/real-documents.md);
    # zwgk ingest, which needs the tables, refuses the same files (exit 2, below).
    add("no_table", ["check", _write(root, "no_table.txt", body)], 3, ("not_read", "未找到可读的附件表格"),
        one_line=False, what="没有附件表")
    add("header_only", ["check", _write(root, "header_only.txt", body + "\n附件1：\n单位名称\t条数\t排名\n")], 3,
        ("not_read", "之后没有数据行"), one_line=False, what="只有表头")
    extra = body + "\n附件1：\n单位名称\t条数\t排名\n公安局\t5\t1\t多余\t又多\n"
    add("extra_cells", ["check", _write(root, "extra_cells.txt", extra)], 3, ("not_read", "第21行", "多于表头"),
        one_line=False, what="多余单元格")
    add("csv_no_header", ["check", _write(root, "no_header.csv", "甲,乙\n1,2\n")], 2, ("表头缺少",),
        what="CSV 缺表头")
    add("csv_huge_field", ["check", _write(root, "huge_field.csv", '单位名称,条数\n"' + "x" * 200_000 + '",5\n')],
        2, ("无法按 CSV 读取",), what="CSV 超长字段")

    # --- size, decompression and parsing-time bombs ------------------------------------------------------
    add("line_50mb", ["check", _write(root, "line_50mb.txt", lambda: ("全县共公开" + "政" * (50 * MB // 3)).encode())], 2, ("文件过大",), rss_mb=300, what="50 MB 的一行")
    if not dry:
        docx_bomb(root / "bomb.docx", 60)
        docx_bomb(root / "near_bomb.docx", 19)
    add("docx_bomb", ["check", "bomb.docx"], 2, ("文件解压后过大",), seconds=300, rss_mb=1500,
        what=".docx 解压炸弹（60 MB 空段落，约 60 KB）")
    add("docx_near_cap", ["check", "near_bomb.docx"], 2, ("文件过长",), seconds=300, rss_mb=1500,
        what=".docx 19 MB 空段落（低于解压上限，段落数超限）")
    add("xlsx_bomb", ["check", _write(root, "bomb.xlsx", lambda: _zip({
        "[Content_Types].xml": "<Types/>", "xl/sharedStrings.xml": "<sst>" + " " * (80 * MB) + "</sst>"}))], 2, ("文件解压后过大",),
        rss_mb=600, what=".xlsx 解压炸弹（80 MB）")
    add("zip_entries", ["check", _write(root, "entries.docx", lambda: _zip({f"word/{i}.xml": "" for i in range(5000)}))], 2, ("个压缩条目",),
        what=".docx 含 5000 个压缩条目")
    lines = seed.splitlines()
    long_para = "全县各单位" + "、".join(["公安局"] * 120_000) + "较多，共公开" + "1," * 100_000 + "。"
    add("paragraph_1mb", ["check", _write(root, "paragraph_1mb.txt", "\n".join(lines[:6] + [long_para] + lines[6:]))],
        3, ("overall_total_mismatch",), seconds=240, rss_mb=800, one_line=False,
        what="1 MB 的段落（正则回溯）")
    rows = ["单位名称,条数,期间"] + [f"单位{i},{i % 500},2021H1" for i in range(100_000)]
    add("csv_100k_rows", ["check", _write(root, "rows_100k.csv", "\n".join(rows) + "\n")], 0, ("100000",),
        seconds=300, rss_mb=1200, one_line=False, what="10 万行 CSV")
    many = "\n" * 300_000
    add("too_many_lines", ["check", _write(root, "many_lines.txt", seed + many)], 2, ("文件过长",),
        what="30 万行的 .txt")

    # --- hostile content: parsed, reported, never executed ------------------------------------------------
    hostile = _seed_with_units(['=HYPERLINK("http://evil","x")', "<script>alert(1)</script>局", "[/]局",
                                "[bold red]假[/]局"])
    add("hostile_names", ["check", _write(root, "hostile.txt", hostile), "--registry",
                          _write(root, "reg.csv", REGISTRY.read_bytes())], 3,
        ('=HYPERLINK("http://evil","x")', "[/]局", "[bold red]假[/]局"), seconds=240, rss_mb=800, one_line=False,
        what="单位名含公式、`<script>`、控制台标记")
    huge = (seed.replace("共公开政府信息1267条", "共公开政府信息99,999,999,999条")
            .replace("\t179\n", "\t1000000000000\n", 1).replace("\t60\n", "\t" + "9" * 40 + "\n", 1))
    add("huge_numbers_txt", ["check", _write(root, "huge_numbers.txt", huge)], 3,
        ("bad_count", "1000000000000", "99999999999条不合常理", "9" * 40 + "”不是整数"), seconds=240, rss_mb=800,
        one_line=False, what="条数 1e12、条数超出 64 位、总数 99,999,999,999（.txt）")
    workbook = lambda: xlsx_bytes(  # noqa: E731
        [["单位名称", "条数", "期间"], ["公安局", 10**12, "2021H1"], ["民政局", "=B2*2", "2021H1"],
         ["司法局", 5, "2021H1"]],
        lambda xml: xml.replace('<dimension ref="A1:C4"/>', '<dimension ref="A1:XFD1048576"/>'))
    add("huge_numbers_xlsx", ["check", _write(root, "huge_numbers.xlsx", workbook)], 3,
        ("公安局的条数“1000000000000”不合常理", "公式无计算结果", "单位数"), seconds=240, rss_mb=800,
        one_line=False, what=".xlsx：条数 1e12、公式无缓存值、声明 A1:XFD1048576")

    # --- periods ------------------------------------------------------------------------------------------
    add("check_period_mismatch", ["check", _write(root, "seed.txt", seed), "--period", "2021H2"], 2,
        ("2021H1", "2021H2", "不一致"), what="`check --period` 与通报所述期间不符")
    add("unknown_period", ["run", "--config", _county_config(root, "ok.toml", 'slug = "huarong"\n'),
                           "--period", "2021H3"], 2, ("2021H3",), what="未知期间")
    add("unknown_latest", ["run", "--config", "ok.toml", "--period", "latest:decade"], 2, ("latest:decade",),
        what="未知的 latest:…")

    # --- configs -------------------------------------------------------------------------------------------
    add("config_missing", ["run", "--config", "nope.toml"], 2, ("配置文件不存在",), what="配置不存在")
    add("config_directory", ["run", "--config", "/etc"], 2, ("文件夹",), what="配置指向 /etc（文件夹）")
    add("config_etc_passwd", ["run", "--config", "/etc/passwd"], 2, ("不是有效的 TOML",),
        what="配置指向 /etc/passwd")
    add("config_dev_zero", ["run", "--config", "/dev/zero"], 2, ("不是配置文件",), what="配置指向 /dev/zero")
    add("config_binary", ["run", "--config", _write(root, "binary.toml", b"\xff\xfe\x00junk")], 2,
        ("UTF-8",), what="配置不是 UTF-8")
    add("config_slug_climbs", ["run", "--config", _county_config(root, "climb.toml", 'slug = "../victim"\n')], 2,
        ("slug", "../victim"), what="slug = \"../victim\"")
    add("config_wrong_types", ["run", "--config", _county_config(root, "types.toml", 'slug = "x"\nranking = 5\n')],
        2, ("[ranking]",), what="配置项类型错误")
    add("registry_etc_passwd", ["ingest", "seed.txt", "--config",
                                _county_config(root, "etc.toml", 'slug = "x"\nregistry = "/etc/passwd"\n')], 2,
        ("/etc/passwd", "表头缺少列"), what="名册指向 /etc/passwd")
    add("registry_etc_dir", ["ingest", "seed.txt", "--config",
                             _county_config(root, "etcdir.toml", 'slug = "x"\nregistry = "/etc"\n')], 2,
        ("不是单位名册文件",), what="名册指向 /etc（文件夹）")
    add("source_etc_shadow", ["ingest", "/etc/shadow", "--config", "ok.toml"], 2, ("不支持的文件格式",),
        what="导入 /etc/shadow")

    # --- ingest: all or nothing -----------------------------------------------------------------------------
    add("ingest_no_table", ["ingest", "no_table.txt", "--config", "ok.toml"], 2, ("no_table.txt", "未找到附件统计表"),
        what="`ingest` 没有附件表的通报（check 读其正文，ingest 无可导入）")
    add("ingest_one_bad", ["ingest", "seed.txt", "empty.txt", "--config", "ok.toml"], 2,
        ("empty.txt", "全部不导入"), what="`ingest 好文件 坏文件`：全部不导入")
    add("ingest_period_mismatch", ["ingest", "seed.txt", "--config", "ok.toml", "--period", "2021H2"], 2,
        ("不一致",), what="`ingest --period` 与文件不符")

    # --- issue 21: numbers, names and files that used to pass or fail deep inside ------------------------------
    add("crawl_rate_nan", ["run", "--config", _county_config(root, "rate_nan.toml", 'slug = "x"\n[crawl]\nrate = nan\n')],
        2, ("crawl.rate", "nan"), what="`[crawl] rate = nan`（不限速）")
    add("crawl_max_age_inf", ["run", "--config", _county_config(root, "age_inf.toml",
                                                                'slug = "x"\n[crawl]\nmax_age = inf\n')],
        2, ("crawl.max_age",), what="`[crawl] max_age = inf`（永不重新采集）")
    add("slug_300_chars", ["run", "--config", _county_config(root, "long_slug.toml", f'slug = "{"a" * 300}"\n')], 2,
        ("最长 64 个字符",), what="300 个字符的 slug")
    head = "unit_id,unit,short_name,category,display_order,aliases\n"
    _write(root, "typo.csv", head + "D01,财政局,财政局,县直部门,10,\nD02,档案馆,档案馆,其他类,20,\n")
    _write(root, "huge_order.csv", head + "D01,财政局,财政局,县直部门," + "9" * 30 + ",\n")
    add("registry_category_typo", ["ingest", "seed.txt", "--config",
                                   _county_config(root, "typo.toml", 'slug = "x"\nregistry = "typo.csv"\n')], 2,
        ("typo.csv", "第3行 category", "其他类"), what="名册类别笔误（其他类）")
    add("registry_huge_display_order", ["ingest", "seed.txt", "--config",
                                        _county_config(root, "order.toml", 'slug = "x"\nregistry = "huge_order.csv"\n')],
        2, ("huge_order.csv", "display_order"), what="名册 display_order 为 30 位数")
    add("config_key_typo", ["run", "--config", _county_config(root, "key_typo.toml", 'slug = "x"\nregisty = "r.csv"\n')],
        2, ("key_typo.toml", "'registy'", "'registry'"), what="配置键笔误（registy），原先静默按无名册运行")
    add("config_table_key_typo", ["run", "--config", _county_config(root, "crawl_typo.toml",
                                                                    'slug = "x"\n[crawl]\nmaxage = "1 day"\n')],
        2, ("[crawl]", "'maxage'", "'max_age'"), what="[crawl] 中的键笔误（maxage），原先静默用默认值")
    _write(root, "damaged.duckdb", lambda: b"not a duckdb file " * 4096)
    add("damaged_warehouse", ["runs", "--warehouse", "damaged.duckdb"], 2, ("damaged.duckdb", "仓库无法读取", "zwgk doctor"),
        what="损坏的仓库文件（`zwgk runs`）")

    # --- zwgk runs after failed runs -------------------------------------------------------------------------
    if not dry:
        _runs_warehouse(root / "runs.duckdb")
    add("runs_after_failed_run", ["runs", "--warehouse", "runs.duckdb", "--json"], 0,
        ('"status": "failed"', '"failed_checks": []', "任务 ingest 失败", "[/]局"), one_line=False, json=True,
        what="`zwgk runs --json` 在失败的运行之后（严格 JSON）")
    add("runs_table_after_failed_run", ["runs", "--warehouse", "runs.duckdb"], 0, ("失败", "任务 ingest 失败"),
        one_line=False, what="`zwgk runs` 在失败的运行之后")
    return cases


def _runs_warehouse(path: Path) -> None:
    """A warehouse whose history holds a failed run (no checks, no output folder) and a draft."""
    from flows.steps.pipeline import record_run

    record_run(path, {"run_id": "a1", "county_slug": "huarong", "county": "华容县", "period": "2021H1",
                      "status": "failed", "error": "任务 ingest 失败：[/]局 无法读取", "alert": "no_urls",
                      "started_at": "2021-07-05T08:00:00+08:00", "finished_at": "2021-07-05T08:01:00+08:00"})
    record_run(path, {"run_id": "a2", "county_slug": "huarong", "county": "华容县", "period": "2021H1",
                      "status": "draft", "failed_checks": ["overall_total_matches_tables"], "out_dir": "/x",
                      "alert": "sent", "started_at": "2021-07-06T08:00:00+08:00"})


def _zip(entries: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in entries.items():
            z.writestr(name, text)
    return buf.getvalue()


def _symlink(root: Path, name: str, target: str) -> str:
    link = root / name
    if not link.is_symlink():
        os.symlink(target, link)
    return name


if __name__ == "__main__":  # pragma: no cover - look at the corpus by hand, or print its table
    if sys.argv[1:2] == ["--markdown"]:
        print("| 用例 | 输入 | 命令 | 退出码 | 应说明 | 时间/内存上限 |")
        print("| --- | --- | --- | ---: | --- | --- |")
        for case in build_corpus(Path("/nonexistent"), dry=True):
            says = "；".join(f"`{s}`" for s in case.says).replace("|", "\\|")
            print(f"| `{case.name}` | {case.what} | `zwgk {' '.join(case.args)}` | {case.code} | {says} | "
                  f"{case.seconds:g} s / {case.rss_mb:g} MB |")
        sys.exit(0)
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/zwgk-bad-inputs")
    for case in build_corpus(out):
        print(f"{case.name:24} exit {case.code}  zwgk {' '.join(case.args)}")
