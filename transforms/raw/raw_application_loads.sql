-- One row per import of a county's 依申请公开 applications register (docs/applications.md §1): the file and
-- its sha256. Append-only; the newest load of a county is the register that counts (stg_applications).
CREATE TABLE IF NOT EXISTS raw_application_loads (
    load_id      VARCHAR PRIMARY KEY,
    county_slug  VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    applications INTEGER NOT NULL,
    loaded_at    TIMESTAMP NOT NULL
);
