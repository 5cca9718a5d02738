"""The real-document corpus (tests/fixtures/real/, ground truth read by hand) through the same
checks as ``zwgk check --json``, in-process: the goals of docs/real-documents.md hold on every
document. ``make realcheck`` runs the same comparison through real ``zwgk`` processes."""

from __future__ import annotations

import pytest

from bench.realcheck import CORPUS, cases, compare, totals

pytestmark = pytest.mark.slow  # not in `make test-fast`

CASES = cases()


@pytest.fixture(scope="module")
def outcomes():
    from flows.steps.document_check import check_file

    return {c.stem: compare(c, check_file(c.path)) for c in CASES}


def test_the_corpus_is_what_the_issue_asks():
    bulletins = [c for c in CASES if c.kind == "bulletin"]
    annual = [c for c in CASES if c.kind == "annual_report"]
    assert len(bulletins) >= 20 and len(annual) >= 15
    places = {c.truth["place"] for c in bulletins}
    provinces = {c.truth["province"] for c in bulletins}
    assert len(places) >= 12 and len(provinces) >= 5
    periods = {c.truth["period"] for c in bulletins}
    assert any("-" in p and ".." not in p for p in periods)             # monthly
    assert any("Q" in p for p in periods) and any("H" in p for p in periods)
    assert any(p.isdigit() for p in periods)                             # yearly
    assert {c.truth.get("format") for c in annual} >= {"2019", "2021"}
    assert sum(1 for c in CASES if c.path.suffix in (".html", ".htm", ".docx")) >= 3
    for case in CASES:  # every document keeps where it came from
        assert case.source.get("url") or case.source.get("via"), case.stem
    assert (CORPUS / "README.md").exists()


@pytest.mark.parametrize("stem", [c.stem for c in CASES])
def test_each_document(outcomes, stem):
    o = outcomes[stem]
    assert o.kind_ok, f"{stem}: kind"
    assert o.period_ok, f"{stem}: period {o.period!r}, the document says {o.expected_period!r}"
    assert not o.missed, f"{stem}: defects not found: {o.missed}"
    assert not o.flagged_must_not, f"{stem}: findings on correct statements: {o.flagged_must_not}"
    assert not o.cut_mismatches, f"{stem}: a mismatch reported on a table the copy cuts short: {o.cut_mismatches}"


def test_the_totals_meet_the_goals(outcomes):
    t = totals(list(outcomes.values()))
    assert t["kind"] == 1 and t["period"] == 1
    assert t["tables"] >= 0.95, t["tables_n"]
    assert t["all_defects"] and t["must_not_flag_hits"] == 0 and t["cut_mismatches"] == 0
