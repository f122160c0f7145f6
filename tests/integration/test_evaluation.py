"""People evaluation and the result bonus: the worked example of docs/EVALUATION.md, end to end.

A small entity: structures S1 (led by manager M1) and S2 (led by M2), staff P1, P2 (part-time
50%) in S1 and P3, P4 (joined in July: 6 months) in S2. The 2024 plan: OB1 (S1, weight 60,
scores 90), OB2 (S1, 40, 80), OB3 (S2, 50, 70), OB4 (S2, 50, 100); final review 31/12/2024.
So S1 86, S2 85, M1's own objectives 86, M2's 85, the entity 85.5.

Staff scheme: structure 30, objectives 40, behaviours 30 (C1 weight 60, C2 weight 40, rated
1..4); bands 65 → 0.8, 80 → 1, 90 → 1.2; premium for 35% of the eligible, 30% of the average.
Managers' scheme: the entity 20, own objectives 50, behaviours 20 (L1, L2 weight 50, rated
1..5), differentiation 10 (CV target 10%); bands 60 → 0.8, 75 → 1, 83 → 1.1.

Forms: P1 87.6, P2 82.3, P3 61 (below 65: no bonus), P4 90.7; M1 81.22 (differentiation
31.2: CV 3.12%), M2 83.6 (CV 19.58% → 100).
Staff fund 10,000.00: premium 1,000.00 to P4; 9,000.00 by points 1 + 0.5 + 0.6 = 2.1 →
P1 4,285.71, P2 2,142.86, P4 2,571.43 + 1,000.00 = 3,571.43, P3 0; total exact.
Managers' fund 5,000.00: points 1 and 1.1 → M1 2,380.95, M2 2,619.05.
"""
from run import expect_problem

YEAR = 2024


def scale(labels):
    return [{"value": i + 1, "descriptor": d} for i, d in enumerate(labels)]


STAFF_SCHEME = {
    "year": YEAR, "role": "staff", "title": "Personale del comparto 2024",
    "weights": {"structure": 30, "objectives": 40, "behaviours": 30},
    "behaviours": [
        {"code": "C1", "name": "Qualità del lavoro", "weight": 60,
         "scale": scale(["inadeguato", "adeguato", "buono", "eccellente"])},
        {"code": "C2", "name": "Collaborazione", "weight": 40,
         "scale": scale(["inadeguato", "adeguato", "buono", "eccellente"])}],
    "bands": [{"min_score": 65, "coefficient": 0.8}, {"min_score": 80, "coefficient": 1},
              {"min_score": 90, "coefficient": 1.2}],
    "premium": {"share": 35, "increase": 30},
}

MANAGER_SCHEME = {
    "year": YEAR, "role": "manager", "title": "Dirigenti 2024", "structure_basis": "entity",
    "weights": {"structure": 20, "objectives": 50, "behaviours": 20, "differentiation": 10},
    "behaviours": [
        {"code": "L1", "name": "Leadership", "weight": 50,
         "scale": scale(["inadeguato", "parziale", "adeguato", "buono", "eccellente"])},
        {"code": "L2", "name": "Problem solving", "weight": 50,
         "scale": scale(["inadeguato", "parziale", "adeguato", "buono", "eccellente"])}],
    "bands": [{"min_score": 60, "coefficient": 0.8}, {"min_score": 75, "coefficient": 1},
              {"min_score": 83, "coefficient": 1.1}],
    "differentiation_cv_target": 10,
}

LINEAR = {"kind": "linear", "target": 100, "baseline": 0}


