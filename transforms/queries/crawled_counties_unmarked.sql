-- Every county with crawled items (the supersession of a warehouse made before raw_superseded_items is
-- computed for them once: runner.ensure_schema).
SELECT DISTINCT county_slug FROM raw_crawls ORDER BY county_slug
