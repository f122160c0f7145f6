"""Money in JSON is exact (issue 23): amounts, scores, weights, coefficients and percentages go
in and come out as the decimals they are, never through binary floating-point noise.

A client that reads numbers as decimals, as payroll software does, is played here by Python's
json.loads(..., parse_float=decimal.Decimal). Every JSON answer of the whole suite is also
scanned for numbers with more decimals than their field allows (run.decimal_violations, in
Context.request).
"""
import re
from decimal import Decimal

import json

from run import decimal_violations, expect_problem
from test_evaluation import open_the_bonus

YEAR = 2024
FUND = Decimal("123456.78")
PART_TIMES = [100, 83.33, 50, 66.67, 75, 91.67, 33.33]
VALUES = [73.45, 88.8, 95.1255, 61.3]  # the four objectives' measured values (their scores)

SCHEME = {
    "year": YEAR, "role": "staff", "title": "Comparto 2024 (terzi)",
    "weights": {"structure": 33.33, "objectives": 33.33, "behaviours": 33.34},
    "behaviours": [
        {"code": "C1", "name": "Qualità", "weight": 66.67,
         "scale": [{"value": v, "descriptor": "livello %d" % i} for i, v in enumerate([1, 2.5, 3.75, 4.1])]},
        {"code": "C2", "name": "Collaborazione", "weight": 33.33,
         "scale": [{"value": v, "descriptor": "livello %d" % i} for i, v in enumerate([1, 2, 3, 4])]}],
    "bands": [{"min_score": 40, "coefficient": 0.75}, {"min_score": 55.5, "coefficient": 0.9},
              {"min_score": 70, "coefficient": 1.0725}, {"min_score": 85.05, "coefficient": 1.2}],
    "premium": {"share": 10, "increase": 33.33},
}


def parse(r):
    """The answer as a payroll client reads it: every real number a Decimal."""
    return json.loads(r.body.decode("utf-8"), parse_float=Decimal)


def numbers_as_written(r, key):
    """The texts of every number under key in the raw JSON answer."""
    return re.findall(r'"%s"\s*:\s*(-?[0-9][0-9.eE+-]*)' % re.escape(key), r.text)


