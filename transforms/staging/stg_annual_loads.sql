-- Grain: county × year. The annual review load that counts: the newest one.
SELECT *
FROM raw_annual_loads
QUALIFY row_number() OVER (PARTITION BY county_slug, year ORDER BY loaded_at DESC, load_id DESC) = 1
