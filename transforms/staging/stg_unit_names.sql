-- Grain: county × name × unit: every name that resolves to a registered unit, with its validity.
WITH source AS (
    SELECT * FROM ref_unit_names
),

units AS (
    SELECT * FROM ref_units
),

final AS (
    SELECT n.county_slug, n.name, u.unit_id, u.unit, u.short_name, u.category, u.display_order,
           u.valid_from, u.valid_to
    FROM source n
    JOIN units u USING (county_slug, unit_id)
)

SELECT * FROM final
