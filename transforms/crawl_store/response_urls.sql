-- Crawl store index: the URLs stored, all or of one kind (:kind NULL for all), in order.
SELECT url FROM responses WHERE (:kind IS NULL OR kind = :kind) ORDER BY url
