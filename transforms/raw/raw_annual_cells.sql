-- The number cells of tables 三 and 四 of each parsed annual report; a blank cell is NULL. Append-only.
CREATE TABLE IF NOT EXISTS raw_annual_cells (
    load_id     VARCHAR NOT NULL,
    report_no   INTEGER NOT NULL,
    table_no    VARCHAR NOT NULL,   -- 三 | 四
    row_key     VARCHAR NOT NULL,   -- new, granted, … (flows/ingest/annual_model.py) | review, litigation_direct, …
    column_key  VARCHAR NOT NULL,   -- natural … total | upheld … total
    value       BIGINT,
    PRIMARY KEY (load_id, report_no, table_no, row_key, column_key)
);
