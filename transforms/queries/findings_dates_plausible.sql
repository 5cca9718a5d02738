-- The offending rows of check dates_plausible (docs/rules.md), in the order the office reads them.
SELECT county_slug, unit, title, doc_date, publish_date, url
FROM rule_timeliness
WHERE list_contains($county_slugs, county_slug) AND period = $period AND implausible
ORDER BY county_slug, publish_date, url
