"""The foundation: resources, conventions of API.md, validation, ETags, CSV, operations."""
import signal
import socket
import threading
import time

from run import expect_problem


def test_operational_endpoints(ctx):
    assert ctx.get("/healthz", token=None).json == {"status": "ok"}
    r = ctx.get("/readyz", token=None)
    assert r.status == 200 and r.json["database"] == "ok"
    r = ctx.get("/openapi.yaml", token=None)
    assert r.status == 200 and r.text.startswith("openapi: 3.")
    ctx.get("/v1/entities")
    m = ctx.get("/metrics", token=None).text
    assert 'ciclo_http_requests_total{status="200"}' in m
    assert "ciclo_http_request_duration_seconds_bucket{le=\"+Inf\"}" in m
    assert "ciclo_db_pool_connections" in m


def test_entity_lifecycle_with_etag(ctx):
    code = ctx.unique("TOR")
    r = ctx.post("/v1/entities", {"code": code, "name": "Città metropolitana di Torino", "kind": "citta_metropolitana",
                                  "fiscal_code": "01907990012"})
    assert r.status == 201, r
    e = r.json
    assert r.header("Location") == "/v1/entities/%d" % e["id"]
    assert r.header("ETag") == '"1"'
    assert e["name"] == "Città metropolitana di Torino" and e["kind"] == "citta_metropolitana"
    assert e["created_at"].endswith("Z")
    got = ctx.get("/v1/entities/%d" % e["id"])
    assert got.status == 200 and got.json == e and got.header("ETag") == '"1"'
    # merge patch with the right ETag, then a stale one
    r = ctx.patch("/v1/entities/%d" % e["id"], {"name": "CM Torino", "fiscal_code": None}, headers={"If-Match": '"1"'})
    assert r.status == 200 and r.json["name"] == "CM Torino" and r.json["fiscal_code"] is None, r
    assert r.header("ETag") == '"2"'
    expect_problem(ctx.patch("/v1/entities/%d" % e["id"], {"name": "X"}, headers={"If-Match": '"1"'}), 412)
    expect_problem(ctx.delete("/v1/entities/%d" % e["id"], headers={"If-Match": '"1"'}), 412)
    assert ctx.get("/v1/entities/%d" % e["id"]).json["name"] == "CM Torino"
    assert ctx.delete("/v1/entities/%d" % e["id"], headers={"If-Match": '"2"'}).status == 204
    expect_problem(ctx.get("/v1/entities/%d" % e["id"]), 404)


def test_duplicate_codes_conflict(ctx):
    e = ctx.entity()
    s = {"code": "A02", "name": "Affari istituzionali", "kind": "direzione"}
    ctx.create("/v1/entities/%d/structures" % e["id"], s)
    expect_problem(ctx.post("/v1/entities/%d/structures" % e["id"], s), 409, "code")
    # the same code in another entity is fine
    other = ctx.entity()
    ctx.create("/v1/entities/%d/structures" % other["id"], s)
    expect_problem(ctx.post("/v1/entities", {"code": e["code"], "name": "dup"}), 409, "code")


def test_structure_tree_and_references(ctx):
    e = ctx.entity()
    base = "/v1/entities/%d" % e["id"]
    boss = ctx.create(base + "/people", {"name": "Mario De Leo", "external_id": "M001", "role": "dirigente"})
    root = ctx.create(base + "/structures", {"code": "00", "name": "Centro 00", "kind": "cdr"})
    child = ctx.create(base + "/structures", {"code": "00.1", "name": "Servizio segreteria", "kind": "servizio",
                                              "parent_id": root["id"], "manager_id": boss["id"], "interim": True})
    assert child["parent_id"] == root["id"] and child["interim"] is True
    # a person of another entity is an unknown reference
    other = ctx.entity()
    stranger = ctx.create("/v1/entities/%d/people" % other["id"], {"name": "Altro"})
    expect_problem(ctx.patch("/v1/structures/%d" % child["id"], {"manager_id": stranger["id"]}), 422, "manager_id")
    expect_problem(ctx.post(base + "/structures", {"code": "X", "name": "x", "parent_id": 999999999}), 422, "parent_id")
    # a cycle in the tree is refused
    expect_problem(ctx.patch("/v1/structures/%d" % root["id"], {"parent_id": child["id"]}), 422, "parent_id")
    # the parent cannot go while a child points at it
    expect_problem(ctx.delete("/v1/structures/%d" % root["id"]), 409)
    kids = ctx.get(base + "/structures?parent_id=%d" % root["id"]).json["items"]
    assert [k["code"] for k in kids] == ["00.1"]


