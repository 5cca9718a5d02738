"""The saved-page corpus (tests/fixtures/real_portal/, ground truth read by hand) through the same
reading as ``zwgk inspect --json``, in-process: page kind, every list item, the pager's stated
totals and the metadata fields hold as docs/crawler.md states. ``make portalcheck`` runs the same
comparison through real ``zwgk`` processes."""

from __future__ import annotations

import tomllib

import pytest

from bench.portalcheck import CORPUS, compare, inspect_in_process, pages, totals

PAGES = pages()


@pytest.fixture(scope="module")
def outcomes():
    return {p.stem: compare(p, inspect_in_process(p)) for p in PAGES}


def test_every_page_has_its_source_and_truth():
    assert len(PAGES) >= 17
    for sidecar in CORPUS.glob("*.toml"):
        data = tomllib.loads(sidecar.read_text(encoding="utf-8"))
        # the address where it is known ("" with a note when the copy did not record it), always its copy
        assert data["source"]["url"].startswith("http") or data["source"]["notes"], sidecar.name
        assert data["source"]["via"], sidecar.name
        assert data["truth"]["kind"] in ("column_list", "article", "hanweb_datastore", "single_page", "search",
                                         "form", "js_list", "other"), sidecar.name


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_page_kind_items_and_pager(page, outcomes):
    o = outcomes[page.stem]
    assert o.kind_ok and o.items_ok is not False and o.pager_ok is not False, o.misses


def test_metadata_fields_are_at_least_98_percent_exact(outcomes):
    t = totals(list(outcomes.values()))
    assert t["meta_total"] >= 50 and t["meta_right"] >= 0.98 * t["meta_total"], \
        [m for o in outcomes.values() for m in o.misses]
