"""Personal data (issue 16, hole 3; docs/SECURITY.md "Personal data").

Every route that reveals a person's individual score, participation, evaluation or bonus is walked
with a token of every role (and, for managers and readers, tokens naming different people); what each
token sees of person P1 must be what the one rule says (personal_may_see, src/api/personal.c),
written here again independently:

    admin, planner, evaluator: everyone's; erp: bonus shares only (payroll);
    anyone else: the person its token names, and the people it answers for
    (the evaluator of a form, the manager of the structure an objective is assigned to);
    and only on the routes the role may call at all (src/api/routes.c: a reader lists no
    participations and reads no bonus distribution, a manager no bonus distribution).
"""
from run import expect_problem
from test_evaluation import YEAR, open_the_bonus, rate_and_sign, small_entity
from test_openapi import parse_routes, role_names

LINEAR = {"kind": "linear", "target": 100, "baseline": 0}


def sees(role, me, kind, person, responsible=None):
    if role in ("admin", "planner", "evaluator"):
        return True
    if role == "erp":
        return kind == "bonus"
    return me is not None and me in (person, responsible)


def test_personal_data_route_by_role(ctx):
    w = small_entity(ctx)
    t, people, E = w["t"], w["people"], w["e"]["id"]
    P1, M1 = people["P1"]["id"], people["M1"]["id"]
    # a plan with an objective assigned to P1 personally (its score is P1's), measured
    plan = ctx.plan(E, year=YEAR + 1, title="Piano con obiettivi individuali")
    own = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "IND1", "title": "Obiettivo individuale"})
    ctx.create("/v1/objectives/%d/assignments" % own["id"], {"person_id": P1, "weight": 100})
    ind = ctx.create("/v1/objectives/%d/indicators" % own["id"], {"code": "II1", "name": "Pratiche", "rule": LINEAR})
    assert ctx.post("/v1/indicators/%d/measurements" % ind["id"], {"value": 75, "as_of": "%d-06-30" % (YEAR + 1)}).status == 201
    as_of = "?as_of=%d-12-31" % (YEAR + 1)
    # forms signed and accepted, then a staff bonus distribution
    rate_and_sign(ctx, w)
    for key in ("P1", "P2", "P3", "P4"):
        assert ctx.post("/v1/evaluation-forms/%d/accept" % w["forms"][key]["id"], {}, token=t[key]).status == 200
    open_the_bonus(ctx, w["plan"]["id"], E)
    dist = ctx.create("/v1/entities/%d/bonus-distributions" % E, {"year": YEAR, "role": "staff", "fund": 10000},
                      token=t["planner"])
    form_p1 = w["forms"]["P1"]["id"]
    ob1 = w["obj"]["OB1"]["id"]  # assigned to S1 (led by M1); P1 and P2 participate

    def body(r):
        assert r.status in (200, 403), r
        if r.status == 403:
            expect_problem(r, 403)
            return None
        return r.json

    # each route: (its template in src/api/routes.c, kind, the person responsible for P1 there,
    # path, does the answer show P1?)
    routes = [
        ("/v1/plans/{id}/scores", "score", None, "/v1/plans/%d/scores%s" % (plan["id"], as_of),
         lambda d: P1 in [x["person_id"] for x in d["individuals"] + d["managers"]]),
        ("/v1/plans/{id}/report", "score", None, "/v1/plans/%d/report%s" % (plan["id"], as_of),
         lambda d: any(x["assignee_kind"] == "person" and x["assignee_id"] == P1 for x in d["rows"] + d["totals"])
         or any(o["objective_id"] == own["id"] for o in d["objectives"])),  # its score is P1's
        ("/v1/objectives/{id}/score", "score", None, "/v1/objectives/%d/score%s" % (own["id"], as_of),
         lambda d: d["objective_id"] == own["id"]),
        ("/v1/objectives/{id}/participations", "participation", M1, "/v1/objectives/%d/participations" % ob1,
         lambda d: P1 in [x["person_id"] for x in d["items"]]),
        ("/v1/evaluation-forms/{id}", "evaluation", M1, "/v1/evaluation-forms/%d" % form_p1,
         lambda d: d["person_id"] == P1),
        ("/v1/evaluation-forms", "evaluation", M1, "/v1/evaluation-forms?year=%d&limit=1000" % YEAR,
         lambda d: form_p1 in [x["id"] for x in d["items"]]),
        ("/v1/bonus-distributions/{id}", "bonus", None, "/v1/bonus-distributions/%d" % dist["id"],
         lambda d: "P1" in [x["external_id"] for x in d["people"]]),
    ]
    admits = {path: set(role_names(bits)) for method, path, bits, _ in parse_routes() if method == "GET"}
    tokens = [("admin", None, ctx.admin), ("planner", None, t["planner"]), ("evaluator", None, t["nucleo"]),
              ("manager", M1, t["M1"]), ("manager", people["M2"]["id"], t["M2"]), ("erp", None, t["erp"]),
              ("reader", P1, t["P1"]), ("reader", people["P2"]["id"], t["P2"]),
              ("reader", None, ctx.token("reader", entity=E, name="lettore"))]
    wrong = []
    for template, kind, responsible, path, shows in routes:
        for role, me, tok in tokens:
            d = body(ctx.get(path, token=tok))
            got = d is not None and shows(d)
            want = role in admits[template] and sees(role, me, kind, P1, responsible)
            if got != want:
                wrong.append("%s as %s (person %s): sees P1 %s, should %s" % (path, role, me, got, want))
    assert not wrong, "\n".join(wrong)
    # the CSV of the report follows the JSON
    for role, me, tok in tokens:
        r = ctx.get("/v1/plans/%d/report%s&format=csv" % (plan["id"], as_of), token=tok)
        assert r.status == 200 and ("Carla Bianchi" in r.text) == sees(role, me, "score", P1), (role, me)
