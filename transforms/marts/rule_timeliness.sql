-- Grain: county × period × item with a 成文日期 published in the period (rule timeliness,
-- docs/rules.md), for every county × period of the build's scope (run_scope). Art. 26 of the
-- 政府信息公开条例: public within 20 working days of being formed, counted from the working day after
-- 成文日期 up to and including 发布日期 (chinese holidays and adjusted working weekends: stg_workdays).
-- due_date = find_workday(20, 成文日期), the last day on time. Normative documents (行政规范性文件)
-- are flagged to be reported on their own.
WITH source AS (
    SELECT * FROM stg_crawled_items
),

scope AS (
    SELECT county_slug, period, period_start, period_end FROM run_scope
),

limit_days AS (
    SELECT county_slug, CAST(value AS INTEGER) AS n
    FROM ref_rule_settings
    WHERE name = 'timeliness.working_days'
),

items AS (
    SELECT s.period, i.*
    FROM source i
    JOIN scope s ON s.county_slug = i.county_slug AND i.publish_date BETWEEN s.period_start AND s.period_end
    WHERE i.doc_date IS NOT NULL
),

dated AS (
    -- a date no document can have: formed before the 条例 took effect (2008-05-01), after it was
    -- published, or published in the future — a typo on the portal, reported as the item's own finding
    -- (check dates_plausible), never a stopped run
    SELECT i.*, (i.doc_date < DATE '2008-05-01' OR i.doc_date > i.publish_date
                 OR i.publish_date > current_date) AS implausible
    FROM items i
),

final AS (
    SELECT i.county_slug, i.period, i.url, i.title, i.unit, i.unit_id, i.category, i."column",
           i.column_type, i.doc_date, i.publish_date, i.doc_number,
           (i.column_type = 'normative' OR i.title LIKE '%规范性文件%') AS is_normative,
           p.workday_no - d.workday_no AS working_days,
           due.day AS due_date,
           l.n AS limit_days,
           coalesce(NOT i.implausible AND p.workday_no - d.workday_no > l.n, false) AS late,
           i.implausible
    FROM dated i
    JOIN limit_days l ON l.county_slug = i.county_slug
    LEFT JOIN stg_workdays d ON d.day = i.doc_date AND NOT i.implausible
    LEFT JOIN stg_workdays p ON p.day = i.publish_date AND NOT i.implausible
    LEFT JOIN stg_workdays due ON due.is_workday AND due.workday_no = d.workday_no + l.n
)

SELECT * FROM final
