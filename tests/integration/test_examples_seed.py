"""The example plans keep what the seed says, and nothing else (issue 15, item 3): after import
(POST /v1/plans:import) the facts the generators used to change silently hold over HTTP —
objective 97's own title, weights the seed does not print left null (and still scored and
checked), Venezia's strategic objective 6 with its 13 DUP objectives, the seed's conflicts as
notes, a type per assignment where the seed gives one per structure, objective 49's budget base,
Tortona's impossible date left empty; and the new fields (notes, assignment scope/slot) through
the CRUD API with their limits. Caluso's declared changes: test_import_revisions.py."""
import copy
import json
import os

from run import ROOT, expect_problem

EXAMPLES = os.path.join(ROOT, "examples")


def load(name):
    with open(os.path.join(EXAMPLES, name), encoding="utf-8") as f:
        return json.load(f)


def imported(ctx, name):
    """Imports an example under a fresh entity code; returns (plan id, its export by objective code)."""
    doc = copy.deepcopy(load(name))
    doc["entity"]["code"] = ctx.unique(doc["entity"]["code"][:8])
    r = ctx.post("/v1/plans:import", doc, timeout=120)
    assert r.status == 201, r
    exp = ctx.get("/v1/plans/%d/export" % r.json["id"]).json
    return r.json["id"], {o["code"]: o for o in exp["objectives"]}


def objective_ids(ctx, pid):
    out, cursor = {}, None
    while True:
        r = ctx.get("/v1/plans/%d/objectives?limit=500%s" % (pid, "&cursor=" + cursor if cursor else "")).json
        out.update({o["code"]: o for o in r["items"]})
        cursor = r["next_cursor"]
        if not cursor:
            return out


def test_torino_keeps_the_seed(ctx):
    pid, objs = imported(ctx, "torino-2024.json")
    # every title belongs to its own row: 97 is the table's line 147, not objective 78's text
    assert objs["97"]["title"].startswith("Riduzione dei tempi nella predisposizione degli atti"), objs["97"]
    assert objs["78"]["title"].startswith("Digitalizzazione e automazione dei processi"), objs["78"]
    titles = [o["title"] for o in objs.values()]
    assert len(titles) == len(set(titles)), "two objectives share a title"
    # weights the seed does not print stay null: A02 (line 3) prints only 3:15 and 22:15
    a02 = {c: a for c, o in objs.items() for a in o["assignments"] if a.get("structure_code") == "A02"}
    assert sorted(a02) == ["1", "2", "21", "22", "23", "24", "3", "4"], sorted(a02)
    assert {c: a.get("weight") for c, a in a02.items()} == {
        "1": None, "2": None, "3": 15, "4": None, "21": None, "22": 15, "23": None, "24": None}
    unweighted = sum(1 for o in objs.values() for a in o["assignments"] if a.get("weight") is None)
    assert unweighted == 133, unweighted
    # ... and so they are through the CRUD API
    crud = objective_ids(ctx, pid)
    rows = ctx.get("/v1/objectives/%d/assignments" % crud["1"]["id"]).json["items"]
    assert len(rows) == 28 and sum(1 for a in rows if a["weight"] is None) == 23, rows
    # the conflicts between the seed's two tables are notes on the objective
    for code, both in {"14": ("31/03/2024", "30/03/2024"), "34": ("31/12/2024", "30/06/2024"),
                       "87": ("30/04/2024", "30/03/2024"), "93": ("20/11/2024", "30/11/2024"),
                       "65": ("almeno un progetto", "almeno 2 progetti"), "42": ("Ragioneria", "Direzione")}.items():
        notes = " ".join(objs[code].get("notes", []))
        assert all(x in notes for x in both), (code, objs[code].get("notes"))
        assert crud[code]["notes"] == objs[code]["notes"]
    assert not objs["1"].get("notes") and crud["1"]["notes"] == []
    # objective 14 is "Direzione" for QA4 and "Individuale" for QA7: the type is the assignment's
    scope14 = {a["structure_code"]: a.get("scope") for a in objs["14"]["assignments"]}
    assert scope14 == {"QA4": "structure", "QA7": "individual"}, scope14
    scope34 = {a["structure_code"]: a.get("scope") for a in objs["34"]["assignments"]}
    assert scope34 == {"UB1": "individual", "UC0": "structure"}, scope34
    rows = ctx.get("/v1/objectives/%d/assignments" % crud["14"]["id"]).json["items"]
    assert sorted(a["scope"] for a in rows) == ["individual", "structure"] and all(a["slot"] is None for a in rows)
    # the budget base the 8% target of 49 needs
    assert "1.500.000" in objs["49"].get("description", ""), objs["49"]
    # no year the seed does not give
    assert all("start_year" not in o and "end_year" not in o for o in objs.values())
    # lists answer CSV with the new columns
    csv = ctx.get("/v1/plans/%d/objectives?format=csv&limit=500" % pid)
    assert csv.status == 200 and "notes" in csv.text.split("\n", 1)[0] and "31/03/2024" in csv.text, csv
    csv = ctx.get("/v1/objectives/%d/assignments?format=csv" % crud["14"]["id"])
    assert csv.status == 200 and "scope" in csv.text.split("\n", 1)[0] and "individual" in csv.text, csv
    # null weights are scored and checked, not refused
    for path in ("/v1/plans/%d/scores" % pid, "/v1/plans/%d/checks" % pid):
        r = ctx.get(path, timeout=120)
        assert r.status == 200, (path, r)


