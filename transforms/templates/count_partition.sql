-- Template: rows of one county × period partition of a mart ({table}).
SELECT count(*) FROM {table} WHERE county_slug = $county_slug AND period = $period
