-- The adoptions the bulletin's score columns show: per registered unit and source (docs/rules.md, "Scores").
SELECT unit_id, source, sum(count) AS count
FROM stg_adoption_counts
WHERE county_slug = $county_slug AND period = $period AND unit_id IS NOT NULL
GROUP BY unit_id, source
