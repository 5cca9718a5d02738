-- Table 四 of the annual report (行政复议、行政诉讼情况) counted from the applications register, for one county and
-- year: one row per unit × group × part. A case counts in the year its application was answered; a 行政诉讼 is
-- 复议后起诉 when the same application went to 行政复议 first, else 未经复议直接起诉 (docs/applications.md §3).
WITH source AS (
    SELECT * FROM stg_applications
    WHERE county_slug = $county_slug AND year(answered) = $year
),

cases AS (
    SELECT unit, 'review' AS group_key, review_result AS part FROM source WHERE review
    UNION ALL
    SELECT unit, CASE WHEN review THEN 'litigation_after_review' ELSE 'litigation_direct' END, litigation_result
    FROM source WHERE litigation
),

final AS (
    SELECT unit, group_key, part, count(*) AS value FROM cases GROUP BY ALL
    UNION ALL
    SELECT unit, group_key, 'total' AS part, count(*) AS value FROM cases GROUP BY ALL
)

SELECT * FROM final ORDER BY unit, group_key, part
