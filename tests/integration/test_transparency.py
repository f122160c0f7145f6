"""Payment timeliness and the publication of premiums (issue 20, items 5 and 6).

The ITP (DPCM 22/9/2014 art. 9) of the invoices the ERP feeds, with the 30% check of DL 13/2023
art. 4-bis beside it; the art. 20 figures (D.Lgs. 33/2013) of the worked example of
docs/EVALUATION.md, aggregated so that no group reveals a person, public when the entity says
so."""
from decimal import Decimal

from run import expect_problem
from test_evaluation import YEAR, open_the_bonus, rate_and_sign, small_entity

INVOICES = [
    {"invoice": "FT-1/2024", "supplier": "Alfa srl", "due_on": "2024-01-31", "paid_on": "2024-02-10", "amount": 1000},
    {"invoice": "FT-2/2024", "supplier": "Beta spa", "due_on": "2024-03-31", "paid_on": "2024-03-21", "amount": 3000},
    {"invoice": "FT-3/2024", "due_on": "2024-06-30", "paid_on": "2024-06-30", "amount": 500.5},
]


def test_itp_from_the_feed_and_the_thirty_percent_check(ctx):
    e = ctx.entity()
    E = e["id"]
    s1 = ctx.create("/v1/entities/%d/structures" % E, {"code": "S1", "name": "Ragioneria"})
    s2 = ctx.create("/v1/entities/%d/structures" % E, {"code": "S2", "name": "Tecnico"})
    plan = ctx.plan(E)
    for code, st, weight, pay in [("OB1", s1, 20, True), ("OB2", s1, 80, False), ("OB3", s2, 30, True),
                                  ("OB4", s2, 70, False)]:
        o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": code, "title": code, "payment_timeliness": pay})
        ctx.create("/v1/objectives/%d/assignments" % o["id"], {"structure_id": st["id"], "weight": weight})
    erp = ctx.token("erp", entity=E)
    r = ctx.post("/v1/entities/%d/payments:import" % E, INVOICES, token=erp)
    assert r.status == 200 and (r.json["rows"], r.json["inserted"], r.json["updated"]) == (3, 3, 0), r
    doc = ctx.get("/v1/entities/%d/payment-timeliness?year=2024" % E).json
    # (10 × 1000 − 10 × 3000 + 0 × 500.50) / 4500.50 = −4.44 days: paying early, met
    assert doc["itp"]["invoices"] == 3 and doc["itp"]["amount_paid"] == 4500.5
    assert doc["itp"]["value"] == -4.44 and doc["itp"]["met"] is True
    shares = {a["code"]: a for a in doc["bonus_share"]["assignees"]}
    assert (shares["S1"]["share"], shares["S1"]["met"]) == (20, False)
    assert (shares["S2"]["share"], shares["S2"]["met"]) == (30, True)
    assert doc["bonus_share"]["plan_id"] == plan["id"] and doc["bonus_share"]["all_met"] is False
    # the ERP sends the same invoices again as CSV, one paid later: one update, the rest unchanged
    csv = ("invoice;supplier;due_on;paid_on;amount\r\nFT-1/2024;Alfa srl;2024-01-31;2024-03-01;1.000,00\r\n"
           "FT-2/2024;Beta spa;2024-03-31;2024-03-21;3000\r\n")
    r = ctx.post("/v1/entities/%d/payments:import" % E, raw=csv, token=erp, headers={"Content-Type": "text/csv"})
    assert r.status == 200 and (r.json["inserted"], r.json["updated"], r.json["unchanged"]) == (0, 1, 1), r
    doc = ctx.get("/v1/entities/%d/payment-timeliness?year=2024" % E).json
    assert doc["itp"]["value"] == round(float((Decimal(30 * 1000) - 10 * 3000) / Decimal("4500.50")), 2) == 0
    assert doc["itp"]["met"] is True
    # every insert and change is in the audit log
    audit = ctx.get("/v1/audit?resource=payments&entity_id=%d" % E).json["items"]
    assert sorted(a["action"] for a in audit) == ["create", "create", "create", "update"]
    upd = [a for a in audit if a["action"] == "update"][0]
    assert upd["before"]["paid_on"] == "2024-02-10" and upd["after"]["paid_on"] == "2024-03-01"
    # a year without invoices has no value
    empty = ctx.get("/v1/entities/%d/payment-timeliness?year=2023" % E).json
    assert empty["itp"]["invoices"] == 0 and empty["itp"]["value"] is None
    assert empty["bonus_share"]["plan_id"] is None


