-- Rule key_area (docs/rules.md). Grain: county × period × unit × required item of the year.
-- 预算法 Art. 14: a department publishes its budget and final accounts within 20 days of the
-- finance bureau's approval; 三公经费 are published inside them, on the same clock (docs/domain.md §4).
-- Approval dates: configured defaults (budgets end of Q1; prior-year final accounts mid-year).
-- Judged only once the deadline has passed by the period's end, and only for crawled counties
-- (without the portal's items there is no evidence either way).
WITH settings AS (
    SELECT
        max(CASE WHEN name = 'key_area.budget_approved' THEN value END) AS budget_approved,
        max(CASE WHEN name = 'key_area.final_approved' THEN value END) AS final_approved,
        max(CASE WHEN name = 'key_area.days_after_approval' THEN CAST(value AS INTEGER) END) AS days_after
    FROM ref_rule_settings WHERE county_slug = $county_slug
),
years AS (
    SELECT unnest(range(year(CAST($period_start AS DATE)), year(CAST($period_end AS DATE)) + 1)) AS year
),
required AS (
    SELECT y.year, k.kind, k.label, k.doc_year,
           CAST(strptime(y.year || '-' || CASE WHEN k.kind = 'final' THEN s.final_approved ELSE s.budget_approved END,
                         '%Y-%m-%d') AS DATE) + s.days_after AS due_date
    FROM years y, settings s,
         (VALUES ('budget', '部门预算', 0), ('final', '部门决算', -1), ('sangong', '三公经费', 0))
             AS k(kind, label, doc_year)
),
units AS (
    SELECT u.* FROM ref_units u
    WHERE u.county_slug = $county_slug
      AND (u.valid_from IS NULL OR u.valid_from <= $period_end)
      AND (u.valid_to IS NULL OR u.valid_to >= $period_start)
      AND u.category IN (SELECT value FROM ref_rule_settings
                          WHERE county_slug = $county_slug AND name LIKE 'key_area.category.%')
),
matches AS (
    -- an item counts for a kind when its title has one of the kind's keywords and names the year
    -- it is about (2021年部门预算; final accounts of the year before); 三公经费 may also appear in
    -- the body of a budget or final-accounts item.
    SELECT r.year, r.kind, i.unit_id, i.url, i.title, i.publish_date
    FROM stg_crawled_items i
    JOIN required r ON i.publish_date IS NOT NULL
    WHERE i.county_slug = $county_slug AND i.unit_id IS NOT NULL
      AND i.title LIKE '%' || CAST(r.year + r.doc_year AS VARCHAR) || '%'
      AND (EXISTS (SELECT 1 FROM ref_rule_keywords k
                    WHERE k.county_slug = $county_slug AND k.rule = 'key_area' AND k.key = r.kind
                      AND i.title LIKE '%' || k.keyword || '%')
           OR (r.kind = 'sangong'
               AND EXISTS (SELECT 1 FROM ref_rule_keywords k
                            WHERE k.county_slug = $county_slug AND k.rule = 'key_area' AND k.key = 'sangong'
                              AND i.body_text LIKE '%' || k.keyword || '%')
               AND EXISTS (SELECT 1 FROM ref_rule_keywords k
                            WHERE k.county_slug = $county_slug AND k.rule = 'key_area'
                              AND k.key IN ('budget', 'final') AND i.title LIKE '%' || k.keyword || '%')))
),
firsts AS (
    SELECT year, kind, unit_id, min(publish_date) AS published,
           arg_min(url, publish_date) AS url, arg_min(title, publish_date) AS title
    FROM matches GROUP BY ALL
)
SELECT $county_slug AS county_slug, $period AS period, u.unit_id, u.unit, u.category, u.display_order,
       r.year, r.kind, r.year + r.doc_year AS about_year, r.label, r.due_date, f.published, f.url, f.title,
       CASE
           WHEN r.due_date > CAST($period_end AS DATE) THEN 'not_due'
           WHEN f.published IS NULL OR f.published > CAST($period_end AS DATE) THEN 'missing'
           WHEN f.published > r.due_date THEN 'late'
           ELSE 'ok'
       END AS verdict
FROM units u, required r
LEFT JOIN firsts f ON f.unit_id = u.unit_id AND f.year = r.year AND f.kind = r.kind
WHERE EXISTS (SELECT 1 FROM raw_crawls c WHERE c.county_slug = $county_slug)
