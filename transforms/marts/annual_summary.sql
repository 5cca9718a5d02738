-- Grain: county × year (one row per county × year of the build's scope, run_scope). How many units had
-- to publish, published on time, late, not at all, with defects.
WITH source AS (
    SELECT * FROM annual_unit_review
),

scope AS (
    SELECT county_slug, period FROM run_scope
),

final AS (
    SELECT s.county_slug, s.period,
           count(*) FILTER (WHERE u.category IS NOT NULL) AS registered,
           count(*) FILTER (WHERE u.has_report) AS published,
           count(*) FILTER (WHERE u.on_time) AS on_time,
           count(*) FILTER (WHERE u.on_time = false) AS late,
           count(*) FILTER (WHERE NOT u.has_report) AS missing,
           count(*) FILTER (WHERE u.has_report
                                  AND len(list_filter(u.codes, lambda c: c <> 'annual_late')) > 0) AS with_defects
    FROM scope s
    LEFT JOIN source u ON u.county_slug = s.county_slug AND u.period = s.period
    GROUP BY s.county_slug, s.period
)

SELECT * FROM final
