-- Crawl store index: an item a column's list page shows (grain: column × item URL).
INSERT INTO column_items (column_url, url, title, list_date, page, position, first_crawl, last_crawl, gone)
VALUES (?,?,?,?,?,?,?,?,0)
ON CONFLICT(column_url, url) DO UPDATE SET title=excluded.title, list_date=excluded.list_date,
    last_crawl=excluded.last_crawl, gone=0
