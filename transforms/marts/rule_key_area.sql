-- Grain: county × period × unit × required item of the year (rule key_area, docs/rules.md), for every
-- county × period of the build's scope (run_scope).
-- 预算法 Art. 14: a department publishes its budget and final accounts within 20 days of the
-- finance bureau's approval; 三公经费 are published inside them, on the same clock (docs/domain.md §4).
-- Approval dates: configured defaults (budgets end of Q1; prior-year final accounts mid-year).
-- Judged only once the deadline has passed by the period's end, and only for crawled counties
-- (without the portal's items there is no evidence either way).
WITH source AS (
    SELECT * FROM stg_crawled_items
),

scope AS (
    SELECT county_slug, period, period_start, period_end FROM run_scope
),

settings AS (
    SELECT s.county_slug, s.period,
        max(CASE WHEN r.name = 'key_area.budget_approved' THEN r.value END) AS budget_approved,
        max(CASE WHEN r.name = 'key_area.final_approved' THEN r.value END) AS final_approved,
        max(CASE WHEN r.name = 'key_area.days_after_approval' THEN CAST(r.value AS INTEGER) END) AS days_after
    FROM scope s
    LEFT JOIN ref_rule_settings r ON r.county_slug = s.county_slug
    GROUP BY s.county_slug, s.period
),

years AS (
    SELECT county_slug, period, unnest(range(year(period_start), year(period_end) + 1)) AS year
    FROM scope
),

required AS (
    SELECT y.county_slug, y.period, y.year, k.kind, k.kind_order, k.label, k.doc_year,
           CAST(strptime(y.year || '-' || CASE WHEN k.kind = 'final' THEN s.final_approved ELSE s.budget_approved END,
                         '%Y-%m-%d') AS DATE) + s.days_after AS due_date
    FROM years y
    JOIN settings s ON s.county_slug = y.county_slug AND s.period = y.period
    CROSS JOIN (VALUES ('budget', '部门预算', 0, 1), ('final', '部门决算', -1, 2), ('sangong', '三公经费', 0, 3))
             AS k(kind, label, doc_year, kind_order)
),

units AS (
    SELECT s.period, s.period_end, u.*
    FROM ref_units u
    JOIN scope s ON s.county_slug = u.county_slug
    WHERE (u.valid_from IS NULL OR u.valid_from <= s.period_end)
      AND (u.valid_to IS NULL OR u.valid_to >= s.period_start)
      AND u.category IN (SELECT value FROM ref_rule_settings
                          WHERE county_slug = u.county_slug AND name LIKE 'key_area.category.%')
),

any_keyword AS (
    -- per county, every keyword of every kind, and those of budgets and final accounts
    -- (stg_rule_keyword_lists)
    SELECT county_slug, flatten(list(keywords)) AS keywords,
           flatten(list(keywords) FILTER (WHERE key IN ('budget', 'final'))) AS budget_keywords
    FROM stg_rule_keyword_lists
    WHERE rule = 'key_area'
    GROUP BY county_slug
),

candidates AS (
    -- the items whose title has a key-area keyword at all: the only ones the tests below can match
    -- (a title is tested once here, not once per required item)
    SELECT i.county_slug, i.unit_id, i.url, i.title, i.publish_date, i.crawl_id
    FROM source i
    JOIN any_keyword a ON a.county_slug = i.county_slug
    WHERE i.unit_id IS NOT NULL AND i.publish_date IS NOT NULL
      AND len(list_filter(a.keywords, lambda k: i.title LIKE '%' || k || '%')) > 0
),

titled AS (
    -- an item counts for a kind when its title names the year it is about (2021年部门预算; final
    -- accounts of the year before) and ...
    SELECT r.county_slug, r.period, r.year, r.kind, i.unit_id, i.url, i.title, i.publish_date, i.crawl_id
    FROM candidates i
    JOIN required r ON r.county_slug = i.county_slug
    WHERE i.title LIKE '%' || CAST(r.year + r.doc_year AS VARCHAR) || '%'
),

kind_keywords AS (
    SELECT county_slug, key, keywords FROM stg_rule_keyword_lists WHERE rule = 'key_area'
),

by_title AS (
    -- ... has one of the kind's keywords,
    SELECT t.* FROM titled t
    JOIN kind_keywords k ON k.county_slug = t.county_slug AND k.key = t.kind
    WHERE len(list_filter(k.keywords, lambda w: t.title LIKE '%' || w || '%')) > 0
),

budget_titled AS (
    -- ... or, for 三公经费, is a budget or final-accounts item (by its title) whose title lacks the 三公
    -- keywords (those are matched by title above) ...
    SELECT t.* FROM titled t
    JOIN any_keyword a ON a.county_slug = t.county_slug
    JOIN kind_keywords s ON s.county_slug = t.county_slug AND s.key = 'sangong'
    WHERE t.kind = 'sangong'
      AND len(list_filter(a.budget_keywords, lambda w: t.title LIKE '%' || w || '%')) > 0
      AND len(list_filter(s.keywords, lambda w: t.title LIKE '%' || w || '%')) = 0
),

by_body AS (
    -- ... whose body has a 三公 keyword: the body is read from the raw record of these few items only
    -- (staging carries no body text)
    SELECT t.* FROM budget_titled t
    JOIN (SELECT crawl_id, county_slug, url, body_text FROM raw_crawled_items
          -- the build's counties only: the scan then skips the other counties' blocks
          WHERE county_slug IN (SELECT county_slug FROM run_scope)) b
      ON b.crawl_id = t.crawl_id AND b.county_slug = t.county_slug AND b.url = t.url
    JOIN kind_keywords s ON s.county_slug = t.county_slug AND s.key = 'sangong'
    WHERE len(list_filter(s.keywords, lambda w: b.body_text LIKE '%' || w || '%')) > 0
),

matches AS (
    SELECT county_slug, period, year, kind, unit_id, url, title, publish_date FROM by_title
    UNION
    SELECT county_slug, period, year, kind, unit_id, url, title, publish_date FROM by_body
),

firsts AS (
    -- the first item published (the smallest URL among items of that day: the same one every run)
    SELECT county_slug, period, year, kind, unit_id, min(publish_date) AS published,
           arg_min(url, (publish_date, url)) AS url, arg_min(title, (publish_date, url)) AS title
    FROM matches
    GROUP BY ALL
),

final AS (
    SELECT u.county_slug, u.period, u.unit_id, u.unit, u.category, u.display_order,
           r.year, r.kind, r.year + r.doc_year AS about_year, r.label, r.due_date, f.published, f.url, f.title,
           CASE
               WHEN r.due_date > u.period_end THEN 'not_due'
               WHEN f.published IS NULL OR f.published > u.period_end THEN 'missing'
               WHEN f.published > r.due_date THEN 'late'
               ELSE 'ok'
           END AS verdict
    FROM units u
    JOIN required r ON r.county_slug = u.county_slug AND r.period = u.period
    LEFT JOIN firsts f
           ON f.county_slug = u.county_slug AND f.period = u.period
          AND f.unit_id = u.unit_id AND f.year = r.year AND f.kind = r.kind
    WHERE EXISTS (SELECT 1 FROM raw_crawls c WHERE c.county_slug = u.county_slug)
    -- rows stored in the order the office reads them (a year's budgets, then final accounts, then
    -- 三公经费, each in the registry's order): readers that sort on fewer columns see them so
    ORDER BY u.county_slug, u.period, r.year, r.kind_order, u.display_order NULLS LAST, u.unit_id
)

SELECT * FROM final
