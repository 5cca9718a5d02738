DELETE FROM ref_rule_settings WHERE list_contains($county_slugs, county_slug);
DELETE FROM ref_rule_max_age WHERE list_contains($county_slugs, county_slug);
DELETE FROM ref_rule_keywords WHERE list_contains($county_slugs, county_slug);
INSERT INTO ref_rule_settings BY NAME SELECT * FROM incoming_settings;
INSERT INTO ref_rule_max_age BY NAME SELECT * FROM incoming_max_age;
INSERT INTO ref_rule_keywords BY NAME SELECT * FROM incoming_keywords;
