-- The review's rows for one county and year, in the registry's order (unknown units last).
SELECT * FROM annual_unit_review
WHERE county_slug = $county_slug AND period = $period
ORDER BY display_order NULLS LAST, unit
