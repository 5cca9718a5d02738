-- Names in the period's adoptions sheets the registry does not know: their counts are not scored.
SELECT unit_raw, source, count, source_name, "where"
FROM stg_adoption_counts
WHERE county_slug = $county_slug AND period = $period AND unit_id IS NULL
ORDER BY source_name, "where", source
