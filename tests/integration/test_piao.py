"""The PIAO (issue 20, items 1 and 2): a three-year plan with its sections, scored in its second
year against that year's targets, checked against its form (full or simplified), carried into
next year's draft, and kept whole by export and import."""
from run import expect_problem

ORG = {"struttura_organizzativa": "4 settori, 1 servizio autonomo", "lavoro_agile": "POLA 2024-2026",
       "fabbisogni_personale": "PTFP 2024-2026: 3 assunzioni", "formazione": "24 ore per dipendente"}
DELIB = {"deliberation": {"number": "12", "date": "2024-01-30", "body": "Giunta Comunale"}}


def piao(ctx, staff=120, org=ORG):
    e = ctx.entity(staff_count=staff) if staff is not None else ctx.entity()
    plan = ctx.plan(e["id"], kind="piao", title="PIAO 2024-2026", organisation=org)
    pid = plan["id"]
    vp = ctx.create("/v1/plans/%d/objectives" % pid, {
        "code": "VP1", "title": "Servizi digitali per i cittadini", "section": "valore_pubblico",
        "public_value_dimension": "Digitale", "driver": "Accesso on line ai servizi", "sdg": ["SDG 9"],
        "bes": ["Innovazione, ricerca e creatività"]})
    ind = ctx.create("/v1/objectives/%d/indicators" % vp["id"], {
        "code": "VP1-I1", "name": "Pratiche presentate on line (%)", "value_type": "percent", "baseline": 40,
        "target": 50, "targets": {"2024": 50, "2025": 70, "2026": 90}})
    ctx.create("/v1/objectives/%d/phases" % vp["id"], {"seq": 1, "description": "Analisi", "deadline": "2024-06-30"})
    ctx.create("/v1/objectives/%d/phases" % vp["id"], {"seq": 2, "description": "Rilascio", "deadline": "2025-06-30"})
    perf = ctx.create("/v1/plans/%d/objectives" % pid, {"code": "P1", "title": "Riduzione dei tempi", "end_year": 2024})
    ac = ctx.create("/v1/plans/%d/objectives" % pid, {
        "code": "AC1", "title": "Rotazione degli incarichi", "section": "anticorruzione",
        "risk_process": "Affidamenti diretti", "risk": "Favoritismi", "risk_level": "alto"})
    ctx.create("/v1/objectives/%d/indicators" % ac["id"], {"code": "AC1-I1", "name": "Rotazione attuata",
                                                          "value_type": "boolean", "target": True})
    return e, plan, vp, ind, perf, ac


def find_code(v, code):
    """Every object with this code in an answer."""
    if isinstance(v, dict):
        if v.get("code") == code:
            yield v
        for x in v.values():
            yield from find_code(x, code)
    elif isinstance(v, list):
        for x in v:
            yield from find_code(x, code)


def codes(findings, prefix="piao_"):
    return sorted((f["code"], f["path"]) for f in findings if f["code"].startswith(prefix))


def test_a_three_year_piao_scored_in_its_second_year(ctx):
    e, plan, vp, ind, perf, ac = piao(ctx)
    for value, as_of in ((45, "2024-12-31"), (63, "2025-06-30")):
        assert ctx.post("/v1/indicators/%d/measurements" % ind["id"], {"value": value, "as_of": as_of}).status == 201
    # the first year against 50, the second against 70: 90 both times
    for as_of, target in (("2024-12-31", 50), ("2025-06-30", 70)):
        s = ctx.get("/v1/objectives/%d/score?as_of=%s" % (vp["id"], as_of)).json
        assert s["score"] == 90, (as_of, s)
        shown = list(find_code(s, "VP1-I1"))
        assert shown and all(i["target"] == target for i in shown), shown
    assert ctx.get("/v1/indicators/%d" % ind["id"]).json["targets"] == {"2024": 50, "2025": 70, "2026": 90}


