-- Crawl store index (SQLite): write-ahead log, so readers never block the crawl's writes.
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
