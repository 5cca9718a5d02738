-- The offending rows of check columns_fresh (docs/rules.md), in the order the office reads them.
SELECT county_slug, "column", unit, verdict, last_publish, max_age, crawl_status, url
FROM rule_column_freshness
WHERE list_contains($county_slugs, county_slug) AND period = $period AND verdict <> 'ok'
ORDER BY county_slug, category NULLS LAST, unit, "column", url
