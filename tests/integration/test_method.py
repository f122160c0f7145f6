"""Scoring the plans as administrations write them (issue 14): indicators with a target and no
rule, the plan's method (its SMVP), the cascade rolling up, expected/achieved/deviation, and an
evaluator's judgement of a target that cannot be compared.

Worked examples (each number below is computed by hand in the comments):
- Venezia-style default method: a number (value 45, target 50, higher is better → 90), a date
  (target 2020-06-30, done 2020-07-10 → 10 days late → 0; done on time → 100), a yes/no (Sì → 100).
- Tortona's method: phases only, the running total of phase weights reached by their deadline.
- Caluso's method: achieved value and timeliness, half each.
- A strategic objective rolling up from its two children (weights 60 and 40).
- A target "trimestrale": needs_judgement until the evaluator judges it.
"""
import json
import os

from run import expect_problem

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def base(ctx, year=2024, method=None):
    e = ctx.entity()
    s = ctx.create("/v1/entities/%d/structures" % e["id"], {"code": "S1", "name": "Settore Uno"})
    doc = {"year": year}
    if method is not None:
        doc["method"] = method
    plan = ctx.plan(e["id"], **doc)
    return e, s, plan


def objective(ctx, plan, s, code, weight=None, **fields):
    o = ctx.create("/v1/plans/%d/objectives" % plan["id"], dict({"code": code, "title": "Obiettivo " + code}, **fields))
    if s is not None:
        body = {"structure_id": s["id"]}
        if weight is not None:
            body["weight"] = weight
        ctx.create("/v1/objectives/%d/assignments" % o["id"], body)
    return o


def indicator(ctx, o, code, **fields):
    return ctx.create("/v1/objectives/%d/indicators" % o["id"], dict({"code": code, "name": "Indicatore " + code},
                                                                    **fields))


def measure(ctx, ind, value, as_of):
    r = ctx.post("/v1/indicators/%d/measurements" % ind["id"], {"value": value, "as_of": as_of})
    assert r.status == 201, r


def score(ctx, o, as_of):
    r = ctx.get("/v1/objectives/%d/score?as_of=%s" % (o["id"], as_of))
    assert r.status == 200, r
    return r.json


