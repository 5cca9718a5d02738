-- Template: an order-independent digest of one county's rows of an input table ({table}): how many,
-- and the sum of their hashes (transforms/builds.py).
SELECT count(*), coalesce(sum(hash(t)), 0) FROM {table} t WHERE t.county_slug = $county_slug
