-- Every county × period whose marts exist or can be built: periods with a loaded source, and
-- periods run before (crawl-only periods have no load).
SELECT county_slug, period FROM (
    SELECT county_slug, period, period_start FROM stg_loads
    UNION
    SELECT county_slug, period, NULL FROM run_history WHERE status <> 'failed'
)
GROUP BY county_slug, period
ORDER BY county_slug, min(period_start) NULLS LAST, period