def test_the_form_is_checked(ctx):
    e, plan, vp, ind, perf, ac = piao(ctx)
    checks = ctx.get("/v1/plans/%d/checks" % plan["id"]).json["findings"]
    assert codes(checks) == [], codes(checks)
    # a public-value indicator without the third year's target, a measure without its risk level,
    # the remote-work figures gone
    vp2 = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "VP2", "title": "Ambiente",
                                                              "section": "valore_pubblico"})
    ctx.create("/v1/objectives/%d/indicators" % vp2["id"], {"code": "VP2-I1", "name": "Raccolta differenziata",
                                                           "baseline": 60, "targets": {"2024": 65, "2025": 70}})
    assert ctx.patch("/v1/objectives/%d" % ac["id"], {"risk_level": None}).status == 200
    assert ctx.patch("/v1/plans/%d" % plan["id"], {"organisation": {**ORG, "lavoro_agile": None}}).status == 200
    checks = ctx.get("/v1/plans/%d/checks" % plan["id"]).json["findings"]
    assert codes(checks) == [("piao_organisation_missing", "organisation.lavoro_agile"),
                             ("piao_risk_incomplete", "objectives[AC1].risk_level"),
                             ("piao_value_indicator_incomplete", "objectives[VP2].indicators[VP2-I1]")], codes(checks)
    f = [x for x in checks if x["code"] == "piao_value_indicator_incomplete"][0]
    assert f["resource"] == "indicator" and f["severity"] == "error"
    # bad targets are refused when written
    d = expect_problem(ctx.patch("/v1/indicators/%d" % ind["id"], {"targets": {"24": 1, "2025": [1]}}), 422)
    assert {x["field"] for x in d["errors"]} == {"targets.24", "targets.2025"}, d
    expect_problem(ctx.patch("/v1/objectives/%d" % ac["id"], {"section": "altro"}), 422, "section")


def test_the_simplified_form_under_fifty_staff(ctx):
    org = {k: v for k, v in ORG.items() if k != "formazione"}
    e, plan, vp, ind, perf, ac = piao(ctx, staff=32, org=org)
    assert codes(ctx.get("/v1/plans/%d/checks" % plan["id"]).json["findings"]) == []
    # unknown staff: the full form is assumed, and said
    e2, plan2, *_ = piao(ctx, staff=None, org=org)
    got = codes(ctx.get("/v1/plans/%d/checks" % plan2["id"]).json["findings"])
    assert ("piao_staff_count_unknown", "entity.staff_count") in got
    assert ("piao_organisation_missing", "organisation.formazione") in got
    # a plain Piano della performance has no PIAO finding
    e3 = ctx.entity()
    p3 = ctx.plan(e3["id"])
    assert codes(ctx.get("/v1/plans/%d/checks" % p3["id"]).json["findings"]) == []


def test_rollover_carries_what_is_under_way(ctx):
    e, plan, vp, ind, perf, ac = piao(ctx)
    d = expect_problem(ctx.post("/v1/plans/%d:rollover" % plan["id"], {}), 409)
    assert d["code"] == "plan_draft"
    assert ctx.post("/v1/plans/%d/adopt" % plan["id"], DELIB).status == 200
    r = ctx.post("/v1/plans/%d:rollover" % plan["id"], {})
    assert r.status == 201, r
    new = r.json["plan"]
    assert (new["year"], new["kind"], new["title"], new["status"]) == (2025, "piao", "PIAO 2025-2026", "draft")
    assert new["organisation"] == ORG and r.header("Location") == "/v1/plans/%d" % new["id"]
    # P1 ended in 2024: not carried; VP1 and AC1 are, linked to their origin
    objs = {o["code"]: o for o in ctx.get("/v1/plans/%d/objectives" % new["id"]).json["items"]}
    assert sorted(objs) == ["AC1", "VP1"] and r.json["carried"]["objectives"] == 2
    assert objs["VP1"]["carried_from_id"] == vp["id"] and objs["AC1"]["carried_from_id"] == ac["id"]
    assert objs["VP1"]["section"] == "valore_pubblico" and objs["AC1"]["risk_level"] == "alto"
    inds = ctx.get("/v1/objectives/%d/indicators" % objs["VP1"]["id"]).json["items"]
    assert inds[0]["target"] == 70 and inds[0]["targets"] == {"2024": 50, "2025": 70, "2026": 90}
    phases = ctx.get("/v1/objectives/%d/phases" % objs["VP1"]["id"]).json["items"]
    assert [p["seq"] for p in phases] == [2]  # the phase of 2024 was due last year
    expect_problem(ctx.post("/v1/plans/%d:rollover" % plan["id"], {}), 409)
    audit = ctx.get("/v1/audit?action=rollover&plan_id=%d" % new["id"]).json["items"]
    assert audit[0]["after"]["from_plan"] == plan["id"] and audit[0]["after"]["objectives"] == 2
    other = ctx.token("planner", entity=ctx.entity()["id"])
    expect_problem(ctx.post("/v1/plans/%d:rollover" % plan["id"], {}, token=other), 404)
    expect_problem(ctx.post("/v1/plans/%d:rollover" % plan["id"], {"title": ""}), 422, "title")
    expect_problem(ctx.post("/v1/plans/999999999:rollover", {}), 404)


