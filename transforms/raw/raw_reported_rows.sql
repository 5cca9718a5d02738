-- One row per unit row as printed, with its provenance (line of a .txt, row of a Word table,
-- row of a CSV/XLSX). Counts that are not integers are kept raw (count NULL) for the checks.
CREATE TABLE IF NOT EXISTS raw_reported_rows (
    load_id     VARCHAR NOT NULL,
    table_no    INTEGER NOT NULL,
    row_no      INTEGER NOT NULL,
    unit_raw    VARCHAR NOT NULL,
    unit_name   VARCHAR NOT NULL,    -- normalised: NFKC, no whitespace
    count_raw   VARCHAR,
    count       BIGINT,
    rank_raw    VARCHAR,
    rank        BIGINT,
    line        INTEGER,
    table_row   INTEGER,
    "where"     VARCHAR,
    PRIMARY KEY (load_id, table_no, row_no)
);
