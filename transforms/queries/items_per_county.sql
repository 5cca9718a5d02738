-- Crawled records per county (the size of a county's share of a build: runner.run_scope batches by it).
SELECT county_slug, count(*) AS items
FROM raw_crawled_items
GROUP BY county_slug