def test_default_method_number_date_yes_no(ctx):
    e, s, plan = base(ctx, year=2020)
    o = objective(ctx, plan, s, "OB-1", 100)
    num = indicator(ctx, o, "N", value_type="number", target=50, baseline=30, direction="higher_is_better")
    low = indicator(ctx, o, "L", value_type="number", target=10, direction="lower_is_better")
    day = indicator(ctx, o, "D", value_type="date", target="2020-06-30", direction="lower_is_better")
    yes = indicator(ctx, o, "Y", value_type="boolean", target=True, direction="target")
    measure(ctx, num, 45, "2020-06-30")
    measure(ctx, low, 12.5, "2020-06-30")
    measure(ctx, day, "2020-07-10", "2020-07-10")
    measure(ctx, yes, True, "2020-06-30")
    r = score(ctx, o, "2020-12-31")
    by = {i["code"]: i for i in r["indicators"]}
    # 45 / 50 = 90%; deviation 45 - 50 = -5, -5 / 50 = -10%
    assert by["N"]["score"] == 90 and by["N"]["state"] == "measured", by["N"]
    assert by["N"]["explanation"] == "value 45 / target 50 = 90% → 90", by["N"]
    assert by["N"]["target"] == 50 and by["N"]["value"] == 45 and by["N"]["baseline"] == 30
    assert by["N"]["deviation"] == -5 and by["N"]["deviation_percent"] == -10 and by["N"]["scored_by"] == "target"
    # lower is better: 10 / 12.5 = 80%; deviation +2.5 = +25%
    assert by["L"]["score"] == 80 and by["L"]["deviation"] == 2.5 and by["L"]["deviation_percent"] == 25, by["L"]
    # ten days late, the default lateness rule: late scores 0; deviation +10 days
    assert by["D"]["score"] == 0 and by["D"]["deviation"] == 10, by["D"]
    assert by["D"]["explanation"] == "done on 2020-07-10, 10 days after 2020-06-30 → 0", by["D"]
    assert by["Y"]["score"] == 100 and by["Y"]["explanation"] == "Sì, expected Sì → 100", by["Y"]
    # the objective: mean of four (no weights) = (90 + 80 + 0 + 100) / 4 = 67.5
    assert r["score"] == 67.5 and r["status"] == "measured" and r["scored_from"] == "indicators", r
    assert r["explanation"] == "mean of 4 measured indicators = 67.5", r
    # on time the date scores 100: (90 + 80 + 100 + 100) / 4 = 92.5
    measure(ctx, day, "2020-06-29", "2020-12-31")
    assert score(ctx, o, "2020-12-31")["score"] == 92.5
    # the method's threshold: below 85% a number scores 0 (L: 80%) → (90 + 0 + 100 + 100) / 4 = 72.5
    assert ctx.patch("/v1/plans/%d" % plan["id"], {"method": {"threshold": 85}}).status == 200
    r = score(ctx, o, "2020-12-31")
    assert r["score"] == 72.5, r
    assert {i["code"]: i["explanation"] for i in r["indicators"]}["L"] == \
        "target 10 / value 12.5 = 80%, below the threshold 85% → 0", r
    assert {i["code"]: i["score"] for i in r["indicators"]} == {"N": 90, "L": 0, "D": 100, "Y": 100}, r
    # late dates lose 5 points a day instead of scoring 0: ten days late → 50
    assert ctx.patch("/v1/plans/%d" % plan["id"], {"method": {"threshold": 85, "late_per_day": 5}}).status == 200
    measure(ctx, day, "2020-07-10", "2020-12-31")
    by = {i["code"]: i for i in score(ctx, o, "2020-12-31")["indicators"]}
    assert by["D"]["score"] == 50 and by["D"]["explanation"].endswith(": 100 - 5 × 10 → 50"), by["D"]


def test_tortona_cumulative_phases(ctx):
    method = {"combine": "phases", "phases": "cumulative"}
    e, s, plan = base(ctx, method=method)
    o = objective(ctx, plan, s, "OB-T", 100)
    ph = [ctx.create("/v1/objectives/%d/phases" % o["id"], {"seq": i + 1, "description": d, "deadline": dl,
                                                           "weight": 50, "cumulative": c})
          for i, (d, dl, c) in enumerate([("Primo monitoraggio", "2024-06-30", 50),
                                          ("Secondo monitoraggio", "2024-12-31", 100)])]
    # the result indicator is shown with its deviation, not scored: N. monitoraggi >= 2
    ind = indicator(ctx, o, "T-1", value_type="number", target=2, direction="higher_is_better")
    measure(ctx, ind, 1, "2024-06-30")
    pr = "/v1/phases/%d/progress"
    assert ctx.post(pr % ph[0]["id"], {"completed_on": "2024-06-28", "as_of": "2024-06-28"}).status == 201
    r = score(ctx, o, "2024-06-30")
    # phase 1 done by its deadline: the running total reaches 50
    assert r["score"] == 50 and r["scored_from"] == "phases" and r["phase_value"] == 50, r
    assert r["explanation"] == "phases completed by their deadline reach 50 of 100 (running total of phase weights)"
    assert r["indicators"][0]["deviation"] == -1 and r["indicators"][0]["score"] == 50
    # phase 2 done by its deadline too: the running total reaches 100
    assert ctx.post(pr % ph[1]["id"], {"completed_on": "2024-12-20", "as_of": "2024-12-20"}).status == 201
    assert score(ctx, o, "2024-12-31")["score"] == 100
    # a phase completed after its deadline adds nothing (the share method would give it 100)
    o2 = objective(ctx, plan, None, "OB-T2")
    late = ctx.create("/v1/objectives/%d/phases" % o2["id"], {"seq": 1, "description": "x", "deadline": "2024-03-31",
                                                              "weight": 100, "cumulative": 100})
    assert ctx.post(pr % late["id"], {"completed_on": "2024-04-15", "as_of": "2024-04-15"}).status == 201
    assert score(ctx, o2, "2024-12-31")["score"] == 0
    assert ctx.patch("/v1/plans/%d" % plan["id"], {"method": {"combine": "phases", "phases": "share"}}).status == 200
    assert score(ctx, o2, "2024-12-31")["score"] == 100