def test_bad_invoices_are_refused_by_line(ctx):
    e = ctx.entity()
    E = e["id"]
    bad = [{"invoice": "A", "due_on": "2024-02-30", "paid_on": "2024-03-01", "amount": 10},
           {"invoice": "B", "due_on": "2024-02-01", "paid_on": "2024-03-01", "amount": 0},
           {"invoice": "C", "due_on": "2024-02-01", "paid_on": "2024-03-01", "amount": 1.005},
           {"invoice": "D", "due_on": "2024-02-01", "paid_on": "2024-03-01", "amount": 5, "iban": "IT00"},
           {"due_on": "2024-02-01", "paid_on": "2024-03-01", "amount": 5}]
    d = expect_problem(ctx.post("/v1/entities/%d/payments:import" % E, bad), 422)
    fields = {x["field"] for x in d["errors"]}
    assert {"[0].due_on", "[1].amount", "[2].amount", "[3].iban", "[4].invoice"} <= fields, d
    twice = [INVOICES[0], dict(INVOICES[0], amount=5)]
    expect_problem(ctx.post("/v1/entities/%d/payments:import" % E, twice), 422, "invoice")
    csv = "invoice;due_on;paid_on;amount\r\nA;2024-01-10;2024-01-20;abc\r\n"
    d = expect_problem(ctx.post("/v1/entities/%d/payments:import" % E, raw=csv, headers={"Content-Type": "text/csv"}),
                       422)
    assert d["errors"][0]["field"] == "line[2].amount", d
    assert ctx.get("/v1/entities/%d/payment-timeliness?year=2024" % E).json["itp"]["invoices"] == 0
    expect_problem(ctx.get("/v1/entities/%d/payment-timeliness?year=24" % E), 400, "year")
    other = ctx.entity()
    expect_problem(ctx.post("/v1/entities/%d/payments:import" % E, INVOICES, token=ctx.token("erp", entity=other["id"])),
                   404)
    reader = ctx.token("reader", entity=E)
    expect_problem(ctx.post("/v1/entities/%d/payments:import" % E, INVOICES, token=reader), 403)


def spread(cents):
    n = len(cents)
    mean = Decimal(sum(cents)) / n / 100
    var = sum((Decimal(c) / 100 - mean) ** 2 for c in cents) / n
    sd = var.sqrt()
    return float(round(mean, 2)), float(round(sd, 2)), float(round(sd / mean * 100, 2))


def distributed_example(ctx):
    w = small_entity(ctx)
    rate_and_sign(ctx, w)
    t, f, E = w["t"], w["forms"], w["e"]["id"]
    for key in ("P1", "P2", "P3", "P4", "M1", "M2"):
        assert ctx.post("/v1/evaluation-forms/%d/accept" % f[key]["id"], {}, token=t[key]).status == 200
    open_the_bonus(ctx, w["plan"]["id"], E)
    for role, fund in (("staff", 10000), ("manager", 5000)):
        r = ctx.post("/v1/entities/%d/bonus-distributions" % E, {"year": YEAR, "role": role, "fund": fund},
                     token=t["planner"])
        assert r.status == 201, r
    return w


def test_art20_figures_hide_small_groups(ctx):
    w = distributed_example(ctx)
    E = w["e"]["id"]
    doc = ctx.get("/v1/entities/%d/transparency?year=2024" % E, token=w["t"]["nucleo"]).json
    assert doc["minimum_group"] == 3 and doc["year"] == 2024
    groups = {g["role"]: g for g in doc["groups"]}
    staff, managers = groups["staff"], groups["manager"]
    # four staff: figures shown; P1 4285.71, P2 2142.86, P3 0, P4 3571.43
    assert (staff["people"], staff["budgeted"], staff["distributed"], staff["average"], staff["premiums"]) == \
        (4, 10000, 10000, 2500, 1)
    mean, sd, cv = spread([428571, 214286, 0, 357143])
    assert staff["differentiation"] == {"mean": mean, "standard_deviation": sd, "coefficient_of_variation": cv}
    # bands of 1 or 2 people show no count
    assert all(b["suppressed"] and b["people"] is None for b in staff["bands"]), staff["bands"]
    assert sorted((b["band"] is None, b["band"]) for b in staff["bands"]) == [(False, 1), (False, 2), (True, None)]
    # two managers: nothing but the group's existence, and the totals leave them out
    assert managers["suppressed"] is True and managers["people"] is None and "distributed" not in managers
    assert doc["premiums"] == {"people": 4, "budgeted": 10000, "distributed": 10000, "excludes_suppressed": True}
    assert doc["differentiation"] is None
    assert "5000" not in ctx.get("/v1/entities/%d/transparency?year=2024" % E).text
    # CSV for the Nucleo: BOM, one row per group and band, the total
    csv = ctx.get("/v1/entities/%d/transparency?year=2024&format=csv" % E)
    assert csv.body.startswith(b"\xef\xbb\xbf") and csv.header("Content-Type").startswith("text/csv")
    rows = [line.split(";") for line in csv.body.decode("utf-8-sig").strip().split("\r\n")]
    assert rows[0][:3] == ["ruolo", "categoria", "fascia"]
    assert ["totale", "", "", "4", "10000,00", "10000,00", "", "", "true"] in rows, rows
    expect_problem(ctx.get("/v1/entities/%d/transparency" % E), 400, "year")


