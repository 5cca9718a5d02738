-- Every application of a county's current register (the newest import), in the register's order.
SELECT * FROM stg_applications WHERE county_slug = $county_slug ORDER BY row_no
