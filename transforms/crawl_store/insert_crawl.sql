-- Crawl store index: a crawl run begins (grain: one row per crawl).
INSERT INTO crawls VALUES (?,?,?,?,?)
