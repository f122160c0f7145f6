"""Sign-in with the administration's identity provider (OpenID Connect access tokens), with no network.

Each test makes its own identity providers: key pairs made here, a discovery document and a JWKS served
from the loopback by a small http.server thread, tokens signed here with python3-jwt. A second Ciclo
server is started trusting them (CICLO_OIDC_ISSUER ...); the main one of the suite trusts none.
"""
import base64
import http.server
import json
import sys
import threading
import time
import uuid

try:
    import jwt
except ImportError:  # python3 is not Debian's (pyenv ...): use Debian's python3-jwt (tools/install-deps.sh)
    sys.path.append("/usr/lib/python3/dist-packages")
    import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from run import expect_problem, sanitizer_reports
import test_evaluation

AUDIENCE = "ciclo-api"


class IdP:
    """A tiny OpenID provider: discovery document, JWKS (counted), and token signing."""

    def __init__(self, name):
        self.keys = {}        # kid -> (alg, private key)
        self.published = []   # the kids the JWKS holds
        self.jwks_hits = 0
        idp = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/realms/%s/.well-known/openid-configuration" % name:
                    doc = {"issuer": idp.issuer, "jwks_uri": idp.base + "/realms/%s/certs" % name}
                elif self.path == "/realms/%s/certs" % name:
                    idp.jwks_hits += 1
                    doc = {"keys": [idp.public_jwk(kid) for kid in idp.published]}
                else:
                    self.send_error(404)
                    return
                body = json.dumps(doc).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.issuer = self.base + "/realms/" + name
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def add_key(self, kid, alg="RS256", publish=True):
        key = rsa.generate_private_key(65537, 2048) if alg == "RS256" else ec.generate_private_key(ec.SECP256R1())
        self.keys[kid] = (alg, key)
        if publish:
            self.published.append(kid)

    def public_jwk(self, kid):
        alg, key = self.keys[kid]
        algo = RSAAlgorithm if alg == "RS256" else ECAlgorithm
        jwk = json.loads(algo.to_jwk(key.public_key()))
        jwk.update({"kid": kid, "use": "sig", "alg": alg})
        return jwk

    def token(self, kid, **claims):
        """A token signed with key kid; claims override the defaults (None removes one)."""
        now = int(time.time())
        body = {"iss": self.issuer, "aud": AUDIENCE, "sub": "u-" + str(claims.get("employee_id")), "iat": now,
                "nbf": now, "exp": now + 300, "name": "Nome Scelto Dal Provider", "groups": [],
                "jti": uuid.uuid4().hex}
        body.update(claims)
        body = {k: v for k, v in body.items() if v is not None}
        alg, key = self.keys[kid]
        return jwt.encode(body, key, algorithm=alg, headers={"kid": kid})

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def b64(obj):
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


class World:
    """Two identity providers, a Ciclo server trusting both, and helpers to call it."""

    def __init__(self, ctx, floor=1, publish=True, env=None):
        self.ctx = ctx
        self.a, self.b = IdP("a"), IdP("b")
        self.a.add_key("a1", publish=publish)
        self.a.add_key("a-ec", alg="ES256", publish=publish)
        self.b.add_key("b1")
        try:
            self.srv = ctx.start_server(dict({"CICLO_OIDC_ISSUER": self.a.issuer + ", " + self.b.issuer,
                                              "CICLO_OIDC_AUDIENCE": AUDIENCE,
                                              "CICLO_OIDC_JWKS_REFRESH_FLOOR": str(floor)}, **(env or {})))
        except Exception:
            self.a.close()
            self.b.close()
            raise

    def call(self, method, path, token, body=None):
        return self.ctx.request(method, path, body, token=token, base=self.srv.url)

    def get(self, path, token):
        return self.call("GET", path, token)

    def entity(self, *issuers):
        e = self.ctx.entity()
        for iss in issuers:
            self.ctx.create("/v1/entities/%d/oidc-issuers" % e["id"], {"issuer": iss})
        return e

    def person(self, entity_id, external_id, name="Persona"):
        return self.ctx.create("/v1/entities/%d/people" % entity_id, {"name": name, "external_id": external_id})

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        code = self.srv.stop()
        self.a.close()
        self.b.close()
        if exc[0] is None:  # a clean stop, and nothing for the sanitizers (make check-asan) to report
            assert code == 0, "the OIDC server exited with %s" % code
            assert not sanitizer_reports(self.srv.log_text()), self.srv.log_text()[-4000:]