def test_export_and_import_keep_the_sections(ctx):
    e, plan, vp, ind, perf, ac = piao(ctx)
    doc = ctx.get("/v1/plans/%d/export" % plan["id"]).json
    assert doc["organisation"] == ORG
    objs = {o["code"]: o for o in doc["objectives"]}
    assert objs["VP1"]["section"] == "valore_pubblico" and objs["VP1"]["sdg"] == ["SDG 9"]
    assert objs["AC1"]["risk_process"] == "Affidamenti diretti" and objs["AC1"]["risk_level"] == "alto"
    assert objs["VP1"]["indicators"][0]["targets"] == {"2024": 50, "2025": 70, "2026": 90}
    other = ctx.entity()
    doc["entity"]["code"] = other["code"]
    r = ctx.post("/v1/plans:import", doc)
    assert r.status == 201, r
    again = ctx.get("/v1/plans/%d/export" % r.json["id"]).json
    assert {o["code"]: (o.get("section"), o.get("risk_level")) for o in again["objectives"]} == \
        {o["code"]: (o.get("section"), o.get("risk_level")) for o in doc["objectives"]}
    assert again["organisation"] == ORG


def test_the_piao_example_and_what_its_sources_leave_out(ctx):
    """examples/piao/piao-demo-2024.json: the anticorruption measures of Torino (21, 23) and Tortona
    (SIS-01) as a PIAO's section 2.3. The seeds say nothing of the rest, and the checker says so."""
    import json
    import os
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    with open(os.path.join(root, "examples", "piao", "piao-demo-2024.json"), encoding="utf-8") as f:
        doc = json.load(f)
    doc["entity"]["code"] = ctx.unique("PIAO")
    r = ctx.post("/v1/plans:import", doc)
    assert r.status == 201, r
    pid = r.json["id"]
    objs = ctx.get("/v1/plans/%d/objectives" % pid).json["items"]
    assert sorted(o["code"] for o in objs) == ["21", "23", "SIS-01"]
    assert {o["section"] for o in objs} == {"anticorruzione"}
    got = codes(ctx.get("/v1/plans/%d/checks" % pid).json["findings"])
    assert got == sorted([("piao_staff_count_unknown", "entity.staff_count"),
                          ("piao_section_missing", "sections.valore_pubblico"),
                          ("piao_section_missing", "sections.performance"),
                          ("piao_risk_incomplete", "objectives[21].risk_process"),
                          ("piao_risk_incomplete", "objectives[23].risk_process"),
                          ("piao_risk_incomplete", "objectives[SIS-01].risk_process"),
                          ("piao_organisation_missing", "organisation.struttura_organizzativa"),
                          ("piao_organisation_missing", "organisation.lavoro_agile"),
                          ("piao_organisation_missing", "organisation.fabbisogni_personale"),
                          ("piao_organisation_missing", "organisation.formazione")]), got
    # the measures score like any other objective
    assert ctx.get("/v1/plans/%d/scores?as_of=2024-12-31" % pid).status == 200
