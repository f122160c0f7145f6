"""A plan revision from a document (POST /v1/plans/{id}/revisions:import, `ciclo import --revise`).

The ground truth is test_revisions.py, which replays Giunta deliberation 100/2022 of Caluso
(seed 003) by hand, one PATCH / POST / DELETE at a time: the same two versions of the plan,
given here as two plan documents, must give the same revisions, the same change list and the
same row identities (measurements and progress stay attached)."""
import copy
import json
import os
import re
import subprocess

from run import ROOT, expect_problem
from test_revisions import OBJ_FIELDS, SECTORS, SEED_MARKS, plan_100_2022, plan_8_2022, setup_caluso

EXAMPLES = os.path.join(ROOT, "examples")
DELIB_8 = {"number": "8/2022", "date": "2022-02-07", "body": "Giunta Comunale"}
DELIB_100 = {"number": "100/2022", "date": "2022-10-18", "body": "Giunta Comunale"}


def load(name):
    with open(os.path.join(EXAMPLES, name), encoding="utf-8") as f:
        return json.load(f)


def document(spec, entity_code, deliberation=None):
    """test_revisions' plan spec (code -> objective) as a ciclo-plan/1 document."""
    objectives = []
    for o in spec.values():
        d = {k: o[k] for k in ("code",) + OBJ_FIELDS if o.get(k) is not None}
        d["assignments"] = [{"structure_code": s, "weight": w} for s, w in o["assign"].items()]
        d["phases"] = [dict(p) for p in o["phases"].values()]
        d["indicators"] = [dict(i) for i in o["indicators"].values()]
        objectives.append(d)
    doc = {"format": "ciclo-plan/1", "entity": {"code": entity_code, "name": "Comune di Caluso", "kind": "comune"},
           "year": 2022, "kind": "performance", "title": "Piano della Performance 2022",
           "structures": [{"code": c, "name": n, "kind": "settore", "manager": m} for c, n, m, _ in SECTORS],
           "people": [{"external_id": m, "name": who, "role": "responsabile"} for _, _, m, who in SECTORS],
           "objectives": objectives}
    if deliberation:
        doc["deliberation"] = deliberation
    return doc


def ids_of(rev_doc):
    """code -> (objective id, {seq: phase id}, {code: indicator id})."""
    return {o["code"]: (o["id"], {p["seq"]: p["id"] for p in o["phases"]}, {i["code"]: i["id"] for i in o["indicators"]})
            for o in rev_doc["objectives"]}


def strip_ids(v):
    if isinstance(v, dict):
        return {k: strip_ids(x) for k, x in v.items() if k != "id"}
    if isinstance(v, list):
        return [strip_ids(x) for x in v]
    return v


