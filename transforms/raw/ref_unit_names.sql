-- Every normalised name a unit answers to: canonical, short name, aliases, with county prefixes.
CREATE TABLE IF NOT EXISTS ref_unit_names (
    county_slug  VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    unit_id      VARCHAR NOT NULL
);
