"""The portal crawler: config-driven, polite, incremental and resumable.

Modules: ``config`` (TOML config, presets, discovery), ``fetch`` (HTTP with robots.txt, rate
limits, retries, size caps, encodings, WAF / soft-404 recognition), ``store`` (content-addressed
raw responses + SQLite index), ``parse`` (list pages, pagination, article metadata, format facts),
``crawl`` (the crawl itself, ``CrawlSummary``), ``export`` (JSONL), ``demo_portal`` (a synthetic
portal for tests and demos) and ``cli`` (the ``zwgk crawl`` command). See docs/crawler.md.

Import from the submodules (``from flows.ingest.crawler.crawl import crawl``): the package itself exports
nothing, so the module ``flows.ingest.crawler.crawl`` and the function ``crawl`` never shadow each other.
"""
