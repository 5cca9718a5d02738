-- The unit registry (data/registry/<county>.csv), replaced per county on every run.
CREATE TABLE IF NOT EXISTS ref_units (
    county_slug    VARCHAR NOT NULL,
    unit_id        VARCHAR NOT NULL,
    unit           VARCHAR NOT NULL,
    short_name     VARCHAR NOT NULL,
    category       VARCHAR NOT NULL,
    display_order  INTEGER NOT NULL,
    valid_from     DATE,
    valid_to       DATE,
    successor_of   VARCHAR,
    PRIMARY KEY (county_slug, unit_id)
);
