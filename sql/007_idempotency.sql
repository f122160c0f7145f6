-- 007_idempotency.sql — Idempotency-Key on every POST (docs/RELIABILITY.md).
--
-- 004 stored the keys of the plan import and the ERP feeds (status and JSON body). Every
-- POST now honours the header, so an answer is stored whole: its Content-Type and the
-- Location and ETag headers it carried, to be replayed as they were.
--
-- The owner of a key is the caller's entity (0 for an admin) AND the token: two clients
-- of one entity (the ERP and the web front end, or a manager and a planner) do not share
-- a key space, so neither can be handed an answer to a request it did not make (nor one
-- its own role could not have obtained). Rows of 004 get token_id 0 and are never matched
-- again; they expire like every key.
--
-- Keys live 24 hours: the lookup ignores older rows, the server deletes them a batch at a
-- time (at most once a minute), and a new request may take over an expired key.

ALTER TABLE idempotency_keys
    ADD COLUMN token_id     bigint NOT NULL DEFAULT 0,
    ADD COLUMN content_type text,
    ADD COLUMN location     text,
    ADD COLUMN etag         text;

ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (entity_id, token_id, key);

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'ciclo_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO ciclo_app;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'grants on idempotency_keys not given: the migrator lacks the privilege';
END $$;
