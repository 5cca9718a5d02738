-- Crawl store index: commit the open transaction.
COMMIT
