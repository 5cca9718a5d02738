INSERT INTO raw_annual_loads
SELECT $load_id, $county_slug, $county, $year, $registered, $loaded_at
