-- The units of a county's register that handled an application in the year (received by its end, not
-- answered before it began): the units an annual report's table 三 is drafted or compared for.
SELECT DISTINCT unit
FROM stg_applications
WHERE county_slug = $county_slug
  AND received <= make_date($year, 12, 31)
  AND (answered IS NULL OR answered >= make_date($year, 1, 1))
ORDER BY unit
