"""Retries and duplicates (issue 16, hole 6).

- An Idempotency-Key is stored in the same transaction as the write it guards: when the key cannot
  be stored, the write is undone and the client is told to retry; the retry then writes once.
  (Before, the key was stored after the commit: a crash, or a failure, between the two left the
  write without its key, and the retry wrote it a second time — 4 duplicate measurements out of 24
  retried requests after kill -9.) The failure between write and key is made here on purpose, with
  a CHECK constraint that refuses the key.
- A bonus distribution is unique per entity, year, role and category, unless it names the one it
  replaces; the replacement is audited.
"""
from run import expect_problem
from test_evaluation import YEAR, open_the_bonus, rate_and_sign, small_entity


def test_idempotency_key_commits_with_the_write(ctx):
    e = ctx.entity()
    plan = ctx.plan(e["id"])
    o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB1", "title": "x"})
    ind = ctx.create("/v1/objectives/%d/indicators" % o["id"], {"code": "I1", "name": "x"})
    path = "/v1/indicators/%d/measurements" % ind["id"]
    key = "fail-" + ctx.unique("K")
    body = {"value": 42, "as_of": "2024-03-31"}
    count = lambda: int(ctx.sql("SELECT count(*) FROM measurements WHERE indicator_id = %d" % ind["id"])[0][0])  # noqa: E731
    ctx.sql("ALTER TABLE idempotency_keys ADD CONSTRAINT test_refuse_key CHECK (key <> '%s') NOT VALID" % key)
    try:
        d = expect_problem(ctx.post(path, body, headers={"Idempotency-Key": key}), 503)
        assert "Idempotency-Key" in d["detail"], d
        assert count() == 0, "the measurement was kept without its key"
    finally:
        ctx.sql("ALTER TABLE idempotency_keys DROP CONSTRAINT test_refuse_key")
    first = ctx.post(path, body, headers={"Idempotency-Key": key})
    assert first.status == 201, first
    again = ctx.post(path, body, headers={"Idempotency-Key": key})
    assert again.status == 201 and again.json == first.json, again
    assert count() == 1
    # a handler that runs its own transaction (an adoption) keeps it, and its key, together
    o2 = ctx.create("/v1/objectives/%d/phases" % o["id"], {"seq": 1, "description": "x", "weight": 100})
    assert o2["id"]
    k2 = {"Idempotency-Key": ctx.unique("A")}
    delib = {"deliberation": {"number": "7", "date": "2024-01-20"}}
    a1 = ctx.post("/v1/plans/%d/adopt" % plan["id"], delib, headers=k2)
    a2 = ctx.post("/v1/plans/%d/adopt" % plan["id"], delib, headers=k2)
    assert a1.status == 200 and a2.status == 200 and a1.json == a2.json, (a1, a2)
    assert ctx.sql("SELECT count(*) FROM audit WHERE resource = 'plans' AND resource_id = %d AND action = 'adopt'"
                   % plan["id"]) == [["1"]]


def test_bonus_distribution_once_per_slot_unless_replaced(ctx):
    w = small_entity(ctx)
    t, E = w["t"], w["e"]["id"]
    rate_and_sign(ctx, w)
    for key in ("P1", "P2", "P3", "P4", "M1", "M2"):
        assert ctx.post("/v1/evaluation-forms/%d/accept" % w["forms"][key]["id"], {}, token=t[key]).status == 200
    open_the_bonus(ctx, w["plan"]["id"], E)
    url = "/v1/entities/%d/bonus-distributions" % E
    staff = {"year": YEAR, "role": "staff", "fund": 10000}
    first = ctx.create(url, staff, token=t["planner"])
    assert first["replaces"] is None and first["replaced_by"] is None
    # the same year and role again: a second payroll, refused
    expect_problem(ctx.post(url, staff, token=t["planner"]), 409, "replaces")
    expect_problem(ctx.post(url, dict(staff, fund=9000), token=t["planner"]), 409, "replaces")
    # another role is another slot
    managers = ctx.create(url, {"year": YEAR, "role": "manager", "fund": 5000}, token=t["planner"])
    # replacing: only the one of the same slot, only once
    expect_problem(ctx.post(url, dict(staff, replaces=managers["id"]), token=t["planner"]), 422, "replaces")
    second = ctx.create(url, dict(staff, fund=12000, replaces=first["id"]), token=t["planner"])
    assert second["replaces"] == first["id"], second
    expect_problem(ctx.post(url, dict(staff, replaces=first["id"]), token=t["planner"]), 409, "replaces")
    assert ctx.get("/v1/bonus-distributions/%d" % first["id"], token=t["planner"]).json["replaced_by"] == second["id"]
    third = ctx.create(url, dict(staff, replaces=second["id"]), token=t["planner"])
    assert third["fund"] == 10000
    trail = ctx.get("/v1/audit?resource=bonus_distributions/%d" % second["id"]).json["items"]
    assert [a["action"] for a in trail] == ["replace"], trail
    assert trail[0]["before"]["id"] == first["id"] and trail[0]["after"]["fund"] == 12000, trail
    assert len(ctx.get(url, token=t["planner"]).json["items"]) == 4