def test_venezia_strategic_objective_6(ctx):
    pid, objs = imported(ctx, "venezia-peg-2020.json")
    assert "SO-06" in objs and objs["SO-06"]["title"] == "" and objs["SO-06"]["level"] == "strategic"
    children = lambda so: sorted(c for c, o in objs.items() if o.get("parent_code") == so)
    assert len(children("SO-06")) == 13, children("SO-06")
    assert len(children("SO-05")) == 3, children("SO-05")
    # SO-06's children are the DUP rows 87-117 of the seed, after 5's block
    lines = [int(objs[c]["indicators"][0]["source"].split()[-1]) for c in children("SO-06")]
    assert min(lines) >= 86 and max(lines) < 124, lines
    assert ctx.get("/v1/plans/%d/checks" % pid, timeout=120).status == 200


def test_tortona_impossible_date_is_left_empty_with_a_note(ctx):
    pid, objs = imported(ctx, "tortona-2024.json")
    ph1 = [f for f in objs["SIS-01"]["phases"] if f["seq"] == 1][0]
    assert "deadline" not in ph1 or ph1["deadline"] is None, ph1
    assert any("31.06.2024" in n for n in objs["SIS-01"]["notes"]), objs["SIS-01"].get("notes")
    assert [f["deadline"] for f in objs["SIS-01"]["phases"] if f["seq"] == 2] == ["2024-12-31"]


def test_caluso_dates_as_the_seed_writes_them(ctx):
    pid, objs = imported(ctx, "caluso-2022-r1.json")
    targets = {i["code"]: i["target"] for o in objs.values() for i in o["indicators"]}
    assert targets["AMM-5-I2"] == "31-dic" and targets["FIN-2-I1"] == "15/05/22", targets
    # a document without revision marks (r1) exports none
    assert all(o.get("revision_mark") is None for o in objs.values())


