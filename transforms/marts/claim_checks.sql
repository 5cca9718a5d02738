-- Grain: county × period × claim, for every county × period of the build's scope (run_scope).
-- Ranks as the draft prints them (else as computed). A unit the text names as publishing many items
-- must be among the top k of its table, one named as publishing few among the bottom k (k: how many
-- units the text names from that table with that polarity). A name found in no table fails when a
-- registry is loaded (it should resolve); without one it is left unjudged (short names need the registry).
WITH source AS (
    SELECT * FROM raw_claims
),

scope AS (
    SELECT county_slug, period FROM run_scope
),

-- the loaded text's claims are about its own tables: judged only when those are the bulletin's
judged AS (
    SELECT p.county_slug, p.period
    FROM period_counts_source p
    JOIN scope USING (county_slug, period)
    WHERE p.counts_source = 'reported'
),

claims AS (
    SELECT l.county_slug, l.period, l.period_start, l.period_end, c.*
    FROM source c
    JOIN stg_loads l USING (load_id)
    JOIN judged j ON j.county_slug = l.county_slug AND j.period = l.period
),

resolved AS (
    SELECT c.*,
           coalesce(
               (SELECT min(n.unit_id) FROM stg_unit_names n
                 WHERE n.county_slug = c.county_slug AND n.name = c.name_raw
                   AND (n.valid_from IS NULL OR n.valid_from <= c.period_end)
                   AND (n.valid_to IS NULL OR n.valid_to >= c.period_start)),
               (SELECT min(r.unit_key) FROM stg_reported_rows r
                 WHERE r.county_slug = c.county_slug AND r.period = c.period
                   AND (r.unit_name = c.name_raw OR '县' || r.unit_name = c.name_raw))
           ) AS unit_ref
    FROM claims c
),

units AS (
    SELECT u.*, count(*) OVER (PARTITION BY u.county_slug, u.period, u.category) AS table_size
    FROM unit_period_counts u
    JOIN scope s ON s.county_slug = u.county_slug AND s.period = u.period
),

joined AS (
    SELECT r.county_slug, r.period, r.claim_no, r.polarity, r.name_raw, r.sentence, r."where",
           u.unit, u.category, coalesce(u.rank_printed, u.rank) AS rank, u.count, u.table_size
    FROM resolved r
    LEFT JOIN units u
           ON u.county_slug = r.county_slug AND u.period = r.period
          AND (u.unit_id = r.unit_ref OR u.unit_key = r.unit_ref)
),

registries AS (
    SELECT s.county_slug, EXISTS (SELECT 1 FROM ref_units u WHERE u.county_slug = s.county_slug) AS loaded
    FROM (SELECT DISTINCT county_slug FROM scope) s
),

counted AS (
    SELECT j.*,
           count(*) OVER (PARTITION BY j.county_slug, j.period, j.polarity, j.category) AS named_in_table,
           -- without a registry, short names may not resolve: count them as possibly this table's
           CASE WHEN g.loaded THEN 0
                ELSE count(*) FILTER (WHERE j.rank IS NULL)
                         OVER (PARTITION BY j.county_slug, j.period, j.polarity, j.sentence) END AS unresolved,
           g.loaded AS registry_loaded
    FROM joined j
    JOIN registries g USING (county_slug)
),

final AS (
    SELECT c.* EXCLUDE (registry_loaded),
           CASE
               WHEN c.rank IS NULL AND NOT c.registry_loaded THEN NULL
               WHEN c.rank IS NULL THEN false
               WHEN c.polarity = 'many' THEN c.rank <= c.named_in_table + c.unresolved
               ELSE c.rank > c.table_size - c.named_in_table - c.unresolved
           END AS consistent
    FROM counted c
)

SELECT * FROM final
