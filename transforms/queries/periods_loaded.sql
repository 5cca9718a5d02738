SELECT county_slug, period FROM stg_loads ORDER BY county_slug, period_start, period
