-- Grain: county × period × claim. Ranks as the draft prints them (else as computed). A unit the text names as publishing many items must be among
-- the top k of its table, one named as publishing few among the bottom k (k: how many units the
-- text names from that table with that polarity). A name found in no table fails when a registry
-- is loaded (it should resolve); without one it is left unjudged (short names need the registry).
WITH claims AS (
    SELECT l.county_slug, l.period, l.period_start, l.period_end, c.*
    FROM raw_claims c JOIN stg_loads l USING (load_id)
    WHERE l.county_slug = $county_slug AND l.period = $period
      -- the loaded text's claims are about its own tables: judged only when those are the bulletin's
      AND EXISTS (SELECT 1 FROM period_counts_source s
                   WHERE s.county_slug = $county_slug AND s.period = $period AND s.counts_source = 'reported')
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
    SELECT u.*, count(*) OVER (PARTITION BY category) AS table_size
    FROM unit_period_counts u WHERE county_slug = $county_slug AND period = $period
),
joined AS (
    SELECT r.county_slug, r.period, r.claim_no, r.polarity, r.name_raw, r.sentence, r."where",
           u.unit, u.category, coalesce(u.rank_printed, u.rank) AS rank, u.count, u.table_size
    FROM resolved r
    LEFT JOIN units u ON u.unit_id = r.unit_ref OR u.unit_key = r.unit_ref
),
counted AS (
    SELECT j.*,
           count(*) OVER (PARTITION BY polarity, category) AS named_in_table,
           -- without a registry, short names may not resolve: count them as possibly this table's
           CASE WHEN EXISTS (SELECT 1 FROM ref_units WHERE county_slug = $county_slug) THEN 0
                ELSE count(*) FILTER (WHERE rank IS NULL) OVER (PARTITION BY polarity, sentence) END AS unresolved
    FROM joined j
)
SELECT c.*,
       CASE
           WHEN c.rank IS NULL AND NOT EXISTS (SELECT 1 FROM ref_units WHERE county_slug = $county_slug) THEN NULL
           WHEN c.rank IS NULL THEN false
           WHEN c.polarity = 'many' THEN c.rank <= c.named_in_table + c.unresolved
           ELSE c.rank > c.table_size - c.named_in_table - c.unresolved
       END AS consistent
FROM counted c
