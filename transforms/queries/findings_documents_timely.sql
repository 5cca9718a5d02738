-- The offending rows of check documents_timely (docs/rules.md), in the order the office reads them.
SELECT county_slug, unit, title, doc_date, publish_date, working_days, due_date, is_normative, url
FROM rule_timeliness
WHERE list_contains($county_slugs, county_slug) AND period = $period AND late
ORDER BY county_slug, publish_date, url
