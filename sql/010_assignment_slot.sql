-- 010_assignment_slot.sql — what a plan's source says and the model could not keep (issue 15).
--
-- objectives.notes: free text that travels with the objective in the plan document, e.g. where
-- the source contradicts itself ("tabella: entro il 31/03/2024; matrice: entro il 30/03/2024").
-- The plan checker reports an objective with notes.
--
-- assignments.scope / assignments.slot: the type (entity, structure, individual) and the slot
-- (the column "Obiettivo Individuale 3" → 3) of an objective for one assignee, where the source
-- gives them per assignee (an objective that is "Direzione" for one structure and
-- "Individuale" for another). NULL: the objective's scope applies.
--
-- objectives.revision_mark / revision_mark_in: the change a revision document declares for the
-- objective ("modified", "inserted": the deliberation's list of sheets), and the number of the
-- revision that declares it. The revision's change list shows a declared change even where the
-- previous text is not known; a mark declared for an earlier revision is not shown again.

ALTER TABLE objectives ADD COLUMN notes text[] NOT NULL DEFAULT '{}';
ALTER TABLE objectives ADD COLUMN revision_mark text
    CONSTRAINT objectives_revision_mark_check CHECK (revision_mark IN ('inserted', 'modified'));
ALTER TABLE objectives ADD COLUMN revision_mark_in integer;
ALTER TABLE objectives ADD CONSTRAINT objectives_revision_mark_in_check
    CHECK ((revision_mark IS NULL) = (revision_mark_in IS NULL));

ALTER TABLE assignments ADD COLUMN scope text
    CONSTRAINT assignments_scope_check CHECK (scope IN ('entity', 'structure', 'individual'));
ALTER TABLE assignments ADD COLUMN slot integer
    CONSTRAINT assignments_slot_check CHECK (slot BETWEEN 1 AND 10);
