-- Rule wrong_column (docs/rules.md). Grain: county × period × item published in the period.
-- A simple, documented keyword rule: in a column whose type has keywords, an item whose title has
-- none of them but has another type's keywords is reported as probably misplaced. Nothing is
-- moved or guessed silently: the office decides.
WITH items AS (
    SELECT * FROM stg_crawled_items
    WHERE county_slug = $county_slug AND publish_date BETWEEN $period_start AND $period_end
),
kw AS (
    SELECT key, keyword FROM ref_rule_keywords WHERE county_slug = $county_slug AND rule = 'wrong_column'
),
own AS (
    SELECT i.url, bool_or(i.title LIKE '%' || kw.keyword || '%') AS fits
    FROM items i JOIN kw ON kw.key = i.column_type
    GROUP BY i.url
),
other AS (
    SELECT i.url, string_agg(DISTINCT kw.key, ',' ORDER BY kw.key) AS looks_like
    FROM items i JOIN kw ON kw.key <> i.column_type AND i.title LIKE '%' || kw.keyword || '%'
    GROUP BY i.url
)
SELECT i.county_slug, $period AS period, i.url, i.title, i.unit, i.unit_id, i.category, i."column",
       i.column_type, i.publish_date, o.looks_like,
       (own.fits IS NOT NULL AND NOT own.fits AND o.looks_like IS NOT NULL) AS misplaced
FROM items i
LEFT JOIN own USING (url)
LEFT JOIN other o USING (url)
