-- 032_inline_entity.sql — the row-level security policy's entity, read at the cost of an
-- expression (issue 21, docs/PERFORMANCE.md "Point read: what the profile shows").
--
-- ciclo_entity() (sql/016) read the setting in a FROM clause, which PostgreSQL never inlines: every
-- statement under the policy ran it as a SQL function, parsing, analysing and planning its body
-- each time (about 40 µs of a point read's ~100 as the service's role). The same expression
-- without FROM is inlined into the statement's InitPlan. Same result for every setting: the id
-- when the setting is one, else NULL (fail closed).

CREATE OR REPLACE FUNCTION ciclo_entity() RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN current_setting('ciclo.entity_id', true) ~ '^[1-9][0-9]{0,17}$'
                THEN current_setting('ciclo.entity_id', true)::bigint END
$$;
