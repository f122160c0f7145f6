-- 012_exact_decimals.sql — issue 23: the documents stored before JSON was written with exact
-- decimals carry binary noise (a weight of 33.33 stored as 33.329999999999998, a bonus of
-- 4253.01 as 4253.0100000000002), and the answers serve them as stored. Every number of those
-- documents with more than the 4 decimals any field has is put back to the decimal it came
-- from: rounded to 4 decimals, trailing zeros dropped (the noise is below 10^-9 for every
-- amount the service handles). Numbers already exact are left as they are.

CREATE FUNCTION ciclo_exact_decimals(j jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    CASE jsonb_typeof(j)
    WHEN 'object' THEN
        RETURN (SELECT coalesce(jsonb_object_agg(key, ciclo_exact_decimals(value)), '{}'::jsonb)
                FROM jsonb_each(j));
    WHEN 'array' THEN
        RETURN (SELECT coalesce(jsonb_agg(ciclo_exact_decimals(value) ORDER BY n), '[]'::jsonb)
                FROM jsonb_array_elements(j) WITH ORDINALITY AS e(value, n));
    WHEN 'number' THEN
        IF scale(j::text::numeric) > 4 THEN
            RETURN to_jsonb(trim_scale(round(j::text::numeric, 4)));
        END IF;
        RETURN j;
    ELSE
        RETURN j;
    END CASE;
END
$$;

-- only documents whose text holds a number with 5 or more decimals are rewritten
UPDATE evaluation_schemes SET definition = ciclo_exact_decimals(definition)
 WHERE definition::text ~ '[0-9]\.[0-9]{5,}';
UPDATE evaluation_forms SET ratings = ciclo_exact_decimals(ratings)
 WHERE ratings::text ~ '[0-9]\.[0-9]{5,}';
UPDATE evaluation_forms SET computed = ciclo_exact_decimals(computed)
 WHERE computed::text ~ '[0-9]\.[0-9]{5,}';
UPDATE bonus_distributions SET result = ciclo_exact_decimals(result)
 WHERE result::text ~ '[0-9]\.[0-9]{5,}';
UPDATE reviews SET items = ciclo_exact_decimals(items)
 WHERE items::text ~ '[0-9]\.[0-9]{5,}';

DROP FUNCTION ciclo_exact_decimals(jsonb);
