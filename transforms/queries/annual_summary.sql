SELECT * FROM annual_summary WHERE county_slug = $county_slug AND period = $period
