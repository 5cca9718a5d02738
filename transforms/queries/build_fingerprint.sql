SELECT fingerprint FROM build_fingerprints WHERE county_slug = $county_slug AND period = $period
