-- Crawl store index: the latest response for a URL (grain: one row per URL).
INSERT OR REPLACE INTO responses VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
