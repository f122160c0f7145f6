"""Each rule decoded once (issue 21, sql/030_rule_forms.sql): indicators.rule_form keeps the
compact form of the decoded rule. Whatever path wrote the rules (the API, an import, a revision,
a rollover, plain SQL), a plan scores the same from the stored forms as from the rules' JSON, a
write that changes a rule drops its form, and a damaged form is never used.
"""
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DELIB = {"deliberation": {"number": "12", "date": "2024-01-30", "body": "Giunta Comunale"}}
AS_OF = "2024-12-31"

RULES = [  # (value_type, rule, measured value): every kind, nested ones too
    ("percent", {"kind": "bands", "direction": "higher_is_better",
                 "bands": [{"min": 90, "score": 100}, {"min": 85, "max": 90, "score": 80, "proportional": True},
                           {"min": 0, "max": 85, "score": 0, "max_inclusive": True}]}, 87.25),
    ("number", {"kind": "bands", "integer": True, "direction": "lower_is_better",
                "bands": [{"max": 3, "max_inclusive": True, "score": 100}, {"min": 3, "min_exclusive": True,
                                                                           "score": 40.5}]}, 5),
    ("boolean", {"kind": "boolean", "description": "fatto o no"}, True),
    ("number", {"kind": "linear", "target": 120.5, "baseline": 20}, 70),
    ("date", {"kind": "deadline", "due": "2024-06-30"}, "2024-07-03"),
    ("date", {"kind": "deadline", "due": "2024-02-29", "bands": [
        {"max": 0, "max_inclusive": True, "score": 100}, {"min": 0, "min_exclusive": True, "max": 30, "score": 60},
        {"min": 30, "score": 0}]}, "2024-03-10"),
    ("number", {"kind": "formula", "expr": "(a − b) / a × 100", "then": {"kind": "bands", "bands": [
        {"min": 50, "score": 100}, {"max": 50, "score": 20}]}}, {"a": 10, "b": 4}),
    ("number", {"kind": "all_targets", "parts": [{"kind": "boolean"}, {"kind": "linear", "target": 10},
                                                 {"kind": "formula", "expr": "min(x, 100)"}]}, [True, 5, {"x": 80}]),
]


def path(pid):
    return "/v1/plans/%d/scores?as_of=%s" % (pid, AS_OF)


def live_without_form(ctx, pid):
    return int(ctx.sql("SELECT count(*) FROM indicators WHERE plan_id = %d AND removed_in_revision IS NULL AND "
                       "rule IS NOT NULL AND rule_form IS NULL" % pid)[0][0])


def same_from_forms_and_json(ctx, pid, invalid=0, live=True):
    """The scores of plan pid: read first (forms written back), again from the stored forms, and from
    the JSON with every form dropped, are the same answer. invalid: rules that cannot be decoded
    (they never get a form); live False: the scores read an adopted revision's document, whose
    rules have no stored form."""
    first = ctx.get(path(pid))
    assert first.status == 200, first
    assert not live or live_without_form(ctx, pid) == invalid
    stored = ctx.get(path(pid))
    ctx.sql("UPDATE indicators SET rule_form = NULL WHERE plan_id = %d" % pid)
    plain = ctx.get(path(pid))
    assert first.json == stored.json == plain.json
    assert not live or live_without_form(ctx, pid) == invalid
    return stored.json


def hand_plan(ctx):
    e = ctx.entity()
    s = ctx.create("/v1/entities/%d/structures" % e["id"], {"code": "S1", "name": "Settore uno"})
    plan = ctx.plan(e["id"])
    inds = []
    for k, (vt, rule, value) in enumerate(RULES):
        o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB%d" % k, "title": "Obiettivo %d" % k})
        ctx.create("/v1/objectives/%d/assignments" % o["id"], {"structure_id": s["id"], "weight": 10})
        ind = ctx.create("/v1/objectives/%d/indicators" % o["id"], {"code": "I%d" % k, "name": "Indicatore %d" % k,
                                                                    "value_type": vt, "rule": rule})
        assert ctx.post("/v1/indicators/%d/measurements" % ind["id"], {"value": value, "as_of": "2024-10-01"}).status \
            == 201
        inds.append(ind)
    return e, plan, inds


