-- Crawl store index: a column's state.
SELECT complete_crawl, status, reason, pages, updated_at FROM column_state WHERE column_url = ?
