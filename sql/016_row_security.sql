-- 016_row_security.sql — row-level security by entity, a second wall under the scoped WHERE
-- clauses (docs/SECURITY.md, "Isolation between entities").
--
-- Every table that carries entity_id (and entities itself, by id) shows and accepts only the
-- rows of the entity named by the session setting ciclo.entity_id, which the server sets on
-- each pooled connection for the request it serves (src/store/pool.c, store_set_entity):
--   '<id>'  a token of that entity: its rows only;
--   'all'   an admin token, the command line (ciclo token create, ciclo import): every row;
--   unset or anything else: no entity's rows at all (fail closed). A connection lent to a
--           request starts so, until the request's token is known.
-- The policy binds the service's role (ciclo_service, a member of ciclo_app). It does not bind
-- the tables' owner (ciclo_owner, which runs the migrations: no FORCE) nor a superuser.
-- The token lookup, which runs before the entity is known, and the few statements that must
-- see across entities (the audit log's issuer chain, the purge of expired idempotency keys) go
-- through the functions below, which run as their owner and return only what they must.
--
-- The setting is read once per statement: (SELECT ciclo_entity()) is an InitPlan, not a call
-- per row.

CREATE FUNCTION ciclo_entity() RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN s ~ '^[1-9][0-9]{0,17}$' THEN s::bigint END
    FROM (SELECT current_setting('ciclo.entity_id', true) AS s) setting
$$;

CREATE FUNCTION ciclo_all_entities() RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(current_setting('ciclo.entity_id', true) = 'all', false)
$$;

-- Enables the policy on every table of the schema with an entity_id column, and on entities.
-- Idempotent; ciclo migrate runs it again after every migration (src/store/migrate.c), so that a
-- table a later migration adds is walled too.
CREATE FUNCTION ciclo_entity_wall() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n integer := 0;
BEGIN
    FOR r IN SELECT c.relname, CASE WHEN c.relname = 'entities' THEN 'id' ELSE 'entity_id' END AS col
             FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
             WHERE ns.nspname = current_schema() AND c.relkind IN ('r', 'p')
               AND (c.relname = 'entities' OR EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid
                    AND a.attname = 'entity_id' AND NOT a.attisdropped)) LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.relname);
        IF NOT EXISTS (SELECT FROM pg_policies WHERE schemaname = current_schema() AND tablename = r.relname
                       AND policyname = 'ciclo_entity_wall') THEN
            EXECUTE format('CREATE POLICY ciclo_entity_wall ON %I USING (%I = (SELECT ciclo_entity()) OR '
                           '(SELECT ciclo_all_entities()))', r.relname, r.col);
        END IF;
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
REVOKE EXECUTE ON FUNCTION ciclo_entity_wall() FROM PUBLIC;
SELECT ciclo_entity_wall();

-- The token lookup (src/store/tokens.c): who a live token's SHA-256 names, before the entity is
-- known. One row or none.
CREATE FUNCTION ciclo_token_lookup(h bytea)
    RETURNS TABLE (id bigint, entity_id bigint, role text, name text, person_id bigint, expires_epoch bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT t.id, t.entity_id, t.role, coalesce(pe.name, t.name), t.person_id,
           extract(epoch FROM t.expires_at)::bigint
    FROM tokens t LEFT JOIN people pe ON pe.entity_id = t.entity_id AND pe.id = t.person_id
    WHERE t.hash = h AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
$$;

-- The guard of a cached token: 1 while it holds, 0 once revoked or expired.
CREATE FUNCTION ciclo_token_live(h bytea) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    SELECT count(*)::integer FROM tokens
    WHERE hash = h AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
$$;

-- The issuer chain of an audit row climbs to tokens of other entities (an admin's): it reads
-- as the owner.
ALTER FUNCTION audit_actor_chain() SECURITY DEFINER SET search_path FROM CURRENT;

-- Expired idempotency keys of every entity, a bounded batch (src/store/idempotency.c).
CREATE FUNCTION ciclo_purge_idempotency_keys() RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path FROM CURRENT AS $$
    WITH gone AS (DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY(SELECT ctid FROM idempotency_keys
                  WHERE created_at <= now() - interval '24 hours' LIMIT 1000)) RETURNING 1)
    SELECT count(*)::integer FROM gone
$$;
