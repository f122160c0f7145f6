-- 028_legal_gates.sql — the legal conditions of the result bonus, and the Nucleo's validation of
-- a plan revision (issue 20, item 6; README "The yearly calendar").
--
-- cycle_plan_id: the plan a year's cycle follows — its PIAO, else its Piano della performance,
-- else its PEG (for local authorities the Piano is part of the PEG, TUEL art. 169 c. 3-bis).
--
-- No result bonus may be paid without an adopted Piano (D.Lgs. 150/2009 art. 10 c. 5) nor
-- before the Nucleo validated the Relazione (art. 14 c. 6): a bonus distribution of a year whose
-- cycle plan is missing, a draft, or not validated is refused by the database itself (SQLSTATE
-- CI409, mapped to 409 legal_condition in src/store/errors.c), whichever path writes it.

CREATE FUNCTION cycle_plan_id(e bigint, y integer) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT p.id FROM plans p WHERE p.entity_id = e AND p.year = y AND p.kind IN ('piao', 'performance', 'peg')
     ORDER BY array_position(ARRAY['piao', 'performance', 'peg'], p.kind), p.id LIMIT 1
$$;

CREATE FUNCTION bonus_distributions_legal_gate() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    st text;
BEGIN
    SELECT p.status INTO st FROM plans p WHERE p.entity_id = NEW.entity_id AND p.id = cycle_plan_id(NEW.entity_id, NEW.year);
    IF st IS NULL OR st = 'draft' THEN
        RAISE EXCEPTION 'the Piano della performance (or PIAO, or PEG) of % is not adopted: no result bonus may be paid (D.Lgs. 150/2009 art. 10 c. 5)', NEW.year
            USING ERRCODE = 'CI409', CONSTRAINT = 'bonus_distributions_plan_adopted';
    END IF;
    IF st <> 'validated' THEN
        RAISE EXCEPTION 'the Relazione on % is not validated by the Nucleo di valutazione: no result bonus may be paid (D.Lgs. 150/2009 art. 14 c. 6)', NEW.year
            USING ERRCODE = 'CI409', CONSTRAINT = 'bonus_distributions_relazione_validated';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER bonus_distributions_legal_gate BEFORE INSERT ON bonus_distributions
    FOR EACH ROW EXECUTE FUNCTION bonus_distributions_legal_gate();

-- The Nucleo's validation of an adopted revision (its opinion on the revised plan). Rows are
-- only added: a revision is validated once.
CREATE TABLE revision_validations (
    entity_id    bigint NOT NULL,
    plan_id      bigint NOT NULL,
    number       integer NOT NULL,
    note         text CONSTRAINT revision_validations_note_check CHECK (length(note) <= 20000),
    validated_by text NOT NULL,
    validated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entity_id, plan_id, number),
    CONSTRAINT revision_validations_revision_fk FOREIGN KEY (entity_id, plan_id, number)
        REFERENCES plan_revisions (entity_id, plan_id, number)
);

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'ciclo_app') THEN
        GRANT SELECT, INSERT ON revision_validations TO ciclo_app;
        GRANT EXECUTE ON FUNCTION cycle_plan_id(bigint, integer) TO ciclo_app;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'grants on revision_validations not given: the migrator lacks the privilege';
END $$;
