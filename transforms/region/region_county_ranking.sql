-- Grain: region × period × county × category. Items per county in each category of units
-- (县直部门, 乡镇 …) and in all (合计), with the county's ordinal rank among the region's
-- counties in that category: more items first, ties by county slug. category_order keeps the
-- attachment tables' order (县直部门 before 乡镇), 合计 last.
WITH source AS (
    SELECT * FROM src_unit_period_counts
    WHERE period = $period AND list_contains($counties, county_slug)
),

counties AS (
    SELECT * FROM region_counties
    WHERE period = $period
),

by_category AS (
    SELECT county_slug, period, category, min(table_no) AS table_no, count(*) AS units,
           coalesce(sum(count), 0) AS items
    FROM source
    GROUP BY county_slug, period, category
),

category_order AS (
    SELECT category, row_number() OVER (ORDER BY min(table_no), category) AS category_order
    FROM by_category
    GROUP BY category
),

together AS (
    SELECT b.county_slug, b.period, b.category, o.category_order, b.units, b.items
    FROM by_category b JOIN category_order o USING (category)
    UNION ALL
    SELECT county_slug, period, '合计' AS category, 1000 AS category_order, units, items
    FROM counties
),

final AS (
    SELECT t.county_slug, c.county, t.period, t.category, t.category_order, t.units, t.items,
           row_number() OVER (PARTITION BY t.category ORDER BY t.items DESC, t.county_slug) AS rank,
           count(*) OVER (PARTITION BY t.category) AS ranked
    FROM together t
    JOIN counties c ON c.county_slug = t.county_slug AND c.period = t.period
)

SELECT * FROM final
