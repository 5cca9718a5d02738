-- Crawl store index (SQLite): responses (latest per URL), column membership, column state, crawl runs.
CREATE TABLE IF NOT EXISTS responses (
    url TEXT PRIMARY KEY,
    final_url TEXT,
    method TEXT,
    status INTEGER,
    outcome TEXT,          -- ok | not_modified | missing | blocked | too_large | error | external | robots
    reason TEXT,
    headers TEXT,          -- JSON of the response headers
    etag TEXT,
    last_modified TEXT,
    encoding TEXT,
    sha256 TEXT,           -- body object, NULL when no body was kept
    size INTEGER,
    fetched_at TEXT,
    crawl_id TEXT,
    kind TEXT              -- list | article | robots | other
);
CREATE TABLE IF NOT EXISTS column_items (
    column_url TEXT,
    url TEXT,
    title TEXT,
    list_date TEXT,
    page INTEGER,
    position INTEGER,
    first_crawl TEXT,
    last_crawl TEXT,
    gone INTEGER DEFAULT 0,
    PRIMARY KEY (column_url, url)
);
CREATE TABLE IF NOT EXISTS column_state (
    column_url TEXT PRIMARY KEY,
    complete_crawl TEXT,   -- last crawl that paged the column to its end (or to known items)
    status TEXT,
    reason TEXT,
    pages INTEGER,
    updated_at TEXT
);
CREATE TABLE IF NOT EXISTS crawls (
    crawl_id TEXT PRIMARY KEY,
    started_at TEXT,
    finished_at TEXT,
    config_name TEXT,
    summary TEXT
);
