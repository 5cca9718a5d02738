"""Documents reused on an unchanged rerun (reports/output_cache.py), rendered again when anything changes."""

import copy
import hashlib
from pathlib import Path

import pytest

from flows.domain.config import DEFAULT_CONFIG, load_config
from flows.steps import pipeline
from reports import render as render_module
from reports.context import build_context
from reports.output_cache import CACHED, output_key
from transforms import runner

pytestmark = pytest.mark.slow  # an expensive module fixture: in `make test`, not in `make test-fast`


@pytest.fixture(scope="module")
def seed_context(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("output-cache")
    cfg = load_config(DEFAULT_CONFIG)
    warehouse = tmp / "wh.duckdb"
    pipeline.ingest_config(cfg, warehouse, "2021H1")
    pipeline.transform(warehouse, cfg.slug, "2021H1")
    validation = pipeline.validate_period(warehouse, cfg.slug, "2021H1", docs_dir=None)
    con = runner.connect(warehouse, read_only=True)
    try:
        return build_context(con, county_slug=cfg.slug, period="2021H1", checks=validation["checks"],
                             issuer=cfg.issuer, ranking=cfg.ranking, rules_settings=cfg.rules)
    finally:
        con.close()


def _digests(out: Path) -> dict[str, str]:
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in CACHED}


def _counting(monkeypatch) -> dict[str, int]:
    calls: dict[str, int] = {}
    for name in CACHED:
        original = render_module.RENDERERS[name]

        def counted(context, out_dir, _name=name, _original=original):
            calls[_name] = calls.get(_name, 0) + 1
            return _original(context, out_dir)

        monkeypatch.setitem(render_module.RENDERERS_DEFAULT, name, counted)
        monkeypatch.setitem(render_module.RENDERERS, name, counted)
    return calls


def test_unchanged_rerun_copies_the_documents_and_a_change_renders_them(seed_context, tmp_path, monkeypatch):
    calls = _counting(monkeypatch)
    cache = tmp_path / ".cache"
    first, second, third = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    render_module.render_all(copy.deepcopy(seed_context), first, cache_dir=cache)
    assert calls == dict.fromkeys(CACHED, 1)
    render_module.render_all(copy.deepcopy(seed_context), second, cache_dir=cache)
    assert calls == dict.fromkeys(CACHED, 1), "an unchanged context must not render the documents again"
    assert _digests(second) == _digests(first)

    changed = copy.deepcopy(seed_context)
    changed["county"] = changed["county"] + "（测试）"
    assert output_key(changed) != output_key(seed_context)
    render_module.render_all(changed, third, cache_dir=cache)
    assert calls == dict.fromkeys(CACHED, 2), "a changed context renders every document again"
    assert "（测试）" in (third / "bulletin.md").read_text(encoding="utf-8")
    assert "（测试）" not in (second / "bulletin.md").read_text(encoding="utf-8")


def test_a_replaced_renderer_is_never_served_from_the_cache(seed_context, tmp_path, monkeypatch):
    cache = tmp_path / ".cache"
    render_module.render_all(copy.deepcopy(seed_context), tmp_path / "a", cache_dir=cache)

    def plain(context, out_dir):
        path = Path(out_dir) / "bulletin.md"
        path.write_text("replaced", encoding="utf-8")
        return path

    monkeypatch.setitem(render_module.RENDERERS, "bulletin.md", plain)
    render_module.render_all(copy.deepcopy(seed_context), tmp_path / "b", cache_dir=cache)
    assert (tmp_path / "b" / "bulletin.md").read_text(encoding="utf-8") == "replaced"


def test_the_cache_store_keeps_the_most_recently_used_and_never_half_an_entry(tmp_path):
    """reports/cache_store.py, behind the chart, document and PDF caches: a use marks an entry recent, only
    the `keep` newest stay, and an entry appears whole (issue 23: the pruning was written three times)."""
    import os

    from reports.cache_store import put_file, put_folder, touch

    root = tmp_path / "outputs"
    for i, key in enumerate("abc"):
        put_folder(root, key, lambda f, k=key: (f / "doc.txt").write_text(k, encoding="utf-8"), keep=3)
        os.utime(root / key, (1000 + i, 1000 + i))  # a then b then c, whatever the clock's resolution
    touch(root / "a")  # used again: now the most recent
    put_folder(root, "d", lambda f: (f / "doc.txt").write_text("d", encoding="utf-8"), keep=3)
    assert sorted(p.name for p in root.iterdir()) == ["a", "c", "d"]  # b, the least recently used, went
    put_folder(root, "d", lambda f: (f / "more.txt").write_text("+", encoding="utf-8"), keep=3, merge=True)
    assert sorted(p.name for p in (root / "d").iterdir()) == ["doc.txt", "more.txt"]
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF")
    for i in range(4):
        put_file(pdf, tmp_path / "pdf" / f"{i}.pdf", keep=2)
        os.utime(tmp_path / "pdf" / f"{i}.pdf", (2000 + i, 2000 + i))
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == ["2.pdf", "3.pdf"]
