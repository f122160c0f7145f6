"""Override by request and approval (issue 14, item 6): a manager (for the objectives of their
structures) or the planner asks for an objective's score to be set by hand, with a reason; the
evaluator approves or rejects; both acts are audited; the score answer shows the computed figure
and the approved one."""
from run import expect_problem
from test_periods import Plan


def ask(ctx, w, i, role, **body):
    doc = {"score": 90, "as_of": "2024-12-31", "reason": "obiettivo raggiunto con atto fuori sistema"}
    doc.update(body)
    return ctx.post("/v1/objectives/%d/overrides" % w.o[i]["id"], doc, token=w.tok.get(role, role))


def test_request_approve_reject(ctx):
    w = Plan(ctx)
    assert w.measure(40, "2024-12-31").status == 201
    # who may ask: the manager for her own structure's objective, the planner for any
    r = ask(ctx, w, 0, "manager")
    assert r.status == 201 and r.header("Location") == "/v1/overrides/%d" % r.json["id"], r
    mine = r.json
    assert mine["status"] == "requested" and mine["score"] == 90 and mine["requested_role"] == "manager", mine
    assert mine["requested_by"] == "Anna Rossi", mine  # the person the manager token names
    assert expect_problem(ask(ctx, w, 1, "manager"), 403)["code"] == "forbidden"  # S2 is not hers
    for role in ("reader", "erp", "evaluator"):
        expect_problem(ask(ctx, w, 0, role), 403)
    expect_problem(ask(ctx, w, 0, "planner", reason=""), 422, "reason")
    expect_problem(ask(ctx, w, 0, "planner", score=101), 422, "score")
    expect_problem(ask(ctx, w, 0, "planner", score="novanta"), 422, "score")
    expect_problem(ask(ctx, w, 0, "planner", as_of="2024-02-30"), 422, "as_of")
    expect_problem(ask(ctx, w, 0, "planner", weight=3), 422, "weight")
    # a request changes nothing yet
    s = w.score("2024-12-31")
    assert s["score"] == 40 and s["computed_score"] == 40 and s["override"] is None, s

    # only the evaluator decides, and never on an objective that counts towards their own score
    for role in ("admin", "planner", "manager", "reader", "erp"):
        expect_problem(ctx.post("/v1/overrides/%d/approve" % mine["id"], {}, token=w.tok[role]), 403)
    d = expect_problem(ctx.post("/v1/overrides/%d/approve" % mine["id"], {}, token=w.nucleo_boss), 403)
    assert d["code"] == "own_score", d
    r = ctx.post("/v1/overrides/%d/approve" % mine["id"], {"note": "verificato l'atto"}, token=w.tok["evaluator"])
    assert r.status == 200 and r.json["status"] == "approved" and r.json["decided_by"], r
    assert r.json["decision_note"] == "verificato l'atto"
    d = expect_problem(ctx.post("/v1/overrides/%d/reject" % mine["id"], {"note": "ci ho ripensato"},
                                token=w.tok["evaluator"]), 409)
    assert d["code"] == "override_decided", d

    # the score answer: the approved figure counts, the computed one stays visible
    s = w.score("2024-12-31")
    assert s["score"] == 90 and s["computed_score"] == 40, s
    assert s["override"]["id"] == mine["id"] and s["override"]["reason"].startswith("obiettivo raggiunto"), s
    assert s["indicators"][0]["score"] == 40
    assert s["explanation"].startswith("set by hand to 90 (override %d" % mine["id"]), s["explanation"]
    # ... and counts for the structure, the report and the entity
    assert w.structure_score("2024-12-31") == 90
    rows = ctx.get("/v1/plans/%d/report?as_of=2024-12-31" % w.plan["id"]).json["rows"]
    assert [(r["assignee_kind"], r["score"], r["computed_score"]) for r in rows if r["objective_code"] == "OB1"] == \
        [("structure", 90, 40), ("manager", 90, 40)], rows
    assert w.structure_score("2024-12-30") is None  # before the override and the measurement, both of 31/12
    # from its date on: before it, the computed score alone
    s = w.score("2024-12-30")
    assert s["override"] is None and s["score"] == s["computed_score"], s

    # a rejection needs its reason, and leaves the score alone
    other = ask(ctx, w, 1, "planner", score=10).json
    expect_problem(ctx.post("/v1/overrides/%d/reject" % other["id"], {}, token=w.tok["evaluator"]), 422, "note")
    r = ctx.post("/v1/overrides/%d/reject" % other["id"], {"note": "il dato calcolato è corretto"},
                 token=w.tok["evaluator"])
    assert r.status == 200 and r.json["status"] == "rejected", r
    assert w.score("2024-12-31", i=1)["override"] is None

    # lists: by objective, by plan, by status; one by id
    by_obj = ctx.get("/v1/objectives/%d/overrides" % w.o[0]["id"]).json["items"]
    assert [o["id"] for o in by_obj] == [mine["id"]]
    by_plan = ctx.get("/v1/plans/%d/overrides" % w.plan["id"]).json["items"]
    assert [o["id"] for o in by_plan] == [mine["id"], other["id"]]
    assert [o["id"] for o in ctx.get("/v1/plans/%d/overrides?status=rejected" % w.plan["id"]).json["items"]] == [other["id"]]
    expect_problem(ctx.get("/v1/plans/%d/overrides?status=maybe" % w.plan["id"]), 400, "status")
    assert ctx.get("/v1/overrides/%d" % other["id"], token=w.tok["reader"]).json["status"] == "rejected"
    expect_problem(ctx.get("/v1/overrides/99999999"), 404)

    # both acts audited: who asked, who decided, before and after
    trail = ctx.get("/v1/audit?resource=score_overrides&plan_id=%d" % w.plan["id"]).json["items"]
    acts = [(a["action"], a["resource_id"], a["actor"]["role"]) for a in trail]
    assert acts == [("create", mine["id"], "manager"), ("approve", mine["id"], "evaluator"),
                    ("create", other["id"], "planner"), ("reject", other["id"], "evaluator")], acts
    assert trail[1]["before"]["status"] == "requested" and trail[1]["after"]["status"] == "approved"
    assert trail[3]["after"]["decision_note"] == "il dato calcolato è corretto"


def test_override_of_another_entity_is_invisible(ctx):
    a, b = Plan(ctx), Plan(ctx)
    ov = ask(ctx, b, 0, "planner").json
    expect_problem(ctx.get("/v1/overrides/%d" % ov["id"], token=a.tok["reader"]), 404)
    expect_problem(ctx.post("/v1/overrides/%d/approve" % ov["id"], {}, token=a.tok["evaluator"]), 404)
    expect_problem(ask(ctx, b, 0, a.tok["planner"]), 404)
    assert ctx.get("/v1/overrides/%d" % ov["id"]).json["status"] == "requested"
