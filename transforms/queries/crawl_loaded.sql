-- Grain: one row: how many times this crawl was loaded for the county (0 or 1; a crawl id loads once).
SELECT count(*) FROM raw_crawls WHERE crawl_id = $c AND county_slug = $s
