-- Grain: one calendar day. workday_no counts the working days up to and including the day, so the
-- working days after A up to and including B are workday_no(B) − workday_no(A).
WITH source AS (
    SELECT * FROM ref_workdays
),

final AS (
    SELECT day, is_workday, sum(CASE WHEN is_workday THEN 1 ELSE 0 END) OVER (ORDER BY day) AS workday_no
    FROM source
)

SELECT * FROM final
