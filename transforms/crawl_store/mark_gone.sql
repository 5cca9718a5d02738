-- Crawl store index: a column's items the crawl did not see again are gone.
UPDATE column_items SET gone = 1 WHERE column_url = ? AND last_crawl != ?