def test_oidc_token_reaches_its_data_and_me_says_who(ctx):
    with World(ctx) as w:
        e = w.entity(w.a.issuer)
        E = e["id"]
        plan = ctx.plan(E)
        other_plan = ctx.plan(ctx.entity()["id"])
        anna = w.person(E, "EMP-001", "Anna Rossi")
        ctx.create("/v1/entities/%d/oidc-groups" % E, {"group": "ciclo-programmazione", "role": "planner"})
        for kid in ("a1", "a-ec"):  # RS256 and ES256
            tok = w.a.token(kid, employee_id="EMP-001", groups=["altro", "ciclo-programmazione"])
            r = w.get("/v1/plans/%d" % plan["id"], tok)
            assert r.status == 200 and r.json["id"] == plan["id"], (kid, r)
            assert w.get("/v1/plans/%d" % other_plan["id"], tok).status == 404
        me = w.get("/v1/me", tok)
        assert me.status == 200, me
        m = me.json
        assert m["sign_in"] == "oidc" and m["issuer"] == w.a.issuer and m["role"] == "planner", m
        assert m["scope"] == "entity" and m["role_source"] == {"from": "group", "group": "ciclo-programmazione"}, m
        assert m["person"] == {"id": anna["id"], "name": "Anna Rossi", "external_id": "EMP-001"}, m
        assert m["entity"]["id"] == E and m["entity"]["code"] == e["code"], m
        # an opaque token answers /v1/me too
        reader = ctx.token("reader", entity=E, name="script")
        m = w.get("/v1/me", reader).json
        assert m["sign_in"] == "token" and m["role"] == "reader" and m["person"] is None, m
        assert m["role_source"]["from"] == "token" and m["entity"]["id"] == E, m
        assert w.get("/v1/me", "admin").json["scope"] == "all"


def test_oidc_refuses_bad_tokens_saying_which_check_failed(ctx):
    with World(ctx) as w:
        E = w.entity(w.a.issuer)["id"]
        w.person(E, "EMP-9")
        now = int(time.time())
        good = w.a.token("a1", employee_id="EMP-9")
        assert w.get("/v1/me", good).status == 200
        header, payload, sig = good.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        stranger = IdP("a")  # same name, other port: an issuer this service does not trust
        stranger.add_key("a1")
        rogue = IdP("a")  # claims issuer A's name but signs with its own key
        rogue.add_key("a1")
        rogue.issuer = w.a.issuer
        cases = {
            "exp": w.a.token("a1", employee_id="EMP-9", iat=now - 3600, nbf=now - 3600, exp=now - 600),
            "aud": w.a.token("a1", employee_id="EMP-9", aud="another-app"),
            "nbf": w.a.token("a1", employee_id="EMP-9", nbf=now + 3600),
            "iat": w.a.token("a1", employee_id="EMP-9", iat=now + 3600),
            "iss": stranger.token("a1", employee_id="EMP-9"),
            "kid": w.a.token("a1", employee_id="EMP-9").replace(header, b64({"alg": "RS256", "kid": "nope",
                                                                              "typ": "JWT"}), 1),
            "alg": b64({"alg": "none", "typ": "JWT"}) + "." + payload + ".",
            "signature": header + "." + b64(dict(claims, employee_id="EMP-1")) + "." + sig,
            "employee_id": w.a.token("a1", employee_id=None),
            "person": w.a.token("a1", employee_id="NOBODY"),
        }
        cases = list(cases.items()) + [("signature", rogue.token("a1", employee_id="EMP-9"))]
        stranger.close()
        rogue.close()
        for check, tok in cases:
            r = w.get("/v1/me", tok)
            doc = expect_problem(r, 401, check)
            assert tok not in r.body.decode() and sig not in r.body.decode(), (check, r)
            assert r.header("WWW-Authenticate") == 'Bearer error="invalid_token"', (check, r.headers)
            assert doc["code"] == "invalid_token", doc
        # HS256 with the public key as the secret (the classic confusion) is refused by its alg
        hs = jwt.encode(dict(claims), "secret", algorithm="HS256", headers={"kid": "a1"})
        expect_problem(w.get("/v1/me", hs), 401, "alg")
        r = w.get("/v1/me", None)
        expect_problem(r, 401)
        assert r.header("WWW-Authenticate") == "Bearer", r.headers
        assert "EMP-9" not in w.srv.log_text() and sig not in w.srv.log_text()