def test_retries_after_kill9_write_once(ctx):
    """Writers POST measurements, each with its own Idempotency-Key; the server is killed with SIGKILL
    in the middle of the burst; a new server is started and every request is sent again with its key.
    No measurement exists twice; a retry of an answered request gets the original answer, and a retry
    of one that was never answered gets either the answer of the write that did commit (replayed) or
    a clean first execution. (Before the key was stored in the write's transaction, 4 of 24 such
    retries wrote a second measurement.)"""
    import threading
    import time
    from test_reliability import SLOW, call, check_log, quiet
    e = ctx.entity()
    plan = ctx.plan(e["id"])
    o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB-R", "title": "Misure ritentate"})
    inds = [ctx.create("/v1/objectives/%d/indicators" % o["id"], {"code": "IND-R%d" % k, "name": "I%d" % k,
                                                                  "value_type": "number", "target": 100})
            for k in range(3)]
    planner = ctx.token("planner", entity=e["id"])
    srv = ctx.start_server()
    sent, lock, stop = [], threading.Lock(), threading.Event()  # sent: [key, path, body, first answer]

    def writer(w):
        k = 0
        while not stop.is_set():
            k += 1
            key = "kill9-%s-%d-%d" % (ctx.unique("R"), w, k)
            req = [key, "/v1/indicators/%d/measurements" % inds[w % 3]["id"],
                   {"value": k, "as_of": "2024-06-30", "note": key}, None]
            with lock:
                sent.append(req)
            x = call(ctx, srv, "POST", req[1], req[2], token=planner, timeout=10 * SLOW,
                     headers={"Idempotency-Key": key})
            req[3] = x
            if x["status"] == 0:
                return  # the server is gone
    threads = [threading.Thread(target=writer, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    deadline = time.time() + 30 * SLOW
    while sum(1 for r in sent if r[3] and r[3]["status"] == 201) < 24 and time.time() < deadline:
        time.sleep(0.01)
    srv.stop(9)  # SIGKILL, with requests in flight
    stop.set()
    for t in threads:
        t.join(30)
    check_log(srv)
    quiet(ctx)
    unanswered = [r for r in sent if r[3]["status"] != 201]
    assert all(r[3]["status"] == 0 for r in unanswered), [r[3] for r in unanswered if r[3]["status"]]
    assert unanswered, "the kill came when no request was in flight"
    srv = ctx.start_server()
    try:
        replayed = fresh = 0
        for key, path, body, first in sent:
            n_before = int(ctx.sql("SELECT count(*) FROM measurements WHERE note = '%s'" % key)[0][0])
            x = call(ctx, srv, "POST", path, body, token=planner, headers={"Idempotency-Key": key})
            assert x["status"] == 201, (key, x)
            if first["status"] == 201:  # the original answer, byte for byte the same document
                assert x["r"].json == first["r"].json, (key, x["r"].json, first["r"].json)
            elif n_before == 1:  # committed before the kill, never answered: its answer now
                replayed += 1
                stored = ctx.sql("SELECT id FROM measurements WHERE note = '%s'" % key)[0][0]
                assert x["r"].json["id"] == int(stored), (key, x["r"].json)
            else:  # never committed: a clean first execution
                assert n_before == 0, (key, n_before)
                fresh += 1
            again = call(ctx, srv, "POST", path, body, token=planner, headers={"Idempotency-Key": key})
            assert again["status"] == 201 and again["r"].json == x["r"].json, (key, again)
        notes = ctx.sql("SELECT note, count(*) FROM measurements WHERE indicator_id IN (%s) GROUP BY note"
                        % ",".join(str(i["id"]) for i in inds))
        dup = [n for n in notes if n[1] != "1"]
        assert not dup, "duplicate measurements after the retries: %s" % dup[:5]
        assert len(notes) == len(sent), (len(notes), len(sent))
        print("     (%d requests, %d unanswered at the kill: %d had committed and were replayed, %d ran anew)"
              % (len(sent), len(unanswered), replayed, fresh))
    finally:
        assert srv.stop() == 0
        check_log(srv)