def test_revision_import_replays_deliberation_100_2022(ctx):
    v1 = plan_8_2022()
    v2 = plan_100_2022(v1)
    code = ctx.unique("CALUSO")
    r = ctx.post("/v1/plans:import", document(v1, code, DELIB_8), timeout=120)
    assert r.status == 201 and r.json["status"] == "adopted" and r.json["revision"] == 1, r
    pid, eid = r.json["id"], r.json["entity_id"]
    planner = ctx.token("planner", entity=eid, name="ufficio-controllo")
    rev1 = ctx.get("/v1/plans/%d/revisions/1" % pid, token=planner).json
    before = ids_of(rev1)
    # measurements and progress recorded before the revision, on rows the revision keeps
    m_same = ctx.create("/v1/indicators/%d/measurements" % before["FIN-3"][2]["FIN-3.Q1"],
                        {"value": 7, "as_of": "2022-06-30", "source": "ERP"}, token=planner)
    m_moved = ctx.create("/v1/indicators/%d/measurements" % before["TEC-2"][2]["TEC-2.T1"],
                         {"value": "2022-06-30", "as_of": "2022-06-30"}, token=planner)
    prog = ctx.create("/v1/phases/%d/progress" % before["TEC-2"][1][1], {"percent_complete": 50}, token=planner)
    last_audit = int(ctx.sql("SELECT max(id) FROM audit")[0][0])

    # the revision, from the document of deliberation 100/2022
    r = ctx.post("/v1/plans/%d/revisions:import" % pid, document(v2, code, DELIB_100), token=planner, timeout=120)
    assert r.status == 201, r
    assert r.header("Location") == "/v1/plans/%d/revisions/2" % pid
    res = r.json
    assert res["id"] == pid and res["status"] == "adopted" and res["revision"] == 2, res
    changed = sum(1 for c in set(v1) & set(v2) if any(v1[c].get(f) != v2[c].get(f) for f in OBJ_FIELDS))
    assert res["changes"]["objectives"] == {"inserted": 1, "updated": changed, "removed": 1,
                                            "unchanged": len(v2) - 1 - changed}, res["changes"]
    assert res["counts"]["objectives"] == len(v2)
    assert res["counts"]["indicators"] == sum(len(o["indicators"]) for o in v2.values())
    assert res["counts"]["structures"] == {"inserted": 0, "updated": 0}, res["counts"]
    assert res["changes"]["assignments"]["updated"] == 1  # AMM-5: weight 10 -> 5
    assert res["changes"]["indicators"]["removed"] == 3 + 1  # FIN-2's three, TER-3.QL1
    assert isinstance(res["warnings"], list) and res["warnings_total"] >= len(res["warnings"])

    revs = ctx.get("/v1/plans/%d/revisions" % pid, token=planner).json["items"]
    assert [(x["number"], x["status"], x["deliberation"]) for x in revs] == \
        [(1, "adopted", DELIB_8), (2, "adopted", DELIB_100)], revs
    assert revs[1]["adopted_by"] == "ufficio-controllo"
    plan = ctx.get("/v1/plans/%d" % pid, token=planner).json
    assert plan["status"] == "adopted" and plan["revision"] == 2 and plan["editing"] is False, plan
    assert ctx.get("/v1/plans/%d/revisions/1" % pid, token=planner).json == rev1
    rev2 = ctx.get("/v1/plans/%d/revisions/2" % pid, token=planner).json
    assert rev2["deliberation"] == DELIB_100
    after = ids_of(rev2)
    for c in set(before) & set(after):  # every kept row keeps its id
        assert after[c][0] == before[c][0], c
        assert {s: i for s, i in after[c][1].items() if s in before[c][1]} == \
            {s: i for s, i in before[c][1].items() if s in after[c][1]}, c
        assert {k: i for k, i in after[c][2].items() if k in before[c][2]} == \
            {k: i for k, i in before[c][2].items() if k in after[c][2]}, c

    # the change list: exactly the sheets the seed marks, with test_revisions' fields
    ch = ctx.get("/v1/plans/%d/revisions/2/changes" % pid, token=planner).json
    assert ch["revision"] == 2 and ch["previous"] == 1
    items = ch["items"]
    assert {i["code"]: i["change"] for i in items} == SEED_MARKS, items
    by = {i["code"]: i for i in items}
    assert by["TER-3"]["fields"] == ["description", "end_year", "phases", "phases[2].deadline", "indicators",
                                     "indicators[TER-3.QL1]", "indicators[TER-3.T1].target"], by["TER-3"]
    assert by["AMM-5"]["fields"] == ["assignments", "assignments[structure:AMM].weight", "indicators",
                                     "indicators[AMM-5.Q1].target"], by["AMM-5"]
    assert by["FIN-4"]["fields"] == ["description", "end_year"]
    assert "indicators[FIN-1.Q2]" in by["FIN-1"]["fields"] and "phases[3].deadline" in by["FIN-1"]["fields"]
    assert by["TEC-4"]["fields"][:1] == ["title"] and "phases[3]" in by["TEC-4"]["fields"]

    # ... and the same as the revision made by hand (test_revisions' Builder)
    e, hand_planner, hand_plan, b = setup_caluso(ctx)
    for o in v1.values():
        b.create_objective(o)
    assert ctx.post("/v1/plans/%d/adopt" % hand_plan["id"], {"deliberation": DELIB_8}, token=hand_planner).status == 200
    assert ctx.post("/v1/plans/%d/revisions" % hand_plan["id"], token=hand_planner).status == 201
    b.apply(v1, v2)
    assert ctx.post("/v1/plans/%d/adopt" % hand_plan["id"], {"deliberation": DELIB_100},
                    token=hand_planner).status == 200
    hand = ctx.get("/v1/plans/%d/revisions/2/changes" % hand_plan["id"], token=hand_planner).json
    assert hand["items"] == items
    hand2 = ctx.get("/v1/plans/%d/revisions/2" % hand_plan["id"], token=hand_planner).json
    for d in (hand2, rev2):
        d["entity"] = None
        d["title"] = None
    assert strip_ids(hand2["objectives"]) == strip_ids(rev2["objectives"])

    # measurements and progress are still attached, and read through the kept rows
    ms = ctx.get("/v1/indicators/%d/measurements" % after["FIN-3"][2]["FIN-3.Q1"], token=planner).json["items"]
    assert [m["id"] for m in ms] == [m_same["id"]], ms
    ms = ctx.get("/v1/indicators/%d/measurements" % after["TEC-2"][2]["TEC-2.T1"], token=planner).json["items"]
    assert [m["id"] for m in ms] == [m_moved["id"]], ms
    pr = ctx.get("/v1/phases/%d/progress" % after["TEC-2"][1][1], token=planner).json["items"]
    assert [x["id"] for x in pr] == [prog["id"]], pr

    # the removed objective is kept, hidden, with its rows
    fin2 = before["FIN-2"][0]
    assert ctx.sql("SELECT removed_in_revision FROM objectives WHERE id = %d" % fin2) == [["2"]]
    assert ctx.sql("SELECT count(*), min(removed_in_revision) FROM phases WHERE objective_id = %d" % fin2) == [["4", "2"]]
    assert ctx.sql("SELECT count(*) FROM indicators WHERE objective_id = %d AND removed_in_revision = 2" % fin2) == [["3"]]
    expect_problem(ctx.get("/v1/objectives/%d" % fin2, token=planner), 404)

    # the audit trail: open_revision, each row written, adopt
    acts = ctx.sql("SELECT action, resource, count(*) FROM audit WHERE plan_id = %d AND id > %d GROUP BY 1, 2"
                   % (pid, last_audit))
    got = {(a, r): int(n) for a, r, n in acts}
    assert got[("open_revision", "plans")] == 1 and got[("adopt", "plans")] == 1, got
    assert got[("delete", "objectives")] == 1 and got[("create", "objectives")] == 1, got
    assert got[("update", "objectives")] == changed, got
    # the ERP sees the revision in the change feed
    erp = ctx.token("erp", entity=eid)
    feed = ctx.get("/v1/changes?limit=1000", token=erp).json["items"]
    assert any(x["resource"] == "objectives" and x["action"] == "delete" and x["resource_id"] == fin2 for x in feed)

    # the export is the revised plan, with its deliberation; it re-imports as a new adopted plan
    exp = ctx.get("/v1/plans/%d/export" % pid, token=planner).json
    assert exp["deliberation"] == DELIB_100 and sorted(o["code"] for o in exp["objectives"]) == sorted(v2)
    exp["year"] = 2072
    again = ctx.post("/v1/plans:import", exp, timeout=120)
    assert again.status == 201 and again.json["status"] == "adopted" and again.json["revision"] == 1, again
    exp2 = ctx.get("/v1/plans/%d/export" % again.json["id"]).json
    assert exp2 == exp


