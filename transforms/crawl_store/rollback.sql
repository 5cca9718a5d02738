-- Crawl store index: roll the open transaction back.
ROLLBACK