def make_plan_tree(ctx):
    e = ctx.entity()
    s = ctx.create("/v1/entities/%d/structures" % e["id"], {"code": "A02", "name": "Affari istituzionali"})
    plan = ctx.plan(e["id"])
    obj = ctx.create("/v1/plans/%d/objectives" % plan["id"], {
        "code": "OB1", "title": "Trasparenza", "level": "management", "scope": "structure",
        "financial_resources": 600000.05, "start_year": 2024, "end_year": 2026, "mission": "01", "programme": "0102"})
    return e, s, plan, obj


def test_plan_objective_phase_indicator_assignment(ctx):
    e, s, plan, obj = make_plan_tree(ctx)
    assert plan["status"] == "draft" and plan["kind"] == "performance" and plan["entity_id"] == e["id"]
    assert obj["plan_id"] == plan["id"] and obj["financial_resources"] == 600000.05
    dup = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "DUP1", "title": "DUP", "level": "operational"})
    r = ctx.patch("/v1/objectives/%d" % obj["id"], {"parent_id": dup["id"]})
    assert r.status == 200 and r.json["parent_id"] == dup["id"]
    expect_problem(ctx.patch("/v1/objectives/%d" % dup["id"], {"parent_id": obj["id"]}), 422, "parent_id")
    ph = ctx.create("/v1/objectives/%d/phases" % obj["id"], {
        "seq": 1, "description": "Mappatura processi", "owners": ["TUTTI", "FIN."], "start": "2024-01-01",
        "deadline": "2024-06-30", "weight": 40, "cumulative": 40})
    assert ph["owners"] == ["TUTTI", "FIN."] and ph["deadline"] == "2024-06-30" and ph["plan_id"] == plan["id"]
    ind = ctx.create("/v1/objectives/%d/indicators" % obj["id"], {
        "code": "IND1", "name": "Tempo medio", "group": "time", "unit": "giorni", "target": 30,
        "direction": "lower_is_better", "value_type": "number",
        "rule": {"kind": "bands", "bands": [{"max": 30, "max_inclusive": True, "score": 100}, {"min": 30, "min_exclusive": True, "score": 0}]}})
    assert ind["group"] == "time" and ind["rule"]["kind"] == "bands"
    expect_problem(ctx.post("/v1/objectives/%d/indicators" % obj["id"], {"code": "IND1", "name": "again"}), 409, "code")
    a = ctx.create("/v1/objectives/%d/assignments" % obj["id"], {"structure_id": s["id"], "weight": 33.33})
    assert a["weight"] == 33.33 and a["structure_id"] == s["id"]
    expect_problem(ctx.post("/v1/objectives/%d/assignments" % obj["id"], {"structure_id": s["id"], "weight": 10}), 409)
    expect_problem(ctx.post("/v1/objectives/%d/assignments" % obj["id"], {"weight": 10}), 422)
    for path in ("/v1/objectives/%d/phases", "/v1/objectives/%d/indicators", "/v1/objectives/%d/assignments"):
        assert len(ctx.get(path % obj["id"]).json["items"]) == 1
    # deleting the objective takes its phases, indicators and assignments with it
    assert ctx.delete("/v1/objectives/%d" % obj["id"]).status == 204
    expect_problem(ctx.get("/v1/phases/%d" % ph["id"]), 404)
    expect_problem(ctx.get("/v1/objectives/%d/phases" % obj["id"]), 404)


def test_validation_names_the_field(ctx):
    e, s, plan, obj = make_plan_tree(ctx)
    base = "/v1/objectives/%d" % obj["id"]
    d = expect_problem(ctx.post(base + "/phases", {"seq": 1, "description": "x", "deadline": "2024-06-31"}), 422, "deadline")
    assert "June has 30 days" in d["errors"][0]["message"], d
    expect_problem(ctx.post(base + "/phases", {"seq": 1, "description": "x", "deadline": "2023-02-29"}), 422, "deadline")
    expect_problem(ctx.post(base + "/phases", {"seq": 1, "description": "x", "weight": 101}), 422, "weight")
    expect_problem(ctx.post(base + "/phases", {"seq": 1, "description": "x", "weight": -1}), 422, "weight")
    expect_problem(ctx.post(base + "/phases", {"seq": 1, "description": "x", "weight": 10.555}), 422, "weight")
    expect_problem(ctx.patch(base, {"financial_resources": -5}), 422, "financial_resources")
    expect_problem(ctx.patch(base, {"level": "tactical"}), 422, "level")
    expect_problem(ctx.patch(base, {"title": 42}), 422, "title")
    expect_problem(ctx.patch(base, {"title": "x" * 1001}), 422, "title")
    expect_problem(ctx.patch(base, {"colour": "red"}), 422, "colour")
    expect_problem(ctx.patch(base, {"id": 5}), 422, "id")
    expect_problem(ctx.patch(base, {"start_year": 2026, "end_year": 2024}), 422, "end_year")
    expect_problem(ctx.post("/v1/plans", {"entity_id": e["id"], "year": 1999, "title": "x"}), 422, "year")
    expect_problem(ctx.post("/v1/plans", {"entity_id": e["id"], "year": 2025, "title": "x", "status": "adopted"}), 422, "status")
    expect_problem(ctx.post("/v1/plans", {"entity_id": 987654321, "year": 2025, "title": "x"}), 422, "entity_id")
    # several problems at once, each named
    d = expect_problem(ctx.post(base + "/indicators", {"code": "", "group": "speed", "target": [1]}), 422)
    fields = sorted(x["field"] for x in d["errors"])
    assert fields == ["code", "group", "name", "target"], fields
    # nothing of the rejected requests was stored
    assert ctx.get(base + "/phases").json["items"] == []