def small_entity(ctx):
    e = ctx.entity(name="Comune di Esempio")
    E = e["id"]
    people = {}
    for key, name, cat in [("M1", "Anna Rossi", "DIR"), ("M2", "Bruno Verdi", "DIR"), ("P1", "Carla Bianchi", "D"),
                           ("P2", "Dario Neri", "C"), ("P3", "Elena Galli", "C"), ("P4", "Franco Riva", "D")]:
        people[key] = ctx.create("/v1/entities/%d/people" % E, {"name": name, "external_id": key, "category": cat})
    s1 = ctx.create("/v1/entities/%d/structures" % E, {"code": "S1", "name": "Servizi finanziari",
                                                       "manager_id": people["M1"]["id"]})
    s2 = ctx.create("/v1/entities/%d/structures" % E, {"code": "S2", "name": "Lavori pubblici",
                                                       "manager_id": people["M2"]["id"]})
    plan = ctx.plan(E)
    obj = {}
    for code, st, weight, value in [("OB1", s1, 60, 90), ("OB2", s1, 40, 80), ("OB3", s2, 50, 70),
                                    ("OB4", s2, 50, 100)]:
        o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": code, "title": "Obiettivo " + code})
        ctx.create("/v1/objectives/%d/assignments" % o["id"], {"structure_id": st["id"], "weight": weight})
        ind = ctx.create("/v1/objectives/%d/indicators" % o["id"], {"code": "I" + code, "name": "Grado", "rule": LINEAR})
        assert ctx.post("/v1/indicators/%d/measurements" % ind["id"], {"value": value, "as_of": "2024-12-31"}).status == 201
        obj[code] = o
    r = ctx.post("/v1/plans/%d/reviews" % plan["id"], {"kind": "final", "as_of": "2024-12-31", "items": []})
    assert r.status == 201, r
    planner = ctx.token("planner", entity=E, name="Ufficio personale")
    for person, code, percent, extra in [("P1", "OB1", 70, {}), ("P1", "OB2", 30, {}),
                                         ("P2", "OB1", 50, {"part_time": 50}), ("P2", "OB2", 50, {"part_time": 50}),
                                         ("P3", "OB3", 100, {}), ("P4", "OB3", 40, {"months": 6}),
                                         ("P4", "OB4", 60, {"months": 6})]:
        body = dict({"person_id": people[person]["id"], "percent": percent}, **extra)
        ctx.create("/v1/objectives/%d/participations" % obj[code]["id"], body, token=planner)
    schemes = {s["role"]: ctx.create("/v1/entities/%d/evaluation-schemes" % E, s, token=planner)
               for s in (STAFF_SCHEME, MANAGER_SCHEME)}
    forms = {}
    for key, role, extra in [("M1", "manager", {}), ("M2", "manager", {}),
                             ("P1", "staff", {"structure_id": s1["id"]}),
                             ("P2", "staff", {"structure_id": s1["id"], "part_time": 50}),
                             ("P3", "staff", {"structure_id": s2["id"]}),
                             ("P4", "staff", {"structure_id": s2["id"], "months": 6})]:
        body = dict({"person_id": people[key]["id"], "year": YEAR, "role": role, "plan_id": plan["id"]}, **extra)
        forms[key] = ctx.create("/v1/evaluation-forms", body, token=planner)
    tokens = {
        "planner": planner,
        "nucleo": ctx.token("evaluator", entity=E, name="Nucleo di Valutazione"),
        "M1": ctx.token("manager", entity=E, person=people["M1"]["id"], name="Anna Rossi"),
        "M2": ctx.token("manager", entity=E, person=people["M2"]["id"], name="Bruno Verdi"),
        "erp": ctx.token("erp", entity=E, name="Paghe"),
    }
    for key in ("P1", "P2", "P3", "P4"):
        tokens[key] = ctx.token("reader", entity=E, person=people[key]["id"], name=key)
    return dict(e=e, people=people, s1=s1, s2=s2, plan=plan, obj=obj, schemes=schemes, forms=forms, t=tokens)


def open_the_bonus(ctx, plan_id, entity_id):
    """The legal conditions of the result bonus (D.Lgs. 150/2009 art. 10 c. 5, art. 14 c. 6): the
    year's Piano adopted, then closed, and its Relazione validated by the Nucleo."""
    assert ctx.post("/v1/plans/%d/adopt" % plan_id, {"deliberation": {"number": "1", "date": "2024-01-20"}}).status == 200
    assert ctx.post("/v1/plans/%d/close" % plan_id).status == 200
    nucleo = ctx.token("evaluator", entity=entity_id, name="Nucleo di Valutazione")
    r = ctx.post("/v1/plans/%d/validation" % plan_id, {"note": "Relazione validata"}, token=nucleo)
    assert r.status == 200, r


def components(form):
    return {c["component"]: c["score"] for c in form["computed"]["components"]}


