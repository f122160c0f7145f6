-- 006_scores_indexes.sql — performance (issue 8): the scores read of a plan
-- (src/store/monitoring.c, Q_INDICATORS) asks for the live indicators of one plan ordered by
-- objective and code. Without this index PostgreSQL sorts every indicator row (rules as
-- text included) on each request: ~45 ms of backend CPU for 20,000 indicators; read in
-- index order the sort goes away. The read sets random_page_cost = 1.1 for its snapshot
-- so that the planner takes this index (the plan is in memory on every read that matters).
CREATE INDEX indicators_plan_order_idx ON indicators (entity_id, plan_id, objective_id, code)
    WHERE removed_in_revision IS NULL;
