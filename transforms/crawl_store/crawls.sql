-- Crawl store index: every crawl run, oldest first.
SELECT crawl_id, started_at, finished_at, config_name, summary FROM crawls ORDER BY started_at
