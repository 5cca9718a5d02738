SELECT * FROM claim_checks
WHERE list_contains($county_slugs, county_slug) AND period = $period
ORDER BY county_slug, claim_no