def entity_of_forty(ctx):
    """44 people: 4 managers leading a structure each and 40 staff spread over them, each taking
    part in their structure's objective, with varied months and part-time; every form rated
    (varied) and signed."""
    e = ctx.entity(name="Comune dei Quaranta")
    E = e["id"]
    plan = ctx.plan(E)
    managers, structures, objectives = [], [], []
    for k in range(4):
        m = ctx.create("/v1/entities/%d/people" % E, {"name": "Dirigente %d" % k, "external_id": "M%d" % k,
                                                     "category": "DIR"})
        s = ctx.create("/v1/entities/%d/structures" % E, {"code": "S%d" % k, "name": "Settore %d" % k,
                                                         "manager_id": m["id"]})
        o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB%d" % k, "title": "Obiettivo %d" % k})
        ctx.create("/v1/objectives/%d/assignments" % o["id"], {"structure_id": s["id"], "weight": 100})
        ind = ctx.create("/v1/objectives/%d/indicators" % o["id"],
                         {"code": "I%d" % k, "name": "Grado", "rule": {"kind": "linear", "target": 100,
                                                                       "baseline": 0}})
        r = ctx.post("/v1/indicators/%d/measurements" % ind["id"], {"value": VALUES[k], "as_of": "2024-12-31"})
        assert r.status == 201, r
        managers.append(m)
        structures.append(s)
        objectives.append(o)
    r = ctx.post("/v1/plans/%d/reviews" % plan["id"], {"kind": "final", "as_of": "2024-12-31", "items": []})
    assert r.status == 201, r
    planner = ctx.token("planner", entity=E, name="Ufficio personale")
    scheme = ctx.create("/v1/entities/%d/evaluation-schemes" % E, SCHEME, token=planner)
    tokens = [ctx.token("manager", entity=E, person=m["id"], name="Dirigente %d" % k)
              for k, m in enumerate(managers)]
    staff = []
    for i in range(40):
        k = i % 4
        months = 12 if i % 3 == 0 else 1 + (i * 7) % 12
        part_time = PART_TIMES[i % len(PART_TIMES)]
        p = ctx.create("/v1/entities/%d/people" % E, {"name": "Persona %02d" % i, "external_id": "P%02d" % i,
                                                     "category": "CDB"[i % 3]})
        ctx.create("/v1/objectives/%d/participations" % objectives[k]["id"],
                   {"person_id": p["id"], "percent": 100, "months": months, "part_time": part_time}, token=planner)
        form = ctx.create("/v1/evaluation-forms", {"person_id": p["id"], "year": YEAR, "role": "staff",
                                                   "plan_id": plan["id"], "structure_id": structures[k]["id"],
                                                   "months": months, "part_time": part_time}, token=planner)
        ratings = {"C1": [1, 2.5, 3.75, 4.1][(i // 4) % 4], "C2": 1 + (i * 3 + i // 5) % 4}
        r = ctx.patch("/v1/evaluation-forms/%d" % form["id"], {"ratings": ratings}, token=tokens[k])
        assert r.status == 200, r
        r = ctx.post("/v1/evaluation-forms/%d/sign" % form["id"], {}, token=tokens[k])
        assert r.status == 200 and r.json["status"] == "signed", r
        staff.append(dict(person=p, form=parse(r), months=months, part_time=Decimal(str(part_time))))
    open_the_bonus(ctx, plan["id"], E)
    return dict(e=e, planner=planner, scheme=scheme, staff=staff)


def figures(explanation):
    """The euro figures of a bonus explanation: (base before the extra cent, extra cent, premium,
    bonus)."""
    base = Decimal(re.search(r"points = ([0-9]+\.[0-9]{2}) €", explanation).group(1))
    extra = Decimal("0.01") if "(largest remainder)" in explanation else Decimal(0)
    m = re.search(r"\+ premium ([0-9]+\.[0-9]{2}) €", explanation)
    premium = Decimal(m.group(1)) if m else Decimal(0)
    bonus = Decimal(re.search(r"= ([0-9]+\.[0-9]{2}) €$", explanation).group(1))
    return base, extra, premium, bonus


def check_distribution(r, people):
    doc = parse(r)
    assert not decimal_violations(r.body)
    for key in ("bonus", "base", "premium_amount", "average", "fund", "distributed", "remainder"):
        for text in numbers_as_written(r, key):
            assert "e" not in text.lower() and len(text.partition(".")[2]) <= 2, (key, text)
    assert len(doc["people"]) == people
    total = sum(p["bonus"] for p in doc["people"])
    assert total == FUND, "the bonuses add up to %s, not %s" % (total, FUND)
    if "distributed" in doc:
        assert doc["distributed"] == FUND and doc["remainder"] == 0, doc
    premiums = 0
    for p in doc["people"]:
        assert p["bonus"] == p["base"] + p["premium_amount"], p
        if p["band"] is None:
            assert p["bonus"] == 0, p
            continue
        base, extra, premium, bonus = figures(p["explanation"])
        assert p["premium_amount"] == premium and p["bonus"] == bonus and p["base"] == base + extra, p
        premiums += p["premium"]
    assert premiums == doc["premiums"] >= 1, doc
    return doc


def test_fund_with_odd_cents_among_forty(ctx):
    w = entity_of_forty(ctx)
    E, planner = w["e"]["id"], w["planner"]
    # the forms as a decimal client reads them
    coefficients = {Decimal("0.75"), Decimal("0.9"), Decimal("1.0725"), Decimal("1.2")}
    for s in w["staff"]:
        c = s["form"]["computed"]
        assert s["form"]["part_time"] == s["part_time"] and c["coefficient"] in coefficients, s["form"]
        assert sum(x["weight"] for x in c["components"]) == 100, c
        assert c["total"] == s["form"]["score"] and c["total"] == c["total"].quantize(Decimal("0.01")), c
    assert len({s["form"]["score"] for s in w["staff"]}) >= 5, "the ratings should vary the scores"
    assert len({s["form"]["computed"]["coefficient"] for s in w["staff"]}) >= 3

    r = ctx.post("/v1/entities/%d/bonus-distributions" % E, {"year": YEAR, "role": "staff", "fund": 123456.78},
                 token=planner)
    assert r.status == 201, r
    created = check_distribution(r, 40)
    assert created["fund"] == FUND and re.search(r'"fund"\s*:\s*123456\.78[,}]', r.text), r.text[:300]
    people = created["people"]
    assert any(p["months"] < 12 for p in people) and any(p["part_time"] < 100 for p in people)
    assert len({p["band"] for p in people}) >= 3 and len({p["months"] for p in people}) >= 6, people
    assert any("(largest remainder)" in p["explanation"] for p in people), "no odd cent went by largest remainder"
    # the same, read back from the database
    got = ctx.get("/v1/bonus-distributions/%d" % created["id"], token=planner)
    assert got.status == 200 and check_distribution(got, 40)["people"] == created["people"]
    # the payroll file matches the JSON to the cent
    csv = ctx.get("/v1/bonus-distributions/%d?format=csv" % created["id"], token=planner)
    assert csv.status == 200 and csv.header("Content-Type").startswith("text/csv"), csv
    lines = [line.split(";") for line in csv.text.split("\r\n") if line]
    head = lines[0]
    assert head == ["external_id", "name", "category", "score", "coefficient", "months", "part_time", "premium",
                    "premium_amount", "bonus"], head
    rows = {row[0]: dict(zip(head, row)) for row in lines[1:]}
    assert len(rows) == 40
    cents = Decimal("0.01")
    for p in created["people"]:
        row = rows[p["external_id"]]
        for key in ("premium_amount", "bonus"):
            assert re.fullmatch(r"[0-9]+,[0-9]{2}", row[key]), row
            assert Decimal(row[key].replace(",", ".")) == Decimal(p[key]).quantize(cents), (row, p)
        for key in ("score", "coefficient", "part_time"):
            assert Decimal(row[key].replace(",", ".")) == p[key], (key, row, p)
    assert sum(Decimal(r["bonus"].replace(",", ".")) for r in rows.values()) == FUND
    # the list holds the fund, distributed and remainder exactly too
    lst = ctx.get("/v1/entities/%d/bonus-distributions" % E, token=planner)
    item = parse(lst)["items"][0]
    assert item["fund"] == FUND and item["distributed"] == FUND and item["remainder"] == 0, item


def test_incoming_values_have_no_binary_form(ctx):
    """0.1, 33.33, 83.33, 123456.78 have no exact binary form: each is stored and answered as
    sent, and a value with too many decimals is refused quoting it as the client wrote it."""
    e = ctx.entity()
    E = e["id"]
    planner = ctx.token("planner", entity=E, name="Ufficio personale")
    scheme = ctx.post("/v1/entities/%d/evaluation-schemes" % E, SCHEME, token=planner)
    assert scheme.status == 201, scheme
    for r in (scheme, ctx.get("/v1/evaluation-schemes/%d" % scheme.json["id"], token=planner)):
        for key, text in (("structure", "33.33"), ("objectives", "33.33"), ("behaviours", "33.34"),
                          ("increase", "33.33"), ("min_score", "85.05"), ("coefficient", "1.0725")):
            assert text in numbers_as_written(r, key), (key, r)
        assert parse(r)["weights"] == {"structure": Decimal("33.33"), "objectives": Decimal("33.33"),
                                       "behaviours": Decimal("33.34")}, r
        assert re.search(r'"coefficient"\s*:\s*1\.0725[,}]', r.text) and re.search(r'"weight"\s*:\s*66\.67[,}]', r.text), r
        assert parse(r)["premium"]["increase"] == Decimal("33.33")
    # 33.333 has too many decimals for a weight: quoted as sent, not as a double prints it
    bad = dict(SCHEME, year=YEAR + 1, weights={"structure": 33.333, "objectives": 33.333, "behaviours": 33.334})
    d = expect_problem(ctx.post("/v1/entities/%d/evaluation-schemes" % E, bad, token=planner), 422,
                       "weights.structure")
    messages = {x["field"]: x["message"] for x in d["errors"]}
    assert "33.333 has more than 2 decimals" in messages["weights.structure"], d
    assert "33.334 has more than 2 decimals" in messages["weights.behaviours"], d
    # binary noise is refused for what it is, not rounded into the value it came from
    plan = ctx.plan(E)
    o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OBX", "title": "Obiettivo",
                                                            "financial_resources": 1234567.89})
    assert re.search(r'"financial_resources"\s*:\s*1234567\.89[,}]', ctx.get("/v1/objectives/%d" % o["id"]).text)
    person = ctx.create("/v1/entities/%d/people" % E, {"name": "Persona", "external_id": "X1"})
    parts = "/v1/objectives/%d/participations" % o["id"]
    d = expect_problem(ctx.post(parts, raw='{"person_id": %d, "percent": 0.10000000000000001}' % person["id"],
                                headers={"Content-Type": "application/json"}, token=planner), 422, "percent")
    assert "0.10000000000000001" in d["errors"][0]["message"], d
    r = ctx.post(parts, raw='{"person_id": %d, "percent": 0.1, "part_time": 83.33}' % person["id"],
                 headers={"Content-Type": "application/json"}, token=planner)
    assert r.status == 201 and parse(r)["percent"] == Decimal("0.1") and parse(r)["part_time"] == Decimal("83.33"), r
    # a fund with more digits than a double carries is refused naming the field, never rounded
    d = expect_problem(ctx.post("/v1/entities/%d/bonus-distributions" % E,
                                raw='{"year": 2024, "role": "staff", "fund": 123456.7800000000001}',
                                headers={"Content-Type": "application/json"}, token=planner), 422, "fund")
    assert "123456.7800000000001 has more than 15 significant digits" in d["errors"][0]["message"], d
    d = expect_problem(ctx.post("/v1/entities/%d/bonus-distributions" % E,
                                {"year": 2024, "role": "staff", "fund": 123456.789}, token=planner), 422, "fund")
    assert "123456.789 has more than 2 decimals" in d["errors"][0]["message"], d
    # the same check guards every body: a nested path is named
    d = expect_problem(ctx.post("/v1/entities/%d/evaluation-schemes" % E,
                                raw=json.dumps(dict(SCHEME, year=YEAR + 2)).replace('"coefficient": 1.0725',
                                                                                    '"coefficient": 1.07250000000000001'),
                                headers={"Content-Type": "application/json"}, token=planner), 422,
                       "bands[2].coefficient")


def test_answers_are_scanned_for_noise(ctx):
    """The scan every answer of the suite goes through catches what issue 23 found."""
    noisy = b'{"people":[{"bonus":4253.0100000000002,"coefficient":1.2,"premium_amount":925.92999999999995}]}'
    assert [(p, t) for p, t, _ in decimal_violations(noisy)] == [("people[0].bonus", "4253.0100000000002"),
                                                                  ("people[0].premium_amount", "925.92999999999995")]
    assert decimal_violations(b'{"weights":{"structure":33.329999999999998}}')
    assert decimal_violations(b'{"coefficient":1.07251}') and not decimal_violations(b'{"coefficient":1.0725}')
    assert decimal_violations(b'{"score":1.5e-3}') and not decimal_violations(b'{"score":86.5,"value":0.1234}')
    assert not decimal_violations(b"not json")


def test_one_encoder(ctx):
    """Every JSON text the server writes goes through rule_json_dumps (reals with 15 significant
    digits: exact decimals), and every decimal through rule_json_decimal: no other json_dumps
    or json_real in src/."""
    import os
    root = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "src")
    found = []
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            if not name.endswith((".c", ".h")) or path.endswith(os.path.join("codec", "rule_json.c")):
                continue
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if re.search(r"\bjson_(dumps|dumpb|dumpf|dump_file|real)\s*\(", line):
                        found.append("%s:%d: %s" % (os.path.relpath(path, root), n, line.strip()))
    assert not found, "use rule_json_dumps / rule_json_decimal:\n" + "\n".join(found)


