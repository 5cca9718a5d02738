-- Crawl store index: the last crawl that paged a column to its end.
SELECT complete_crawl FROM column_state WHERE column_url = ?
