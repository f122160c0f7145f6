"""Roles, tenant isolation and hostile input (issue 7).

- The endpoint x role matrix: every route of src/api/routes.c (parsed as test_openapi.py does) is called
  by a token of every role on its own entity's data; the answer must be the route's success status when
  the route admits the role, 403 when it does not (whatever the body).
- Isolation: the same walk with ids of another entity gives 404 (403 where the role may not call the
  route at all), and lists, CSV, the audit log and the change feed show nothing of the other entity.
- Tokens (/v1/tokens for planners, person_id, expires_at), the manager restriction, personal scores.
- Hostile input, slow clients, per-address connections, the per-token rate limit, CORS, TLS, and the
  logging and counting of failed authentications.
"""
import json
import os
import socket
import ssl
import subprocess
import time
import urllib.request

from run import expect_problem, free_port
from test_openapi import parse_routes, role_names

ROLES = ["admin", "planner", "manager", "evaluator", "reader", "erp"]
CSV = {"Content-Type": "text/csv; charset=utf-8"}
DELIB = {"deliberation": {"number": "12", "date": "2024-01-25", "body": "Giunta Comunale"}}
RULE = {"kind": "bands", "bands": [{"max": 50, "score": 0}, {"min": 50, "score": 100}]}


# --- the two entities -------------------------------------------------------------------------

class World:
    """One entity with people, structures, an adopted plan with monitoring data, reviews and two
    revisions, a draft plan to edit, and a token of every role."""

    def __init__(self, ctx, tag):
        self.ctx = ctx
        self.seq = 0
        a = lambda path, body: ctx.create(path, body)  # noqa: E731 - admin creates
        self.e = ctx.entity(name="Comune %s" % tag)
        self.code = self.e["code"]
        eid = self.id = self.e["id"]
        base = "/v1/entities/%d" % eid
        self.boss = a(base + "/people", {"name": "Dirigente %s" % tag, "external_id": "BOSS"})
        self.other = a(base + "/people", {"name": "Altro dirigente %s" % tag, "external_id": "OTHER"})
        self.s1 = a(base + "/structures", {"code": "S1", "name": "Settore 1", "manager_id": self.boss["id"]})
        self.s2 = a(base + "/structures", {"code": "S2", "name": "Settore 2", "manager_id": self.other["id"]})
        # the adopted plan, monitored and revised
        self.plan = ctx.plan(eid, title="Piano %s" % tag)
        pid = self.plan["id"]
        self.o, self.ph, self.ind = [], [], []
        for i, who in enumerate([{"structure_id": self.s1["id"]}, {"structure_id": self.s2["id"]},
                                 {"person_id": self.boss["id"]}]):
            o = a("/v1/plans/%d/objectives" % pid, {"code": "OB%d" % (i + 1), "title": "Obiettivo %d %s" % (i + 1, tag)})
            a("/v1/objectives/%d/assignments" % o["id"], dict(who, weight=100 if i == 2 else 50))
            self.o.append(o)
            self.ph.append(a("/v1/objectives/%d/phases" % o["id"], {"seq": 1, "description": "Fase", "weight": 100,
                                                                    "deadline": "2024-06-30"}))
            self.ind.append(a("/v1/objectives/%d/indicators" % o["id"], {"code": "IND%d" % (i + 1), "name": "Indicatore",
                                                                       "target": 100, "rule": RULE}))
        assert ctx.post("/v1/plans/%d/adopt" % pid, DELIB).status == 200
        ctx.create("/v1/phases/%d/progress" % self.ph[0]["id"], {"percent_complete": 40, "as_of": "2024-05-31"})
        ctx.create("/v1/indicators/%d/measurements" % self.ind[0]["id"], {"value": 70, "as_of": "2024-05-31"})
        self.review = a("/v1/plans/%d/reviews" % pid, {"kind": "intermediate", "as_of": "2024-06-30", "items": [
            {"objective_id": self.o[0]["id"], "causes": "ritardo %s" % tag}]})
        assert ctx.post("/v1/plans/%d/revisions" % pid).status == 201
        assert ctx.patch("/v1/objectives/%d" % self.o[0]["id"], {"title": "Obiettivo rivisto %s" % tag}).status == 200
        assert ctx.post("/v1/plans/%d/adopt" % pid, {"deliberation": {"number": "100", "date": "2024-09-01"}}).status == 200
        # a draft plan whose content may be edited
        self.draft = ctx.plan(eid, year=2025, title="Bozza %s" % tag)
        self.do = a("/v1/plans/%d/objectives" % self.draft["id"], {"code": "D1", "title": "Bozza"})
        self.das = a("/v1/objectives/%d/assignments" % self.do["id"], {"structure_id": self.s1["id"], "weight": 10})
        self.dph = a("/v1/objectives/%d/phases" % self.do["id"], {"seq": 1, "description": "Fase bozza"})
        self.din = a("/v1/objectives/%d/indicators" % self.do["id"], {"code": "DI1", "name": "Indicatore bozza"})
        self.tok = {"admin": ctx.admin}
        for role in ROLES[1:]:
            self.tok[role] = ctx.token(role, entity=eid, name="%s %s" % (role, tag),
                                       person=self.boss["id"] if role == "manager" else None)
        r = ctx.post("/v1/tokens", {"role": "reader", "entity_id": eid, "name": "spare %s" % tag})
        self.spare_token_id = r.json["id"]

    def n(self):
        self.seq += 1
        return self.seq

    # fresh rows for the routes that consume what they act on (admin makes them)
    def fresh_entity(self):
        return self.ctx.entity()["id"]

    def fresh_structure(self):
        return self.ctx.create("/v1/entities/%d/structures" % self.id, {"code": "F%d" % self.n(), "name": "x"})["id"]

    def fresh_person(self):
        return self.ctx.create("/v1/entities/%d/people" % self.id, {"name": "P%d" % self.n()})["id"]

    def slot(self):
        """A (year, kind) that no plan of the entity has yet."""
        self.slots = getattr(self, "slots", 0) + 1
        return 2100 - self.slots // 3, ["performance", "peg", "piao"][self.slots % 3]

    def fresh_plan(self, state="draft"):
        ctx = self.ctx
        year, kind = self.slot()
        p = ctx.plan(self.id, year=year, kind=kind, title="Fresco")
        o = ctx.create("/v1/plans/%d/objectives" % p["id"], {"code": "X", "title": "x"})
        ctx.create("/v1/objectives/%d/phases" % o["id"], {"seq": 1, "description": "x", "weight": 100})
        if state in ("adopted", "closed"):
            assert ctx.post("/v1/plans/%d/adopt" % p["id"], DELIB).status == 200
        if state == "closed":
            assert ctx.post("/v1/plans/%d/close" % p["id"]).status == 200
        return p["id"]

    def fresh_objective(self):
        return self.ctx.create("/v1/plans/%d/objectives" % self.draft["id"], {"code": "FO%d" % self.n(), "title": "x"})["id"]

    def fresh_assignment(self):
        o = self.fresh_objective()
        return self.ctx.create("/v1/objectives/%d/assignments" % o, {"structure_id": self.s2["id"]})["id"]

    def fresh_phase(self):
        return self.ctx.create("/v1/objectives/%d/phases" % self.do["id"], {"seq": 100 + self.n(), "description": "x"})["id"]

    def fresh_indicator(self):
        return self.ctx.create("/v1/objectives/%d/indicators" % self.do["id"], {"code": "FI%d" % self.n(), "name": "x"})["id"]

    def override(self):
        """A pending override request on objective 2 (the planner asks)."""
        return self.ctx.create("/v1/objectives/%d/overrides" % self.o[1]["id"], {
            "score": 50, "as_of": "2024-12-31", "reason": "richiesta"}, token=self.tok["planner"])["id"]

    def fresh_token(self):
        return self.ctx.post("/v1/tokens", {"role": "reader", "entity_id": self.id, "name": "fresh"}).json["id"]

    def fresh_oidc(self, kind):
        """A new row of the entity's OpenID Connect issuers or group table."""
        body = {"issuer": "https://sso.example/f%d" % self.n()} if kind == "issuers" else {"group": "f%d" % self.n(),
                                                                                           "role": "reader"}
        return self.ctx.create("/v1/entities/%d/oidc-%s" % (self.id, kind), body)["id"]

    def plan_doc(self, own_entity_id):
        year, kind = self.slot()
        return {"format": "ciclo-plan/1", "entity_id": own_entity_id, "year": year, "kind": kind, "title": "Importato",
                "objectives": [{"code": "IMP", "title": "Importato", "assignments": [{"structure_code": "S1", "weight": 100}]}]}


