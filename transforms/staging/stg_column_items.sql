-- Grain: column × item. Every item each column lists (reposts included: they are in the column),
-- from the newest crawl record of each URL (stg_latest_items).
WITH source AS (
    SELECT * FROM stg_latest_items
),

final AS (
    SELECT county_slug, unnest(CASE WHEN len(columns) > 0 THEN columns ELSE [ "column" ] END) AS "column",
           url, title, publish_date
    FROM source
)

SELECT * FROM final
