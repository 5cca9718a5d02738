SELECT started_at, county_slug, county, period, status, failed_checks, error, alert, out_dir, flow_run_id
FROM run_history
WHERE ($county_slug IS NULL OR county_slug = $county_slug)
  AND ($period IS NULL OR period = $period)
ORDER BY started_at DESC
LIMIT $limit
