SELECT * FROM claim_checks
WHERE county_slug = $county_slug AND period = $period
ORDER BY claim_no
