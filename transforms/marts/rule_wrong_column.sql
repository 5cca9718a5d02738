-- Grain: county × period × item published in the period (rule wrong_column, docs/rules.md), for every
-- county × period of the build's scope (run_scope). A simple, documented keyword rule: in a column whose
-- type has keywords, an item whose title has none of them but has another type's keywords is reported
-- as probably misplaced (looks_like: those other types, for the items that lack their own type's
-- keywords). Nothing is moved or guessed silently: the office decides. A title is tested against each
-- column type's keywords as one list (stg_rule_keyword_lists).
WITH source AS (
    SELECT * FROM stg_crawled_items
),

scope AS (
    SELECT county_slug, period, period_start, period_end FROM run_scope
),

lists AS (
    SELECT county_slug, key, keywords FROM stg_rule_keyword_lists WHERE rule = 'wrong_column'
),

items AS (
    SELECT s.period, i.county_slug, i.url, i.title, i.unit, i.unit_id, i.category, i."column", i.column_type,
           i.publish_date,
           CASE WHEN own.keywords IS NOT NULL AND i.title IS NOT NULL
                THEN len(list_filter(own.keywords, lambda k: i.title LIKE '%' || k || '%')) > 0 END AS fits
    FROM source i
    JOIN scope s ON s.county_slug = i.county_slug AND i.publish_date BETWEEN s.period_start AND s.period_end
    LEFT JOIN lists own ON own.county_slug = i.county_slug AND own.key = i.column_type
),

looks AS (
    -- the other column types whose keywords an item's title has, for the items whose own type's it lacks
    SELECT i.county_slug, i.url, string_agg(l.key, ',' ORDER BY l.key) AS looks_like
    FROM items i
    JOIN lists l ON l.county_slug = i.county_slug AND l.key <> i.column_type
    WHERE NOT i.fits AND len(list_filter(l.keywords, lambda k: i.title LIKE '%' || k || '%')) > 0
    GROUP BY i.county_slug, i.url
),

final AS (
    SELECT i.county_slug, i.period, i.url, i.title, i.unit, i.unit_id, i.category, i."column",
           i.column_type, i.publish_date, l.looks_like,
           (i.fits IS NOT NULL AND NOT i.fits AND l.looks_like IS NOT NULL) AS misplaced
    FROM items i
    LEFT JOIN looks l ON l.county_slug = i.county_slug AND l.url = i.url
)

SELECT * FROM final
