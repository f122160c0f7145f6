-- 015_duties.sql — one bonus distribution per entity, year, role and category (issue 16).
--
-- A second POST for the same year, role and category would be a second payroll. A new
-- distribution for a slot that has one must say which one it replaces (`replaces`, the
-- current one: a distribution is replaced at most once, by one of the same slot), so the
-- distributions of a slot form one chain whose last link is the one in force; the
-- replacement is an audit row like every write. Rows written before this migration are
-- chained in id order.

ALTER TABLE bonus_distributions
    ADD COLUMN replaces bigint,
    ADD COLUMN category_key text GENERATED ALWAYS AS (coalesce(category, '')) STORED;

UPDATE bonus_distributions b SET replaces = x.prev
  FROM (SELECT entity_id, id, lag(id) OVER (PARTITION BY entity_id, year, role, coalesce(category, '') ORDER BY id) AS prev
          FROM bonus_distributions) x
 WHERE b.entity_id = x.entity_id AND b.id = x.id AND x.prev IS NOT NULL;

ALTER TABLE bonus_distributions
    ADD CONSTRAINT bonus_distributions_slot_key UNIQUE (entity_id, id, year, role, category_key),
    ADD CONSTRAINT bonus_distributions_replaces_fk FOREIGN KEY (entity_id, replaces, year, role, category_key)
        REFERENCES bonus_distributions (entity_id, id, year, role, category_key),
    ADD CONSTRAINT bonus_distributions_replaced_once UNIQUE (entity_id, replaces);
CREATE UNIQUE INDEX bonus_distributions_slot_unique ON bonus_distributions (entity_id, year, role, category_key)
    WHERE replaces IS NULL;
