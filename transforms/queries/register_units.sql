-- Every unit of a county's current applications register (any year): the units whose annual reports are compared
-- with it (annual_register_mismatch).
SELECT DISTINCT unit FROM stg_applications WHERE county_slug = $county_slug ORDER BY unit
