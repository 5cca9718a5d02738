-- Grain: county × period × publishing unit. Distinct items the portal shows as published
-- (公开日期/发布日期) inside the period. Items without a publish date count in no period.
SELECT county_slug, $period AS period, unit_key, any_value(unit_id) AS unit_id, any_value(unit) AS unit,
       any_value(short_name) AS short_name, any_value(category) AS category,
       min(display_order) AS display_order, count(*) AS crawled,
       any_value(url ORDER BY publish_date DESC, url) AS example_url
FROM stg_crawled_items
WHERE county_slug = $county_slug AND publish_date BETWEEN $period_start AND $period_end
GROUP BY county_slug, unit_key