def test_notes_and_assignment_type_through_the_api(ctx):
    ent = ctx.entity()
    plan = ctx.plan(ent["id"])
    s = ctx.create("/v1/entities/%d/structures" % ent["id"], {"code": "S1", "name": "S"})
    o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {
        "code": "O1", "title": "", "notes": ["tabella: 31/03; matrice: 30/03", "x" * 2000]})
    assert o["title"] == "" and o["notes"][0] == "tabella: 31/03; matrice: 30/03"
    expect_problem(ctx.post("/v1/plans/%d/objectives" % plan["id"], {"code": "O2", "title": "t", "notes": ["x" * 2001]}),
                   422, "notes")
    expect_problem(ctx.post("/v1/plans/%d/objectives" % plan["id"], {"code": "O2", "title": "t", "notes": [""]}),
                   422, "notes")
    a = ctx.create("/v1/objectives/%d/assignments" % o["id"], {"structure_id": s["id"], "scope": "individual",
                                                                 "slot": 3})
    assert a["scope"] == "individual" and a["slot"] == 3 and a["weight"] is None
    expect_problem(ctx.patch("/v1/assignments/%d" % a["id"], {"scope": "team"}), 422, "scope")
    expect_problem(ctx.patch("/v1/assignments/%d" % a["id"], {"slot": 11}), 422, "slot")
    r = ctx.patch("/v1/assignments/%d" % a["id"], {"scope": None, "slot": None})
    assert r.status == 200 and r.json["scope"] is None and r.json["slot"] is None, r
    # the plan document carries them; a bad one is refused naming the path
    exp = ctx.get("/v1/plans/%d/export" % plan["id"]).json
    assert exp["objectives"][0]["notes"] == o["notes"]
    doc = copy.deepcopy(exp)
    doc["year"] = 2025
    doc["objectives"][0]["assignments"][0]["scope"] = "team"
    expect_problem(ctx.post("/v1/plans:import", doc), 422, "objectives[0].assignments[0].scope")
    doc["objectives"][0]["assignments"][0]["scope"] = "structure"
    doc["objectives"][0]["revision_mark"] = "deleted"
    expect_problem(ctx.post("/v1/plans:import", doc), 422, "objectives[0].revision_mark")
    del doc["objectives"][0]["revision_mark"]
    r = ctx.post("/v1/plans:import", doc)
    assert r.status == 201, r
    again = ctx.get("/v1/plans/%d/export" % r.json["id"]).json
    assert again["objectives"][0]["assignments"][0]["scope"] == "structure"


def test_declared_changes_belong_to_their_revision(ctx):
    """Caluso r1, then r2 by revisions:import (declares 11 sheets modified, FIN-2B inserted), then a
    revision 3 edited by hand: its change list shows only what changed, not revision 2's marks."""
    r1, r2 = load("caluso-2022-r1.json"), load("caluso-2022-r2.json")
    r1["entity"]["code"] = r2["entity"]["code"] = ctx.unique("CALUSO")
    pid = ctx.create("/v1/plans:import", r1)["id"]
    assert ctx.post("/v1/plans/%d/revisions:import" % pid, r2).status == 201
    ch2 = {i["code"]: i for i in ctx.get("/v1/plans/%d/revisions/2/changes" % pid).json["items"]}
    assert sum(1 for i in ch2.values() if i.get("declared") == "modified") == 11, ch2
    # the snapshot of revision 2 keeps its marks; the export of the adopted plan carries none
    snap = ctx.get("/v1/plans/%d/revisions/2" % pid).json
    assert sum(1 for o in snap["objectives"] if o.get("revision_mark") == "modified") == 11
    assert all(o.get("revision_mark") is None for o in ctx.get("/v1/plans/%d/export" % pid).json["objectives"])
    assert ctx.post("/v1/plans/%d/revisions" % pid).status == 201
    tec2 = objective_ids(ctx, pid)["TEC-2"]
    assert ctx.patch("/v1/objectives/%d" % tec2["id"], {"notes": ["slittamento dei termini"]}).status == 200
    draft = ctx.get("/v1/plans/%d/revisions/3/changes" % pid).json["items"]
    assert [(i["code"], i["change"], i["fields"]) for i in draft] == [("TEC-2", "modified", ["notes"])], draft
    r = ctx.post("/v1/plans/%d/adopt" % pid, {"deliberation": {"number": "120/2022", "date": "2022-11-30",
                                                                "body": "Giunta Comunale"}})
    assert r.status == 200, r
    ch3 = ctx.get("/v1/plans/%d/revisions/3/changes" % pid).json["items"]
    assert ch3 == draft and "source" not in ch3[0], ch3
