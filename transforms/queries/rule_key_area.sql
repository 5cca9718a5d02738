SELECT * FROM rule_key_area
WHERE county_slug = $county_slug AND period = $period
