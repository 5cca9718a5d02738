DELETE FROM ref_scoring WHERE list_contains($county_slugs, county_slug);
DELETE FROM ref_scoring_weights WHERE list_contains($county_slugs, county_slug);
INSERT INTO ref_scoring BY NAME SELECT * FROM incoming_scoring;
INSERT INTO ref_scoring_weights BY NAME SELECT * FROM incoming_weights;
