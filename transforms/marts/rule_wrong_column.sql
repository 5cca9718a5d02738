-- Grain: county × period × item published in the period (rule wrong_column, docs/rules.md), for every
-- county × period of the build's scope (run_scope). A simple, documented keyword rule: in a column whose
-- type has keywords, an item whose title has none of them but has another type's keywords is reported
-- as probably misplaced. Nothing is moved or guessed silently: the office decides.
WITH source AS (
    SELECT * FROM stg_crawled_items
),

scope AS (
    SELECT county_slug, period, period_start, period_end FROM run_scope
),

items AS (
    SELECT s.period, i.*
    FROM source i
    JOIN scope s ON s.county_slug = i.county_slug AND i.publish_date BETWEEN s.period_start AND s.period_end
),

kw AS (
    SELECT county_slug, key, keyword FROM ref_rule_keywords WHERE rule = 'wrong_column'
),

own AS (
    SELECT i.county_slug, i.period, i.url, bool_or(i.title LIKE '%' || kw.keyword || '%') AS fits
    FROM items i
    JOIN kw ON kw.county_slug = i.county_slug AND kw.key = i.column_type
    GROUP BY i.county_slug, i.period, i.url
),

other AS (
    SELECT i.county_slug, i.period, i.url, string_agg(DISTINCT kw.key, ',' ORDER BY kw.key) AS looks_like
    FROM items i
    JOIN kw ON kw.county_slug = i.county_slug AND kw.key <> i.column_type AND i.title LIKE '%' || kw.keyword || '%'
    GROUP BY i.county_slug, i.period, i.url
),

final AS (
    SELECT i.county_slug, i.period, i.url, i.title, i.unit, i.unit_id, i.category, i."column",
           i.column_type, i.publish_date, o.looks_like,
           (own.fits IS NOT NULL AND NOT own.fits AND o.looks_like IS NOT NULL) AS misplaced
    FROM items i
    LEFT JOIN own ON own.county_slug = i.county_slug AND own.period = i.period AND own.url = i.url
    LEFT JOIN other o ON o.county_slug = i.county_slug AND o.period = i.period AND o.url = i.url
)

SELECT * FROM final
