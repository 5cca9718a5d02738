-- Grain: unit. The applications of the county's register whose due date fell in the period and that were
-- answered after it, or are still unanswered after it on the bulletin's cut-off day ($as_of): the bulletin's
-- 存在问题 item on 依申请公开 (docs/applications.md §4). Units with the most first.
WITH source AS (
    SELECT unit, number, due, answered
    FROM stg_applications
    WHERE county_slug = $county_slug AND due BETWEEN $start AND $end
),

late AS (
    SELECT * FROM source
    WHERE (answered IS NOT NULL AND answered > due) OR (answered IS NULL AND due < $as_of)
),

final AS (
    SELECT unit, count(*) AS applications, count(*) FILTER (WHERE answered IS NULL) AS unanswered
    FROM late
    GROUP BY unit
)

SELECT * FROM final ORDER BY applications DESC, unit
