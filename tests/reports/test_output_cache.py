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
