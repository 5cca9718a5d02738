-- The offending rows of check bodies_well_formatted (docs/rules.md), in the order the office reads them.
SELECT county_slug, unit, title, defects, url
FROM rule_formatting
WHERE list_contains($county_slugs, county_slug) AND period = $period AND length(defects) <> 0
ORDER BY county_slug, publish_date, url
