-- Grain: county × year. How many units had to publish, published on time, late, not at all, with defects.
WITH units AS (
    SELECT * FROM annual_unit_review WHERE county_slug = $county_slug AND period = $period
),

final AS (
    SELECT $county_slug AS county_slug, $period AS period,
           count(*) FILTER (WHERE category IS NOT NULL) AS registered,
           count(*) FILTER (WHERE has_report) AS published,
           count(*) FILTER (WHERE on_time) AS on_time,
           count(*) FILTER (WHERE on_time = false) AS late,
           count(*) FILTER (WHERE NOT has_report) AS missing,
           count(*) FILTER (WHERE has_report AND len(list_filter(codes, lambda c: c <> 'annual_late')) > 0) AS with_defects
    FROM units
)

SELECT * FROM final
