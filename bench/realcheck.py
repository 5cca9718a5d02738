"""``make realcheck``: every real document of tests/fixtures/real/ through ``zwgk check --json``,
compared with the ground truth read by hand beside it (tests/fixtures/real/README.md).

    python -m bench.realcheck                 # the table on the terminal
    python -m bench.realcheck --publish       # and written into docs/real-documents.md
    python -m bench.realcheck --stem hainan   # only the documents whose stem contains this

Per document: kind and period against the manifest, each table (rows and column sums), the defects
found against those expected, findings on statements that must not be flagged, and mismatches
reported on a table the copy cuts short. The comparison functions are shared with
tests/ingest/test_real_documents.py, which runs them in-process.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tomllib
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "real"
DOC_PAGE = ROOT / "docs" / "real-documents.md"
BEGIN, END = "<!-- realcheck:begin -->", "<!-- realcheck:end -->"
SUFFIXES = (".txt", ".html", ".htm", ".docx")
MISMATCHES = ("table_total_mismatch", "overall_total_mismatch")


def _c(text) -> str:
    return re.sub(r"[\s|｜\u3000]+", "", unicodedata.normalize("NFKC", str(text or "")))


@dataclass
class Case:
    stem: str
    path: Path
    truth: dict
    source: dict

    @property
    def kind(self) -> str:
        return self.truth["kind"]


def cases(corpus: Path = CORPUS, only: str | None = None) -> list[Case]:
    out = []
    for manifest in sorted(corpus.glob("*/*.toml")):
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        docs = [manifest.with_suffix(s) for s in SUFFIXES if manifest.with_suffix(s).exists()]
        if data.get("source", {}).get("file"):  # a document the project already bundles (the seed)
            docs = [(manifest.parent / data["source"]["file"]).resolve()]
        if not docs:
            continue
        if only and only not in manifest.stem:
            continue
        out.append(Case(manifest.stem, docs[0], data["truth"], data.get("source", {})))
    return out


@dataclass
class Outcome:
    stem: str
    kind_ok: bool
    period_ok: bool
    period: str
    expected_period: str
    tables_exact: int = 0
    tables_total: int = 0
    defects_found: int = 0
    defects_expected: int = 0
    missed: list[str] = field(default_factory=list)
    flagged_must_not: list[str] = field(default_factory=list)
    cut_mismatches: list[str] = field(default_factory=list)
    exit_code: int | None = None
    error: str = ""


def _sums_match(truth_sums: dict, read_sums: dict) -> bool:
    got = [float(v) for v in read_sums.values() if v is not None]
    for want in truth_sums.values():
        hit = next((k for k, g in enumerate(got) if abs(g - float(want)) < 0.5), None)
        if hit is None:
            return False
        got.pop(hit)
    return True


def _bulletin_tables(truth: dict, result: dict) -> tuple[int, int]:
    wanted = [t for t in truth.get("tables", []) if int(t.get("rows", 0)) > 0]
    read = [t for t in result.get("tables", [])]
    exact = 0
    for t in wanted:
        pool = [r for r in read if bool(r.get("from_prose")) == bool(t.get("from_prose"))]
        if any(int(r["rows"]) == int(t["rows"]) and _sums_match(t.get("sums", {}), r.get("sums", {})) for r in pool):
            exact += 1
    return exact, len(wanted)


_T3_COLUMNS = ("natural", "business", "research", "charity", "legal", "other_org", "total")


def _annual_tables(truth: dict, result: dict) -> tuple[int, int]:
    exact = total = 0
    t3 = (result.get("tables") or {}).get("table3") or {}
    if truth.get("table3"):
        total += 1
        ok = all([(t3.get(key) or {}).get(col) for col in _T3_COLUMNS] == [None if v == "" else v for v in values]
                 for key, values in truth["table3"].items())
        exact += ok
    t4_truth = (truth.get("table4") or {}).get("values")
    if t4_truth:
        total += 1
        t4 = (result.get("tables") or {}).get("table4") or {}
        got = [(t4.get(g) or {}).get(p) for g in ("review", "litigation_direct", "litigation_after_review")
               for p in ("upheld", "corrected", "other", "pending", "total")]
        exact += got == [None if v == "" else v for v in t4_truth]
    return exact, total


def _on_statement(finding: dict, statement: str) -> bool:
    s = _c(statement)
    message = finding.get("message", "")
    quotes = [_c(q) for q in re.findall(r"“([^”]{2,200})”", message)]
    lead = _c(re.split(r"[：“在，]", message, maxsplit=1)[0])
    parts = [q for q in quotes if len(q) >= 3] + ([lead] if len(lead) >= 3 else [])
    return any(p in s or (len(s) >= 4 and s in p) for p in parts)


def compare(case: Case, result: dict, exit_code: int | None = None) -> Outcome:
    truth = case.truth
    if case.kind == "annual_report":
        period = str(result.get("year") or "")
    else:
        period = str(result.get("period") or "")
    out = Outcome(case.stem, result.get("kind") == case.kind, period == str(truth.get("period", "")), period,
                  str(truth.get("period", "")), exit_code=exit_code, error=str(result.get("error") or ""))
    tables = _annual_tables if case.kind == "annual_report" else _bulletin_tables
    out.tables_exact, out.tables_total = tables(truth, result)
    findings = result.get("findings") or []
    codes = [f.get("code") for f in findings]
    expected = truth.get("defects", [])
    out.defects_expected = len(expected)
    for d in expected:
        if d["code"] in codes:
            out.defects_found += 1
        else:
            out.missed.append(d["code"])
    for m in truth.get("must_not_flag", []):
        for f in findings:
            if f.get("severity") in ("error", "warning") and _on_statement(f, m["text"]):
                out.flagged_must_not.append(f"{f['code']}: {m['text'][:30]}")
    expected_codes = {d["code"] for d in expected}
    if case.source.get("truncated") or any(t.get("complete") is False for t in truth.get("tables", [])):
        out.cut_mismatches = [f["message"][:60] for f in findings
                              if f.get("code") in MISMATCHES and f["code"] not in expected_codes]
    return out


def run_cli(case: Case) -> tuple[dict, int]:
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "check", str(case.path), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    try:
        return json.loads(proc.stdout), proc.returncode
    except json.JSONDecodeError:
        return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]}, proc.returncode


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def table_lines(outcomes: list[Outcome], cases_by_stem: dict[str, Case]) -> list[str]:
    lines = ["| document | kind | period (read / truth) | tables exact | defects found | must-not-flag hit | "
             "mismatch on a cut table | exit |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for o in outcomes:
        case = cases_by_stem[o.stem]
        missed = f" (missed: {', '.join(o.missed)})" if o.missed else ""
        flagged = "; ".join(o.flagged_must_not) or "0"
        cut = "; ".join(o.cut_mismatches) or "0"
        lines.append(f"| {o.stem} | {case.kind} {_mark(o.kind_ok)} | {o.period or '—'} / {o.expected_period} "
                     f"{_mark(o.period_ok)} | {o.tables_exact}/{o.tables_total} | "
                     f"{o.defects_found}/{o.defects_expected}{missed} | {flagged} | {cut} | {o.exit_code} |")
    return lines


def totals(outcomes: list[Outcome]) -> dict:
    n = len(outcomes) or 1
    tables = sum(o.tables_total for o in outcomes)
    return {
        "documents": len(outcomes),
        "kind": sum(o.kind_ok for o in outcomes) / n,
        "period": sum(o.period_ok for o in outcomes) / n,
        "tables": (sum(o.tables_exact for o in outcomes) / tables) if tables else 1.0,
        "tables_n": f"{sum(o.tables_exact for o in outcomes)}/{tables}",
        "defects": f"{sum(o.defects_found for o in outcomes)}/{sum(o.defects_expected for o in outcomes)}",
        "all_defects": all(not o.missed for o in outcomes),
        "must_not_flag_hits": sum(len(o.flagged_must_not) for o in outcomes),
        "cut_mismatches": sum(len(o.cut_mismatches) for o in outcomes),
    }


def summary_lines(t: dict) -> list[str]:
    return [f"- documents: {t['documents']}",
            f"- kind right: {t['kind']:.0%}; period right: {t['period']:.0%}",
            f"- tables exact (rows and column sums): {t['tables_n']} = {t['tables']:.0%}",
            f"- expected defects found: {t['defects']}",
            f"- findings on must-not-flag statements: {t['must_not_flag_hits']}",
            f"- mismatches reported on a cut-off table: {t['cut_mismatches']}"]


def publish(lines: list[str]) -> None:
    page = DOC_PAGE.read_text(encoding="utf-8")
    start, end = page.index(BEGIN) + len(BEGIN), page.index(END)
    DOC_PAGE.write_text(page[:start] + "\n" + "\n".join(lines) + "\n" + page[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publish", action="store_true", help="write the table into docs/real-documents.md")
    parser.add_argument("--stem", help="only documents whose stem contains this")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    selected = cases(only=args.stem)
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(run_cli, selected))
    outcomes = [compare(c, r, code) for c, (r, code) in zip(selected, results)]
    lines = table_lines(outcomes, {c.stem: c for c in selected})
    t = totals(outcomes)
    text = [*summary_lines(t), "", *lines]
    print("\n".join(text))
    if args.publish:
        publish(text)
    goals = (t["kind"] == 1 and t["period"] == 1 and t["tables"] >= 0.95 and t["all_defects"]
             and t["must_not_flag_hits"] == 0 and t["cut_mismatches"] == 0)
    print("goals met" if goals else "goals NOT met")
    return 0 if goals else 1


if __name__ == "__main__":
    sys.exit(main())
