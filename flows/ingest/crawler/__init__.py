"""The portal crawler: config-driven, polite, incremental and resumable.

Modules: ``config`` (TOML config, presets, validation, discovery: a package), ``fetch`` (HTTP with
robots.txt, retries, size caps, WAF / soft-404 recognition; ``pacing`` holds the rate limiter and
Retry-After, ``decoding`` the bounded gzip/deflate), ``pages`` (decoding and classifying pages),
``store`` (content-addressed raw responses + index), ``parse`` (list pages, pagers, Hanweb datastores,
article metadata and format facts: a package), ``crawl`` (scheduling the columns, ``crawl()``),
``columns`` (the column walk), ``items`` (items from the store), ``results`` (``CrawlSummary``,
``ColumnReport``, ``CrawlResult``), ``progress``, ``dates``, ``export`` (JSONL) and ``cli`` (the
``zwgk crawl`` command). The synthetic demo portal is test/demo data: data/demo/portal.py.
See docs/crawler.md.

Import from the submodules (``from flows.ingest.crawler.crawl import crawl``): the package itself exports
nothing, so the module ``flows.ingest.crawler.crawl`` and the function ``crawl`` never shadow each other.
"""
