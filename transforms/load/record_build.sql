-- The fingerprint of the build just written (transforms/builds.py), replacing the partition's last one.
INSERT OR REPLACE INTO build_fingerprints (county_slug, period, fingerprint, built_at)
VALUES ($county_slug, $period, $fingerprint, now()::TIMESTAMP)