def test_oidc_key_rotation_is_picked_up_within_the_refresh_floor(ctx):
    with World(ctx, floor=2) as w:
        E = w.entity(w.a.issuer)["id"]
        w.person(E, "EMP-R")
        assert w.get("/v1/me", w.a.token("a1", employee_id="EMP-R")).status == 200
        hits = w.a.jwks_hits
        # a burst of unknown kids costs at most one fetch per floor
        w.a.add_key("ghost", publish=False)
        for _ in range(5):
            expect_problem(w.get("/v1/me", w.a.token("ghost", employee_id="EMP-R")), 401, "kid")
        assert w.a.jwks_hits - hits <= 1, (hits, w.a.jwks_hits)
        # the provider rotates: a2 replaces a1
        w.a.add_key("a2", publish=False)
        w.a.published = ["a2", "a-ec"]
        time.sleep(2.2)
        r = w.get("/v1/me", w.a.token("a2", employee_id="EMP-R"))
        assert r.status == 200 and r.json["person"]["external_id"] == "EMP-R", r
        # the retired key no longer signs in (its kid is gone from the set)
        time.sleep(2.2)
        expect_problem(w.get("/v1/me", w.a.token("a1", employee_id="EMP-R")), 401, "kid")


def test_oidc_entity_a_issuer_cannot_reach_entity_b(ctx):
    with World(ctx) as w:
        ea, eb = w.entity(w.a.issuer), w.entity(w.b.issuer)
        for e in (ea, eb):  # the same employee number in both Comuni
            w.person(e["id"], "EMP-7", "Omonimo")
            ctx.create("/v1/entities/%d/oidc-groups" % e["id"], {"group": "readers", "role": "reader"})
        w.person(eb["id"], "ONLY-B")
        pa, pb = ctx.plan(ea["id"]), ctx.plan(eb["id"])
        ta = w.a.token("a1", employee_id="EMP-7", groups=["readers"])
        tb = w.b.token("b1", employee_id="EMP-7", groups=["readers"])
        assert w.get("/v1/me", ta).json["entity"]["id"] == ea["id"]
        assert w.get("/v1/me", tb).json["entity"]["id"] == eb["id"]
        assert w.get("/v1/plans/%d" % pa["id"], ta).status == 200
        assert w.get("/v1/plans/%d" % pb["id"], ta).status == 404
        assert [p["id"] for p in w.get("/v1/plans", ta).json["items"]] == [pa["id"]]
        assert w.get("/v1/plans/%d" % pb["id"], tb).status == 200
        # issuer A naming someone who exists only in B: nobody
        expect_problem(w.get("/v1/me", w.a.token("a1", employee_id="ONLY-B")), 401, "person")
        # B's key cannot sign for issuer A
        forged = w.b.token("b1", employee_id="EMP-7", iss=w.a.issuer)
        expect_problem(w.get("/v1/me", forged), 401, "kid")


