-- Grain: county × rule × keyword key (a column type for wrong_column, a kind for key_area): the key's
-- keywords as one list. A mart tests a title against the list in one expression,
-- `len(list_filter(keywords, lambda k: title LIKE '%' || k || '%')) > 0`, instead of joining every
-- title with every keyword row.
WITH source AS (
    SELECT * FROM ref_rule_keywords
),

final AS (
    SELECT county_slug, rule, key, list(keyword ORDER BY keyword) AS keywords
    FROM source
    GROUP BY county_slug, rule, key
)

SELECT * FROM final
