-- One row per part of the warehouse's structure zwgk last made or checked: ``schema`` (the raw tables and
-- the staging views), ``marts:bulletin`` and ``marts:annual`` (the mart tables). ``code`` is the digest of
-- the model files (and DuckDB's version) that made it, ``catalog`` the digest of the columns and view
-- definitions it left. While both still match, opening the warehouse skips re-creating the staging views and
-- a build skips describing every mart again (transforms/runner.py, ``_stamp_current``); a changed model
-- file, a newer DuckDB, or a table someone altered or dropped sends it down the full path.
CREATE TABLE IF NOT EXISTS schema_stamps (
    part     VARCHAR PRIMARY KEY,
    code     VARCHAR NOT NULL,
    catalog  VARCHAR NOT NULL
);
