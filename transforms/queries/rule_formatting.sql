SELECT * FROM rule_formatting
WHERE county_slug = $county_slug AND period = $period
ORDER BY publish_date, url
