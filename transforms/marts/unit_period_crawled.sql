-- Grain: county × period × publishing unit. Distinct items the portal shows as published
-- (公开日期/发布日期) inside the period, for every county × period of the build's scope (run_scope).
-- Items without a publish date count in no period.
WITH source AS (
    SELECT * FROM stg_crawled_items
),

scope AS (
    SELECT county_slug, period, period_start, period_end FROM run_scope
),

in_period AS (
    SELECT s.period, i.*
    FROM source i
    JOIN scope s ON s.county_slug = i.county_slug AND i.publish_date BETWEEN s.period_start AND s.period_end
),

final AS (
    SELECT county_slug, period, unit_key, any_value(unit_id) AS unit_id, any_value(unit) AS unit,
           any_value(short_name) AS short_name, any_value(category) AS category,
           min(display_order) AS display_order, count(*) AS crawled,
           any_value(url ORDER BY publish_date DESC, url) AS example_url
    FROM in_period
    GROUP BY county_slug, period, unit_key
)

SELECT * FROM final
