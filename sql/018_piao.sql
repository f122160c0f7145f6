-- 018_piao.sql — the PIAO's sections, multi-year targets and the carrying of objectives into the
-- next year (issue 20, items 1 and 2; README "The PIAO").
--
-- A plan of kind piao covers three years, plans.year and the two after. Its objectives sit in
-- sections (DM 132/2022): 2.1 valore_pubblico (outcome and impact, with a driver and optional SDG
-- and BES references besides the public-value dimension), 2.2 performance (the objectives of
-- the Piano della performance; the default), 2.3 anticorruzione (treatment measures, each for a
-- risk of a process at risk, with the risk's level) and 3 organizzazione. plans.organisation holds
-- the figures of section 3 the Nucleo checks; entities.staff_count decides the simplified PIAO
-- (under 50 staff, DM 132/2022 art. 6). indicators.targets gives a target per year ({"2025": 80});
-- a score uses the target of the year it is computed for, else target. objectives.carried_from_id
-- links an objective carried into next year's plan (POST /v1/plans/{id}:rollover) to its origin.

ALTER TABLE entities ADD COLUMN staff_count integer CONSTRAINT entities_staff_count_check CHECK (staff_count >= 0);
ALTER TABLE plans ADD COLUMN organisation jsonb
    CONSTRAINT plans_organisation_object CHECK (organisation IS NULL OR jsonb_typeof(organisation) = 'object');
ALTER TABLE objectives
    ADD COLUMN section text CONSTRAINT objectives_section_check
        CHECK (section IN ('valore_pubblico', 'performance', 'anticorruzione', 'organizzazione')),
    ADD COLUMN driver text,
    ADD COLUMN sdg text[] NOT NULL DEFAULT '{}',
    ADD COLUMN bes text[] NOT NULL DEFAULT '{}',
    ADD COLUMN risk_process text,
    ADD COLUMN risk text,
    ADD COLUMN risk_level text CONSTRAINT objectives_risk_level_check CHECK (risk_level IN ('basso', 'medio', 'alto', 'critico')),
    ADD COLUMN carried_from_id bigint,
    ADD CONSTRAINT objectives_carried_from_fk FOREIGN KEY (entity_id, carried_from_id) REFERENCES objectives (entity_id, id);
ALTER TABLE indicators ADD COLUMN targets jsonb
    CONSTRAINT indicators_targets_object CHECK (targets IS NULL OR jsonb_typeof(targets) = 'object');
