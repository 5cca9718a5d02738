INSERT INTO raw_adoption_loads
SELECT $load_id, $county_slug, $period, $period_start, $period_end, $source_path, $source_name, $source_sha256,
       $loaded_at