def rate_and_sign(ctx, w):
    t, f = w["t"], w["forms"]
    for key, who, ratings in [("P1", "M1", {"C1": 4, "C2": 3}), ("P2", "M1", {"C1": 3, "C2": 3}),
                              ("P3", "M2", {"C1": 1, "C2": 1}), ("P4", "M2", {"C1": 4, "C2": 4}),
                              ("M1", "nucleo", {"L1": 4, "L2": 5}), ("M2", "nucleo", {"L1": 3, "L2": 4})]:
        if key == "M1":  # staff forms are signed before the managers': differentiation counts signed ones
            for k, signer in [("P1", "M1"), ("P2", "M1"), ("P3", "M2"), ("P4", "M2")]:
                r = ctx.post("/v1/evaluation-forms/%d/sign" % f[k]["id"], {"interview_date": "2025-01-20"},
                             token=t[signer])
                assert r.status == 200, r
                f[k] = r.json
        r = ctx.patch("/v1/evaluation-forms/%d" % f[key]["id"], {"ratings": ratings, "comments": "colloquio svolto"},
                      token=t[who])
        assert r.status == 200, r
        f[key] = r.json
    for key in ("M1", "M2"):
        r = ctx.post("/v1/evaluation-forms/%d/sign" % f[key]["id"], {}, token=t["nucleo"])
        assert r.status == 200, r
        f[key] = r.json


def test_worked_example_forms(ctx):
    w = small_entity(ctx)
    f = w["forms"]
    # drafts: computed from the plan's scores as of the final review, behaviours not rated yet
    assert f["P1"]["status"] == "draft" and f["P1"]["as_of"] == "2024-12-31"
    assert f["P1"]["evaluator_id"] == w["people"]["M1"]["id"] and f["M1"]["evaluator_id"] is None
    assert components(f["P1"]) == {"structure": 86, "objectives": 87, "behaviours": None, "differentiation": None}
    assert f["P1"]["score"] == 86.57 and f["P1"]["computed"]["complete"] is False  # (30×86 + 40×87) / 70
    assert components(f["P4"])["objectives"] == 88
    assert components(f["M1"])["structure"] == 85.5 and components(f["M1"])["objectives"] == 86
    rate_and_sign(ctx, w)
    expected = {"P1": (86, 87, 90, None, 87.6), "P2": (86, 85, 75, None, 82.3), "P3": (85, 70, 25, None, 61),
                "P4": (85, 88, 100, None, 90.7), "M1": (85.5, 86, 90, 31.2, 81.22), "M2": (85.5, 85, 70, 100, 83.6)}
    for key, (st, ob, be, di, total) in expected.items():
        form = ctx.get("/v1/evaluation-forms/%d" % f[key]["id"]).json
        c = components(form)
        assert (c["structure"], c["objectives"], c["behaviours"], c["differentiation"], form["score"]) == \
            (st, ob, be, di, total), (key, form)
        assert form["status"] == "signed" and form["computed"]["complete"] is True
    p1 = ctx.get("/v1/evaluation-forms/%d" % f["P1"]["id"]).json
    expl = {c["component"]: c["explanation"] for c in p1["computed"]["components"]}
    assert expl["objectives"] == "(OB1 90 × 70% + OB2 80 × 30%) / 100% = 87", expl
    assert expl["behaviours"] == "C1 60 × 4/4 + C2 40 × 3/4 = 90"
    assert p1["computed"]["total_explanation"] == ("(structure 30 × 86 + objectives 40 × 87 + behaviours 30 × 90) "
                                                   "/ 100 = 87.6; band from 80, coefficient 1")
    assert p1["interview_date"] == "2025-01-20" and p1["signed_by"] == "Anna Rossi"
    p4 = ctx.get("/v1/evaluation-forms/%d" % f["P4"]["id"]).json
    assert {c["component"]: c["explanation"] for c in p4["computed"]["components"]}["objectives"] == \
        "(OB3 70 × 40% × 6/12 + OB4 100 × 60% × 6/12) / 50% = 88"
    m1 = ctx.get("/v1/evaluation-forms/%d" % f["M1"]["id"]).json
    assert m1["computed"]["cv"] == 3.12 and m1["computed"]["evaluations_given"] == [87.6, 82.3]
    assert {c["component"]: c["explanation"] for c in m1["computed"]["components"]}["differentiation"] == \
        "2 evaluations given: mean 84.95, standard deviation 2.65, CV 3.12% / target 10% × 100 = 31.2"
    assert ctx.get("/v1/evaluation-forms/%d" % f["M2"]["id"]).json["computed"]["cv"] == 19.58


