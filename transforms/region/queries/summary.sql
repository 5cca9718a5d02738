-- One row: what the region tables hold for the period (the checks' frame).
SELECT (SELECT count(*) FROM region_counties WHERE period = $period) AS counties_in_table,
       (SELECT coalesce(sum(items), 0) FROM region_counties WHERE period = $period) AS items_of_counties,
       (SELECT coalesce(sum(count), 0) FROM region_units WHERE period = $period) AS items_of_units,
       (SELECT count(*) FROM region_units WHERE period = $period) AS units_in_table,
       (SELECT coalesce(sum(units), 0) FROM region_counties WHERE period = $period) AS units_of_counties
