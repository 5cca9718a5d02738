INSERT INTO raw_loads
SELECT $load_id, $county_slug, $county, $period, $period_kind, $period_start, $period_end,
       $source_kind, $file_format, $source_path, $source_name, $source_sha256, $title,
       $stated_total, $stated_total_where, $stated_total_sentence, $loaded_at
