"""Monitoring periods close (issue 14, item 5): a review closes its period, the evaluator corrects
it beside the original, a validated plan refuses every write to its figures, and a manager never
changes what counts towards their own score after the period closed. The ERP feed obeys the same
rules.

The bug reported: after the Nucleo validated a plan, the manager posted a measurement dated 31/12
and the structure's score went from 40 to 100.
"""
from run import expect_problem

ROLES = ["admin", "planner", "manager", "evaluator", "reader", "erp"]
LINEAR = {"kind": "linear", "target": 100, "baseline": 0}
DELIB = {"deliberation": {"number": "12", "date": "2024-01-25", "body": "Giunta Comunale"}}


class Plan:
    """One structure (S1, led by the manager Anna) carrying objective OB1 (an indicator scored
    linearly up to 100, and a phase), a second structure S2 with OB2, an adopted plan, and a
    token of every role; the evaluator's token names nobody, `nucleo_boss` names Anna."""

    def __init__(self, ctx):
        self.ctx = ctx
        e = self.e = ctx.entity()
        base = "/v1/entities/%d" % e["id"]
        self.anna = ctx.create(base + "/people", {"name": "Anna Rossi", "external_id": "ROSSI_A"})
        other = ctx.create(base + "/people", {"name": "Bruno Verdi", "external_id": "VERDI_B"})
        self.s1 = ctx.create(base + "/structures", {"code": "S1", "name": "Settore 1", "manager_id": self.anna["id"]})
        self.s2 = ctx.create(base + "/structures", {"code": "S2", "name": "Settore 2", "manager_id": other["id"]})
        self.plan = ctx.plan(e["id"])
        pid = self.plan["id"]
        self.o, self.ind, self.ph = [], [], []
        for i, s in enumerate([self.s1, self.s2]):
            o = ctx.create("/v1/plans/%d/objectives" % pid, {"code": "OB%d" % (i + 1), "title": "Obiettivo %d" % (i + 1)})
            ctx.create("/v1/objectives/%d/assignments" % o["id"], {"structure_id": s["id"], "weight": 100})
            self.ind.append(ctx.create("/v1/objectives/%d/indicators" % o["id"], {
                "code": "IND%d" % (i + 1), "name": "Pratiche evase", "value_type": "percent", "target": 100,
                "rule": LINEAR}))
            self.ph.append(ctx.create("/v1/objectives/%d/phases" % o["id"], {
                "seq": 1, "description": "Fase", "weight": 100, "deadline": "2024-12-31"}))
            self.o.append(o)
        assert ctx.post("/v1/plans/%d/adopt" % pid, DELIB).status == 200
        self.tok = {"admin": "admin"}
        for role in ROLES[1:]:
            self.tok[role] = ctx.token(role, entity=e["id"], person=self.anna["id"] if role == "manager" else None,
                                       name="%s %s" % (role, e["code"]))
        self.nucleo_boss = ctx.token("evaluator", entity=e["id"], person=self.anna["id"], name="nucleo Anna")

    def measure(self, value, as_of, role="planner", i=0, **extra):
        return self.ctx.post("/v1/indicators/%d/measurements" % self.ind[i]["id"], dict(extra, value=value, as_of=as_of),
                             token=self.tok.get(role, role))

    def progress(self, percent, as_of, role="planner", i=0, **extra):
        return self.ctx.post("/v1/phases/%d/progress" % self.ph[i]["id"],
                             dict(extra, percent_complete=percent, as_of=as_of), token=self.tok.get(role, role))

    def review(self, kind, as_of, role="planner"):
        return self.ctx.post("/v1/plans/%d/reviews" % self.plan["id"], {"kind": kind, "as_of": as_of, "items": []},
                             token=self.tok[role])

    def score(self, as_of, i=0):
        return self.ctx.get("/v1/objectives/%d/score?as_of=%s" % (self.o[i]["id"], as_of)).json

    def structure_score(self, as_of):
        r = self.ctx.get("/v1/plans/%d/scores?as_of=%s" % (self.plan["id"], as_of)).json
        return {s["code"]: s["score"] for s in r["structures"]}["S1"]

    def validate(self):
        assert self.review("final", "2024-12-31").status == 201
        assert self.ctx.post("/v1/plans/%d/close" % self.plan["id"], token=self.tok["planner"]).status == 200
        assert self.ctx.post("/v1/plans/%d/validation" % self.plan["id"], {"note": "Relazione validata"},
                             token=self.tok["evaluator"]).status == 200