def test_oidc_group_table_decides_roles(ctx):
    with World(ctx) as w:
        E = w.entity(w.a.issuer)["id"]
        boss = w.person(E, "EMP-B", "Dirigente")
        w.person(E, "EMP-N", "Componente Nucleo")
        w.person(E, "EMP-X", "Impiegato")
        s = ctx.create("/v1/entities/%d/structures" % E, {"code": "S1", "name": "Servizi", "manager_id": boss["id"]})
        plan = ctx.plan(E)
        planner = ctx.token("planner", entity=E, name="programmazione")
        # only the admin edits the table
        expect_problem(w.call("POST", "/v1/entities/%d/oidc-groups" % E, planner,
                              {"group": "nucleo", "role": "evaluator"}), 403)
        expect_problem(w.call("POST", "/v1/entities/%d/oidc-groups" % E, "admin",
                              {"group": "nucleo", "role": "manager"}), 422, "role")
        g = ctx.create("/v1/entities/%d/oidc-groups" % E, {"group": "nucleo", "role": "evaluator"})
        expect_problem(w.call("POST", "/v1/entities/%d/oidc-groups" % E, "admin",
                              {"group": "nucleo", "role": "reader"}), 409, "group")
        assert [x["group"] for x in w.get("/v1/entities/%d/oidc-groups" % E, planner).json["items"]] == ["nucleo"]

        def me(emp, groups):
            r = w.get("/v1/me", w.a.token("a1", employee_id=emp, groups=groups))
            assert r.status == 200, r
            return r.json

        m = me("EMP-N", ["nucleo"])
        assert m["role"] == "evaluator" and m["role_source"] == {"from": "group", "group": "nucleo"}, m
        nucleo = w.a.token("a1", employee_id="EMP-N", groups=["nucleo"])
        expect_problem(w.call("POST", "/v1/plans", nucleo, {"entity_id": E, "year": 2031, "title": "x"}), 403)
        # the manager role comes from leading a structure, not from a group
        m = me("EMP-B", [])
        assert m["role"] == "manager" and m["role_source"] == {"from": "structure", "structure_id": s["id"]}, m
        assert m["leads"] == [{"id": s["id"], "code": "S1", "name": "Servizi"}], m
        # no group, no structure: an employee, who reads only their own data
        m = me("EMP-X", ["unknown-group"])
        assert m["role"] == "reader" and m["scope"] == "own" and m["role_source"] == {"from": "employee"}, m
        emp = w.a.token("a1", employee_id="EMP-X")
        expect_problem(w.get("/v1/plans/%d" % plan["id"], emp), 403)
        # the admin turns the group into a planner one: the next token is a planner
        r = w.call("PATCH", "/v1/oidc-groups/%d" % g["id"], "admin", {"role": "planner"})
        assert r.status == 200, r
        assert me("EMP-N", ["nucleo"])["role"] == "planner"
        r = w.call("POST", "/v1/plans", w.a.token("a1", employee_id="EMP-N", groups=["nucleo"]),
                   {"entity_id": E, "year": 2031, "title": "Piano 2031"})
        assert r.status == 201, r
        # a signed-in planner issues no opaque token: it would have no issuer chain (sql/011_duties.sql)
        d = expect_problem(w.call("POST", "/v1/tokens", w.a.token("a1", employee_id="EMP-N", groups=["nucleo"]),
                                  {"role": "reader", "entity_id": E, "name": "script"}), 403)
        assert "identity provider" in d["detail"], d
        # a planner group outranks leading a structure
        assert me("EMP-B", ["nucleo"])["role"] == "planner"