def test_worked_example_bonus(ctx):
    w = small_entity(ctx)
    rate_and_sign(ctx, w)
    t, f, E = w["t"], w["forms"], w["e"]["id"]
    for key in ("P1", "P2", "P4", "M1", "M2"):
        r = ctx.post("/v1/evaluation-forms/%d/accept" % f[key]["id"], {}, token=t[key])
        assert r.status == 200 and r.json["status"] == "accepted", r
    r = ctx.post("/v1/evaluation-forms/%d/contest" % f["P3"]["id"], {"reason": "non condivido C1"}, token=t["P3"])
    assert r.status == 200 and r.json["status"] == "contested", r
    # a contested evaluation holds the distribution back
    d = expect_problem(ctx.post("/v1/entities/%d/bonus-distributions" % E, {"year": YEAR, "role": "staff",
                                                                          "fund": 10000}, token=t["planner"]), 422)
    assert d["errors"][0]["field"] == "forms[%d]" % f["P3"]["id"], d
    r = ctx.post("/v1/evaluation-forms/%d/conciliate" % f["P3"]["id"], {"note": "valutazione confermata"},
                 token=t["nucleo"])
    assert r.status == 200 and r.json["status"] == "conciliated" and r.json["score"] == 61, r

    open_the_bonus(ctx, w["plan"]["id"], E)
    r = ctx.post("/v1/entities/%d/bonus-distributions" % E, {"year": YEAR, "role": "staff", "fund": 10000},
                 token=t["planner"])
    assert r.status == 201, r
    dist = r.json
    by = {p["external_id"]: p for p in dist["people"]}
    assert {k: by[k]["bonus"] for k in by} == {"P1": 4285.71, "P2": 2142.86, "P3": 0, "P4": 3571.43}, by
    assert by["P4"]["premium"] is True and by["P4"]["premium_amount"] == 1000 and by["P4"]["base"] == 2571.43
    assert by["P3"]["band"] is None and by["P3"]["explanation"] == "score 61, rank 4: below the first band (65): no bonus"
    assert dist["distributed"] == 10000 and dist["remainder"] == 0 and dist["average"] == 3333.33
    assert dist["eligible"] == 3 and dist["premiums"] == 1
    assert by["P2"]["explanation"] == ("score 82.3, rank 3: band from 80, coefficient 1 × 12/12 × 50% time = 0.5 "
                                       "points; 9000.00 € × 0.5 / 2.1 points = 2142.85 € + 0.01 (largest remainder) "
                                       "= 2142.86 €")
    # the payroll file
    csv = ctx.get("/v1/bonus-distributions/%d?format=csv" % dist["id"], token=t["erp"])
    assert csv.status == 200 and csv.header("Content-Type").startswith("text/csv"), csv
    lines = csv.text.split("\r\n")
    assert lines[0] == "external_id;name;category;score;coefficient;months;part_time;premium;premium_amount;bonus"
    assert "P4;Franco Riva;D;90,70;1,20;6;100;true;1000,00;3571,43" in lines, lines
    assert "P3;Elena Galli;C;61;0;12;100;false;0,00;0,00" in lines, lines
    # without redistribution the shares of part-time, partial years and the excluded are reported
    r = ctx.post("/v1/entities/%d/bonus-distributions" % E, {"year": YEAR, "role": "staff", "fund": 10000,
                                                             "redistribute": False, "replaces": dist["id"]},
                 token=t["planner"])
    assert r.status == 201 and r.json["distributed"] == 4937.5 and r.json["remainder"] == 5062.5, r
    # managers
    r = ctx.post("/v1/entities/%d/bonus-distributions" % E, {"year": YEAR, "role": "manager", "fund": 5000},
                 token=t["planner"])
    assert r.status == 201, r
    assert {p["external_id"]: p["bonus"] for p in r.json["people"]} == {"M1": 2380.95, "M2": 2619.05}
    lst = ctx.get("/v1/entities/%d/bonus-distributions" % E, token=t["nucleo"]).json["items"]
    assert len(lst) == 3 and "people" not in lst[0]
    expect_problem(ctx.get("/v1/bonus-distributions/%d" % dist["id"], token=t["M1"]), 403)


