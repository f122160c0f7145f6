"""The contract to the letter (issue 18): the command line, HTTP details of RFC 9110 / RFC 9457,
validation at the door, and a documentation whose links resolve."""
import os
import subprocess

from run import ROOT, expect_problem, free_port
from test_erp import CSV, small_plan


# --- the command line ---------------------------------------------------------------------

def _ciclo(ctx, *args, database=False):
    """Runs the binary with args; without database, DATABASE_URL is unset, so a subcommand that
    wrongly acted would fail on it rather than do something. A listener port is free, and a
    timeout stops a command that wrongly served."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if database:
        env["DATABASE_URL"] = ctx.database_url
    env["CICLO_LISTEN"] = "127.0.0.1:%d" % free_port()
    try:
        p = subprocess.run([ctx.bin] + list(args), env=env, capture_output=True, text=True, timeout=10)
    except subprocess.TimeoutExpired:
        raise AssertionError("ciclo %s did not return (it served?)" % " ".join(args))
    return p


def test_every_subcommand_has_help(ctx):
    for args in (["--help"], ["-h"], ["help"], ["serve", "--help"], ["migrate", "--help"],
                 ["token", "--help"], ["token", "create", "--help"], ["import", "--help"],
                 ["import", "--revise", "--help"]):
        p = _ciclo(ctx, *args)
        assert p.returncode == 0, "ciclo %s -> %d %s" % (" ".join(args), p.returncode, p.stderr)
        assert p.stdout.startswith("usage: ciclo"), "ciclo %s printed %r" % (" ".join(args), p.stdout)
        word = args[0] if args[0] not in ("--help", "-h", "help") else "serve"
        assert "ciclo " + word in p.stdout, p.stdout


def test_help_does_nothing_else(ctx):
    # with the database at hand, migrate --help must not touch it and serve --help must not listen
    before = ctx.sql("SELECT count(*) FROM schema_version") if _has_migrations_table(ctx) else None
    p = _ciclo(ctx, "migrate", "--help", database=True)
    assert p.returncode == 0 and "applied" not in p.stdout, p
    if before is not None:
        assert ctx.sql("SELECT count(*) FROM schema_version") == before
    p = _ciclo(ctx, "serve", "--help", database=True)
    assert p.returncode == 0 and "listening" not in p.stdout + p.stderr, p
    p = _ciclo(ctx, "import", "--help", database=True)
    assert p.returncode == 0 and "--help:" not in p.stderr, p


def _has_migrations_table(ctx):
    return ctx.sql("SELECT to_regclass('schema_version') IS NOT NULL") == [["t"]]


def test_version(ctx):
    for flag in ("--version", "version"):
        p = _ciclo(ctx, flag)
        assert p.returncode == 0, p
        words = p.stdout.split()
        assert words[0] == "ciclo" and words[1][0].isdigit(), p.stdout


def test_unknown_flag_is_an_error_never_an_action(ctx):
    for args in (["serve", "--bogus"], ["migrate", "--bogus"], ["import", "--bogus"],
                 ["token", "create", "--role", "admin", "--bogus", "1"], ["--bogus"], ["frobnicate"]):
        p = _ciclo(ctx, *args, database=True)
        assert p.returncode == 2, "ciclo %s -> %d" % (" ".join(args), p.returncode)
        assert args[-2 if args[-1] == "1" else -1] in p.stderr, p.stderr
        assert "created" not in p.stdout and "applied" not in p.stdout, p.stdout


# --- HTTP details: RFC 9110, RFC 9457 and openapi.yaml's conventions -----------------------

def test_if_match_compares_strongly(ctx):
    e = ctx.entity()
    path = "/v1/entities/%d" % e["id"]
    etag = ctx.get(path).header("ETag")
    assert etag == '"1"', etag
    # "*" is refused as openapi.yaml says (the server names versions, a client sends one)
    expect_problem(ctx.patch(path, {"name": "Star"}, headers={"If-Match": "*"}), 400)
    expect_problem(ctx.delete(path, headers={"If-Match": "*"}), 400)
    # a weak tag never matches If-Match (RFC 9110 §13.1.1), nor does one the server never issued
    for tag in ('W/"1"', '"abc"', '"999"', '"1-x"', '"99999999999999999999"'):
        expect_problem(ctx.patch(path, {"name": "Weak"}, headers={"If-Match": tag}), 412)
        expect_problem(ctx.delete(path, headers={"If-Match": tag}), 412)
    # what is not an entity-tag at all is a 400
    for bad in ("1", '"1', 'W/1', '"1", "2"'):
        expect_problem(ctx.patch(path, {"name": "Bad"}, headers={"If-Match": bad}), 400)
    assert ctx.get(path).json["name"] == e["name"], "a refused If-Match changed the entity"
    r = ctx.patch(path, {"name": "Strong"}, headers={"If-Match": etag})
    assert r.status == 200 and r.header("ETag") == '"2"', r
    assert ctx.delete(path, headers={"If-Match": '"2"'}).status == 204


def test_401_says_how_to_authenticate(ctx):
    r = ctx.get("/v1/plans", token=None)
    expect_problem(r, 401)
    assert (r.header("WWW-Authenticate") or "").startswith("Bearer"), r.headers
    r = ctx.get("/v1/plans", token="not-a-token")
    expect_problem(r, 401)
    assert (r.header("WWW-Authenticate") or "").startswith("Bearer"), r.headers


def test_a_format_the_route_lacks_is_406(ctx):
    e = ctx.entity()
    expect_problem(ctx.get("/v1/entities?format=xlsx"), 406)
    expect_problem(ctx.get("/v1/entities/%d?format=csv" % e["id"]), 406)
    expect_problem(ctx.get("/v1/entities/%d?format=xlsx" % e["id"]), 406)
    r = ctx.get("/v1/entities?format=csv")
    assert r.status == 200 and r.header("Content-Type").startswith("text/csv"), r
    assert ctx.get("/v1/entities/%d?format=json" % e["id"]).status == 200
    code = ctx.unique("F")
    expect_problem(ctx.post("/v1/entities?format=xlsx", {"code": code, "name": "X", "kind": "comune"}), 406)
    assert ctx.sql("SELECT count(*) FROM entities WHERE code = '%s'" % code) == [["0"]], \
        "a POST refused with 406 created the entity"


def test_an_accept_the_route_cannot_answer_is_406(ctx):
    """Accept: text/csv (or any type the route does not write) on a JSON-only route is a 406
    problem+json, on reads and writes, and a write refused so changes nothing; */*, no Accept,
    application/json and application/problem+json (alone or with q-values) still get JSON, and
    a route that writes CSV still answers it."""
    e = ctx.entity()
    plan = ctx.plan(e["id"])
    for path in ("/v1/entities/%d" % e["id"], "/v1/plans/%d" % plan["id"], "/v1/plans/%d/scores" % plan["id"],
                 "/v1/me"):
        for accept in ("text/csv", "application/xml", "text/html;q=1, application/json;q=0"):
            d = expect_problem(ctx.get(path, headers={"Accept": accept}), 406)
            assert d["code"] == "not_acceptable" and "application/json" in d["detail"], (path, accept, d)
        for accept in (None, "*/*", "application/json", "application/problem+json", "application/*",
                       "text/csv;q=0.9, application/json;q=0.1", "application/json, application/problem+json"):
            r = ctx.get(path, headers={"Accept": accept} if accept else {})
            assert r.status == 200 and r.header("Content-Type").startswith("application/json"), (path, accept, r)
    # a write is refused before it acts
    code = ctx.unique("A")
    body = {"code": code, "name": "X", "kind": "comune"}
    d = expect_problem(ctx.post("/v1/entities", body, headers={"Accept": "text/csv"}), 406)
    assert d["code"] == "not_acceptable", d
    assert not [x for x in ctx.get("/v1/entities?limit=500").json["items"] if x["code"] == code], \
        "a POST refused with 406 created the entity"
    expect_problem(ctx.patch("/v1/entities/%d" % e["id"], {"name": "Y"}, headers={"Accept": "text/plain"}), 406)
    assert ctx.get("/v1/entities/%d" % e["id"]).json["name"] == e["name"]
    assert ctx.post("/v1/entities", body, headers={"Accept": "application/problem+json"}).status == 201
    # a route with a CSV form answers it to Accept: text/csv, and JSON to the rest
    r = ctx.get("/v1/entities", headers={"Accept": "text/csv"})
    assert r.status == 200 and r.header("Content-Type").startswith("text/csv"), r
    # ?format= overrides Accept
    r = ctx.get("/v1/entities/%d?format=json" % e["id"], headers={"Accept": "text/csv"})
    assert r.status == 200 and r.header("Content-Type").startswith("application/json"), r


def test_cors_refusal_is_a_problem_and_downloads_are_exposed(ctx):
    front = "https://performance.comune.example.it"
    srv = ctx.start_server({"CICLO_CORS_ORIGINS": front})
    try:
        pre = {"Origin": "https://evil.example.com", "Access-Control-Request-Method": "GET"}
        r = ctx.request("OPTIONS", "/v1/plans", token=None, base=srv.url, headers=pre)
        expect_problem(r, 403)
        assert r.header("Access-Control-Allow-Origin") is None
        r = ctx.get("/v1/entities?format=csv", base=srv.url, headers={"Origin": front})
        assert r.status == 200, r
        exposed = [h.strip().lower() for h in (r.header("Access-Control-Expose-Headers") or "").split(",")]
        for h in ("content-disposition", "etag", "location", "retry-after"):
            assert h in exposed, "%s not exposed: %s" % (h, exposed)
    finally:
        assert srv.stop() == 0


# --- bad input refused at the door ---------------------------------------------------------

def _indicator_ids(ctx, pid):
    return dict(ctx.sql("SELECT code, id FROM indicators WHERE plan_id = %d" % pid))


def test_percent_measurements_stay_within_0_100(ctx):
    eid, pid, erp = small_plan(ctx)
    ids = _indicator_ids(ctx, pid)
    url = "/v1/indicators/%s/measurements" % ids["PCT"]
    for bad in (-12.5, 150, 100.01):
        expect_problem(ctx.post(url, {"value": bad, "as_of": "2024-06-30"}), 422, "value")
    for good in (0, 72.5, 100):
        assert ctx.post(url, {"value": good, "as_of": "2024-06-30"}).status == 201
    # a number indicator is not bounded
    r = ctx.post("/v1/indicators/%s/measurements" % ids["NUM"], {"value": 150, "as_of": "2024-06-30"})
    assert r.status == 201, r
    feed = "/v1/plans/%d/measurements:import" % pid
    before = ctx.sql("SELECT count(*) FROM measurements WHERE plan_id = %d" % pid)
    csv = ("indicator_code;as_of;value\r\n"
           "PCT;30/06/2024;-12,5\r\n"
           "PCT;31/12/2024;150%\r\n"
           "NUM;31/12/2024;150\r\n")
    body = expect_problem(ctx.post(feed, raw=csv, headers=CSV, token=erp), 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"line[2].value", "line[3].value"} <= fields and "line[4].value" not in fields, body
    body = expect_problem(ctx.post(feed, [{"indicator_code": "PCT", "as_of": "2024-12-31", "value": 150}],
                                   token=erp), 422, "[0].value")
    assert ctx.sql("SELECT count(*) FROM measurements WHERE plan_id = %d" % pid) == before


def test_entries_are_dated_in_the_plans_years(ctx):
    eid, pid, erp = small_plan(ctx)
    ids = _indicator_ids(ctx, pid)
    url = "/v1/indicators/%s/measurements" % ids["NUM"]
    for day in ("2023-12-31", "2026-01-01", "2031-06-30"):
        expect_problem(ctx.post(url, {"value": 1, "as_of": day}), 422, "as_of")
    # the plan's year and the next (final measurements, the Relazione by 30 June) are open
    for day in ("2024-01-01", "2025-06-30"):
        assert ctx.post(url, {"value": 1, "as_of": day}).status == 201, day
    feed = "/v1/plans/%d/measurements:import" % pid
    csv = "indicator_code;as_of;value\r\nNUM;31/12/2023;5\r\nNUM;30/06/2031;5\r\n"
    body = expect_problem(ctx.post(feed, raw=csv, headers=CSV, token=erp), 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"line[2].as_of", "line[3].as_of"} <= fields, body
    assert ctx.sql("SELECT count(*) FROM measurements WHERE plan_id = %d AND as_of NOT BETWEEN '2024-01-01' AND "
                   "'2025-12-31'" % pid) == [["0"]]


def test_rule_kinds_are_checked_when_written(ctx):
    e = ctx.entity()
    plan = ctx.plan(e["id"])
    obj = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB-R", "title": "Regole"})
    base = "/v1/objectives/%d/indicators" % obj["id"]
    body = expect_problem(ctx.post(base, {"code": "I-M", "name": "Magia", "rule": {"kind": "magic"}}), 422)
    assert any(x["field"].startswith("rule") for x in body["errors"]), body
    assert ctx.sql("SELECT count(*) FROM indicators WHERE plan_id = %d" % plan["id"]) == [["0"]]
    ind = ctx.create(base, {"code": "I-OK", "name": "Valida", "value_type": "number", "target": 10})
    path = "/v1/indicators/%d" % ind["id"]
    body = expect_problem(ctx.patch(path, {"rule": {"kind": "magic"}}), 422)
    assert any(x["field"].startswith("rule") for x in body["errors"]), body
    assert ctx.sql("SELECT rule IS NULL FROM indicators WHERE id = %d" % ind["id"]) == [["t"]]


def test_entity_codes_follow_the_documented_pattern(ctx):
    for bad in ("CON SPAZI", " LEAD", "TAB\tX", "-X", "É"):
        body = expect_problem(ctx.post("/v1/entities", {"code": bad, "name": "Comune", "kind": "comune"}), 422,
                              "code")
        assert "[A-Za-z0-9]" in [x for x in body["errors"] if x["field"] == "code"][0]["message"], body
    e = ctx.entity(code=ctx.unique("OK-1.a_"))
    expect_problem(ctx.patch("/v1/entities/%d" % e["id"], {"code": "CON SPAZI"}), 422, "code")


# --- documentation -------------------------------------------------------------------------

def test_documentation_links_resolve_inside_the_repository(ctx):
    p = subprocess.run(["python3", os.path.join(ROOT, "tools", "check-links.py")], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    # the checker catches what it must: a link, a mention and a path outside
    import importlib.util
    spec = importlib.util.spec_from_file_location("check_links", os.path.join(ROOT, "tools", "check-links.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    probe = os.path.join(ROOT, "docs", ".links-probe-%d.md" % os.getpid())
    with open(probe, "w", encoding="utf-8") as f:
        f.write("[a](NOPE.md) see API.md and /work/shared/docs/API.md; [ok](SECURITY.md#cors)\n")
    try:
        found = {(what, why.split()[0]) for _, what, why in mod.broken(probe)}
    finally:
        os.remove(probe)
    assert {("NOPE.md", "link"), ("API.md", "mentions"), ("/work/shared/docs/API.md", "points")} <= found, found
    assert not [w for w, _ in found if w.startswith("SECURITY.md")], found
    assert os.path.exists(os.path.join(ROOT, "docs", "API-CONVENTIONS.md"))
