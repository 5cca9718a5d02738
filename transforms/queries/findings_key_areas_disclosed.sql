-- The offending rows of check key_areas_disclosed (docs/rules.md), in the order the office reads them.
SELECT county_slug, unit, label, about_year, due_date, published, verdict, url
FROM rule_key_area
WHERE list_contains($county_slugs, county_slug) AND period = $period AND verdict NOT IN ('ok', 'not_due')
ORDER BY county_slug, display_order, unit, year, kind