def test_malformed_and_unsupported_bodies(ctx):
    e = ctx.entity()
    path = "/v1/entities/%d/structures" % e["id"]
    expect_problem(ctx.request("POST", path, raw='{"code": "A", ', headers={"Content-Type": "application/json"}), 400)
    expect_problem(ctx.request("POST", path, raw='{"code":"A","code":"B","name":"x"}',
                               headers={"Content-Type": "application/json"}), 400)
    expect_problem(ctx.request("POST", path, raw=b'{"code":"\xff","name":"x"}',
                               headers={"Content-Type": "application/json"}), 400)
    expect_problem(ctx.request("POST", path, raw='{"code":"A\\u0000","name":"x"}',
                               headers={"Content-Type": "application/json"}), 400)
    expect_problem(ctx.request("POST", path, raw="code=A", headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)
    expect_problem(ctx.request("POST", path, raw="[1,2]", headers={"Content-Type": "application/json"}), 422)


def test_body_limit_413(ctx):
    srv = ctx.start_server({"CICLO_MAX_BODY_MIB": "1"})
    try:
        big = '{"name": "%s"}' % ("x" * (2 * 1024 * 1024))
        r = ctx.request("POST", "/v1/entities", raw=big, headers={"Content-Type": "application/json"}, base=srv.url)
        expect_problem(r, 413)
        assert ctx.get("/healthz", base=srv.url, token=None).status == 200
    finally:
        assert srv.stop() == 0


def test_auth_and_roles(ctx):
    expect_problem(ctx.get("/v1/entities", token=None), 401)
    expect_problem(ctx.get("/v1/entities", token="ciclo_" + "A" * 43), 401)
    expect_problem(ctx.get("/v1/entities", headers={"Authorization": "Basic abc"}, token=None), 401)
    e = ctx.entity()
    reader = ctx.token("reader", entity=e["id"])
    assert ctx.get("/v1/entities/%d" % e["id"], token=reader).status == 200
    expect_problem(ctx.post("/v1/plans", {"entity_id": e["id"], "year": 2024, "title": "x"}, token=reader), 403)
    expect_problem(ctx.post("/v1/plans", {"garbage": True}, token=reader), 403)
    # a token of one entity does not see another's
    other = ctx.entity()
    expect_problem(ctx.get("/v1/entities/%d" % other["id"], token=reader), 404)
    ids = [x["id"] for x in ctx.get("/v1/entities", token=reader).json["items"]]
    assert ids == [e["id"]], ids
    m = ctx.get("/metrics", token=None).text
    assert "ciclo_auth_failures_total" in m and "ciclo_auth_failures_total 0" not in m
    # a revoked token stops at once
    r = ctx.post("/v1/tokens", {"role": "reader", "entity_id": e["id"], "name": "temp"})
    assert r.status == 201 and r.json["token"].startswith("ciclo_")
    tok = r.json["token"]
    assert ctx.get("/v1/entities", token=tok).status == 200
    assert ctx.delete("/v1/tokens/%d" % r.json["id"]).status == 204
    expect_problem(ctx.get("/v1/entities", token=tok), 401)
    listed = ctx.get("/v1/tokens").json["items"]
    assert all("token" not in t and "hash" not in t for t in listed)
    assert ctx.sql("SELECT count(*) FROM tokens WHERE hash::text LIKE '%%%s%%'" % tok[6:20])[0][0] == "0"


def test_unknown_path_and_method(ctx):
    expect_problem(ctx.get("/v1/nothing"), 404)
    r = ctx.request("PUT", "/v1/entities")
    expect_problem(r, 405)
    assert "GET" in r.header("Allow") and "POST" in r.header("Allow")
    expect_problem(ctx.get("/v1/objectives/abc"), 404)


def test_pagination_is_stable(ctx):
    e = ctx.entity()
    path = "/v1/entities/%d/people" % e["id"]
    for i in range(25):
        ctx.create(path, {"name": "Persona %02d" % i, "external_id": "P%02d" % i})
    seen, cursor, pages = [], None, 0
    while True:
        r = ctx.get(path + "?limit=10" + ("&cursor=" + cursor if cursor else ""))
        assert r.status == 200
        seen += [p["external_id"] for p in r.json["items"]]
        cursor = r.json["next_cursor"]
        pages += 1
        if not cursor:
            break
    assert seen == ["P%02d" % i for i in range(25)] and pages == 3
    expect_problem(ctx.get(path + "?limit=0"), 400, "limit")
    expect_problem(ctx.get(path + "?limit=1001"), 400, "limit")
    expect_problem(ctx.get(path + "?cursor=nonsense"), 400, "cursor")
    assert ctx.get(path + "?external_id=P07").json["items"][0]["name"] == "Persona 07"


def test_csv_lists(ctx):
    e, s, plan, obj = make_plan_tree(ctx)
    ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB2", "title": 'Servizi; "digitali"\nnuovi'})
    r = ctx.get("/v1/plans/%d/objectives?format=csv" % plan["id"])
    assert r.status == 200 and r.header("Content-Type").startswith("text/csv")
    lines = r.text.split("\r\n")
    header = lines[0].split(";")
    assert header[:5] == ["id", "entity_id", "plan_id", "code", "title"]
    row = lines[1].split(";")
    assert row[header.index("financial_resources")] == "600000,05"
    assert '"Servizi; ""digitali""\nnuovi"' in r.text
    r2 = ctx.get("/v1/plans/%d/objectives" % plan["id"], headers={"Accept": "text/csv"})
    assert r2.text == r.text


def test_audit_records_every_write(ctx):
    e = ctx.entity()
    s = ctx.create("/v1/entities/%d/structures" % e["id"], {"code": "S1", "name": "Uno"})
    ctx.patch("/v1/structures/%d" % s["id"], {"name": "Due"})
    ctx.delete("/v1/structures/%d" % s["id"])
    rows = ctx.sql("SELECT action, before->>'name', after->>'name', actor_role FROM audit "
                   "WHERE resource = 'structures' AND resource_id = %d ORDER BY id" % s["id"])
    assert rows == [["create", "", "Uno", "admin"], ["update", "Uno", "Due", "admin"], ["delete", "Due", "", "admin"]], rows


def test_sigterm_finishes_requests_in_flight(ctx):
    srv = ctx.start_server()
    # a request whose body arrives slowly is in flight when SIGTERM comes
    sock = socket.create_connection(("127.0.0.1", srv.port))
    body = b'{"code": "%s", "name": "Lento"}' % ctx.unique("SLOW").encode()
    sock.sendall(b"POST /v1/entities HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ctx.admin.encode() +
                 b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:10])
    time.sleep(0.3)
    result = {}
    t = threading.Thread(target=lambda: result.update(code=srv.stop(signal.SIGTERM)))
    t.start()
    time.sleep(0.3)
    sock.sendall(body[10:])
    answer = sock.recv(4096)
    sock.close()
    t.join(30)
    assert answer.startswith(b"HTTP/1.1 201"), answer[:200]
    assert result.get("code") == 0, result
    assert "stopped" in srv.log_text()


