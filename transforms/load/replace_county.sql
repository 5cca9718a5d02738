INSERT OR REPLACE INTO ref_counties (county_slug, county, counts_source, portal)
VALUES ($county_slug, $county, $counts_source, $portal)
