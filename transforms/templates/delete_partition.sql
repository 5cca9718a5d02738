-- Template: delete one county × period partition of a mart ({table}).
DELETE FROM {table} WHERE county_slug = $county_slug AND period = $period