def test_a_cached_token_is_checked_under_its_own_entity(ctx):
    """The guard of a cached token (the process does not listen for token changes, or has lost its
    listener: api/auth.c) reads its row under row-level security, as the token's own entity (an
    admin's: every entity): an admin token revoked through another process and an entity token past
    its expiry are 401 at their next request, while a live one of either kind still passes."""
    srv = ctx.start_server({"CICLO_TOKEN_NOTIFY": "0"})
    try:
        e = ctx.entity()
        admin = ctx.post("/v1/tokens", {"role": "admin", "name": "temp admin"}).json
        reader = ctx.post("/v1/tokens", {"role": "reader", "entity_id": e["id"], "name": "temp reader"}).json
        for t in (admin, reader):
            assert ctx.get("/v1/entities", token=t["token"], base=srv.url).status == 200  # cached
            assert ctx.get("/v1/entities", token=t["token"], base=srv.url).status == 200  # the guard holds
        assert ctx.delete("/v1/tokens/%d" % admin["id"]).status == 204
        expect_problem(ctx.get("/v1/entities", token=admin["token"], base=srv.url), 401)
        ctx.sql("UPDATE tokens SET expires_at = now() - interval '1 second' WHERE id = %d" % reader["id"])
        expect_problem(ctx.get("/v1/entities", token=reader["token"], base=srv.url), 401)
        assert "ciclo_token_listener_up" not in ctx.get("/metrics", token=None, base=srv.url).text
    finally:
        srv.stop()