def test_visibility(ctx):
    w = small_entity(ctx)
    t, f = w["t"], w["forms"]
    ids = {k: v["id"] for k, v in f.items()}
    # a person sees their own form, and no other
    assert ctx.get("/v1/evaluation-forms/%d" % ids["P1"], token=t["P1"]).status == 200
    expect_problem(ctx.get("/v1/evaluation-forms/%d" % ids["P2"], token=t["P1"]), 403)
    assert [x["id"] for x in ctx.get("/v1/evaluation-forms", token=t["P1"]).json["items"]] == [ids["P1"]]
    # an evaluator-manager: their staff's forms and their own
    got = sorted(x["id"] for x in ctx.get("/v1/evaluation-forms", token=t["M1"]).json["items"])
    assert got == sorted([ids["M1"], ids["P1"], ids["P2"]]), got
    expect_problem(ctx.get("/v1/evaluation-forms/%d" % ids["P3"], token=t["M1"]), 403)
    # the Nucleo and HR: every form of the entity
    assert len(ctx.get("/v1/evaluation-forms?year=2024", token=t["nucleo"]).json["items"]) == 6
    assert len(ctx.get("/v1/evaluation-forms?role=staff", token=t["planner"]).json["items"]) == 4
    # nobody else
    reader = ctx.token("reader", entity=w["e"]["id"])
    assert ctx.get("/v1/evaluation-forms", token=reader).json["items"] == []
    expect_problem(ctx.get("/v1/evaluation-forms/%d" % ids["P1"], token=reader), 403)
    other = ctx.entity()
    outsider = ctx.token("evaluator", entity=other["id"])
    expect_problem(ctx.get("/v1/evaluation-forms/%d" % ids["P1"], token=outsider), 404)
    assert ctx.get("/v1/evaluation-forms", token=outsider).json["items"] == []


