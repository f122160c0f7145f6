-- 033_token_notify.sql — a token that stops holding, or changes, is announced to every server
-- process (issue 21, docs/SECURITY.md "Revocation").
--
-- Each process remembers the tokens it has seen (src/api/auth.c) and listens on the channel
-- ciclo_tokens with a connection of its own (src/store/token_listen.c). Whatever changes a token's
-- row (its revocation, its expiry, its role, entity, person, name or hash; the API, the command
-- line or plain SQL) or deletes it (by hand, or with its entity) notifies the SHA-256 of its
-- secret, in hex, when the transaction commits; the processes forget it and look it up again at
-- its next request. A TRUNCATE notifies '*': forget every token. A transaction that rolls back
-- notifies nothing.
--
-- The triggers run as whoever writes (the service's role under row-level security, the owner, a
-- superuser): pg_notify needs no privilege, and a trigger fires whatever the policy shows.
CREATE FUNCTION tokens_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('ciclo_tokens', '*');
        RETURN NULL;
    END IF;
    PERFORM pg_notify('ciclo_tokens', encode(OLD.hash, 'hex'));
    IF TG_OP = 'UPDATE' AND NEW.hash IS DISTINCT FROM OLD.hash THEN
        PERFORM pg_notify('ciclo_tokens', encode(NEW.hash, 'hex'));
    END IF;
    RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION tokens_notify() FROM PUBLIC;

-- an UPDATE that changes nothing (SET revoked_at = revoked_at) notifies nothing
CREATE TRIGGER tokens_notify_update AFTER UPDATE ON tokens
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION tokens_notify();
CREATE TRIGGER tokens_notify_delete AFTER DELETE ON tokens
    FOR EACH ROW EXECUTE FUNCTION tokens_notify();
CREATE TRIGGER tokens_notify_truncate AFTER TRUNCATE ON tokens
    FOR EACH STATEMENT EXECUTE FUNCTION tokens_notify();
