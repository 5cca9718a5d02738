-- One row per attachment table of a load (附件1 县直部门, 附件2 乡镇 …) with its printed 合计.
CREATE TABLE IF NOT EXISTS raw_reported_tables (
    load_id            VARCHAR NOT NULL,
    table_no           INTEGER NOT NULL,
    category           VARCHAR NOT NULL,
    title              VARCHAR,
    has_rank_column    BOOLEAN NOT NULL,
    printed_total_raw  VARCHAR,
    printed_total      BIGINT,
    total_where        VARCHAR,
    table_where        VARCHAR,
    PRIMARY KEY (load_id, table_no)
);
