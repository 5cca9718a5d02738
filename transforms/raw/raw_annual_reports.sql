-- Annual disclosure reports as parsed (docs/annual-reports.md), one row per report per review load,
-- with provenance: the URL or file it came from and the sha256 of its bytes. Append-only.
CREATE TABLE IF NOT EXISTS raw_annual_reports (
    load_id           VARCHAR NOT NULL,
    report_no         INTEGER NOT NULL,
    county_slug       VARCHAR NOT NULL,
    year              INTEGER NOT NULL,     -- the year the review covers
    report_year       INTEGER,              -- the year the report says it covers
    unit_printed      VARCHAR,              -- as the title / 发布机构 prints it
    unit_id           VARCHAR,              -- matched through the registry (NULL: unknown unit)
    unit              VARCHAR,
    source            VARCHAR NOT NULL,     -- URL or file path
    sha256            VARCHAR NOT NULL,
    medium            VARCHAR NOT NULL,     -- html | docx | text
    format            VARCHAR,              -- 2019 | 2021 | NULL (not recognised)
    title             VARCHAR,
    published         DATE,
    has_total_column  BOOLEAN NOT NULL,
    body_text         VARCHAR,              -- the prose (copy detection next year)
    loaded_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (load_id, report_no)
);
