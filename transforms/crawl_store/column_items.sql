-- Crawl store index: a column's items, without the gone ones unless :include_gone.
SELECT url, title, list_date, page, position, first_crawl, last_crawl FROM column_items
WHERE column_url = :column_url AND (:include_gone OR gone = 0)
