-- Table 三 of the annual report (收到和处理政府信息公开申请情况) counted from the applications register, for one
-- county and year: one row per unit × table 三 row × column (docs/applications.md §3). An application belongs to
-- the year when it was received by the year's last day and not answered before its first day; it is then
-- 一 新收 (received in the year) or 二 上年结转 (received before), and either has a result in the year (its
-- row, and （七）总计) or is 四 结转下年度. So 一 + 二 = （七） + 四 and （七） = the sum of the result rows hold by
-- construction, in every column; 总计 is the sum of the six applicant columns.
WITH source AS (
    SELECT * FROM stg_applications WHERE county_slug = $county_slug
),

active AS (
    SELECT unit, applicant, result, received, answered
    FROM source
    WHERE received <= make_date($year, 12, 31)
      AND (answered IS NULL OR answered >= make_date($year, 1, 1))
),

placed AS (
    SELECT unit, applicant, CASE WHEN received >= make_date($year, 1, 1) THEN 'new' ELSE 'carried_in' END AS row_key
    FROM active
    UNION ALL
    SELECT unit, applicant, result FROM active WHERE answered <= make_date($year, 12, 31)
    UNION ALL
    SELECT unit, applicant, 'results_total' FROM active WHERE answered <= make_date($year, 12, 31)
    UNION ALL
    SELECT unit, applicant, 'carried_out' FROM active WHERE answered IS NULL OR answered > make_date($year, 12, 31)
),

final AS (
    SELECT unit, row_key, applicant AS column_key, count(*) AS value FROM placed GROUP BY ALL
    UNION ALL
    SELECT unit, row_key, 'total' AS column_key, count(*) AS value FROM placed GROUP BY ALL
)

SELECT * FROM final ORDER BY unit, row_key, column_key
