"""Idempotency-Key on every POST (docs/RELIABILITY.md): the same key and request replay the
first answer (status, Content-Type, body, Location, ETag); the same key with another request
is 422 idempotency_key_reused; concurrent requests with one key run once; keys belong to the
caller's entity and token, and expire after 24 hours."""
import json
import threading
import uuid

from run import expect_problem

LOCK_CLASS = 7243052  # STORE_IDEM_LOCK_CLASS in src/store/idempotency.h


def key():
    return {"Idempotency-Key": str(uuid.uuid4())}


def count(ctx, query):
    return int(ctx.sql(query)[0][0])


def answer(r):
    return (r.status, r.header("Content-Type"), r.header("Location"), r.header("ETag"), r.body)


def setup(ctx):
    e = ctx.entity()
    plan = ctx.plan(e["id"])
    planner = ctx.token("planner", e["id"], name="planner-idem")
    return e, plan, planner


def no_locks_held(ctx):
    assert count(ctx, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %d" % LOCK_CLASS) == 0


def test_create_twice_same_key_one_row(ctx):
    e, plan, planner = setup(ctx)
    url = "/v1/plans/%d/objectives" % plan["id"]
    k = key()
    body = {"code": "OB-IDEM", "title": "Tempi dei procedimenti"}
    first = ctx.post(url, body, token=planner, headers=k)
    assert first.status == 201, first
    again = ctx.post(url, body, token=planner, headers=k)
    assert answer(again) == answer(first), (answer(first), answer(again))
    assert again.json["id"] == first.json["id"]
    assert first.header("Location") and first.header("ETag"), first.headers
    assert count(ctx, "SELECT count(*) FROM objectives WHERE plan_id = %d AND code = 'OB-IDEM'" % plan["id"]) == 1
    assert count(ctx, "SELECT count(*) FROM audit WHERE resource = 'objectives' AND plan_id = %d" % plan["id"]) == 1
    # the same key with another body: refused, naming the header, and nothing written
    doc = expect_problem(ctx.post(url, dict(body, title="Altro"), token=planner, headers=k), 422, "Idempotency-Key")
    assert doc["code"] == "idempotency_key_reused", doc
    # ... and with another path
    expect_problem(ctx.post("/v1/plans/%d/objectives" % ctx.plan(e["id"], year=2025)["id"], body, token=planner,
                            headers=k), 422, "Idempotency-Key")
    # a different key is a new request: a new row
    other = ctx.post(url, dict(body, code="OB-IDEM-2"), token=planner, headers=key())
    assert other.status == 201 and other.json["id"] != first.json["id"], other
    assert count(ctx, "SELECT count(*) FROM objectives WHERE plan_id = %d" % plan["id"]) == 2
    no_locks_held(ctx)


def test_measurement_replayed(ctx):
    e, plan, planner = setup(ctx)
    ob = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB-M", "title": "Misure"}, token=planner)
    ind = ctx.create("/v1/objectives/%d/indicators" % ob["id"], {"code": "IND-M", "name": "Pratiche", "rule": {
        "kind": "linear", "target": 100, "baseline": 0}}, token=planner)
    url = "/v1/indicators/%d/measurements" % ind["id"]
    k = key()
    body = {"value": 86.5, "as_of": "2024-06-30", "source": "protocollo"}
    first = ctx.post(url, body, token=planner, headers=k)
    assert first.status == 201, first
    for _ in range(3):
        assert answer(ctx.post(url, body, token=planner, headers=k)) == answer(first)
    q = "SELECT count(*) FROM measurements WHERE indicator_id = %d" % ind["id"]
    assert count(ctx, q) == 1
    # measurements keep their history: the same body under another key is another row
    assert ctx.post(url, body, token=planner, headers=key()).status == 201
    assert count(ctx, q) == 2
    # without a key nothing is stored and every POST counts
    before = count(ctx, "SELECT count(*) FROM idempotency_keys")
    assert ctx.post(url, body, token=planner).status == 201
    assert count(ctx, q) == 3
    assert count(ctx, "SELECT count(*) FROM idempotency_keys") == before


def raw_posts(ctx, n, path, body, token, headers):
    """n POSTs sent as close together as the client can: each connection gets its whole request
    but the last byte, then every thread sends its last byte at once. [(status, headers, body)]."""
    import socket
    from urllib.parse import urlparse
    u = urlparse(ctx.server.url)
    data = json.dumps(body).encode()
    head = "".join("%s: %s\r\n" % kv for kv in headers.items())
    req = ("POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n"
           "Content-Length: %d\r\nConnection: close\r\n%s\r\n" % (path, u.netloc, token, len(data), head)).encode() + data
    socks = []
    for _ in range(n):
        sk = socket.create_connection((u.hostname, u.port), timeout=60)
        sk.sendall(req[:-1])
        socks.append(sk)
    results = [None] * n
    barrier = threading.Barrier(n)

    def worker(i):
        barrier.wait()
        socks[i].sendall(req[-1:])
        chunks = []
        while True:
            c = socks[i].recv(65536)
            if not c:
                break
            chunks.append(c)
        socks[i].close()
        raw = b"".join(chunks)
        head_, _, payload = raw.partition(b"\r\n\r\n")
        lines = head_.decode("latin-1").split("\r\n")
        hs = dict((k.lower(), v.strip()) for k, _, v in (l.partition(":") for l in lines[1:]))
        results[i] = (int(lines[0].split()[1]), hs.get("content-type"), hs.get("location"), hs.get("etag"), payload)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_same_key_runs_once(ctx):
    e, plan, planner = setup(ctx)
    url = "/v1/plans/%d/objectives" % plan["id"]
    body = {"code": "OB-RACE", "title": "Corsa"}
    results = raw_posts(ctx, 20, url, body, planner, key())
    assert all(r is not None for r in results)
    assert results[0][0] == 201, results[0]
    assert len(set(results)) == 1, set((r[0], r[4][:200]) for r in results)
    assert count(ctx, "SELECT count(*) FROM objectives WHERE plan_id = %d" % plan["id"]) == 1
    # the same with measurements, which have no unique key to stop a second row
    ob = ctx.create(url, {"code": "OB-RACE-M", "title": "Misure"}, token=planner)
    ind = ctx.create("/v1/objectives/%d/indicators" % ob["id"], {"code": "IND-R", "name": "Pratiche", "rule": {
        "kind": "linear", "target": 100, "baseline": 0}}, token=planner)
    results = raw_posts(ctx, 20, "/v1/indicators/%d/measurements" % ind["id"], {"value": 5, "as_of": "2024-06-30"},
                        planner, key())
    assert results[0][0] == 201 and len(set(results)) == 1, set((r[0], r[4][:200]) for r in results)
    assert count(ctx, "SELECT count(*) FROM measurements WHERE indicator_id = %d" % ind["id"]) == 1
    no_locks_held(ctx)


def test_failed_answer_replayed(ctx):
    e, plan, planner = setup(ctx)
    url = "/v1/plans/%d/objectives" % plan["id"]
    k = key()
    bad = {"code": "OB-BAD", "title": "x", "level": "cosmic"}
    first = ctx.post(url, bad, token=planner, headers=k)
    expect_problem(first, 422, "level")
    again = ctx.post(url, bad, token=planner, headers=k)
    assert answer(again) == answer(first)
    assert ctx.sql("SELECT status, content_type FROM idempotency_keys WHERE key = '%s'" % k["Idempotency-Key"]) == [
        ["422", "application/problem+json"]]
    assert count(ctx, "SELECT count(*) FROM objectives WHERE plan_id = %d" % plan["id"]) == 0
    # a 404 is a final answer too; a 403 is not (a retry with more rights must run)
    k404 = key()
    good = {"code": "OB-GONE", "title": "x"}
    gone = ctx.post("/v1/plans/999999999/objectives", good, token=planner, headers=k404)
    expect_problem(gone, 404)
    assert answer(ctx.post("/v1/plans/999999999/objectives", good, token=planner, headers=k404)) == answer(gone)
    reader = ctx.token("reader", e["id"])
    k403 = key()
    expect_problem(ctx.post(url, bad, token=reader, headers=k403), 403)
    assert ctx.sql("SELECT count(*) FROM idempotency_keys WHERE key = '%s'" % k403["Idempotency-Key"]) == [["0"]]
    no_locks_held(ctx)


def test_key_length(ctx):
    e, plan, planner = setup(ctx)
    url = "/v1/plans/%d/objectives" % plan["id"]
    doc = expect_problem(ctx.post(url, {"code": "OB-L", "title": "x"}, token=planner,
                                  headers={"Idempotency-Key": "k" * 201}), 400, "Idempotency-Key")
    assert doc["code"] == "bad_header", doc
    assert count(ctx, "SELECT count(*) FROM objectives WHERE plan_id = %d" % plan["id"]) == 0
    for bad in ("", "chiave-\u00e8", "tab\there"):
        expect_problem(ctx.post(url, {"code": "OB-L", "title": "x"}, token=planner, headers={"Idempotency-Key": bad}),
                       400, "Idempotency-Key")
    ok = ctx.post(url, {"code": "OB-L", "title": "x"}, token=planner, headers={"Idempotency-Key": "k" * 200})
    assert ok.status == 201, ok
    # the feeds check the key the same way
    expect_problem(ctx.post("/v1/entities/%d/structures:import" % e["id"], [], headers={"Idempotency-Key": "k" * 201}),
                   400, "Idempotency-Key")


def test_keys_belong_to_entity_and_token(ctx):
    e1, plan1, planner1 = setup(ctx)
    e2, plan2, planner2 = setup(ctx)
    k = key()
    body = {"code": "OB-OWN", "title": "Di chi"}
    url1 = "/v1/plans/%d/objectives" % plan1["id"]
    first = ctx.post(url1, body, token=planner1, headers=k)
    assert first.status == 201, first
    # another entity's token under the same key: its own request runs as new
    own = ctx.post("/v1/plans/%d/objectives" % plan2["id"], body, token=planner2, headers=k)
    assert own.status == 201 and own.json["id"] != first.json["id"], own
    # ... and the very first request, sent by it, is measured against its own use of the key, never
    # answered with the first entity's answer
    expect_problem(ctx.post(url1, body, token=planner2, headers=k), 422, "Idempotency-Key")
    k2 = key()
    expect_problem(ctx.post(url1, body, token=planner2, headers=k2), 404)
    # another token of the same entity has its own keys too: the request runs (and finds the code taken)
    other = ctx.token("planner", e1["id"], name="planner-other")
    expect_problem(ctx.post(url1, body, token=other, headers=k), 409, "code")
    # the first token still gets its answer
    assert answer(ctx.post(url1, body, token=planner1, headers=k)) == answer(first)
    assert count(ctx, "SELECT count(*) FROM objectives WHERE plan_id = %d" % plan1["id"]) == 1


def test_token_secret_never_stored(ctx):
    e, plan, planner = setup(ctx)
    k = key()
    body = {"role": "reader", "name": "lettore-idem", "entity_id": e["id"]}
    first = ctx.post("/v1/tokens", body, headers=k)
    assert first.status == 201 and first.json.get("token"), first
    secret = first.json["token"]
    again = ctx.post("/v1/tokens", body, headers=k)
    doc = expect_problem(again, 409, "Idempotency-Key")
    assert doc["code"] == "idempotency_answer_not_kept", doc
    assert again.header("Location") == first.header("Location"), again.headers
    assert secret not in again.text
    assert count(ctx, "SELECT count(*) FROM idempotency_keys WHERE response LIKE '%%%s%%'" % secret) == 0
    assert count(ctx, "SELECT count(*) FROM tokens WHERE name = 'lettore-idem'") == 1


def test_keys_expire(ctx):
    e, plan, planner = setup(ctx)
    ob = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB-X", "title": "Scade"}, token=planner)
    url = "/v1/objectives/%d/phases" % ob["id"]
    k = key()
    assert ctx.post(url, {"seq": 1, "description": "Bozza"}, token=planner, headers=k).status == 201
    ctx.sql("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = '%s'"
            % k["Idempotency-Key"])
    # an expired key is not replayed: the request runs again (another seq, so it succeeds) and takes the key over
    r = ctx.post(url, {"seq": 2, "description": "Bozza"}, token=planner, headers=k)
    assert r.status == 201, r
    assert count(ctx, "SELECT count(*) FROM phases WHERE objective_id = %d" % ob["id"]) == 2
    assert ctx.sql("SELECT count(*), bool_and(created_at > now() - interval '1 hour') FROM idempotency_keys WHERE "
                   "key = '%s'" % k["Idempotency-Key"]) == [["1", "t"]]


def test_expired_keys_purged(ctx):
    e, plan, planner = setup(ctx)
    old = "old-" + str(uuid.uuid4())
    ctx.sql("INSERT INTO idempotency_keys (entity_id, token_id, key, request_hash, status, response, created_at) "
            "VALUES (%d, 1, '%s', 'x', 201, '{}', now() - interval '2 days')" % (e["id"], old))
    srv = ctx.start_server()  # a fresh process purges at its first stored key
    try:
        r = ctx.post("/v1/plans/%d/objectives" % plan["id"], {"code": "OB-P", "title": "x"}, token=planner,
                     headers=key(), base=srv.url)
        assert r.status == 201, r
    finally:
        srv.stop()
    assert count(ctx, "SELECT count(*) FROM idempotency_keys WHERE key = '%s'" % old) == 0
    assert count(ctx, "SELECT count(*) FROM idempotency_keys WHERE created_at < now() - interval '24 hours'") == 0


def test_every_post_honours_the_key(ctx):
    """Lifecycle and review POSTs too: adopt replays its answer and adopts once."""
    e, plan, planner = setup(ctx)
    ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB-AD", "title": "x"}, token=planner)
    k = key()
    body = {"deliberation": {"number": "12", "date": "2024-01-31", "body": "giunta"}}
    url = "/v1/plans/%d/adopt" % plan["id"]
    first = ctx.post(url, body, token=planner, headers=k)
    assert first.status in (200, 201), first
    assert answer(ctx.post(url, body, token=planner, headers=k)) == answer(first)
    assert count(ctx, "SELECT count(*) FROM plan_revisions WHERE plan_id = %d" % plan["id"]) == 1
    # a stateless POST is fine too
    rk = key()
    rule = {"rule": {"kind": "boolean"}, "value": True}
    a = ctx.post("/v1/rules:evaluate", rule, token=planner, headers=rk)
    assert a.status == 200 and answer(ctx.post("/v1/rules:evaluate", rule, token=planner, headers=rk)) == answer(a)
    no_locks_held(ctx)


def test_openapi_documents_the_key_on_every_post(ctx):
    import yaml
    from test_openapi import ROOT, parse_routes
    with open(ROOT + "/openapi/openapi.yaml", encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    param = doc["components"]["parameters"]["IdempotencyKey"]
    assert param["in"] == "header" and param["name"] == "Idempotency-Key" and param["schema"]["maxLength"] == 200
    ref = {"$ref": "#/components/parameters/IdempotencyKey"}
    missing = []
    for method, path, _, _ in parse_routes():
        if method != "POST":
            continue
        op = doc["paths"].get(path, {}).get("post")
        if op is not None and ref not in op.get("parameters", []):
            missing.append(path)
        if op is not None:
            assert "422" in op["responses"] and "409" in op["responses"], path
    assert not missing, "POST operations without the Idempotency-Key parameter: %s" % missing
    assert "idempotency_key_reused" in doc["components"]["responses"]["UnprocessableContent"]["description"]


def test_key_still_in_use_is_409(ctx):
    """A request whose key is held by one still running waits at most the lock timeout, then 409 with
    Retry-After; nothing is stored or written, and the retry after the holder ends runs."""
    import hashlib
    import subprocess
    import time
    e, plan, _ = setup(ctx)
    name = ctx.unique("planner-lock")
    planner = ctx.token("planner", e["id"], name=name)
    tid = ctx.sql("SELECT id FROM tokens WHERE name = '%s'" % name)[0][0]
    k = str(uuid.uuid4())
    h = int.from_bytes(hashlib.sha256(("%d\n%s\n%s" % (e["id"], tid, k)).encode()).digest()[:4], "big", signed=True)
    holder = subprocess.Popen(["psql", ctx.database_url, "-AtX", "-c",
                               "SELECT pg_advisory_lock(%d, %d), pg_sleep(3)" % (LOCK_CLASS, h)],
                              stdout=subprocess.DEVNULL)
    srv = ctx.start_server({"CICLO_DB_TIMEOUT_MS": "500"})
    try:
        deadline = time.time() + 10
        while count(ctx, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %d AND objid = %d "
                         "AND granted" % (LOCK_CLASS, h & 0xFFFFFFFF)) == 0:
            assert time.time() < deadline, "the lock was not taken"
            time.sleep(0.05)
        url = "/v1/plans/%d/objectives" % plan["id"]
        body = {"code": "OB-WAIT", "title": "Attesa"}
        r = ctx.post(url, body, token=planner, headers={"Idempotency-Key": k}, base=srv.url)
        doc = expect_problem(r, 409, "Idempotency-Key")
        assert doc["code"] == "idempotency_key_in_use" and r.header("Retry-After") == "1", (doc, r.headers)
        assert count(ctx, "SELECT count(*) FROM idempotency_keys WHERE key = '%s'" % k) == 0
        assert count(ctx, "SELECT count(*) FROM objectives WHERE plan_id = %d" % plan["id"]) == 0
        holder.wait(30)
        r = ctx.post(url, body, token=planner, headers={"Idempotency-Key": k}, base=srv.url)
        assert r.status == 201, r
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        srv.stop()
    no_locks_held(ctx)


def test_a_keyed_post_that_scores_commits_with_its_key(ctx):
    """A review scores its plan inside the key's transaction, and a first scoring writes the rules'
    compact forms (sql/030) on the way: that write stays inside the key's transaction, so that the
    review and its key still commit together (one transaction: the same xmin)."""
    e = ctx.entity()
    plan = ctx.plan(e["id"])
    o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB1", "title": "Obiettivo"})
    ctx.create("/v1/objectives/%d/indicators" % o["id"], {"code": "I1", "name": "Indicatore", "value_type": "boolean",
                                                         "rule": {"kind": "boolean"}})
    assert count(ctx, "SELECT count(*) FROM indicators WHERE plan_id = %d AND rule_form IS NULL" % plan["id"]) == 1
    k = key()
    r = ctx.post("/v1/plans/%d/reviews" % plan["id"], {"kind": "intermediate", "as_of": "2024-06-30"}, headers=k)
    assert r.status == 201, r
    assert ctx.sql("SELECT r.xmin = k.xmin FROM reviews r, idempotency_keys k WHERE r.id = %d AND k.key = '%s'"
                   % (r.json["id"], k["Idempotency-Key"])) == [["t"]]
    assert ctx.post("/v1/plans/%d/reviews" % plan["id"], {"kind": "intermediate", "as_of": "2024-06-30"},
                    headers=k).json == r.json
