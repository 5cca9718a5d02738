-- Crawl store index: the latest unfinished crawl of a config (resumed by the next run).
SELECT crawl_id FROM crawls WHERE finished_at IS NULL AND config_name = ? ORDER BY started_at DESC LIMIT 1
