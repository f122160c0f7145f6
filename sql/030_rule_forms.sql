-- 030_rule_forms.sql — performance (issue 21): each scoring rule decoded once, not on every
-- scores read.
--
-- indicators.rule_form keeps the compact form (src/codec/rule_form.h) of the decoded rule, next
-- to its JSON. It is NULL, or the form of the row's current rule:
-- - every write that brings a rule (an insert, from any path: the API, an import, a revision, a
--   rollover, plain SQL) leaves it NULL, and an update that changes the rule resets it to NULL,
--   whatever else the update sets (the triggers below; they fire only when there is a form to
--   reset, so writes without one pay nothing);
-- - the server fills it (src/store/plan_model.c): a scores read that finds it NULL decodes the
--   rule's JSON, as before, and writes the form back with an UPDATE that also checks the rule
--   is still the text it decoded (its SHA-256), so a rule changed meanwhile keeps NULL. The rows
--   of earlier migrations are filled the same way, on their first read.
-- A form that does not read back (another version, damage) is never used: the reader decodes the
-- JSON instead. Nothing reads rule_form but the scores read; the API never shows it.
ALTER TABLE indicators ADD COLUMN rule_form text
    CONSTRAINT indicators_rule_form_check CHECK (rule_form IS NULL OR (rule IS NOT NULL AND length(rule_form) <= 262144));

CREATE FUNCTION indicators_rule_form_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.rule_form := NULL;
    RETURN NEW;
END $$;

CREATE TRIGGER indicators_rule_form_insert BEFORE INSERT ON indicators
    FOR EACH ROW WHEN (NEW.rule_form IS NOT NULL) EXECUTE FUNCTION indicators_rule_form_reset();
CREATE TRIGGER indicators_rule_form_update BEFORE UPDATE ON indicators
    FOR EACH ROW WHEN (NEW.rule IS DISTINCT FROM OLD.rule AND NEW.rule_form IS NOT NULL)
    EXECUTE FUNCTION indicators_rule_form_reset();