def test_bug_manager_cannot_raise_a_validated_score(ctx):
    """The report: validated at 40, then the manager posts 100 dated 31/12; the score must stay 40."""
    w = Plan(ctx)
    assert w.measure(40, "2024-12-31").status == 201
    assert w.progress(100, "2024-12-31", completed_on="2024-12-20").status == 201
    assert w.structure_score("2024-12-31") == 40
    w.validate()
    d = expect_problem(w.measure(100, "2024-12-31", role="manager"), 409)
    assert d["code"] == "plan_validated", d
    assert w.structure_score("2024-12-31") == 40
    assert w.score("2024-12-31")["score"] == 40
    # the final review still shows 40
    review = ctx.get("/v1/plans/%d/reviews" % w.plan["id"]).json["items"][-1]
    shown = ctx.get("/v1/reviews/%d" % review["id"]).json["scores"]["structures"]
    assert {s["code"]: s["score"] for s in shown}["S1"] == 40


def test_review_closes_its_period(ctx):
    w = Plan(ctx)
    assert w.measure(60, "2024-06-30").status == 201
    assert w.progress(50, "2024-06-30").status == 201
    assert w.review("intermediate", "2024-06-30").status == 201
    for role in ("admin", "planner", "manager"):
        for as_of in ("2024-06-30", "2024-03-31"):
            d = expect_problem(w.measure(90, as_of, role=role), 409, "as_of")
            assert d["code"] == "period_closed" and "2024-06-30" in d["detail"], d
            d = expect_problem(w.progress(90, as_of, role=role), 409, "as_of")
            assert d["code"] == "period_closed", d
    # the next period is open to everyone who reports
    assert w.measure(70, "2024-07-01", role="manager").status == 201
    assert w.progress(60, "2024-07-01", role="manager").status == 201
    assert w.score("2024-06-30")["score"] == 60
    # a later review closes further: the final one at 31/12
    assert w.review("final", "2024-12-31").status == 201
    d = expect_problem(w.measure(75, "2024-09-30", role="manager"), 409)
    assert d["code"] == "period_closed" and "final" in d["detail"], d
    # a reason from anyone but the evaluator is no way in
    d = expect_problem(w.measure(75, "2024-09-30", role="planner", reason="errore di trascrizione"), 409)
    assert d["code"] == "period_closed"


