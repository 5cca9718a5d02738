-- One row per county × period whose bulletin marts were built: the fingerprint of everything the build
-- read (transforms/builds.py: the input tables' rows for the county, the working days, the model files,
-- the day). A rebuild with the same fingerprint would write the same rows: it is skipped.
CREATE TABLE IF NOT EXISTS build_fingerprints (
    county_slug  VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    fingerprint  VARCHAR NOT NULL,
    built_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (county_slug, period)
);
