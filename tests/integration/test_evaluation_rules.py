"""People evaluation: duplicates answer 409 naming the field, and who may create a form.

Uses the entity of the worked example (test_evaluation.small_entity).
"""
from run import expect_problem
from test_evaluation import MANAGER_SCHEME, STAFF_SCHEME, YEAR, small_entity


def conflict(r, field, words):
    d = expect_problem(r, 409, field)
    assert d["code"] == "conflict" and words in d["detail"], d
    assert [e["message"] for e in d["errors"] if e["field"] == field] == [d["detail"]], d
    return d


def test_duplicates_name_the_field(ctx):
    w = small_entity(ctx)
    t, E, people = w["t"], w["e"]["id"], w["people"]
    # a second scheme for the same year and role, created or patched into place
    conflict(ctx.post("/v1/entities/%d/evaluation-schemes" % E, STAFF_SCHEME, token=t["planner"]), "role",
             "already has an evaluation scheme for this year and role")
    other = ctx.create("/v1/entities/%d/evaluation-schemes" % E, dict(MANAGER_SCHEME, year=YEAR + 1),
                       token=t["planner"])
    conflict(ctx.patch("/v1/evaluation-schemes/%d" % other["id"], {"year": YEAR}, token=t["planner"]), "role",
             "already has an evaluation scheme for this year and role")
    # a second form for the same person and year, whatever the role
    for role in ("staff", "manager"):
        conflict(ctx.post("/v1/evaluation-forms", {"person_id": people["P1"]["id"], "year": YEAR, "role": role,
                                                   "plan_id": w["plan"]["id"], "structure_id": w["s1"]["id"]},
                          token=t["planner"]), "person_id", "already has an evaluation form for this year")
    # a person takes part in an objective once
    conflict(ctx.post("/v1/objectives/%d/participations" % w["obj"]["OB1"]["id"],
                      {"person_id": people["P1"]["id"], "percent": 10}, token=t["planner"]), "person_id",
             "already takes part in this objective")


def test_forms_are_created_by_hr(ctx):
    """docs/EVALUATION.md, "Who does what": the HR office (planner) or admin creates a form;
    the evaluator (the manager of the structure, or the Nucleo for a manager) rates and signs it."""
    w = small_entity(ctx)
    t, people = w["t"], w["people"]
    ctx.sql("DELETE FROM evaluation_forms WHERE person_id = %d" % people["P1"]["id"])
    body = {"person_id": people["P1"]["id"], "year": YEAR, "role": "staff", "plan_id": w["plan"]["id"],
            "structure_id": w["s1"]["id"]}
    for who in ("nucleo", "M1", "P1", "erp"):
        expect_problem(ctx.post("/v1/evaluation-forms", body, token=t[who]), 403)
    form = ctx.create("/v1/evaluation-forms", body, token=t["planner"])
    assert form["status"] == "draft" and form["evaluator_id"] == people["M1"]["id"], form
    r = ctx.patch("/v1/evaluation-forms/%d" % form["id"], {"ratings": {"C1": 4, "C2": 3}}, token=t["M1"])
    assert r.status == 200 and r.json["score"] == 87.6, r


def test_scheme_and_list_plumbing(ctx):
    """The generic paths the evaluation handlers share with the rest of the API: If-Match on
    PATCH and DELETE, list filters and pages, CSV, and deleting a participation."""
    w = small_entity(ctx)
    t, E = w["t"], w["e"]["id"]
    pl = t["planner"]
    extra = ctx.create("/v1/entities/%d/evaluation-schemes" % E, dict(STAFF_SCHEME, year=YEAR + 2), token=pl)
    path = "/v1/evaluation-schemes/%d" % extra["id"]
    r = ctx.get(path, token=pl)
    assert r.status == 200 and r.header("ETag") == '"%d"' % extra["version"], r
    # a stale If-Match, a malformed one, a server field
    expect_problem(ctx.patch(path, {"title": "x"}, token=pl, headers={"If-Match": '"99"'}), 412)
    expect_problem(ctx.patch(path, {"title": "x"}, token=pl, headers={"If-Match": "nope"}), 400)
    expect_problem(ctx.patch(path, {"id": 1}, token=pl), 422, "id")
    r = ctx.patch(path, {"title": "Comparto 2026"}, token=pl, headers={"If-Match": '"%d"' % extra["version"]})
    assert r.status == 200 and r.json["title"] == "Comparto 2026" and r.json["version"] == extra["version"] + 1, r
    assert r.header("ETag") == '"%d"' % r.json["version"], r
    expect_problem(ctx.patch("/v1/evaluation-schemes/999999999", {"title": "x"}, token=pl), 404)
    # list filters and pages
    lst = ctx.get("/v1/entities/%d/evaluation-schemes?year=%d" % (E, YEAR + 2), token=pl).json
    assert [s["id"] for s in lst["items"]] == [extra["id"]] and lst["next_cursor"] is None, lst
    page = ctx.get("/v1/entities/%d/evaluation-schemes?limit=1" % E, token=pl).json
    assert len(page["items"]) == 1 and page["next_cursor"], page
    expect_problem(ctx.get("/v1/entities/%d/evaluation-schemes?year=duemila" % E, token=pl), 400, "year")
    expect_problem(ctx.get("/v1/entities/%d/evaluation-schemes?role=boss" % E, token=pl), 400, "role")
    expect_problem(ctx.get("/v1/evaluation-forms?status=lost", token=pl), 400, "status")
    csv = ctx.get("/v1/evaluation-forms?role=manager&format=csv", token=pl)
    assert csv.status == 200 and csv.text.splitlines()[0].startswith("id;entity_id;person_id;person_name;year"), csv
    assert len(csv.text.splitlines()) == 3, csv.text
    csv = ctx.get("/v1/evaluation-forms?role=staff&format=csv&limit=1", token=pl)
    link = csv.header("Link")
    assert link.startswith("</v1/evaluation-forms?format=csv&limit=1&cursor=") and "&role=staff>" in link, link
    nxt = ctx.get(link[1:link.index(">")], token=pl)
    assert nxt.status == 200 and len(nxt.text.splitlines()) == 2 and ";staff;" in nxt.text, nxt.text
    # delete: stale If-Match, then for real, then gone
    expect_problem(ctx.delete(path, token=pl, headers={"If-Match": '"1"'}), 412)
    assert ctx.delete(path, token=pl).status == 204
    expect_problem(ctx.delete(path, token=pl), 404)
    expect_problem(ctx.get(path, token=pl), 404)
    # a participation is deleted once
    parts = "/v1/objectives/%d/participations" % w["obj"]["OB1"]["id"]
    first = ctx.get(parts, token=pl).json["items"][0]["id"]
    assert ctx.delete("/v1/participations/%d" % first, token=pl).status == 204
    expect_problem(ctx.delete("/v1/participations/%d" % first, token=pl), 404)
    assert len(ctx.get(parts, token=pl).json["items"]) == 1