def test_bad_input(ctx):
    w = small_entity(ctx)
    t, f, E = w["t"], w["forms"], w["e"]["id"]
    # weights not totalling 100, scales not ascending, unknown fields
    bad = dict(STAFF_SCHEME, year=2025, weights={"structure": 30, "objectives": 40, "behaviours": 20})
    d = expect_problem(ctx.post("/v1/entities/%d/evaluation-schemes" % E, bad, token=t["planner"]), 422, "weights")
    assert "total 90, not 100" in str(d["errors"]), d
    bad = dict(STAFF_SCHEME, year=2025, behaviours=[dict(STAFF_SCHEME["behaviours"][0], weight=100,
                                                         scale=[{"value": 2}, {"value": 1}])])
    expect_problem(ctx.post("/v1/entities/%d/evaluation-schemes" % E, bad, token=t["planner"]), 422,
                   "behaviours[0].scale[1]")
    expect_problem(ctx.post("/v1/entities/%d/evaluation-schemes" % E, dict(STAFF_SCHEME, year=2025, colour="red"),
                            token=t["planner"]), 422, "colour")
    expect_problem(ctx.post("/v1/entities/%d/evaluation-schemes" % E, dict(MANAGER_SCHEME, role="staff", year=2025),
                            token=t["planner"]), 422, "weights.differentiation")
    expect_problem(ctx.post("/v1/entities/%d/evaluation-schemes" % E, STAFF_SCHEME, token=t["planner"]), 409)
    expect_problem(ctx.post("/v1/entities/%d/evaluation-schemes" % E, dict(STAFF_SCHEME, year=2026),
                            token=t["M1"]), 403)
    # a scheme patch is validated like a new one
    sid = w["schemes"]["staff"]["id"]
    expect_problem(ctx.patch("/v1/evaluation-schemes/%d" % sid, {"weights": {"behaviours": 50}},
                             token=t["planner"]), 422, "weights")
    r = ctx.patch("/v1/evaluation-schemes/%d" % sid, {"title": "Comparto"}, token=t["planner"])
    assert r.status == 200 and r.json["title"] == "Comparto" and r.json["weights"]["objectives"] == 40, r
    # ratings outside the scale, by whom is entitled, and only by them
    form = "/v1/evaluation-forms/%d" % f["P1"]["id"]
    d = expect_problem(ctx.patch(form, {"ratings": {"C1": 5}}, token=t["M1"]), 422, "ratings.C1")
    assert d["detail"] == "5 is not a level of the scale of C1" and d["hint"] == "rate with one of: 1, 2, 3, 4", d
    expect_problem(ctx.patch(form, {"ratings": {"C9": 2}}, token=t["M1"]), 422, "ratings.C9")
    expect_problem(ctx.patch(form, {"ratings": {"C1": 2}}, token=t["M2"]), 403)
    expect_problem(ctx.patch(form, {"ratings": {"C1": 2}}, token=t["planner"]), 403)
    expect_problem(ctx.patch(form, {"months": 13}, token=t["planner"]), 422, "months")
    # signing: not before every behaviour is rated, never by someone not entitled
    d = expect_problem(ctx.post(form + "/sign", {}, token=t["M1"]), 422, "ratings")
    expect_problem(ctx.post(form + "/sign", {}, token=t["M2"]), 403)  # may not even read it
    d = expect_problem(ctx.post(form + "/sign", {}, token=t["nucleo"]), 403)  # reads it, may not sign it
    assert "only the manager of the person's structure" in d["detail"], d
    expect_problem(ctx.post("/v1/evaluation-forms/%d/sign" % f["M1"]["id"], {}, token=t["M1"]), 403)
    expect_problem(ctx.post("/v1/evaluation-forms/%d/sign" % f["M1"]["id"], {}, token=t["planner"]), 403)
    # accepting is for the person, and only once signed
    expect_problem(ctx.post(form + "/accept", {}, token=t["P1"]), 409)
    expect_problem(ctx.post(form + "/accept", {}, token=t["P2"]), 403)
    expect_problem(ctx.post(form + "/contest", {}, token=t["P1"]), 409)
    # a second form for the same person and year
    expect_problem(ctx.post("/v1/evaluation-forms", {"person_id": w["people"]["P1"]["id"], "year": YEAR,
                                                     "role": "staff", "plan_id": w["plan"]["id"],
                                                     "structure_id": w["s1"]["id"]}, token=t["planner"]), 409)
    # a form needs a scheme, a plan of the entity and a structure with a manager
    d = expect_problem(ctx.post("/v1/evaluation-forms", {"person_id": w["people"]["P1"]["id"], "year": 2030,
                                                         "role": "eq", "plan_id": w["plan"]["id"],
                                                         "structure_id": w["s1"]["id"]}, token=t["planner"]), 422)
    assert d["errors"][0]["field"] in ("role", "year"), d
    # funds below zero, unknown roles
    expect_problem(ctx.post("/v1/entities/%d/bonus-distributions" % E, {"year": YEAR, "role": "staff", "fund": -1},
                            token=t["planner"]), 422, "fund")
    expect_problem(ctx.post("/v1/entities/%d/bonus-distributions" % E, {"year": YEAR, "role": "boss", "fund": 1},
                            token=t["planner"]), 422, "role")
    # drafts hold the distribution back
    d = expect_problem(ctx.post("/v1/entities/%d/bonus-distributions" % E, {"year": YEAR, "role": "staff",
                                                                          "fund": 100}, token=t["planner"]), 422)
    assert len(d["errors"]) == 4, d
    # participations: percent 0..100, a person of the entity
    o = "/v1/objectives/%d/participations" % w["obj"]["OB1"]["id"]
    expect_problem(ctx.post(o, {"person_id": w["people"]["P3"]["id"], "percent": 120}, token=t["planner"]), 422,
                   "percent")
    expect_problem(ctx.post(o, {"person_id": 999999999, "percent": 10}, token=t["planner"]), 422, "person_id")
    expect_problem(ctx.post(o, {"person_id": w["people"]["P1"]["id"], "percent": 10}, token=t["planner"]), 409)
    assert len(ctx.get(o, token=t["M1"]).json["items"]) == 2