def worlds(ctx):
    if not hasattr(ctx, "_security_worlds"):
        ctx._security_worlds = (World(ctx, "Alfa"), World(ctx, "Beta"))
    return ctx._security_worlds


# --- how to call every route: (path, body[, headers]) from a world; expected success status -----

def R(status, make):
    return {"status": status, "make": make}


RECIPES = {
    ("GET", "/v1/entities"): R(200, lambda w: ("/v1/entities", None)),
    ("POST", "/v1/entities"): R(201, lambda w: ("/v1/entities", {"code": "N%d%d" % (w.id, w.n()), "name": "Nuovo"})),
    ("GET", "/v1/entities/{id}"): R(200, lambda w: ("/v1/entities/%d" % w.id, None)),
    ("PATCH", "/v1/entities/{id}"): R(200, lambda w: ("/v1/entities/%d" % w.id, {"fiscal_code": "01907990012"})),
    ("DELETE", "/v1/entities/{id}"): R(204, lambda w: ("/v1/entities/%d" % w.fresh_entity(), None)),
    ("GET", "/v1/entities/{id}/structures"): R(200, lambda w: ("/v1/entities/%d/structures" % w.id, None)),
    ("POST", "/v1/entities/{id}/structures"): R(201, lambda w: ("/v1/entities/%d/structures" % w.id,
                                                                {"code": "C%d" % w.n(), "name": "Nuova"})),
    ("GET", "/v1/structures/{id}"): R(200, lambda w: ("/v1/structures/%d" % w.s1["id"], None)),
    ("PATCH", "/v1/structures/{id}"): R(200, lambda w: ("/v1/structures/%d" % w.s2["id"], {"kind": "settore"})),
    ("DELETE", "/v1/structures/{id}"): R(204, lambda w: ("/v1/structures/%d" % w.fresh_structure(), None)),
    ("GET", "/v1/entities/{id}/people"): R(200, lambda w: ("/v1/entities/%d/people" % w.id, None)),
    ("POST", "/v1/entities/{id}/people"): R(201, lambda w: ("/v1/entities/%d/people" % w.id, {"name": "Nuovo"})),
    ("GET", "/v1/people/{id}"): R(200, lambda w: ("/v1/people/%d" % w.boss["id"], None)),
    ("PATCH", "/v1/people/{id}"): R(200, lambda w: ("/v1/people/%d" % w.other["id"], {"category": "DIR"})),
    ("DELETE", "/v1/people/{id}"): R(204, lambda w: ("/v1/people/%d" % w.fresh_person(), None)),
    ("GET", "/v1/plans"): R(200, lambda w: ("/v1/plans", None)),
    ("POST", "/v1/plans"): R(201, lambda w: ("/v1/plans", dict(zip(("year", "kind"), w.slot()), entity_id=w.id,
                                                                title="Nuovo"))),
    ("GET", "/v1/plans/{id}"): R(200, lambda w: ("/v1/plans/%d" % w.plan["id"], None)),
    ("PATCH", "/v1/plans/{id}"): R(200, lambda w: ("/v1/plans/%d" % w.draft["id"], {"title": "Bozza %d" % w.n()})),
    ("DELETE", "/v1/plans/{id}"): R(204, lambda w: ("/v1/plans/%d" % w.ctx.plan(w.id, **dict(zip(
        ("year", "kind"), w.slot())))["id"], None)),
    ("GET", "/v1/plans/{id}/objectives"): R(200, lambda w: ("/v1/plans/%d/objectives" % w.plan["id"], None)),
    ("POST", "/v1/plans/{id}/objectives"): R(201, lambda w: ("/v1/plans/%d/objectives" % w.draft["id"],
                                                             {"code": "NO%d" % w.n(), "title": "Nuovo"})),
    ("GET", "/v1/objectives/{id}"): R(200, lambda w: ("/v1/objectives/%d" % w.o[0]["id"], None)),
    ("PATCH", "/v1/objectives/{id}"): R(200, lambda w: ("/v1/objectives/%d" % w.do["id"], {"routine": True})),
    ("DELETE", "/v1/objectives/{id}"): R(204, lambda w: ("/v1/objectives/%d" % w.fresh_objective(), None)),
    ("GET", "/v1/objectives/{id}/assignments"): R(200, lambda w: ("/v1/objectives/%d/assignments" % w.o[0]["id"], None)),
    ("POST", "/v1/objectives/{id}/assignments"): R(201, lambda w: ("/v1/objectives/%d/assignments" % w.fresh_objective(),
                                                                   {"structure_id": w.s1["id"], "weight": 5})),
    ("GET", "/v1/assignments/{id}"): R(200, lambda w: ("/v1/assignments/%d" % w.das["id"], None)),
    ("PATCH", "/v1/assignments/{id}"): R(200, lambda w: ("/v1/assignments/%d" % w.das["id"], {"weight": 20})),
    ("DELETE", "/v1/assignments/{id}"): R(204, lambda w: ("/v1/assignments/%d" % w.fresh_assignment(), None)),
    ("GET", "/v1/objectives/{id}/phases"): R(200, lambda w: ("/v1/objectives/%d/phases" % w.o[0]["id"], None)),
    ("POST", "/v1/objectives/{id}/phases"): R(201, lambda w: ("/v1/objectives/%d/phases" % w.do["id"],
                                                              {"seq": 500 + w.n(), "description": "Nuova"})),
    ("GET", "/v1/phases/{id}"): R(200, lambda w: ("/v1/phases/%d" % w.ph[0]["id"], None)),
    ("PATCH", "/v1/phases/{id}"): R(200, lambda w: ("/v1/phases/%d" % w.dph["id"], {"weight": 30})),
    ("DELETE", "/v1/phases/{id}"): R(204, lambda w: ("/v1/phases/%d" % w.fresh_phase(), None)),
    ("GET", "/v1/objectives/{id}/indicators"): R(200, lambda w: ("/v1/objectives/%d/indicators" % w.o[0]["id"], None)),
    ("POST", "/v1/objectives/{id}/indicators"): R(201, lambda w: ("/v1/objectives/%d/indicators" % w.do["id"],
                                                                  {"code": "NI%d" % w.n(), "name": "Nuovo"})),
    ("GET", "/v1/indicators/{id}"): R(200, lambda w: ("/v1/indicators/%d" % w.ind[0]["id"], None)),
    ("PATCH", "/v1/indicators/{id}"): R(200, lambda w: ("/v1/indicators/%d" % w.din["id"], {"unit": "giorni"})),
    ("DELETE", "/v1/indicators/{id}"): R(204, lambda w: ("/v1/indicators/%d" % w.fresh_indicator(), None)),
    # monitoring and scoring: objective 1 is assigned to the structure the manager token's person leads
    ("POST", "/v1/phases/{id}/progress"): R(201, lambda w: ("/v1/phases/%d/progress" % w.ph[0]["id"],
                                                            {"percent_complete": 50, "as_of": "2024-12-%02d" % (1 + w.n() % 28)})),
    ("GET", "/v1/phases/{id}/progress"): R(200, lambda w: ("/v1/phases/%d/progress" % w.ph[0]["id"], None)),
    ("POST", "/v1/indicators/{id}/measurements"): R(201, lambda w: ("/v1/indicators/%d/measurements" % w.ind[0]["id"],
                                                                    {"value": 60, "as_of": "2024-12-31"})),
    ("GET", "/v1/indicators/{id}/measurements"): R(200, lambda w: ("/v1/indicators/%d/measurements" % w.ind[0]["id"], None)),
    ("GET", "/v1/objectives/{id}/score"): R(200, lambda w: ("/v1/objectives/%d/score?as_of=2024-12-31" % w.o[0]["id"], None)),
    ("GET", "/v1/plans/{id}/scores"): R(200, lambda w: ("/v1/plans/%d/scores?as_of=2024-12-31" % w.plan["id"], None)),
    ("GET", "/v1/plans/{id}/checks"): R(200, lambda w: ("/v1/plans/%d/checks" % w.plan["id"], None)),
    ("GET", "/v1/plans/{id}/report"): R(200, lambda w: ("/v1/plans/%d/report" % w.plan["id"], None)),
    ("POST", "/v1/plans/{id}/reviews"): R(201, lambda w: ("/v1/plans/%d/reviews" % w.plan["id"], {
        "kind": "intermediate", "as_of": "2024-%02d-%02d" % (8 + w.n() // 28 % 4, 1 + w.seq % 28), "items": []})),
    ("GET", "/v1/plans/{id}/reviews"): R(200, lambda w: ("/v1/plans/%d/reviews" % w.plan["id"], None)),
    ("GET", "/v1/reviews/{id}"): R(200, lambda w: ("/v1/reviews/%d" % w.review["id"], None)),
    # score overrides: objective 1 is assigned to the structure the manager token's person leads
    ("POST", "/v1/objectives/{id}/overrides"): R(201, lambda w: ("/v1/objectives/%d/overrides" % w.o[0]["id"], {
        "score": 90, "as_of": "2024-12-31", "reason": "atto fuori sistema"})),
    ("GET", "/v1/objectives/{id}/overrides"): R(200, lambda w: ("/v1/objectives/%d/overrides" % w.o[0]["id"], None)),
    ("GET", "/v1/plans/{id}/overrides"): R(200, lambda w: ("/v1/plans/%d/overrides" % w.plan["id"], None)),
    ("GET", "/v1/overrides/{id}"): R(200, lambda w: ("/v1/overrides/%d" % w.override(), None)),
    ("POST", "/v1/overrides/{id}/approve"): R(200, lambda w: ("/v1/overrides/%d/approve" % w.override(), {})),
    ("POST", "/v1/overrides/{id}/reject"): R(200, lambda w: ("/v1/overrides/%d/reject" % w.override(), {"note": "no"})),
    ("POST", "/v1/rules:evaluate"): R(200, lambda w: ("/v1/rules:evaluate", {"rule": RULE, "value": 70})),
    ("POST", "/v1/rules:check"): R(200, lambda w: ("/v1/rules:check", {"rule": RULE})),
    # lifecycle, revisions, audit
    ("POST", "/v1/plans/{id}/adopt"): R(200, lambda w: ("/v1/plans/%d/adopt" % w.fresh_plan(), DELIB)),
    ("GET", "/v1/plans/{id}/revisions"): R(200, lambda w: ("/v1/plans/%d/revisions" % w.plan["id"], None)),
    ("POST", "/v1/plans/{id}/revisions"): R(201, lambda w: ("/v1/plans/%d/revisions" % w.fresh_plan("adopted"), {})),
    ("GET", "/v1/plans/{id}/revisions/{id}"): R(200, lambda w: ("/v1/plans/%d/revisions/1" % w.plan["id"], None)),
    ("GET", "/v1/plans/{id}/revisions/{id}/changes"): R(200, lambda w: ("/v1/plans/%d/revisions/2/changes" % w.plan["id"], None)),
    ("POST", "/v1/plans/{id}/close"): R(200, lambda w: ("/v1/plans/%d/close" % w.fresh_plan("adopted"), {})),
    ("POST", "/v1/plans/{id}/validation"): R(200, lambda w: ("/v1/plans/%d/validation" % w.fresh_plan("closed"),
                                                             {"note": "validata"})),
    ("GET", "/v1/audit"): R(200, lambda w: ("/v1/audit", None)),
    # import, export, ERP feeds, change feed
    ("POST", "/v1/plans:import"): R(201, lambda w: ("/v1/plans:import", w.plan_doc(w.id))),
    ("GET", "/v1/plans/{id}/export"): R(200, lambda w: ("/v1/plans/%d/export" % w.plan["id"], None)),
    ("POST", "/v1/entities/{id}/structures:import"): R(200, lambda w: ("/v1/entities/%d/structures:import" % w.id,
                                                                       [{"code": "IMP", "name": "Importata"}])),
    ("POST", "/v1/entities/{id}/people:import"): R(200, lambda w: ("/v1/entities/%d/people:import" % w.id,
                                                                   [{"external_id": "IMPP", "name": "Importato"}])),
    ("POST", "/v1/plans/{id}/measurements:import"): R(200, lambda w: ("/v1/plans/%d/measurements:import" % w.plan["id"],
                                                                      [{"indicator_code": "IND2", "as_of": "2024-12-%02d"
                                                                        % (1 + w.n() % 28), "value": 80}])),
    ("POST", "/v1/plans/{id}/progress:import"): R(200, lambda w: ("/v1/plans/%d/progress:import" % w.plan["id"],
                                                                  [{"objective_code": "OB2", "phase_seq": 1,
                                                                    "as_of": "2024-12-%02d" % (1 + w.n() % 28),
                                                                    "percent_complete": 60}])),
    ("POST", "/v1/plans/{id}/financials:import"): R(200, lambda w: ("/v1/plans/%d/financials:import" % w.draft["id"],
                                                                    [{"objective_code": "D1", "financial_resources": 1000 + w.n()}])),
    ("GET", "/v1/changes"): R(200, lambda w: ("/v1/changes", None)),
    # tokens
    ("GET", "/v1/tokens"): R(200, lambda w: ("/v1/tokens", None)),
    ("POST", "/v1/tokens"): R(201, lambda w: ("/v1/tokens", {"role": "reader", "entity_id": w.id, "name": "nuovo"})),
    ("DELETE", "/v1/tokens/{id}"): R(204, lambda w: ("/v1/tokens/%d" % w.fresh_token(), None)),
    # OpenID Connect sign-in: who the caller is, an entity's issuers and group table
    ("GET", "/v1/me"): R(200, lambda w: ("/v1/me", None)),
    ("GET", "/v1/me/objectives"): R(200, lambda w: ("/v1/me/objectives", None)),
    ("GET", "/v1/entities/{id}/oidc-issuers"): R(200, lambda w: ("/v1/entities/%d/oidc-issuers" % w.id, None)),
    ("POST", "/v1/entities/{id}/oidc-issuers"): R(201, lambda w: ("/v1/entities/%d/oidc-issuers" % w.id,
                                                                  {"issuer": "https://sso.example/%d" % w.n()})),
    ("GET", "/v1/oidc-issuers/{id}"): R(200, lambda w: ("/v1/oidc-issuers/%d" % w.fresh_oidc("issuers"), None)),
    ("PATCH", "/v1/oidc-issuers/{id}"): R(200, lambda w: ("/v1/oidc-issuers/%d" % w.fresh_oidc("issuers"),
                                                          {"issuer": "https://sso.example/p%d" % w.n()})),
    ("DELETE", "/v1/oidc-issuers/{id}"): R(204, lambda w: ("/v1/oidc-issuers/%d" % w.fresh_oidc("issuers"), None)),
    ("GET", "/v1/entities/{id}/oidc-groups"): R(200, lambda w: ("/v1/entities/%d/oidc-groups" % w.id, None)),
    ("POST", "/v1/entities/{id}/oidc-groups"): R(201, lambda w: ("/v1/entities/%d/oidc-groups" % w.id,
                                                                 {"group": "g%d" % w.n(), "role": "reader"})),
    ("GET", "/v1/oidc-groups/{id}"): R(200, lambda w: ("/v1/oidc-groups/%d" % w.fresh_oidc("groups"), None)),
    ("PATCH", "/v1/oidc-groups/{id}"): R(200, lambda w: ("/v1/oidc-groups/%d" % w.fresh_oidc("groups"),
                                                         {"role": "planner"})),
    ("DELETE", "/v1/oidc-groups/{id}"): R(204, lambda w: ("/v1/oidc-groups/%d" % w.fresh_oidc("groups"), None)),
}


def call(ctx, method, path, body, token):
    if body is None and method in ("POST", "PATCH"):
        body = {}
    return ctx.request(method, path, body, token=token)


def api_routes():
    return [(m, p, bits) for m, p, bits, _ in parse_routes() if bits]


# --- the matrix -------------------------------------------------------------------------------

def test_every_route_has_a_recipe(ctx):
    """The walk below covers the whole route table: a new route needs its line in RECIPES."""
    missing = sorted("%s %s" % (m, p) for m, p, _ in api_routes() if (m, p) not in RECIPES)
    stale = sorted("%s %s" % k for k in RECIPES if k not in {(m, p) for m, p, _ in api_routes()})
    assert not stale, "RECIPES names routes that routes.c lacks: %s" % stale
    if missing:
        # still walked generically (403 for the roles a route refuses), but say so
        print("     routes walked only generically (add them to RECIPES): %s" % missing)


def test_endpoint_role_matrix(ctx):
    A, B = worlds(ctx)
    wrong = []
    for method, pattern, bits in api_routes():
        allowed = set(role_names(bits))
        recipe = RECIPES.get((method, pattern))
        for role in ROLES:
            tok = A.tok[role]
            if role not in allowed:
                # forbidden whatever the body: garbage of the wrong media type still gets a 403
                path = recipe["make"](A)[0] if recipe else pattern.replace("{id}", str(A.plan["id"]))
                r = ctx.request(method, path, raw=b"\xff{{not json", token=tok,
                                headers={"Content-Type": "application/octet-stream"})
                if r.status != 403 or not (r.header("Content-Type") or "").startswith("application/problem+json"):
                    wrong.append("%s %s as %s: %d, want 403" % (method, pattern, role, r.status))
                continue
            if not recipe:
                continue
            path, body = recipe["make"](A)
            r = call(ctx, method, path, body, tok)
            if r.status != recipe["status"]:
                wrong.append("%s %s as %s: %r, want %d" % (method, path, role, r, recipe["status"]))
    assert not wrong, "\n".join(wrong)


def test_other_entity_is_404(ctx):
    """Tokens of entity A, every role but admin, on B's ids: 404 where the role may call the route,
    403 where it may not; never a trace of B in the answer."""
    A, B = worlds(ctx)
    wrong = []
    marks = [B.code, "Beta"]
    for method, pattern, bits in api_routes():
        if "{id}" not in pattern:
            continue
        allowed = set(role_names(bits))
        recipe = RECIPES.get((method, pattern))
        for role in ROLES[1:]:
            if recipe:
                path, body = recipe["make"](B)
            else:
                path, body = pattern.replace("{id}", str(B.plan["id"])), None
            r = call(ctx, method, path, body, A.tok[role])
            want = 404 if role in allowed else 403
            if not recipe and role in allowed:
                # no valid body known: an empty list or a refusal is fine, anything done is not
                empty_list = method == "GET" and r.status == 200 and r.json.get("items") == []
                if not (empty_list or r.status in (400, 404, 409, 422)):
                    wrong.append("%s %s as %s of A: %r, want 404" % (method, path, role, r))
            elif r.status != want:
                wrong.append("%s %s as %s of A: %r, want %d" % (method, path, role, r, want))
            if any(m in r.text for m in marks):
                wrong.append("%s %s as %s of A: B shows through: %s" % (method, path, role, r.text[:300]))
    # and B's rows are untouched: the first objective still has B's revised title
    assert ctx.get("/v1/objectives/%d" % B.o[0]["id"]).json["title"] == "Obiettivo rivisto Beta"
    assert ctx.get("/v1/structures/%d" % B.s2["id"]).json["kind"] == "other"
    assert wrong == [], "\n".join(wrong)


def test_lists_csv_audit_and_feeds_show_one_entity(ctx):
    A, B = worlds(ctx)
    marks = [B.code, "Beta", "Comune Beta"]
    paths = ["/v1/entities", "/v1/plans", "/v1/plans?entity_id=%d" % B.id, "/v1/plans?entity_id=%d&format=csv" % B.id,
             "/v1/entities?format=csv", "/v1/entities?code=%s" % B.code, "/v1/plans?year=2024&format=csv",
             "/v1/audit", "/v1/audit?entity_id=%d" % B.id, "/v1/audit?plan_id=%d" % B.plan["id"],
             "/v1/audit?resource=objectives/%d" % B.o[0]["id"], "/v1/audit?format=csv", "/v1/changes",
             "/v1/changes?limit=1000", "/v1/tokens", "/v1/tokens?format=csv",
             "/v1/entities/%d/structures?manager_id=%d" % (A.id, B.boss["id"])]
    leaks = []
    for role in ROLES[1:]:
        for path in paths:
            r = ctx.get(path, token=A.tok[role])
            if r.status == 403:
                continue  # the route refuses the role (checked by the matrix)
            if r.status != 200:
                leaks.append("%s as %s: %r" % (path, role, r))
                continue
            if any(m in r.text for m in marks):
                leaks.append("%s as %s shows B: %s" % (path, role, r.text[:300]))
            if "format=csv" not in path:
                for item in r.json["items"]:
                    eid = item.get("entity_id", item.get("id") if path.startswith("/v1/entities") else A.id)
                    if eid != A.id:
                        leaks.append("%s as %s: an item of entity %s" % (path, role, eid))
    assert not leaks, "\n".join(leaks)
    # A's own rows are there
    assert [x["id"] for x in ctx.get("/v1/entities", token=A.tok["reader"]).json["items"]] == [A.id]
    assert ctx.get("/v1/audit?plan_id=%d" % A.plan["id"], token=A.tok["evaluator"]).json["items"]
    # a planner's token list holds its entity's tokens only, never an admin's, never a secret
    toks = ctx.get("/v1/tokens?limit=1000", token=A.tok["planner"]).json["items"]
    assert toks and all(t["entity_id"] == A.id and t["role"] != "admin" and "token" not in t for t in toks), toks


def test_row_level_security_is_a_second_wall(ctx):
    """Under the scoped WHERE clauses, PostgreSQL itself keeps entities apart (sql/016): as the
    service's role, a session set to entity A reads, changes and adds nothing of entity B even with
    no WHERE at all; a session with no entity set reads no entity's rows; 'all' (an admin) reads
    both. Every table with an entity_id column is walled, those of later migrations too. (Before,
    the service's role read every entity's rows.)"""
    A, B = worlds(ctx)

    def as_service(sql, entity=None):
        if entity is not None:
            sql = "SELECT set_config('ciclo.entity_id', '%s', false) \\g /dev/null\n%s" % (entity, sql)
        r = subprocess.run(["psql", ctx.database_url, "-AtX", "-F", "\t", "-v", "ON_ERROR_STOP=1"], input=sql,
                           capture_output=True, text=True)
        return r
    tables = [r[0] for r in ctx.sql("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                    "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND EXISTS (SELECT FROM "
                                    "pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'entity_id' AND NOT "
                                    "a.attisdropped) ORDER BY 1")]
    assert {"plans", "objectives", "people", "tokens", "audit", "measurements", "evaluation_forms"} <= set(tables)
    walled = {r[0] for r in ctx.sql("SELECT c.relname FROM pg_class c JOIN pg_policies p ON p.tablename = c.relname "
                                    "AND p.policyname = 'ciclo_entity_wall' WHERE c.relrowsecurity")}
    assert set(tables) | {"entities"} <= walled, set(tables) - walled
    # B's rows exist (as the owner, who is not bound by the policy)
    counts = {r[0]: int(r[1]) for r in ctx.sql(" UNION ALL ".join(
        "SELECT '%s', count(*) FROM %s WHERE entity_id = %d" % (t, t, B.id) for t in tables))}
    assert counts["plans"] and counts["objectives"] and counts["tokens"] and counts["audit"], counts
    def per_table(what, entity):
        """{table: the row of `what` for it}, one psql for every table."""
        sql = " UNION ALL ".join("SELECT '%s', %s FROM %s" % (t, what, t) for t in tables)
        r = as_service(sql, entity)
        assert r.returncode == 0, r
        return {line.split("\t")[0]: line.split("\t")[1:] for line in r.stdout.splitlines()}
    seen = per_table("count(*) FILTER (WHERE entity_id = %d), count(*) FILTER (WHERE entity_id IS DISTINCT FROM %d)"
                     % (B.id, A.id), A.id)
    assert all(seen[t] == ["0", "0"] for t in tables), seen  # as A: nothing of B, nothing but A
    seen = per_table("count(*)", None)  # no entity set: nothing at all (fail closed)
    assert all(seen[t] == ["0"] for t in tables), seen
    seen = per_table("count(*) FILTER (WHERE entity_id = %d)" % B.id, "all")
    assert all(int(seen[t][0]) == counts[t] for t in tables), (seen, counts)
    r = as_service("SELECT id FROM entities ORDER BY id", A.id)
    assert r.stdout.split() == [str(A.id)], r
    assert as_service("SELECT count(*) FROM entities").stdout.split() == ["0"]
    # a forgotten WHERE changes nothing of B, and nothing can be written into B
    title = ctx.sql("SELECT title FROM plans WHERE id = %d" % B.plan["id"])
    r = as_service("UPDATE plans SET title = 'preso' WHERE id = %d" % B.plan["id"], A.id)
    assert r.returncode == 0 and r.stdout.strip() == "UPDATE 0", r
    r = as_service("DELETE FROM measurements", A.id)
    assert r.returncode == 0, r
    assert ctx.sql("SELECT title FROM plans WHERE id = %d" % B.plan["id"]) == title
    assert int(ctx.sql("SELECT count(*) FROM measurements WHERE entity_id = %d" % B.id)[0][0]) == counts["measurements"]
    r = as_service("INSERT INTO people (entity_id, name) VALUES (%d, 'Intruso')" % B.id, A.id)
    assert r.returncode != 0 and "row-level security" in r.stderr, r
    # the server serves each entity its own rows through it, and an admin every entity
    assert ctx.get("/v1/plans/%d" % A.plan["id"], token=A.tok["planner"]).status == 200
    assert ctx.get("/v1/plans/%d" % B.plan["id"], token=A.tok["planner"]).status == 404
    assert ctx.get("/v1/plans/%d" % B.plan["id"]).status == 200


def test_ids_out_of_range_and_bad_parameters(ctx):
    A, _ = worlds(ctx)
    tok = A.tok["reader"]
    for path in ("/v1/plans/99999999999999999999", "/v1/plans/9223372036854775807", "/v1/plans/0",
                 "/v1/plans/-1", "/v1/plans/1e3", "/v1/plans/%20", "/v1/plans/1%00"):
        expect_problem(ctx.get(path, token=tok), 404)
    expect_problem(ctx.get("/v1/plans/999999999999999999", token=tok), 404)
    for q in ("limit=0", "limit=1001", "limit=99999999999999999999", "limit=-5", "limit=abc", "cursor=%%%%",
              "cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "year=20244444444444444444444", "year=99999",
              "entity_id=0", "entity_id=99999999999999999999"):
        r = ctx.get("/v1/plans?" + q, token=tok)
        expect_problem(r, 400)
    expect_problem(ctx.get("/v1/plans/%d/scores?as_of=2024-02-30" % A.plan["id"], token=tok), 400, "as_of")
    expect_problem(ctx.get("/v1/audit?since=yesterday", token=A.tok["evaluator"]), 400)


# --- roles in detail --------------------------------------------------------------------------

def test_manager_reports_only_on_what_it_leads(ctx):
    A, B = worlds(ctx)
    mgr = A.tok["manager"]
    # dated after every review the matrix wrote (a review closes its period: test_periods.py)
    prog = lambda ph: {"percent_complete": 10, "as_of": "2024-12-30"}  # noqa: E731
    # objective 1: structure S1 led by the token's person; objective 3: assigned to the person
    for i in (0, 2):
        assert ctx.post("/v1/phases/%d/progress" % A.ph[i]["id"], prog(i), token=mgr).status == 201
        assert ctx.post("/v1/indicators/%d/measurements" % A.ind[i]["id"], {"value": 1, "as_of": "2024-12-30"},
                        token=mgr).status == 201
    # objective 2: structure S2, led by someone else: 403 whatever the body
    d = expect_problem(ctx.post("/v1/phases/%d/progress" % A.ph[1]["id"], prog(1), token=mgr), 403)
    assert "structures it leads" in d["detail"], d
    expect_problem(ctx.post("/v1/indicators/%d/measurements" % A.ind[1]["id"], {"value": 1}, token=mgr), 403)
    expect_problem(ctx.post("/v1/phases/%d/progress" % A.ph[1]["id"], {"garbage": [1, 2]}, token=mgr), 403)
    # the manager may not edit the plan, and may not declare an indicator not assessable
    expect_problem(ctx.patch("/v1/objectives/%d" % A.o[0]["id"], {"title": "x"}, token=mgr), 403)
    expect_problem(ctx.post("/v1/indicators/%d/measurements" % A.ind[0]["id"],
                            {"not_assessable": True, "note": "x"}, token=mgr), 403)
    # another entity's phase is a 404, not a 403
    expect_problem(ctx.post("/v1/phases/%d/progress" % B.ph[0]["id"], prog(0), token=mgr), 404)
    # a manager token that names no person reports on nothing
    nobody = ctx.token("manager", entity=A.id, name="manager senza persona")
    d = expect_problem(ctx.post("/v1/phases/%d/progress" % A.ph[0]["id"], prog(0), token=nobody), 403)
    assert "names no person" in d["detail"]
    # a structure handed to another manager takes the right with it
    ctx.patch("/v1/structures/%d" % A.s1["id"], {"manager_id": A.other["id"]})
    try:
        expect_problem(ctx.post("/v1/phases/%d/progress" % A.ph[0]["id"], prog(0), token=mgr), 403)
    finally:
        ctx.patch("/v1/structures/%d" % A.s1["id"], {"manager_id": A.boss["id"]})
    assert ctx.post("/v1/phases/%d/progress" % A.ph[0]["id"], prog(0), token=mgr).status == 201


def test_personal_scores_by_role(ctx):
    A, _ = worlds(ctx)
    path = "/v1/plans/%d/scores?as_of=2024-12-31" % A.plan["id"]
    full = ctx.get(path, token=A.tok["evaluator"]).json
    assert full["managers"] or full["individuals"], full
    for role in ("admin", "planner", "evaluator"):
        assert ctx.get(path, token=A.tok[role]).json == full, role
    for role in ("reader", "erp"):
        doc = ctx.get(path, token=A.tok[role]).json
        assert doc["managers"] == [] and doc["individuals"] == [], (role, doc)
        assert doc["structures"] == full["structures"]
        rep = ctx.get("/v1/plans/%d/report?format=csv" % A.plan["id"], token=A.tok[role]).text
        assert "Dirigente Alfa" not in rep and "Altro dirigente" not in rep, rep
    # the manager sees itself, not the other manager
    everyone = {m["person_id"] for m in full["managers"] + full["individuals"]}
    assert {A.boss["id"], A.other["id"]} <= everyone, full
    mine = ctx.get(path, token=A.tok["manager"]).json
    assert {m["person_id"] for m in mine["managers"] + mine["individuals"]} == {A.boss["id"]}, mine
    assert "Altro dirigente" not in json.dumps(mine)
    assert mine["structures"] == full["structures"]


# --- tokens -----------------------------------------------------------------------------------

def test_planner_manages_its_entitys_tokens(ctx):
    A, B = worlds(ctx)
    pl = A.tok["planner"]
    measure = lambda t: ctx.post("/v1/indicators/%d/measurements" % A.ind[0]["id"],  # noqa: E731
                                 {"value": 5, "as_of": "2024-12-30"}, token=t)  # after the matrix's reviews
    r = ctx.post("/v1/tokens", {"role": "erp", "name": "contabilità"}, token=pl)
    assert r.status == 201 and r.json["entity_id"] == A.id and r.json["person_id"] is None, r
    tok, tid = r.json["token"], r.json["id"]
    assert r.header("Location") == "/v1/tokens/%d" % tid
    assert measure(tok).status == 201
    # shown once: stored as a hash only; listed without a secret
    assert ctx.sql("SELECT count(*) FROM tokens WHERE hash = sha256('%s'::bytea)" % tok)[0][0] == "1"
    listed = ctx.get("/v1/tokens?limit=1000", token=pl).json["items"]
    assert any(t["id"] == tid for t in listed) and tok not in json.dumps(listed)
    csv = ctx.get("/v1/tokens?format=csv&limit=1000", token=pl)
    assert csv.status == 200 and csv.text.startswith("id;") and tok not in csv.text, csv
    # what a planner may not do: an admin token, another entity's, another entity's person
    expect_problem(ctx.post("/v1/tokens", {"role": "admin", "name": "x"}, token=pl), 403)
    expect_problem(ctx.post("/v1/tokens", {"role": "reader", "name": "x", "entity_id": B.id}, token=pl), 403)
    expect_problem(ctx.post("/v1/tokens", {"role": "manager", "name": "x", "person_id": B.boss["id"]}, token=pl), 403)
    expect_problem(ctx.post("/v1/tokens", {"role": "manager", "name": "x", "person_id": B.boss["id"],
                                           "entity_id": A.id}), 422, "person_id")
    expect_problem(ctx.delete("/v1/tokens/%d" % B.spare_token_id, token=pl), 404)
    for role in ("manager", "evaluator", "reader", "erp"):
        expect_problem(ctx.post("/v1/tokens", {"role": "reader", "name": "x"}, token=A.tok[role]), 403)
        expect_problem(ctx.get("/v1/tokens", token=A.tok[role]), 403)
    # validation: manager needs a person; expires_at is RFC 3339 and in the future
    expect_problem(ctx.post("/v1/tokens", {"role": "manager", "name": "x", "entity_id": A.id}), 422, "person_id")
    for bad in ("tomorrow", "2030-02-30T00:00:00Z", "2030-01-01 10:00:00", "2030-01-01T25:00:00Z", 12, "2020-01-01T00:00:00Z"):
        d = expect_problem(ctx.post("/v1/tokens", {"role": "reader", "name": "x", "expires_at": bad}, token=pl),
                           422, "expires_at")
        assert "syntax" not in json.dumps(d), d  # our message, not the database's
    expect_problem(ctx.post("/v1/tokens", {"role": "reader", "name": "x", "entity_id": 987654321}), 422, "entity_id")
    expect_problem(ctx.post("/v1/tokens", {"role": "admin", "name": "x", "person_id": A.boss["id"]}), 422, "person_id")
    r = ctx.post("/v1/tokens", {"role": "reader", "name": "a termine", "expires_at": "2031-01-31T12:00:00+01:00"}, token=pl)
    assert r.status == 201 and r.json["expires_at"] == "2031-01-31T11:00:00Z", r
    # an expired token stops; ?active=true leaves it out; revocation is immediate
    ctx.sql("UPDATE tokens SET expires_at = now() - interval '1 second' WHERE id = %d" % r.json["id"])
    # changed by hand, not through this process: announced by notification (within a second)
    deadline = time.time() + 1.0
    while ctx.get("/v1/plans", token=r.json["token"]).status == 200 and time.time() < deadline:
        time.sleep(0.005)
    expect_problem(ctx.get("/v1/plans", token=r.json["token"]), 401)
    active = ctx.get("/v1/tokens?active=true&limit=1000", token=pl).json["items"]
    assert r.json["id"] not in [t["id"] for t in active]
    assert ctx.delete("/v1/tokens/%d" % tid, token=pl).status == 204
    expect_problem(measure(tok), 401)
    expect_problem(ctx.delete("/v1/tokens/%d" % tid, token=pl), 404)
    trail = ctx.get("/v1/audit?resource=tokens/%d" % tid, token=pl).json["items"]
    assert [a["action"] for a in trail] == ["create", "revoke"], trail
    assert tok not in json.dumps(trail)


def test_failed_authentication_is_logged_and_counted(ctx):
    def failures():
        m = ctx.get("/metrics", token=None).text
        return int([x for x in m.splitlines() if x.startswith("ciclo_auth_failures_total ")][0].split()[1])
    before = failures()
    bogus = "ciclo_" + "Zx9" * 14 + "Q"
    assert len(bogus) == 49
    expect_problem(ctx.get("/v1/plans", token=bogus), 401)
    expect_problem(ctx.get("/v1/plans", token="not-a-token-SECRETVALUE"), 401)
    expect_problem(ctx.get("/v1/plans", token=None), 401)
    assert failures() == before + 3
    time.sleep(0.2)
    log = ctx.server.log_text()
    assert "authentication failed" in log
    assert bogus not in log and "SECRETVALUE" not in log


# --- hostile input ----------------------------------------------------------------------------

def raw_post(ctx, path, data, token="admin", ctype="application/json"):
    return ctx.request("POST", path, raw=data, token=token, headers={"Content-Type": ctype})


def test_hostile_bodies_are_problems(ctx):
    A, _ = worlds(ctx)
    path = "/v1/entities/%d/structures" % A.id
    # nesting: 64 levels are read, 65 are not (jansson alone would go to 2048)
    expect_problem(raw_post(ctx, "/v1/rules:check", b'{"rule":' + b"[" * 70 + b"]" * 70 + b"}"), 400)
    r = raw_post(ctx, "/v1/rules:check", b'{"rule":' + b"[" * 62 + b"]" * 62 + b"}")
    assert r.status == 422, r
    expect_problem(raw_post(ctx, path, b"[" * 100000), 400)
    # huge arrays and too many values
    expect_problem(raw_post(ctx, path, b"[" + b"0," * 100001 + b"0]"), 413)
    d = expect_problem(raw_post(ctx, "/v1/rules:check", b'{"rule":[' + b",".join([b"[" + b"1," * 9999 + b"1]"] * 110)
                                + b"]}"), 413)
    assert d["code"] == "too_many_values", d
    # numbers out of range: never a 500
    expect_problem(raw_post(ctx, path, b'{"code":"N1","name":"x","interim":1e400}'), 400)
    expect_problem(raw_post(ctx, path, b'{"code":"N1","name":"x","parent_id":99999999999999999999}'), 400)
    expect_problem(raw_post(ctx, path, b'{"code":"N1","name":"x","parent_id":9223372036854775807}'), 422)
    expect_problem(raw_post(ctx, path, b'{"code":"N1","name":"x","parent_id":-9223372036854775808}'), 422, "parent_id")
    expect_problem(raw_post(ctx, path, b'{"code":"N1","name":"x","parent_id":1.5}'), 422, "parent_id")
    obj = "/v1/plans/%d/objectives" % A.draft["id"]
    expect_problem(raw_post(ctx, obj, b'{"code":"N1","title":"x","financial_resources":1e300}'), 422, "financial_resources")
    expect_problem(raw_post(ctx, obj, b'{"code":"N1","title":"x","financial_resources":1e-300}'), 422, "financial_resources")
    expect_problem(raw_post(ctx, obj, b'{"code":"N1","title":"x","start_year":1e10}'), 422, "start_year")
    expect_problem(raw_post(ctx, obj, b'{"code":"N1","title":"x","start_year":-0.0}'), 422, "start_year")
    r = raw_post(ctx, "/v1/rules:evaluate", b'{"rule":{"kind":"linear","target":1e308,"baseline":-1e308},"value":1e308}')
    assert r.status in (200, 422), r
    # bad text: invalid UTF-8, NUL escaped and raw, overlong strings and keys
    expect_problem(raw_post(ctx, path, b'{"code":"\xc3\x28","name":"x"}'), 400)
    expect_problem(raw_post(ctx, path, b'{"code":"\xed\xa0\x80","name":"x"}'), 400)  # a surrogate in UTF-8
    expect_problem(raw_post(ctx, path, b'{"code":"A\\u0000","name":"x"}'), 400)
    expect_problem(raw_post(ctx, path, b'{"code":"A\x00","name":"x"}'), 400)
    expect_problem(raw_post(ctx, path, b'{"code":"\\ud800","name":"x"}'), 400)
    expect_problem(raw_post(ctx, path, json.dumps({"code": "A", "name": "x" * 301}).encode()), 422, "name")
    key = "a" + "é" * 200  # an unknown field whose name is cut inside a character in the message
    d = expect_problem(raw_post(ctx, path, json.dumps({key: 1, "code": "LK", "name": "x"}, ensure_ascii=False).encode()), 422)
    assert d["errors"][0]["field"].startswith("aé"), d
    many = {"k%d" % i: i for i in range(5000)}
    d = expect_problem(raw_post(ctx, path, json.dumps(dict(many, code="MK", name="x")).encode()), 422)
    assert len(d["errors"]) <= 200
    # none of it was stored, and the server still answers
    assert ctx.get("/v1/entities/%d/structures?code=N1" % A.id).json["items"] == []
    assert ctx.get("/healthz", token=None).status == 200


def test_forbidden_ignores_the_body(ctx):
    A, _ = worlds(ctx)
    for body in (b"\xff\xfe", b"[" * 1000, b'{"code":' + b"9" * 10000 + b"}"):
        r = raw_post(ctx, "/v1/plans", body, token=A.tok["reader"], ctype="text/plain")
        expect_problem(r, 403)


def _server_socket(srv):
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    return s


def _closed_by_server(s, wait):
    """Whether the server closes s within wait seconds (EOF or reset)."""
    s.settimeout(wait)
    try:
        data = s.recv(65536)
        return data == b"" or data.startswith(b"HTTP/1.1 4")
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def test_slow_client_is_cut_off_and_others_are_served(ctx):
    srv = ctx.start_server({"CICLO_CONNECTION_TIMEOUT": "2"})
    try:
        slow = _server_socket(srv)
        slow.sendall(b"POST /v1/rules:check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"rule\":")
        idle = _server_socket(srv)  # connects and says nothing
        t0 = time.time()
        assert ctx.get("/healthz", token=None, base=srv.url).status == 200
        assert ctx.get("/v1/plans?limit=1", base=srv.url).status == 200
        assert time.time() - t0 < 1.5, "the slow clients held up the others"
        assert _closed_by_server(slow, 6) and _closed_by_server(idle, 6)
        elapsed = time.time() - t0
        assert 1.5 <= elapsed <= 6, elapsed
        assert ctx.get("/healthz", token=None, base=srv.url).status == 200
    finally:
        assert srv.stop() == 0


def test_connections_per_address_are_capped(ctx):
    srv = ctx.start_server({"CICLO_PER_IP_CONNECTIONS": "5", "CICLO_CONNECTION_TIMEOUT": "30"})
    held = []
    try:
        # start_server's readiness probe may still hold a slot until the server sees it closed
        time.sleep(0.5)
        for _ in range(5):
            s = _server_socket(srv)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # an unfinished request holds the connection
            held.append(s)
        time.sleep(0.5)
        sixth = _server_socket(srv)
        try:
            sixth.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        except OSError:
            pass
        assert _closed_by_server(sixth, 5), "a sixth connection from one address was served:\n" + srv.log_text()[-2000:]
        sixth.close()
        # the five still work, and one closing makes room again
        held[0].sendall(b"Connection: close\r\n\r\n")
        held[0].settimeout(5)
        assert held[0].recv(4096).startswith(b"HTTP/1.1 200")
        held.pop(0).close()
        deadline = time.time() + 5
        while True:
            try:
                r = ctx.get("/healthz", token=None, base=srv.url, timeout=2)
                if r.status == 200:
                    break
            except OSError:
                pass
            assert time.time() < deadline, "no room after a connection closed"
            time.sleep(0.1)
    finally:
        for s in held:
            s.close()
        assert srv.stop() == 0


def test_rate_limit_per_token(ctx):
    A, _ = worlds(ctx)
    srv = ctx.start_server({"CICLO_RATE_LIMIT": "2", "CICLO_RATE_BURST": "4"})
    try:
        got = [ctx.get("/v1/plans?limit=1", token=A.tok["reader"], base=srv.url) for _ in range(10)]
        codes = [r.status for r in got]
        assert codes[:4] == [200] * 4 and 429 in codes, codes
        limited = [r for r in got if r.status == 429][0]
        d = expect_problem(limited, 429)
        assert d["code"] == "rate_limited"
        wait = int(limited.header("Retry-After"))
        assert 1 <= wait <= 2, wait
        # another token has its own bucket
        assert ctx.get("/v1/plans?limit=1", token=A.tok["planner"], base=srv.url).status == 200
        m = ctx.get("/metrics", token=None, base=srv.url).text
        n = int([x for x in m.splitlines() if x.startswith("ciclo_rate_limited_total ")][0].split()[1])
        assert n == codes.count(429), (n, codes)
        time.sleep(wait)
        assert ctx.get("/v1/plans?limit=1", token=A.tok["reader"], base=srv.url).status == 200
    finally:
        assert srv.stop() == 0


# --- CORS and TLS -----------------------------------------------------------------------------

def test_cors_allowlist(ctx):
    front = "https://performance.comune.example.it"
    srv = ctx.start_server({"CICLO_CORS_ORIGINS": "https://other.example.org, " + front})
    try:
        r = ctx.get("/v1/plans?limit=1", base=srv.url, headers={"Origin": front})
        assert r.status == 200 and r.header("Access-Control-Allow-Origin") == front, r.headers
        assert "ETag" in (r.header("Access-Control-Expose-Headers") or "")
        assert "Origin" in (r.header("Vary") or "")
        r = ctx.get("/v1/plans?limit=1", base=srv.url, headers={"Origin": "https://evil.example.com"})
        assert r.status == 200 and r.header("Access-Control-Allow-Origin") is None, r.headers
        pre = {"Origin": front, "Access-Control-Request-Method": "PATCH",
               "Access-Control-Request-Headers": "authorization, content-type, if-match"}
        r = ctx.request("OPTIONS", "/v1/plans/1", token=None, base=srv.url, headers=pre)
        assert r.status == 204 and r.header("Access-Control-Allow-Origin") == front, r
        assert "PATCH" in r.header("Access-Control-Allow-Methods")
        allow = r.header("Access-Control-Allow-Headers").lower()
        assert "authorization" in allow and "if-match" in allow and "content-type" in allow
        r = ctx.request("OPTIONS", "/v1/plans/1", token=None, base=srv.url, headers=dict(pre, Origin="https://evil.example.com"))
        assert r.status == 403 and r.header("Access-Control-Allow-Origin") is None
        assert r.header("Access-Control-Allow-Methods") is None
    finally:
        assert srv.stop() == 0
    # the shared server has no allowlist: nothing for anyone
    r = ctx.get("/v1/plans?limit=1", headers={"Origin": front})
    assert r.header("Access-Control-Allow-Origin") is None


def test_tls_serves_https(ctx):
    d = os.path.join(ctx.tmp, "tls")
    os.makedirs(d, exist_ok=True)
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True)
    port = free_port()
    env = dict(os.environ, DATABASE_URL=ctx.database_url, CICLO_LISTEN="127.0.0.1:%d" % port,
               CICLO_TLS_CERT=cert, CICLO_TLS_KEY=key)
    log = open(os.path.join(ctx.tmp, "tls-server.log"), "wb")
    proc = subprocess.Popen((ctx.wrap or []) + [ctx.bin, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    tls = ssl.create_default_context(cafile=cert)
    url = "https://127.0.0.1:%d" % port
    try:
        deadline = time.time() + 60
        while True:
            assert proc.poll() is None, open(log.name).read()[-2000:]
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2, context=tls) as r:
                    assert r.status == 200
                    break
            except (OSError, ssl.SSLError):
                assert time.time() < deadline, "the TLS server did not start"
                time.sleep(0.1)
        req = urllib.request.Request(url + "/v1/plans?limit=1", headers={"Authorization": "Bearer " + ctx.admin})
        with urllib.request.urlopen(req, timeout=10, context=tls) as r:
            assert r.status == 200 and "items" in json.loads(r.read())
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            with tls.wrap_socket(s, server_hostname="127.0.0.1") as t:
                assert t.version() in ("TLSv1.2", "TLSv1.3"), t.version()
        # plain HTTP on the TLS port gets no answer
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=3) as r:
                served = r.status == 200
        except Exception:  # noqa: BLE001 - reset, bad status line, timeout: all fine
            served = False
        assert not served, "plain HTTP was served on the TLS port"
        assert "https" in open(log.name, errors="replace").read()
    finally:
        proc.terminate()
        assert proc.wait(60) == 0
        log.close()
        text = open(log.name, errors="replace").read()
        for marker in ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer"):
            assert marker not in text, text[-3000:]




def test_row_level_security_fails_closed_on_a_malformed_entity(ctx):
    """ciclo_entity() (sql/032, inlined into the policy) reads the setting as an entity only when it
    is one: a positive id of at most 18 digits. Anything else, blank, text, zero, a sign, blanks, an
    exponent or an id too large for bigint, shows no row at all and never fails the statement."""
    e = ctx.entity()
    ctx.plan(e["id"])

    def seen(setting):
        sql = ("SELECT set_config('ciclo.entity_id', '%s', false) \\g /dev/null\n"
               "SELECT (SELECT count(*) FROM entities) + (SELECT count(*) FROM plans)" % setting)
        r = subprocess.run(["psql", ctx.database_url, "-AtX", "-v", "ON_ERROR_STOP=1"], input=sql,
                           capture_output=True, text=True)
        assert r.returncode == 0, (setting, r.stderr)
        return int(r.stdout.strip())
    assert seen(str(e["id"])) == 2
    for bad in ("", "abc", "0", "-%d" % e["id"], "+%d" % e["id"], " %d" % e["id"], "%d " % e["id"],
                "%de0" % e["id"], "0%d" % e["id"], "99999999999999999999", "ALL", "all "):
        assert seen(bad) == 0, bad
