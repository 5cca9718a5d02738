-- Crawl store index: whether a crawl id is taken.
SELECT 1 FROM crawls WHERE crawl_id = ?