def test_evaluator_correction_stands_beside_the_original(ctx):
    w = Plan(ctx)
    first = w.measure(60, "2024-06-30").json
    prog = w.progress(50, "2024-06-30").json
    assert w.review("intermediate", "2024-06-30").status == 201
    assert w.score("2024-06-30")["score"] == 60
    # the correction needs its reason
    expect_problem(w.measure(80, "2024-06-30", role="evaluator"), 422, "reason")
    r = w.measure(80, "2024-06-30", role="evaluator", reason="il dato ERP escludeva le pratiche di giugno")
    assert r.status == 201, r
    c = r.json
    assert c["corrects_id"] == first["id"] and c["correction_reason"].startswith("il dato ERP"), c
    # nothing was overwritten: both entries are in the history
    hist = ctx.get("/v1/indicators/%d/measurements" % w.ind[0]["id"]).json["items"]
    assert [(m["id"], m["value"], m["corrects_id"]) for m in hist] == [(first["id"], 60, None), (c["id"], 80, first["id"])]
    # the score counts the correction and says so
    s = w.score("2024-06-30")
    assert s["score"] == 80 and s["computed_score"] == 80, s
    ind = s["indicators"][0]
    assert ind["value"] == 80 and ind["correction"]["reason"].startswith("il dato ERP"), ind
    assert ind["correction"]["corrects"]["id"] == first["id"] and ind["correction"]["corrects"]["value"] == 60
    assert "corrected by the evaluator" in ind["explanation"] and "il dato ERP" in ind["explanation"], ind
    assert "%d (60 as of 2024-06-30) is kept" % first["id"] in ind["explanation"], ind
    # a phase's progress too
    p = w.progress(100, "2024-06-30", role="evaluator", completed_on="2024-06-28", reason="verbale di collaudo")
    assert p.status == 201 and p.json["corrects_id"] == prog["id"], p
    ph = w.score("2024-06-30")["phases"][0]
    assert ph["percent_complete"] == 100 and ph["correction"]["corrects"]["percent_complete"] == 50, ph
    # audited, with the evaluator's name and role
    trail = ctx.get("/v1/audit?resource=measurements&plan_id=%d" % w.plan["id"]).json["items"]
    last = [a for a in trail if a["resource_id"] == c["id"]]
    assert last and last[0]["actor"]["role"] == "evaluator" and last[0]["after"]["correction_reason"], last
    # a reason where no period is closed is refused, not silently dropped
    expect_problem(w.measure(85, "2024-07-15", role="evaluator", reason="x"), 422, "reason")
    assert w.measure(85, "2024-07-15", role="evaluator").status == 201


def test_manager_never_changes_own_score_after_close(ctx):
    w = Plan(ctx)
    assert w.measure(30, "2024-06-30", role="manager").status == 201
    assert w.review("intermediate", "2024-06-30").status == 201
    # the manager's own objective: neither measurement nor progress of the closed period
    for r in (w.measure(100, "2024-06-30", role="manager"), w.progress(100, "2024-05-01", role="manager"),
              w.measure(100, "2024-06-30", role="manager", reason="ricalcolo")):
        d = expect_problem(r, 409)
        assert d["code"] == "period_closed", d
    # an evaluator's token that names the manager is no way round it: the entry counts towards her
    d = expect_problem(w.measure(100, "2024-06-30", role=w.nucleo_boss, reason="ricalcolo"), 403)
    assert d["code"] == "own_score", d
    d = expect_problem(w.progress(100, "2024-06-30", role=w.nucleo_boss, reason="ricalcolo"), 403)
    assert d["code"] == "own_score", d
    # ... while it may correct another structure's figure
    assert w.measure(55, "2024-06-30", role=w.nucleo_boss, i=1, reason="dato ERP errato").status == 201
    assert w.score("2024-06-30")["score"] == 30


def test_feed_obeys_the_period_rules(ctx):
    w = Plan(ctx)
    feed = "/v1/plans/%d/measurements:import" % w.plan["id"]
    csv_head = "indicator_code;as_of;value;source\n"
    csv = {"Content-Type": "text/csv; charset=utf-8"}
    r = ctx.post(feed, raw=csv_head + "IND1;30/06/2024;60;ERP\nIND2;30/06/2024;40;ERP\n", headers=csv,
                 token=w.tok["erp"])
    assert r.status == 200 and r.json["inserted"] == 2, r
    assert w.review("intermediate", "2024-06-30").status == 201
    # the same rows sent again add nothing and are accepted; a new row of the closed period is refused
    r = ctx.post(feed, raw=csv_head + "IND1;30/06/2024;60;ERP\nIND2;30/06/2024;40;ERP\n", headers=csv,
                 token=w.tok["erp"])
    assert r.status == 200 and r.json["inserted"] == 0, r
    for role in ("erp", "planner", "admin"):
        r = ctx.post(feed, raw=csv_head + "IND1;31/07/2024;70;ERP\nIND2;30/06/2024;95;ERP\nIND1;15/06/2024;99;ERP\n",
                     headers=csv, token=w.tok[role])
        d = expect_problem(r, 409, "line[3].as_of")
        assert d["code"] == "period_closed" and "line[4].as_of" in [e["field"] for e in d["errors"]], d
        assert "line[2].as_of" not in [e["field"] for e in d["errors"]], d
    r = ctx.post(feed, [{"indicator_code": "IND2", "as_of": "2024-06-01", "value": 1}], token=w.tok["erp"])
    assert expect_problem(r, 409, "[0].as_of")["code"] == "period_closed"
    # nothing of the refused feeds was stored
    assert [m["value"] for m in ctx.get("/v1/indicators/%d/measurements" % w.ind[0]["id"]).json["items"]] == [60]
    r = ctx.post(feed, [{"indicator_code": "IND1", "as_of": "2024-12-31", "value": 90}], token=w.tok["erp"])
    assert r.status == 200 and r.json["inserted"] == 1, r
    w.validate()
    r = ctx.post(feed, [{"indicator_code": "IND1", "as_of": "2025-01-31", "value": 100}], token=w.tok["erp"])
    assert expect_problem(r, 409)["code"] == "plan_validated"
    assert w.score("2024-12-31")["score"] == 90


