-- Crawl store index: a column's item URLs first seen in another crawl than the one given.
SELECT url FROM column_items WHERE column_url = ? AND first_crawl IS NOT ?