def test_forms_through_the_api_and_sql(ctx):
    e, plan, inds = hand_plan(ctx)
    pid = plan["id"]
    before = same_from_forms_and_json(ctx, pid)
    ctx.get(path(pid))
    # a rule changed through the API drops its form, and scores by the new rule
    r = ctx.patch("/v1/indicators/%d" % inds[3]["id"], {"rule": {"kind": "linear", "target": 200, "baseline": 20}})
    assert r.status == 200, r
    assert ctx.sql("SELECT rule_form IS NULL FROM indicators WHERE id = %d" % inds[3]["id"]) == [["t"]]
    after = same_from_forms_and_json(ctx, pid)
    assert after != before
    # another field changed keeps the form
    ctx.get(path(pid))
    assert ctx.patch("/v1/indicators/%d" % inds[3]["id"], {"name": "Altro nome"}).status == 200
    assert ctx.sql("SELECT rule_form IS NOT NULL FROM indicators WHERE id = %d" % inds[3]["id"]) == [["t"]]
    # plain SQL: a changed rule drops its form; an insert never brings one
    ctx.sql("UPDATE indicators SET rule = jsonb_set(rule, '{target}', '150') WHERE id = %d" % inds[3]["id"])
    assert ctx.sql("SELECT rule_form IS NULL FROM indicators WHERE id = %d" % inds[3]["id"]) == [["t"]]
    ctx.sql("UPDATE indicators SET rule_form = 'r1 T', name = name || '!' WHERE id = %d" % inds[2]["id"])
    ctx.sql("UPDATE indicators SET rule = '{\"kind\": \"linear\", \"target\": 5}', rule_form = 'r1 T' "
            "WHERE id = %d" % inds[1]["id"])
    assert ctx.sql("SELECT rule_form IS NULL FROM indicators WHERE id = %d" % inds[1]["id"]) == [["t"]]
    ctx.sql("INSERT INTO indicators (entity_id, plan_id, objective_id, code, name, rule, rule_form) SELECT entity_id, "
            "plan_id, objective_id, 'I-SQL', 'da SQL', rule, 'r1 T' FROM indicators WHERE id = %d" % inds[0]["id"])
    assert ctx.sql("SELECT rule_form IS NULL FROM indicators WHERE plan_id = %d AND code = 'I-SQL'" % pid) == [["t"]]
    # a rule the decoder refuses (written around the API) never gets a form, and says why as before
    ctx.sql("UPDATE indicators SET rule = '{\"kind\": \"bands\", \"bands\": []}' WHERE id = %d" % inds[4]["id"])
    doc = same_from_forms_and_json(ctx, pid, invalid=1)
    # a damaged form, or one of another version, is not used: the rule is read from its JSON
    for damaged in ("r1 X", "r9 T", "r1 B 0 0 1 0 0 0 100 7"):
        ctx.get(path(pid))
        ctx.sql("UPDATE indicators SET rule_form = '%s' WHERE id = %d" % (damaged, inds[0]["id"]))
        assert ctx.get(path(pid)).json == doc
        assert ctx.sql("SELECT rule_form LIKE 'r1 B %%' FROM indicators WHERE id = %d" % inds[0]["id"]) == [["t"]]
    # a form that reads back but is not the rule's would be believed: only the server writes one,
    # and only for the rule text it decoded (the SHA-256 check of store_plan_rows_keep_forms)
    assert ctx.sql("SELECT count(*) FROM indicators WHERE plan_id = %d AND rule_form IS NOT NULL AND rule_form NOT "
                   "LIKE 'r1 %%'" % pid) == [["0"]]


def test_forms_after_import_revision_and_rollover(ctx):
    # an import (the Torino plan: 95 rules)
    with open(os.path.join(ROOT, "examples", "torino-2024.json"), encoding="utf-8") as f:
        doc = json.load(f)
    doc["entity"]["code"] = ctx.unique("TORINO")
    r = ctx.post("/v1/plans:import", doc, timeout=120)
    assert r.status == 201, r
    tid = r.json["id"]
    assert live_without_form(ctx, tid) > 90
    same_from_forms_and_json(ctx, tid)
    ctx.get(path(tid))
    # a revision from a document that changes one rule: that rule's form goes, the others stay
    if r.json["status"] == "draft":
        assert ctx.post("/v1/plans/%d/adopt" % tid, DELIB).status == 200
    exp = ctx.get("/v1/plans/%d/export" % tid).json
    ind = [i for o in exp["objectives"] for i in o["indicators"] if (i.get("rule") or {}).get("kind") == "bands"][0]
    ind["rule"]["bands"][0]["score"] = 99
    exp["deliberation"] = {"number": "99", "date": "2024-05-30", "body": "Giunta Comunale"}
    r = ctx.post("/v1/plans/%d/revisions:import" % tid, exp, timeout=120)
    assert r.status == 201, r
    assert ctx.sql("SELECT rule_form IS NULL FROM indicators WHERE plan_id = %d AND code = '%s' AND "
                   "removed_in_revision IS NULL" % (tid, ind["code"])) == [["t"]]
    assert live_without_form(ctx, tid) == 1
    same_from_forms_and_json(ctx, tid)
    # a rollover copies rules, never forms
    ctx.get(path(tid))
    r = ctx.post("/v1/plans/%d:rollover" % tid, {})
    assert r.status == 201, r
    same_from_forms_and_json(ctx, r.json["plan"]["id"])
    # an open revision: the scores read the adopted revision's document (no stored forms there)
    e, plan, inds = hand_plan(ctx)
    pid = plan["id"]
    ctx.get(path(pid))
    assert ctx.post("/v1/plans/%d/adopt" % pid, DELIB).status == 200
    assert ctx.post("/v1/plans/%d/revisions" % pid).status == 201
    same_from_forms_and_json(ctx, pid, live=False)