def test_examples_caluso_r1_then_r2_as_revision_2(ctx):
    r1, r2 = load("caluso-2022-r1.json"), load("caluso-2022-r2.json")
    code = ctx.unique("CALUSO")
    r1["entity"]["code"] = r2["entity"]["code"] = code
    res = ctx.post("/v1/plans:import", r1)
    assert res.status == 201 and res.json["revision"] == 1, res
    pid = res.json["id"]
    r = ctx.post("/v1/plans/%d/revisions:import" % pid, r2)
    assert r.status == 201 and r.json["revision"] == 2, r
    assert r.json["counts"]["objectives"] == 12 and r.json["counts"]["indicators"] == 51, r.json
    # the 11 MODIFICATO sheets are declared modified by the deliberation (revision_mark): their
    # rows record the declaration, though their earlier text is not in the seed
    assert r.json["changes"]["objectives"] == {"inserted": 1, "updated": 11, "removed": 1, "unchanged": 0}, r.json
    revs = ctx.get("/v1/plans/%d/revisions" % pid).json["items"]
    assert [x["deliberation"]["number"] for x in revs] == ["8/2022", "100/2022"]
    ch = ctx.get("/v1/plans/%d/revisions/2/changes" % pid).json["items"]
    modified = sorted(o["code"] for o in r2["objectives"] if o.get("revision_mark") == "modified")
    assert len(modified) == 11 and "FIN-2B" not in modified
    assert {i["code"]: i["change"] for i in ch} == dict({"FIN-2": "removed", "FIN-2B": "inserted"},
                                                       **{c: "modified" for c in modified}), ch
    by = {i["code"]: i for i in ch}
    for c in modified:  # same text in r1 and r2: the deliberation is the only source
        assert by[c]["fields"] == [] and by[c]["source"] == "deliberation" and by[c]["declared"] == "modified", by[c]
    assert by["FIN-2B"]["source"] == "deliberation" and by["FIN-2B"]["declared"] == "inserted"
    assert "source" not in by["FIN-2"]  # the removal comes from the comparison of the two revisions
    # the export of revision 2 is r2 (ids and nulls aside)
    exp = ctx.get("/v1/plans/%d/export" % pid).json
    assert exp["deliberation"] == r2["deliberation"]
    assert sorted(o["code"] for o in exp["objectives"]) == sorted(o["code"] for o in r2["objectives"])
    # the same document again: its deliberation is already used
    expect_problem(ctx.post("/v1/plans/%d/revisions:import" % pid, r2), 409)


