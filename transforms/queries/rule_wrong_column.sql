SELECT * FROM rule_wrong_column
WHERE county_slug = $county_slug AND period = $period
ORDER BY publish_date, url
