-- 002_revisions.sql — the plan's lifecycle (draft → adopted → closed → validated), its
-- revisions by deliberation, and the database role of the application.
--
-- The live tables (objectives, assignments, phases, indicators) are the plan's working
-- copy. Each adoption stores an immutable snapshot of the whole plan (the plan document,
-- src/store/plan_doc.c) in plan_revisions; plans.revision is the number of the current
-- (last adopted) snapshot, 0 for a plan never adopted. plans.editing says that a revision
-- is open: the working copy of an adopted plan is writable again and will become
-- revision + 1 when adopted.
--
-- Rows removed from an adopted plan are not deleted (measurements and progress hang from
-- them): removed_in_revision is the number of the revision that removes them, and every
-- read of the working copy hides them. Uniqueness therefore holds among live rows only.

ALTER TABLE plans ADD COLUMN editing boolean NOT NULL DEFAULT false;
ALTER TABLE plans ADD CONSTRAINT plans_editing_check CHECK (NOT editing OR status = 'adopted');

ALTER TABLE objectives ADD COLUMN removed_in_revision integer;
ALTER TABLE assignments ADD COLUMN removed_in_revision integer;
ALTER TABLE phases ADD COLUMN removed_in_revision integer;
ALTER TABLE indicators ADD COLUMN removed_in_revision integer;

ALTER TABLE objectives DROP CONSTRAINT objectives_code_unique;
CREATE UNIQUE INDEX objectives_code_unique ON objectives (entity_id, plan_id, code) WHERE removed_in_revision IS NULL;
ALTER TABLE assignments DROP CONSTRAINT assignments_structure_unique;
CREATE UNIQUE INDEX assignments_structure_unique ON assignments (entity_id, objective_id, structure_id)
    WHERE removed_in_revision IS NULL;
ALTER TABLE assignments DROP CONSTRAINT assignments_person_unique;
CREATE UNIQUE INDEX assignments_person_unique ON assignments (entity_id, objective_id, person_id)
    WHERE removed_in_revision IS NULL;
ALTER TABLE phases DROP CONSTRAINT phases_seq_unique;
CREATE UNIQUE INDEX phases_seq_unique ON phases (entity_id, objective_id, seq) WHERE removed_in_revision IS NULL;
ALTER TABLE indicators DROP CONSTRAINT indicators_code_unique;
CREATE UNIQUE INDEX indicators_code_unique ON indicators (entity_id, plan_id, code) WHERE removed_in_revision IS NULL;

-- One row per adoption: the deliberation and the plan document as it was adopted.
CREATE TABLE plan_revisions (
    entity_id           bigint NOT NULL,
    plan_id             bigint NOT NULL,
    number              integer NOT NULL CONSTRAINT plan_revisions_number_check CHECK (number >= 1),
    deliberation_number text NOT NULL,
    deliberation_date   date NOT NULL,
    deliberation_body   text,
    adopted_at          timestamptz NOT NULL DEFAULT now(),
    adopted_by          text NOT NULL,
    document            jsonb NOT NULL,
    PRIMARY KEY (entity_id, plan_id, number),
    CONSTRAINT plan_revisions_plan_fk FOREIGN KEY (entity_id, plan_id) REFERENCES plans (entity_id, id),
    CONSTRAINT plan_revisions_deliberation_unique UNIQUE (entity_id, plan_id, deliberation_number)
);
CREATE INDEX plan_revisions_plan_idx ON plan_revisions (plan_id, number);

CREATE FUNCTION plan_revisions_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an adopted revision cannot be changed' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER plan_revisions_no_update BEFORE UPDATE OR DELETE ON plan_revisions
    FOR EACH ROW EXECUTE FUNCTION plan_revisions_are_immutable();
CREATE TRIGGER plan_revisions_no_truncate BEFORE TRUNCATE ON plan_revisions
    FOR EACH STATEMENT EXECUTE FUNCTION plan_revisions_are_immutable();

CREATE INDEX audit_resource_idx ON audit (resource, resource_id, id);

-- The application's role: a NOLOGIN group that the service's login role is made a member
-- of (GRANT ciclo_app TO <login>). It may read and write the tables but never rewrite the
-- audit log or an adopted revision (on top of the triggers, which bind even the owner).
-- Creating a role needs CREATEROLE: a migrator without it leaves a notice, not a failure.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ciclo_app') THEN
        BEGIN
            CREATE ROLE ciclo_app NOLOGIN;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'role ciclo_app not created: the migrator lacks CREATEROLE';
            RETURN;
        END;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO ciclo_app', current_schema());
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO ciclo_app', current_schema());
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO ciclo_app', current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ciclo_app',
                   current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO ciclo_app', current_schema());
    REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM ciclo_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON plan_revisions FROM ciclo_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON schema_version FROM ciclo_app;
END $$;
