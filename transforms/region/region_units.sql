-- Grain: region × period × county × unit. Every unit of the region's counties: its count, its
-- rank in its county's table (rank: ordinal, as the county bulletin prints it with the default
-- ranking; rank_competition: 1, 2, 2, 4) and its ordinal rank among all units of its category
-- in the region (more items first; ties by county slug, then the county's display order).
WITH source AS (
    SELECT * FROM src_unit_period_counts
    WHERE period = $period AND list_contains($counties, county_slug)
),

final AS (
    SELECT county_slug, county, period, category, table_no, unit_key, unit_id, unit, short_name,
           display_order, count,
           rank AS rank_in_county,
           rank_competition AS rank_competition_in_county,
           row_number() OVER (PARTITION BY category
                              ORDER BY count DESC NULLS LAST, county_slug, display_order NULLS LAST, unit)
               AS rank_in_region
    FROM source
)

SELECT * FROM final
