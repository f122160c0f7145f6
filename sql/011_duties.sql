-- 011_duties.sql — separation of duties (docs/SECURITY.md, "Separation of duties").
--
-- A token remembers the token that issued it (NULL: the command line on the server, the
-- root of every chain). The audit log keeps, with every row, the chain of issuers of the
-- token that acted — its id, its issuer's id, and so on up to the command line — filled
-- by the database from tokens.issued_by, so that the application cannot write another.

ALTER TABLE tokens ADD COLUMN issued_by bigint CONSTRAINT tokens_issued_by_fk REFERENCES tokens (id);

ALTER TABLE audit ADD COLUMN actor_chain bigint[];

CREATE FUNCTION audit_actor_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.actor_chain := CASE WHEN NEW.actor_token IS NULL THEN NULL ELSE ARRAY(
        WITH RECURSIVE up(id, issued_by, depth) AS (
            SELECT t.id, t.issued_by, 0 FROM tokens t WHERE t.id = NEW.actor_token
            UNION ALL
            SELECT t.id, t.issued_by, up.depth + 1 FROM tokens t JOIN up ON t.id = up.issued_by WHERE up.depth < 32)
        SELECT id FROM up ORDER BY depth) END;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_actor_chain BEFORE INSERT ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_actor_chain();