def test_public_only_when_the_entity_says_so(ctx):
    w = distributed_example(ctx)
    E = w["e"]["id"]
    expect_problem(ctx.get("/v1/public/entities/%d/transparency?year=2024" % E, token=None), 404)
    assert ctx.get("/v1/entities/%d/transparency?year=2024" % E, token=None).status == 401
    r = ctx.patch("/v1/entities/%d" % E, {"transparency_public": True})
    assert r.status == 200 and r.json["transparency_public"] is True, r
    pub = ctx.get("/v1/public/entities/%d/transparency?year=2024" % E, token=None)
    assert pub.status == 200
    assert pub.json["groups"] == ctx.get("/v1/entities/%d/transparency?year=2024" % E).json["groups"]
    other = ctx.entity()
    expect_problem(ctx.get("/v1/entities/%d/transparency?year=2024" % E, token=ctx.token("reader", entity=other["id"])),
                   404)
    # the calendar counts the premiums as published once the entity publishes and a distribution exists
    items = ctx.get("/v1/entities/%d/calendar?from=2025-01-01&to=2025-12-31&as_of=2025-03-01" % E).json["items"]
    pub_item = [i for i in items if i["code"] == "premiums_publication" and i["year"] == 2024][0]
    assert pub_item["state"] == "done"


def test_no_bonus_before_the_piano_is_adopted_and_the_relazione_validated(ctx):
    w = small_entity(ctx)
    rate_and_sign(ctx, w)
    t, f, E, pid = w["t"], w["forms"], w["e"]["id"], w["plan"]["id"]
    for key in ("P1", "P2", "P3", "P4"):
        assert ctx.post("/v1/evaluation-forms/%d/accept" % f[key]["id"], {}, token=t[key]).status == 200
    staff = {"year": YEAR, "role": "staff", "fund": 10000}
    url = "/v1/entities/%d/bonus-distributions" % E
    d = expect_problem(ctx.post(url, staff, token=t["planner"]), 409, "year")
    assert d["code"] == "legal_condition" and "art. 10 c. 5" in d["detail"], d
    assert ctx.post("/v1/plans/%d/adopt" % pid, {"deliberation": {"number": "1", "date": "2024-01-20"}}).status == 200
    d = expect_problem(ctx.post(url, staff, token=t["planner"]), 409, "year")
    assert d["code"] == "legal_condition" and "art. 14 c. 6" in d["detail"], d
    assert ctx.post("/v1/plans/%d/close" % pid).status == 200
    expect_problem(ctx.post(url, staff, token=t["planner"]), 409, "year")
    assert ctx.post("/v1/plans/%d/validation" % pid, {"note": "ok"}, token=t["nucleo"]).status == 200
    assert ctx.post(url, staff, token=t["planner"]).status == 201
    assert ctx.sql("SELECT count(*) FROM bonus_distributions WHERE entity_id = %d" % E) == [["1"]]


def test_the_nucleo_validates_a_revision(ctx):
    e = ctx.entity()
    E = e["id"]
    plan = ctx.plan(E)
    pid = plan["id"]
    nucleo = ctx.token("evaluator", entity=E, name="Nucleo")
    planner = ctx.token("planner", entity=E)
    assert ctx.post("/v1/plans/%d/adopt" % pid, {"deliberation": {"number": "4", "date": "2024-01-25"}}).status == 200
    assert ctx.post("/v1/plans/%d/revisions" % pid).status == 201
    assert ctx.post("/v1/plans/%d/adopt" % pid, {"deliberation": {"number": "77", "date": "2024-07-10"}}).status == 200
    expect_problem(ctx.get("/v1/plans/%d/revisions/2/validation" % pid), 404)
    expect_problem(ctx.post("/v1/plans/%d/revisions/2/validation" % pid, {"note": "ok"}, token=planner), 403)
    r = ctx.post("/v1/plans/%d/revisions/2/validation" % pid, {"note": "parere favorevole"}, token=nucleo)
    assert r.status == 201, r
    v = r.json
    assert (v["plan_id"], v["number"], v["note"], v["validated_by"]) == (pid, 2, "parere favorevole", "Nucleo")
    assert v["deliberation"] == {"number": "77", "date": "2024-07-10"}
    assert ctx.get("/v1/plans/%d/revisions/2/validation" % pid).json == v
    expect_problem(ctx.post("/v1/plans/%d/revisions/2/validation" % pid, {}, token=nucleo), 409, "number")
    expect_problem(ctx.post("/v1/plans/%d/revisions/3/validation" % pid, {}, token=nucleo), 404)
    expect_problem(ctx.post("/v1/plans/%d/revisions/1/validation" % pid, {"note": 5}, token=nucleo), 422, "note")
    audit = ctx.get("/v1/audit?action=validate_revision&plan_id=%d" % pid).json["items"]
    assert len(audit) == 1 and audit[0]["after"]["revision"] == 2
    other = ctx.token("evaluator", entity=ctx.entity()["id"])
    expect_problem(ctx.post("/v1/plans/%d/revisions/1/validation" % pid, {}, token=other), 404)
