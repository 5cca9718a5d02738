-- Grain: one row (or none), the latest crawl loaded into the warehouse for a county.
SELECT crawl_id, summary, loaded_at
FROM raw_crawls
WHERE county_slug = $county_slug
ORDER BY loaded_at DESC
LIMIT 1
