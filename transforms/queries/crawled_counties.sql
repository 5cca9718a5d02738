-- The counties whose crawls the warehouse holds (zwgk vacuum prunes each).
SELECT DISTINCT county_slug FROM raw_crawls ORDER BY county_slug