def test_caluso_mixed_value_and_time(ctx):
    e, s, plan = base(ctx, year=2022, method={"combine": "mix", "mix": {"value": 50}})
    o = objective(ctx, plan, s, "OB-C", 100)
    q1 = indicator(ctx, o, "Q1", value_type="number", target=1, direction="higher_is_better")
    q2 = indicator(ctx, o, "Q2", value_type="percent", target=100, direction="higher_is_better")
    t1 = indicator(ctx, o, "T1", value_type="date", target="2022-12-31", direction="lower_is_better")
    measure(ctx, q1, 1, "2022-12-31")
    measure(ctx, q2, 60, "2022-12-31")
    measure(ctx, t1, "2022-11-30", "2022-12-31")
    r = score(ctx, o, "2022-12-31")
    # achieved value: (100 + 60) / 2 = 80; timeliness: 100; 80 × 50% + 100 × 50% = 90
    assert r["value"] == 80 and r["time"] == 100 and r["score"] == 90 and r["scored_from"] == "mix", r
    assert r["explanation"] == "achieved value 80 × 50% + timeliness 100 × 50% = 90", r
    assert r["method"]["combine"] == "mix" and r["method"]["mix"] == {"value": 50}
    q2row = {i["code"]: i for i in r["indicators"]}["Q2"]
    assert (q2row["target"], q2row["value"], q2row["deviation"], q2row["deviation_percent"]) == (100, 60, -40, -40)
    # a review's deviation analysis is carried by the score and the report
    rv = ctx.post("/v1/plans/%d/reviews" % plan["id"], {"kind": "final", "as_of": "2022-12-31", "items": [
        {"objective_id": o["id"], "causes": "personale ridotto", "effects": "ritardo", "actions_taken": "nessuna",
         "actions_planned": "formazione"}]})
    assert rv.status == 201, rv
    r = score(ctx, o, "2022-12-31")
    assert r["deviation_analysis"]["causes"] == "personale ridotto" and r["deviation_analysis"]["kind"] == "final"
    assert score(ctx, o, "2022-06-30")["deviation_analysis"] is None
    rep = ctx.get("/v1/plans/%d/report?as_of=2022-12-31" % plan["id"]).json
    row = rep["rows"][0]
    assert row["score"] == 90 and row["deviation_analysis"]["actions_planned"] == "formazione", row
    assert {i["code"]: i["deviation"] for i in row["indicators"]} == {"Q1": 0, "Q2": -40, "T1": -31}, row


