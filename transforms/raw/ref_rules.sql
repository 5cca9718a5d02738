-- Rule settings per county (from the config's [rules], flows/domain/rules_config.py), replaced each run.
CREATE TABLE IF NOT EXISTS ref_rule_settings (
    county_slug  VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    value        VARCHAR,
    PRIMARY KEY (county_slug, name)
);
CREATE TABLE IF NOT EXISTS ref_rule_max_age (
    county_slug  VARCHAR NOT NULL,
    scope        VARCHAR NOT NULL,    -- type | column
    key          VARCHAR NOT NULL,    -- a column type, or a column's name
    max_age      VARCHAR NOT NULL,    -- an interval: "14 days", "6 months", "1 year"
    PRIMARY KEY (county_slug, scope, key)
);
CREATE TABLE IF NOT EXISTS ref_rule_keywords (
    county_slug  VARCHAR NOT NULL,
    rule         VARCHAR NOT NULL,    -- wrong_column | key_area
    key          VARCHAR NOT NULL,    -- a column type, or budget / final / sangong
    keyword      VARCHAR NOT NULL
);
-- Working days (chinesecalendar + data/calendar/holiday_overrides.csv), for the dates in use.
CREATE TABLE IF NOT EXISTS ref_workdays (
    day          DATE PRIMARY KEY,
    is_workday   BOOLEAN NOT NULL
);
