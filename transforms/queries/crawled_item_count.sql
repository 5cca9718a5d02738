-- A county's rows in raw_crawled_items (retention reports how many it pruned).
SELECT count(*) FROM raw_crawled_items WHERE county_slug = $county_slug
