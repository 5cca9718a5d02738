-- Grain: county × period. The load that counts for each period: the newest one ingested.
SELECT *
FROM raw_loads
QUALIFY row_number() OVER (PARTITION BY county_slug, period ORDER BY loaded_at DESC, load_id DESC) = 1
