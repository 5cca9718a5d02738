SELECT * FROM rule_formatting
WHERE list_contains($county_slugs, county_slug) AND period = $period
ORDER BY county_slug, publish_date, url
