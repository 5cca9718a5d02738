-- Crawl store index: one URL's latest response.
SELECT * FROM responses WHERE url = ?