def test_progress_feed(ctx):
    """POST /v1/plans/{id}/progress:import: phase progress from the ERP, by objective code and phase
    seq, Italian dates and numbers, all or nothing, and the period rules of a single entry."""
    w = Plan(ctx)
    feed = "/v1/plans/%d/progress:import" % w.plan["id"]
    csv = {"Content-Type": "text/csv; charset=utf-8"}
    head = "objective_code;phase_seq;as_of;percent_complete;completed_on;note\n"
    r = ctx.post(feed, raw=head + "OB1;1;30/06/2024;40,5;;a metà\nOB2;1;30/06/2024;;28/06/2024;\n", headers=csv,
                 token=w.tok["erp"])
    assert r.status == 200 and r.json == {"rows": 2, "inserted": 2, "unchanged": 0}, r
    hist = ctx.get("/v1/phases/%d/progress" % w.ph[0]["id"]).json["items"]
    assert [(g["percent_complete"], g["as_of"], g["note"]) for g in hist] == [(40.5, "2024-06-30", "a metà")], hist
    assert ctx.get("/v1/phases/%d/progress" % w.ph[1]["id"]).json["items"][0]["completed_on"] == "2024-06-28"
    # errors by line, nothing stored
    r = ctx.post(feed, raw=head + "OB1;2;31/07/2024;10;;\nOB9;1;31/07/2024;10;;\nOB1;1;31/07/2024;120;;\n"
                 "OB1;1;31/07/2024;50;01/08/2024;\n", headers=csv, token=w.tok["erp"])
    d = expect_problem(r, 422)
    fields = sorted(e["field"] for e in d["errors"])
    assert fields == ["line[2].phase_seq", "line[3].phase_seq", "line[4].percent_complete",
                      "line[5].completed_on", "line[5].percent_complete"], d
    assert len(ctx.get("/v1/phases/%d/progress" % w.ph[0]["id"]).json["items"]) == 1
    # the period rules: a closed period takes no new row; the same rows again are fine
    assert w.review("intermediate", "2024-06-30").status == 201
    r = ctx.post(feed, raw=head + "OB1;1;30/06/2024;40,5;;a metà\n", headers=csv, token=w.tok["erp"])
    assert r.status == 200 and r.json["inserted"] == 0, r
    r = ctx.post(feed, [{"objective_code": "OB1", "phase_seq": 1, "as_of": "2024-06-30", "percent_complete": 90}],
                 token=w.tok["planner"])
    assert expect_problem(r, 409, "[0].as_of")["code"] == "period_closed"
    r = ctx.post(feed, [{"objective_code": "OB1", "phase_seq": 1, "as_of": "2024-09-30", "percent_complete": 90}],
                 token=w.tok["erp"])
    assert r.status == 200 and r.json["inserted"] == 1, r
    assert w.score("2024-09-30")["phases"][0]["percent_complete"] == 90
    w.validate()
    r = ctx.post(feed, [{"objective_code": "OB1", "phase_seq": 1, "as_of": "2025-01-10", "percent_complete": 100}],
                 token=w.tok["erp"])
    assert expect_problem(r, 409)["code"] == "plan_validated"


