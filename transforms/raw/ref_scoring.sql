-- A county's [scoring] (flows/domain/config.py, docs/rules.md "Scores"), replaced on every build: whether its
-- tables rank by score, which source the unit count itself is, and the points per item of each source.
-- No row for a county: it does not score, its tables rank by count.
CREATE TABLE IF NOT EXISTS ref_scoring (
    county_slug   VARCHAR PRIMARY KEY,
    rank_by       VARCHAR NOT NULL,      -- score | count
    count_source  VARCHAR NOT NULL       -- 本县门户采用 …: the unit count (crawl or reported) is this source
);
CREATE TABLE IF NOT EXISTS ref_scoring_weights (
    county_slug  VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    weight       DOUBLE NOT NULL,        -- points per item
    PRIMARY KEY (county_slug, source)
);
