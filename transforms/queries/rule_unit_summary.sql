-- Grain: county × period × unit (its registry id, or the printed name of a publisher the registry does
-- not know) — for each rule check, how many of the unit's rows the rule judged and how many it flagged,
-- for the counties $county_slugs and the period $period. Computed from the rule marts when validated
-- (a GROUP BY over them; not stored a second time). This is what Great Expectations validates
-- for the five disclosure rules (docs/rules.md): the numbers the bulletin states, one row per unit, not
-- one per item. The flagged items themselves stay in the rule marts (rule_timeliness, rule_formatting,
-- rule_wrong_column, rule_key_area, rule_column_freshness) and reach run.json as findings.
-- A flag here is the same predicate the check's findings query (queries/findings_*.sql) selects.
WITH judged AS (
    SELECT r.county_slug, r.period, r.unit_id, r.unit, r.category, 'columns_fresh' AS check_name,
           r.verdict <> 'ok' AS flagged
    FROM rule_column_freshness r
    WHERE list_contains($county_slugs, r.county_slug) AND r.period = $period
    UNION ALL
    SELECT r.county_slug, r.period, r.unit_id, r.unit, r.category, 'documents_timely', r.late
    FROM rule_timeliness r
    WHERE list_contains($county_slugs, r.county_slug) AND r.period = $period
    UNION ALL
    SELECT r.county_slug, r.period, r.unit_id, r.unit, r.category, 'dates_plausible', r.implausible
    FROM rule_timeliness r
    WHERE list_contains($county_slugs, r.county_slug) AND r.period = $period
    UNION ALL
    SELECT r.county_slug, r.period, r.unit_id, r.unit, r.category, 'bodies_well_formatted', length(r.defects) <> 0
    FROM rule_formatting r
    WHERE list_contains($county_slugs, r.county_slug) AND r.period = $period
    UNION ALL
    SELECT r.county_slug, r.period, r.unit_id, r.unit, r.category, 'key_areas_disclosed',
           r.verdict NOT IN ('ok', 'not_due')
    FROM rule_key_area r
    WHERE list_contains($county_slugs, r.county_slug) AND r.period = $period
    UNION ALL
    SELECT r.county_slug, r.period, r.unit_id, r.unit, r.category, 'items_in_right_column', r.misplaced
    FROM rule_wrong_column r
    WHERE list_contains($county_slugs, r.county_slug) AND r.period = $period
),

final AS (
    SELECT county_slug, period, unit_id, unit, category,
           count(*) FILTER (WHERE check_name = 'columns_fresh') AS columns_fresh_checked,
           count(*) FILTER (WHERE check_name = 'columns_fresh' AND flagged) AS columns_fresh_flagged,
           count(*) FILTER (WHERE check_name = 'documents_timely') AS documents_timely_checked,
           count(*) FILTER (WHERE check_name = 'documents_timely' AND flagged) AS documents_timely_flagged,
           count(*) FILTER (WHERE check_name = 'dates_plausible') AS dates_plausible_checked,
           count(*) FILTER (WHERE check_name = 'dates_plausible' AND flagged) AS dates_plausible_flagged,
           count(*) FILTER (WHERE check_name = 'bodies_well_formatted') AS bodies_well_formatted_checked,
           count(*) FILTER (WHERE check_name = 'bodies_well_formatted' AND flagged) AS bodies_well_formatted_flagged,
           count(*) FILTER (WHERE check_name = 'key_areas_disclosed') AS key_areas_disclosed_checked,
           count(*) FILTER (WHERE check_name = 'key_areas_disclosed' AND flagged) AS key_areas_disclosed_flagged,
           count(*) FILTER (WHERE check_name = 'items_in_right_column') AS items_in_right_column_checked,
           count(*) FILTER (WHERE check_name = 'items_in_right_column' AND flagged) AS items_in_right_column_flagged
    FROM judged
    GROUP BY county_slug, period, unit_id, unit, category
)

SELECT * FROM final
ORDER BY county_slug, category NULLS LAST, unit_id NULLS LAST, unit