def test_roll_up_to_strategic_and_dup(ctx):
    e, s, plan = base(ctx)
    so = objective(ctx, plan, None, "SO-1", level="strategic")
    dup = objective(ctx, plan, None, "DUP-1", level="operational", parent_id=so["id"])
    a = objective(ctx, plan, s, "OB-A", 60, parent_id=dup["id"])
    b = objective(ctx, plan, s, "OB-B", 40, parent_id=dup["id"])
    ia = indicator(ctx, a, "IA", target=100)
    ib = indicator(ctx, b, "IB", target=100)
    assert score(ctx, so, "2024-12-31")["status"] == "not_measured"
    measure(ctx, ia, 100, "2024-12-31")
    measure(ctx, ib, 50, "2024-12-31")
    # DUP-1 = (60 × 100 + 40 × 50) / 100 = 80, and SO-1 takes DUP-1's 80
    r = score(ctx, dup, "2024-12-31")
    assert r["score"] == 80 and r["scored_from"] == "children", r
    assert r["explanation"] == "weighted mean (by their weights) of the 2 of 2 children scored = 80", r
    assert sorted((c["code"], c["score"]) for c in r["children"]) == [("OB-A", 100), ("OB-B", 50)]
    r = score(ctx, so, "2024-12-31")
    assert r["score"] == 80 and r["explanation"] == "mean of the 1 of 1 children scored = 80", r
    # the plan scores list the objectives nobody carries (the cascade above the assignees)
    ps = ctx.get("/v1/plans/%d/scores?as_of=2024-12-31" % plan["id"]).json
    objs = {x["code"]: x for x in ps["objectives"]}
    assert sorted(objs) == ["DUP-1", "SO-1"], objs
    assert objs["SO-1"]["score"] == 80 and objs["DUP-1"]["parent_id"] == so["id"] and objs["DUP-1"]["explanation"]
    # the report lists every objective
    rep = ctx.get("/v1/plans/%d/report?as_of=2024-12-31" % plan["id"]).json
    assert {x["code"]: x["score"] for x in rep["objectives"]} == {"SO-1": 80, "DUP-1": 80, "OB-A": 100, "OB-B": 50}
    # before anything is measured, the cascade is not measured either
    assert score(ctx, dup, "2024-06-30")["status"] == "not_measured"
    # a method without roll-up leaves the parents not measured
    assert ctx.patch("/v1/plans/%d" % plan["id"], {"method": {"roll_up": False}}).status == 200
    assert score(ctx, dup, "2024-12-31")["status"] == "not_measured"


def test_needs_judgement_then_evaluators_judgement(ctx):
    e, s, plan = base(ctx)
    o = objective(ctx, plan, s, "OB-J", 100)
    freq = indicator(ctx, o, "F", value_type="number", target="trimestrale")
    num = indicator(ctx, o, "N", target=10)
    measure(ctx, num, 10, "2024-06-30")
    r = score(ctx, o, "2024-12-31")
    assert r["status"] == "needs_judgement" and r["score"] is None and r["needs_judgement"] == [freq["id"]], r
    f = {i["code"]: i for i in r["indicators"]}["F"]
    assert f["state"] == "needs_judgement" and f["target"] == "trimestrale" and f["score"] is None
    ps = ctx.get("/v1/plans/%d/scores?as_of=2024-12-31" % plan["id"]).json
    assert ps["structures"][0]["objectives"][0]["status"] == "needs_judgement"
    assert ps["structures"][0]["status"] == "not_measured"
    url = "/v1/indicators/%d/judgement" % freq["id"]
    body = {"score": 70, "reason": "tre monitoraggi su quattro"}
    for role in ("planner", "manager", "reader"):
        expect_problem(ctx.post(url, body, token=ctx.token(role, entity=e["id"])), 403)
    evaluator = ctx.token("evaluator", entity=e["id"])
    expect_problem(ctx.post(url, {"score": 101, "reason": "x"}, token=evaluator), 422, "score")
    expect_problem(ctx.post(url, {"score": 70}, token=evaluator), 422, "reason")
    expect_problem(ctx.post(url, {"score": 70, "reason": "x", "extra": 1}, token=evaluator), 422, "extra")
    expect_problem(ctx.post("/v1/indicators/%d/judgement" % num["id"], body, token=evaluator), 409)
    r = ctx.post(url, body, token=evaluator)
    assert r.status == 201 and r.json["score"] == 70 and r.json["reason"] == body["reason"], r
    audit = ctx.get("/v1/audit?resource=judgements").json["items"]
    assert any(a.get("resource_id") == r.json["id"] for a in audit), audit
    r = score(ctx, o, "2024-12-31")
    # (70 + 100) / 2 = 85
    assert r["status"] == "measured" and r["score"] == 85, r
    f = {i["code"]: i for i in r["indicators"]}["F"]
    assert f["scored_by"] == "judgement" and f["judgement"]["reason"] == body["reason"]
    assert f["explanation"] == "judged by the evaluator → 70"