def test_cli_import_revise(ctx):
    r1, r2 = load("caluso-2022-r1.json"), load("caluso-2022-r2.json")
    code = ctx.unique("CALUSO")
    r1["entity"]["code"] = r2["entity"]["code"] = code
    paths = []
    for name, doc in (("r1.json", r1), ("r2.json", r2)):
        paths.append(os.path.join(ctx.tmp, code + name))
        with open(paths[-1], "w", encoding="utf-8") as f:
            json.dump(doc, f)
    env = dict(os.environ, DATABASE_URL=ctx.database_url)
    out = subprocess.run([ctx.bin, "import", paths[0]], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out
    pid = int(re.search(r"plan (\d+) imported", out.stdout).group(1))
    out = subprocess.run([ctx.bin, "import", "--revise", paths[1]], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out
    assert ("plan %d revised" % pid) in out.stdout and "revision 2" in out.stdout, out.stdout
    assert ctx.get("/v1/plans/%d" % pid).json["revision"] == 2
    # again: deliberation 100/2022 is already there
    out = subprocess.run([ctx.bin, "import", "--revise", paths[1]], env=env, capture_output=True, text=True)
    assert out.returncode == 1 and "409" in out.stderr, out
    # a document whose plan does not exist
    r2["year"] = 2031
    with open(paths[1], "w", encoding="utf-8") as f:
        json.dump(r2, f)
    out = subprocess.run([ctx.bin, "import", "--revise", paths[1]], env=env, capture_output=True, text=True)
    assert out.returncode == 1 and "404" in out.stderr, out


def state(ctx, pid):
    return ctx.sql("SELECT p.status, p.editing, p.revision, p.version, (SELECT count(*) FROM objectives o WHERE "
                   "o.plan_id = p.id AND o.removed_in_revision IS NULL), (SELECT count(*) FROM audit a WHERE "
                   "a.plan_id = p.id), (SELECT count(*) FROM plan_revisions r WHERE r.plan_id = p.id) "
                   "FROM plans p WHERE p.id = %d" % pid)


def test_revision_import_errors(ctx):
    v1 = plan_8_2022()
    v2 = plan_100_2022(v1)
    code = ctx.unique("CALUSO")
    pid = ctx.post("/v1/plans:import", document(v1, code, DELIB_8)).json["id"]
    good = document(v2, code, DELIB_100)
    s0 = state(ctx, pid)
    # the document must be the plan's: entity, year and kind
    for field, change in (("year", {"year": 2023}), ("kind", {"kind": "peg"}),
                          ("entity.code", {"entity": {"code": "ALTRO", "name": "Altro"}})):
        doc = dict(copy.deepcopy(good), **change)
        expect_problem(ctx.post("/v1/plans/%d/revisions:import" % pid, doc), 422, field)
    doc = copy.deepcopy(good)
    del doc["deliberation"]
    expect_problem(ctx.post("/v1/plans/%d/revisions:import" % pid, doc), 422, "deliberation")
    # errors deep inside: every one with its path, nothing changed
    doc = copy.deepcopy(good)
    objs = doc["objectives"]
    objs[3]["phases"][0]["deadline"] = "2022-06-31"
    objs[5]["indicators"][0]["code"] = objs[4]["indicators"][0]["code"]
    objs[7]["assignments"][0]["structure_code"] = "NO-SUCH-UNIT"
    objs[0]["indicators"][1]["rule"] = {"kind": "bands", "bands": [{"min": 1, "scroe": 2}]}
    body = expect_problem(ctx.post("/v1/plans/%d/revisions:import" % pid, doc), 422)
    fields = [e["field"] for e in body["errors"]]
    for f in ("objectives[3].phases[0].deadline", "objectives[5].indicators[0].code",
              "objectives[7].assignments[0].structure_code"):
        assert f in fields, (f, fields)
    assert any(f.startswith("objectives[0].indicators[1].rule") for f in fields), fields
    assert state(ctx, pid) == s0
    # the deliberation must not be older than revision 1's
    doc = copy.deepcopy(good)
    doc["deliberation"] = {"number": "1/2022", "date": "2022-01-10"}
    expect_problem(ctx.post("/v1/plans/%d/revisions:import" % pid, doc), 422, "deliberation.date")
    assert state(ctx, pid) == s0
    # who may: planners and admins of the entity
    eid = int(ctx.sql("SELECT entity_id FROM plans WHERE id = %d" % pid)[0][0])
    expect_problem(ctx.post("/v1/plans/%d/revisions:import" % pid, good, token=ctx.token("reader", entity=eid)), 403)
    other = ctx.entity()
    expect_problem(ctx.post("/v1/plans/%d/revisions:import" % pid, good,
                            token=ctx.token("planner", entity=other["id"])), 404)
    expect_problem(ctx.post("/v1/plans/999999999/revisions:import", good), 404)
    expect_problem(ctx.post("/v1/plans/%d/revisions:import" % pid, raw="{nope",
                            headers={"Content-Type": "application/json"}), 400)
    # a revision open by hand: 409 until it is adopted
    assert ctx.post("/v1/plans/%d/revisions" % pid).status == 201
    expect_problem(ctx.post("/v1/plans/%d/revisions:import" % pid, good), 409)
    assert ctx.post("/v1/plans/%d/adopt" % pid, {"deliberation": {"number": "50/2022", "date": "2022-05-02"}}).status == 200
    r = ctx.post("/v1/plans/%d/revisions:import" % pid, good)
    assert r.status == 201 and r.json["revision"] == 3, r
    # a draft plan: 409
    draft = ctx.post("/v1/plans:import", document(v1, ctx.unique("CALUSO"))).json
    assert draft["status"] == "draft"
    body = expect_problem(ctx.post("/v1/plans/%d/revisions:import" % draft["id"],
                                   document(v2, "x", DELIB_100)), 409)
    assert "draft" in body["detail"], body
    # with an Idempotency-Key the same request replays its answer
    pid3 = ctx.post("/v1/plans:import", document(v1, ctx.unique("CALUSO"), DELIB_8)).json["id"]
    doc = document(v2, ctx.sql("SELECT e.code FROM plans p JOIN entities e ON e.id = p.entity_id WHERE p.id = %d" %
                               pid3)[0][0], DELIB_100)
    key = {"Idempotency-Key": "revise-" + ctx.unique()}
    a = ctx.post("/v1/plans/%d/revisions:import" % pid3, doc, headers=key)
    b = ctx.post("/v1/plans/%d/revisions:import" % pid3, doc, headers=key)
    assert a.status == 201 and b.status == 201 and a.body == b.body, (a, b)
    assert ctx.get("/v1/plans/%d" % pid3).json["revision"] == 2
