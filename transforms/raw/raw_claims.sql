-- Claims in a bulletin's text about units with many or few items (flows/ingest/claims.py).
CREATE TABLE IF NOT EXISTS raw_claims (
    load_id    VARCHAR NOT NULL,
    claim_no   INTEGER NOT NULL,
    polarity   VARCHAR NOT NULL,     -- many | few
    name_raw   VARCHAR NOT NULL,     -- normalised as printed
    sentence   VARCHAR,
    "where"    VARCHAR,
    PRIMARY KEY (load_id, claim_no)
);
