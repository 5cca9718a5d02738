-- Findings of the annual-report checks (expectations/annual.py) per review load; report_no is NULL
-- for a registered unit without a report (annual_missing). Append-only.
CREATE TABLE IF NOT EXISTS raw_annual_findings (
    load_id     VARCHAR NOT NULL,
    finding_no  INTEGER NOT NULL,
    report_no   INTEGER,
    unit_id     VARCHAR,
    unit        VARCHAR,
    code        VARCHAR NOT NULL,
    severity    VARCHAR NOT NULL,
    message     VARCHAR NOT NULL,
    "where"     VARCHAR,
    PRIMARY KEY (load_id, finding_no)
);
