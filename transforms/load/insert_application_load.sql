INSERT INTO raw_application_loads
SELECT $load_id, $county_slug, $source, $sha256, $applications, $loaded_at
