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
    SELECT s.period, i.county_slug, i.url, i.title, i.unit, i.unit_id, i.category, i."column", i.column_type,
           i.publish_date
    FROM source i
    JOIN scope s ON s.county_slug = i.county_slug AND i.publish_date BETWEEN s.period_start AND s.period_end
),

kw AS (
    SELECT county_slug, key, keyword FROM ref_rule_keywords WHERE rule = 'wrong_column'
),

titles AS (
    -- the keywords are matched once per distinct county × column type × title, then joined back
    SELECT DISTINCT i.county_slug, i.column_type, i.title
    FROM stg_crawled_items i
    JOIN scope s ON s.county_slug = i.county_slug AND i.publish_date BETWEEN s.period_start AND s.period_end
),

judged AS (
    SELECT t.county_slug, t.column_type, t.title,
           (SELECT bool_or(t.title LIKE '%' || kw.keyword || '%') FROM kw
             WHERE kw.county_slug = t.county_slug AND kw.key = t.column_type) AS fits,
           (SELECT string_agg(DISTINCT kw.key, ',' ORDER BY kw.key) FROM kw
             WHERE kw.county_slug = t.county_slug AND kw.key <> t.column_type
               AND t.title LIKE '%' || kw.keyword || '%') AS looks_like
    FROM titles t
),

final AS (
    SELECT i.county_slug, i.period, i.url, i.title, i.unit, i.unit_id, i.category, i."column",
           i.column_type, i.publish_date, j.looks_like,
           (j.fits IS NOT NULL AND NOT j.fits AND j.looks_like IS NOT NULL) AS misplaced
    FROM items i
    LEFT JOIN judged j
           ON j.county_slug = i.county_slug AND j.column_type IS NOT DISTINCT FROM i.column_type
          AND j.title IS NOT DISTINCT FROM i.title
)

SELECT * FROM final
