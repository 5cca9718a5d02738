-- Grain: region × period × county. Items each county published (the sum of its units' counts,
-- as its bulletin's 附件 add up), its units, the total its bulletin's text states, and its
-- ordinal rank in the region: more items first, ties by county slug.
-- Reads the county marts (src_* views: the marts in this warehouse, or their Parquet export with
-- hive partitions) for the counties of this run ($counties) and the period ($period) only.
WITH source AS (
    SELECT * FROM src_unit_period_counts
    WHERE period = $period AND list_contains($counties, county_slug)
),

stated AS (
    SELECT * FROM src_period_totals
    WHERE period = $period AND list_contains($counties, county_slug)
),

units AS (
    SELECT county_slug, period, any_value(county) AS county, count(*) AS units,
           coalesce(sum(count), 0) AS items
    FROM source
    GROUP BY county_slug, period
),

totals AS (
    SELECT county_slug, period, county, period_start, period_end, source_name, source_sha256,
           sum_of_tables, stated_in_text
    FROM stated
),

final AS (
    SELECT t.county_slug, coalesce(t.county, u.county) AS county, t.period, t.period_start, t.period_end,
           coalesce(u.units, 0) AS units,
           coalesce(u.items, 0) AS items,
           t.sum_of_tables,
           t.stated_in_text,
           t.source_name, t.source_sha256,
           row_number() OVER (ORDER BY coalesce(u.items, 0) DESC, t.county_slug) AS rank,
           count(*) OVER () AS counties
    FROM totals t
    LEFT JOIN units u USING (county_slug, period)
)

SELECT * FROM final
