-- Every county and year with an annual review in the warehouse (for `zwgk transform`).
SELECT DISTINCT county_slug, CAST(year AS VARCHAR) AS period FROM stg_annual_loads ORDER BY 1, 2
