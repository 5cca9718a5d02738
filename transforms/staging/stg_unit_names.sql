-- Grain: county × name × unit: every name that resolves to a registered unit, with its validity.
SELECT n.county_slug, n.name, u.unit_id, u.unit, u.short_name, u.category, u.display_order,
       u.valid_from, u.valid_to
FROM ref_unit_names n
JOIN ref_units u USING (county_slug, unit_id)
