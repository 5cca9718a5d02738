-- Template: the county × period partitions a mart table holds ({table}).
SELECT DISTINCT county_slug, period FROM {table}
