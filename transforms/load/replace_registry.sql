DELETE FROM ref_unit_names WHERE county_slug = $county_slug;
DELETE FROM ref_units WHERE county_slug = $county_slug;
INSERT INTO ref_units BY NAME SELECT * FROM incoming_units;
INSERT INTO ref_unit_names BY NAME SELECT * FROM incoming_unit_names;
