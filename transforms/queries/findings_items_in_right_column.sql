-- The offending rows of check items_in_right_column (docs/rules.md), in the order the office reads them.
SELECT county_slug, unit, title, "column", column_type, looks_like, url
FROM rule_wrong_column
WHERE list_contains($county_slugs, county_slug) AND period = $period AND misplaced
ORDER BY county_slug, publish_date, url