def test_validated_plan_refuses_every_write_to_its_figures(ctx):
    """Every write route to the figures x every role: refused (409 where the role may write, 403
    where it never may), and nothing changes."""
    w = Plan(ctx)
    pid = w.plan["id"]
    assert w.measure(40, "2024-12-31").status == 201
    assert w.progress(40, "2024-12-31").status == 201
    pending = [ctx.create("/v1/objectives/%d/overrides" % w.o[1]["id"], {"score": 70, "as_of": "2024-12-31",
                                                                          "reason": "r%d" % i}, token=w.tok["planner"])
               for i in range(2)]
    w.validate()
    before = (w.score("2024-12-31"), ctx.get("/v1/plans/%d/scores?as_of=2024-12-31" % pid).json,
              ctx.get("/v1/plans/%d/reviews" % pid).json, ctx.get("/v1/plans/%d/overrides" % pid).json)
    writes = [
        ("/v1/indicators/%d/measurements" % w.ind[0]["id"], {"value": 100, "as_of": "2024-12-31", "reason": "x"}),
        ("/v1/indicators/%d/measurements" % w.ind[0]["id"], {"value": 100, "as_of": "2025-01-15"}),
        ("/v1/indicators/%d/measurements" % w.ind[1]["id"], {"not_assessable": True, "as_of": "2024-12-31",
                                                            "note": "non valutabile", "reason": "x"}),
        ("/v1/phases/%d/progress" % w.ph[0]["id"], {"percent_complete": 100, "as_of": "2024-12-31", "reason": "x"}),
        ("/v1/phases/%d/progress" % w.ph[0]["id"], {"percent_complete": 100, "as_of": "2025-01-15"}),
        ("/v1/plans/%d/measurements:import" % pid, [{"indicator_code": "IND1", "as_of": "2025-01-15", "value": 100}]),
        ("/v1/plans/%d/progress:import" % pid, [{"objective_code": "OB1", "phase_seq": 1, "as_of": "2025-01-15",
                                                 "percent_complete": 100}]),
        ("/v1/plans/%d/reviews" % pid, {"kind": "final", "as_of": "2025-01-15", "items": []}),
        ("/v1/indicators/%d/judgement" % w.ind[1]["id"], {"score": 100, "reason": "x", "as_of": "2024-12-31"}),
        ("/v1/objectives/%d/overrides" % w.o[0]["id"], {"score": 100, "as_of": "2024-12-31", "reason": "x"}),
        ("/v1/overrides/%d/approve" % pending[0]["id"], {}),
        ("/v1/overrides/%d/reject" % pending[1]["id"], {"note": "no"}),
    ]
    wrong = []
    for path, body in writes:
        for role in ROLES:
            r = ctx.post(path, body, token=w.tok[role])
            if r.status == 403:
                continue  # a role that may never write there
            if r.status != 409 or r.json.get("code") != "plan_validated":
                wrong.append("POST %s as %s: %r" % (path, role, r))
        r = ctx.post(path, body, token=w.nucleo_boss)
        if r.status not in (403, 409):
            wrong.append("POST %s as the evaluator naming the manager: %r" % (path, r))
    assert not wrong, "\n".join(wrong)
    after = (w.score("2024-12-31"), ctx.get("/v1/plans/%d/scores?as_of=2024-12-31" % pid).json,
             ctx.get("/v1/plans/%d/reviews" % pid).json, ctx.get("/v1/plans/%d/overrides" % pid).json)
    assert after == before
    assert ctx.sql("SELECT count(*) FROM measurements WHERE plan_id = %d" % pid) == [["1"]]
    assert ctx.sql("SELECT count(*) FROM progress WHERE plan_id = %d" % pid) == [["1"]]
