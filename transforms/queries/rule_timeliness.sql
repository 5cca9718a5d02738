SELECT * FROM rule_timeliness
WHERE county_slug = $county_slug AND period = $period
ORDER BY publish_date, url