def test_method_is_checked_stored_and_carried(ctx):
    e, s, plan = base(ctx)
    url = "/v1/plans/%d" % plan["id"]
    expect_problem(ctx.patch(url, {"method": {"threshold": 150}}), 422, "method.threshold")
    expect_problem(ctx.patch(url, {"method": {"rounding": 3}}), 422, "method.rounding")
    expect_problem(ctx.patch(url, {"method": {"combine": "sum"}}), 422, "method.combine")
    expect_problem(ctx.patch(url, {"method": {"mix": {"value": -1}}}), 422, "method.mix.value")
    expect_problem(ctx.patch(url, {"method": {"weights": 1}}), 422, "method.weights")
    expect_problem(ctx.patch(url, {"method": "cumulative"}), 422, "method")
    m = {"combine": "mix", "mix": {"value": 70}, "threshold": 20, "rounding": 1, "description": "SMVP 2024"}
    assert ctx.patch(url, {"method": m}).status == 200
    assert ctx.get(url).json["method"] == m
    r = ctx.get("/v1/plans/%d/scores?as_of=2024-12-31" % plan["id"]).json
    assert r["method"]["mix"] == {"value": 70} and r["method"]["rounding"] == 1 and r["method"]["roll_up"] is True
    # export carries the method, and import reads it back
    doc = ctx.get("/v1/plans/%d/export" % plan["id"]).json
    assert doc["method"] == m
    e2 = ctx.entity()
    doc["entity"]["code"] = e2["code"]
    res = ctx.post("/v1/plans:import", doc)
    assert res.status == 201, res
    assert ctx.get("/v1/plans/%d" % res.json["id"]).json["method"] == m
    doc["method"]["threshold"] = -5
    doc["year"] = 2025
    expect_problem(ctx.post("/v1/plans:import", doc), 422, "method.threshold")


def test_scores_say_the_current_revision(ctx):
    e, s, plan = base(ctx)
    o = objective(ctx, plan, s, "OB-R", 100)
    indicator(ctx, o, "R", target=1)
    pid = plan["id"]
    assert ctx.post("/v1/plans/%d/adopt" % pid, {"deliberation": {"number": "1/2024", "date": "2024-01-30"}}).status == 200
    assert ctx.post("/v1/plans/%d/revisions" % pid, {}).status == 201
    assert ctx.post("/v1/plans/%d/adopt" % pid, {"deliberation": {"number": "2/2024", "date": "2024-06-30"}}).status == 200
    assert ctx.get("/v1/plans/%d/scores?as_of=2024-12-31" % pid).json["revision"] == 2
    assert ctx.get("/v1/plans/%d/report?as_of=2024-12-31" % pid).json["revision"] == 2


def test_examples_every_objective_scores_or_waits(ctx):
    """The four example plans imported as they are, nothing reported yet: every objective has a
    score (phases), an explicit needs_judgement or not_measured: never an error."""
    files = {"tortona-2024.json": ("2024-06-30", "2024-12-31"), "torino-2024.json": ("2024-06-30", "2024-12-31"),
             "caluso-2022-r2.json": ("2022-06-30", "2022-12-31"),
             "venezia-peg-2020.json": ("2020-06-30", "2020-12-31")}
    counts = {}
    for name, dates in files.items():
        with open(os.path.join(ROOT, "examples", name), encoding="utf-8") as fh:
            doc = json.load(fh)
        doc["entity"]["code"] = ctx.unique("X")
        r = ctx.post("/v1/plans:import", doc, timeout=300)
        assert r.status == 201, r
        pid = r.json["id"]
        assert ctx.get("/v1/plans/%d" % pid).json["method"] == doc["method"]
        for d in dates:
            objs = ctx.get("/v1/plans/%d/report?as_of=%s" % (pid, d)).json["objectives"]
            c = {}
            for o in objs:
                c[o["status"]] = c.get(o["status"], 0) + 1
            counts[(name, d)] = c
            assert "error" not in c, (name, d, [o for o in objs if o["status"] == "error"][:3])
    print("objectives by status:", json.dumps({"%s@%s" % k: v for k, v in counts.items()}, sort_keys=True))


