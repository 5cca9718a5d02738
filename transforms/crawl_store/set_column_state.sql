-- Crawl store index: a column's state after a crawl (grain: one row per column).
INSERT OR REPLACE INTO column_state VALUES (?,?,?,?,?,?)