def test_oidc_employee_accepts_own_form_and_the_audit_names_them(ctx):
    with World(ctx) as w:
        ev = test_evaluation.small_entity(ctx)
        E = ev["e"]["id"]
        ctx.create("/v1/entities/%d/oidc-issuers" % E, {"issuer": w.a.issuer})
        test_evaluation.rate_and_sign(ctx, ev)
        p1, p2 = ev["people"]["P1"], ev["people"]["P2"]
        f1, f2 = ev["forms"]["P1"], ev["forms"]["P2"]
        tok = w.a.token("a1", employee_id="P1")
        m = w.get("/v1/me", tok).json
        assert m["scope"] == "own" and m["person"]["id"] == p1["id"], m
        # their forms, not a colleague's
        assert [f["id"] for f in w.get("/v1/evaluation-forms", tok).json["items"]] == [f1["id"]]
        assert w.get("/v1/evaluation-forms/%d" % f1["id"], tok).status == 200
        expect_problem(w.get("/v1/evaluation-forms/%d" % f2["id"], tok), 403)
        expect_problem(w.call("POST", "/v1/evaluation-forms/%d/accept" % f2["id"], tok, {}), 403)
        # their objectives: P1 takes part in OB1 and OB2
        objs = w.get("/v1/me/objectives", tok)
        assert objs.status == 200, objs
        assert sorted(o["code"] for o in objs.json["items"]) == ["OB1", "OB2"], objs
        assert {o["code"]: o["participation"]["percent"] for o in objs.json["items"]} == {"OB1": 70, "OB2": 30}
        # nothing else of the entity
        expect_problem(w.get("/v1/plans/%d" % ev["plan"]["id"], tok), 403)
        expect_problem(w.get("/v1/entities/%d/people" % E, tok), 403)
        key = {"Idempotency-Key": "accept-" + uuid.uuid4().hex}
        r = ctx.request("POST", "/v1/evaluation-forms/%d/accept" % f1["id"], {}, token=tok, headers=key,
                        base=w.srv.url)
        assert r.status == 200 and r.json["status"] == "accepted", r
        # a retry with the same key, even under the person's next token, replays the answer
        again = ctx.request("POST", "/v1/evaluation-forms/%d/accept" % f1["id"], {}, headers=key, base=w.srv.url,
                            token=w.a.token("a1", employee_id="P1"))
        assert (again.status, again.json) == (r.status, r.json), again
        # the key is the person's own: a colleague sending it gets no replay
        expect_problem(ctx.request("POST", "/v1/evaluation-forms/%d/accept" % f1["id"], {}, headers=key,
                                   base=w.srv.url, token=w.a.token("a1", employee_id="P2")), 403)
        # the audit log names the person and the issuer, not the display name of the token
        rows = ctx.get("/v1/audit?resource=evaluation_forms&resource_id=%d" % f1["id"]).json["items"]
        accept = [a for a in rows if a["action"] == "accept"]
        assert len(accept) == 1, rows
        actor = accept[0]["actor"]
        assert actor["name"] == "person %d via %s" % (p1["id"], w.a.issuer), actor
        assert actor["role"] == "reader" and "Nome Scelto" not in json.dumps(rows), actor
        assert actor["chain"] == [], actor  # no token issued it: the identity row names person and issuer
        ident = ctx.sql("SELECT id, issuer FROM oidc_identities WHERE entity_id = %d AND person_id = %d"
                        % (E, p1["id"]))
        assert ident == [[str(actor["token_id"]), w.a.issuer]], ident
        # P2 signs in and reads only their own form
        tok2 = w.a.token("a1", employee_id="P2")
        assert [f["id"] for f in w.get("/v1/evaluation-forms", tok2).json["items"]] == [f2["id"]]
        expect_problem(w.get("/v1/evaluation-forms/%d" % f1["id"], tok2), 403)


def test_oidc_provider_without_keys_is_503_until_it_has_some(ctx):
    with World(ctx, publish=False) as w:
        E = w.entity(w.a.issuer)["id"]
        w.person(E, "EMP-K")
        r = w.get("/v1/me", w.a.token("a1", employee_id="EMP-K"))
        d = expect_problem(r, 503)
        assert d["code"] == "keys_unavailable" and r.header("Retry-After"), (d, r.headers)
        w.a.published = ["a1"]
        time.sleep(1.2)
        r = w.get("/v1/me", w.a.token("a1", employee_id="EMP-K"))
        assert r.status == 200 and r.json["person"]["external_id"] == "EMP-K", r


def test_oidc_one_issuer_for_two_entities_needs_the_entity_claim(ctx):
    with World(ctx) as w:
        e1, e2 = w.entity(w.a.issuer), w.entity(w.a.issuer)
        w.person(e1["id"], "EMP-S")
        w.person(e2["id"], "EMP-S")
        d = expect_problem(w.get("/v1/me", w.a.token("a1", employee_id="EMP-S")), 401, "person")
        assert "CICLO_OIDC_ENTITY_CLAIM" in d["hint"], d
    with World(ctx, env={"CICLO_OIDC_ENTITY_CLAIM": "ente"}) as w:
        e1, e2, e3 = w.entity(w.a.issuer), w.entity(w.a.issuer), w.entity(w.b.issuer)
        for e in (e1, e2, e3):
            w.person(e["id"], "EMP-S")
        for e in (e1, e2):
            r = w.get("/v1/me", w.a.token("a1", employee_id="EMP-S", ente=e["code"]))
            assert r.status == 200 and r.json["entity"]["id"] == e["id"], r
        expect_problem(w.get("/v1/me", w.a.token("a1", employee_id="EMP-S")), 401, "ente")
        # naming an entity that does not accept the issuer signs in to nothing
        expect_problem(w.get("/v1/me", w.a.token("a1", employee_id="EMP-S", ente=e3["code"])), 401, "person")
