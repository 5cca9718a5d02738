-- Units of a county whose annual report for a year was late or is missing (for the H1 bulletin's 存在问题).
SELECT unit, category, has_report, on_time, published
FROM annual_unit_review
WHERE county_slug = $county_slug AND period = $period AND (NOT has_report OR on_time = false)
ORDER BY display_order NULLS LAST, unit