def test_make_run_demo_every_objective_scores_or_waits(ctx):
    """What `make run` loads (the example plans with `ciclo import`, Caluso's revision 2 with
    `--revise`, then tools/load-monitoring.py): at 30/06 and 31/12 every objective has a score
    or an explicit needs_judgement, and nothing is in error."""
    import subprocess
    import glob
    env = dict(os.environ, DATABASE_URL=ctx.database_url)
    for f in sorted(glob.glob(os.path.join(ROOT, "examples", "*.json"))):
        if f.endswith("-r2.json"):
            continue
        subprocess.run([ctx.bin, "import", f], env=env, check=True, capture_output=True, timeout=300)
    subprocess.run([ctx.bin, "import", "--revise", os.path.join(ROOT, "examples", "caluso-2022-r2.json")], env=env,
                   check=True, capture_output=True, timeout=300)
    out = subprocess.run(["python3", os.path.join(ROOT, "tools", "load-monitoring.py"), ctx.server.url, ctx.admin,
                          os.path.join(ROOT, "examples", "monitoring")], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    plans = {"CALUSO": ("2022-06-30", "2022-12-31"), "CMTO": ("2024-06-30", "2024-12-31"),
             "TORTONA": ("2024-06-30", "2024-12-31"), "CMVE": ("2020-06-30", "2020-12-31")}
    counts, left = {}, []
    for code, dates in plans.items():
        ent = ctx.get("/v1/entities?code=%s" % code).json["items"][0]
        plan = ctx.get("/v1/plans?entity_id=%d" % ent["id"]).json["items"][0]
        for d in dates:
            objs = ctx.get("/v1/plans/%d/report?as_of=%s" % (plan["id"], d)).json["objectives"]
            c = {}
            for o in objs:
                c[o["status"]] = c.get(o["status"], 0) + 1
                if o["status"] not in ("measured", "needs_judgement"):
                    left.append((code, d, o["code"], o["status"], o["explanation"]))
            counts["%s@%s" % (code, d)] = c
    print("make run demo, objectives by status:", json.dumps(counts, sort_keys=True))
    print("neither scored nor waiting for a judgement (first 10):", left[:10])
    assert all("error" not in c for c in counts.values()), counts
    assert not left, left


def test_structure_without_weights_scores_the_mean_not_zero(ctx):
    # Venezia's PEG prints no weights: the structure's score is the plain mean of its
    # measured objectives, flagged, never a zero.
    e, s, plan = base(ctx, year=2020)
    a = objective(ctx, plan, s, "OB-A")
    b = objective(ctx, plan, s, "OB-B")
    measure(ctx, indicator(ctx, a, "A1", value_type="number", target=50, direction="higher_is_better"), 45,
            "2020-06-30")
    measure(ctx, indicator(ctx, b, "B1", value_type="number", target=10, direction="higher_is_better"), 7,
            "2020-06-30")
    r = ctx.get("/v1/plans/%d/scores?as_of=2020-12-31" % plan["id"])
    assert r.status == 200, r
    st = [x for x in r.json["structures"] if x["structure_id"] == s["id"]][0]
    # (90 + 70) / 2 = 80
    assert st["score"] == 80 and st["status"] == "measured" and st["equal_weights"] is True, st
    assert st["weight_measured"] == 0, st
    # with weights the mean is weighted again: (90×75 + 70×25) / 100 = 85
    for o, w in ((a, 75), (b, 25)):
        asg = ctx.get("/v1/objectives/%d/assignments" % o["id"]).json["items"][0]
        etag = ctx.get("/v1/assignments/%d" % asg["id"]).header("ETag")
        p = ctx.patch("/v1/assignments/%d" % asg["id"], {"weight": w}, headers={"If-Match": etag})
        assert p.status == 200, p
    st = [x for x in ctx.get("/v1/plans/%d/scores?as_of=2020-12-31" % plan["id"]).json["structures"]
          if x["structure_id"] == s["id"]][0]
    assert st["score"] == 85 and st["equal_weights"] is False, st
