-- Crawl store index: open a transaction (the connection is in autocommit mode).
BEGIN