def test_migration_puts_stored_noise_back(ctx):
    """sql/012: documents stored before issue 23 (with jansson's 17 digits) are put back to the
    decimals they came from; exact numbers and text are left alone."""
    import os
    e = ctx.entity()
    planner = ctx.token("planner", entity=e["id"], name="Ufficio personale")
    scheme = ctx.create("/v1/entities/%d/evaluation-schemes" % e["id"], SCHEME, token=planner)
    noisy = ('{"weights": {"structure": 33.329999999999998, "objectives": 33.33, "behaviours": 33.340000000000003},'
             ' "bands": [{"min_score": 55.5, "coefficient": 1.0725000000000000}, {"min_score": 85.05,'
             ' "coefficient": 1.2}], "premium": {"share": 10, "increase": 33.329999999999998},'
             ' "behaviours": [{"code": "C1.12345678", "weight": 100, "scale": [{"value": 4.0999999999999996}]}]}')
    ctx.sql("UPDATE evaluation_schemes SET definition = '%s' WHERE id = %d" % (noisy, scheme["id"]))
    with open(os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "sql",
                           "012_exact_decimals.sql"), encoding="utf-8") as f:
        ctx.sql(f.read())
    r = ctx.get("/v1/evaluation-schemes/%d" % scheme["id"], token=planner)
    doc = parse(r)
    assert doc["weights"] == {"structure": Decimal("33.33"), "objectives": Decimal("33.33"),
                              "behaviours": Decimal("33.34")}, doc
    assert [b["coefficient"] for b in doc["bands"]] == [Decimal("1.0725"), Decimal("1.2")], doc
    assert doc["premium"]["increase"] == Decimal("33.33") and doc["behaviours"][0]["code"] == "C1.12345678", doc
    assert doc["behaviours"][0]["scale"][0]["value"] == Decimal("4.1"), doc
