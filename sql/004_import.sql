-- 004_import.sql — what the whole-plan import and the ERP feeds need: idempotency keys,
-- and the indexes their set-based statements look rows up by.
--
-- An Idempotency-Key is stored in the same transaction as the effect it protects, with
-- the hash of the request and the answer given: the same key and request replay that
-- answer, the same key with another request is refused. entity_id is the caller's
-- entity (0 for an admin token, which belongs to none), so keys of different tenants
-- never meet.

CREATE TABLE idempotency_keys (
    entity_id    bigint NOT NULL,
    key          text NOT NULL CONSTRAINT idempotency_keys_key_check CHECK (length(key) BETWEEN 1 AND 200),
    request_hash text NOT NULL,
    status       integer NOT NULL,
    response     text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entity_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- A measurement feed re-sent must not add rows: the lookup by (indicator, as_of).
CREATE INDEX measurements_feed_idx ON measurements (entity_id, indicator_id, as_of);

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'ciclo_app') THEN
        GRANT SELECT, INSERT ON idempotency_keys TO ciclo_app;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'grants on idempotency_keys not given: the migrator lacks the privilege';
END $$;
