-- Crawl store index: a crawl run ends with its summary.
UPDATE crawls SET finished_at = ?, summary = ? WHERE crawl_id = ?
