"""Reliability (issue 9): faults injected, guarantees checked.

Scores decide people's pay, so a lost measurement or a half-applied revision is a real harm.
Each test injects one fault and checks one guarantee (docs/RELIABILITY.md lists them):

- database outage: PostgreSQL stopped under load (and frozen with SIGSTOP) → every answer is
  503 problem+json within a bound, /readyz 503; PostgreSQL back → the service heals by itself,
  without a restart, and holds no more connections than its pool (pg_stat_activity);
- crash in the middle: kill -9 of the server during a large import, an adoption and a burst of
  measurements → after a restart each is complete or absent, no orphan rows anywhere;
- concurrent writers: the same ETag → exactly one winner, the others 412; concurrent
  measurements all kept; concurrent adoptions → one succeeds;
- graceful stop: SIGTERM stops accepting, finishes the requests in flight, closes the pool and
  exits 0 within a bound.

The outage and graceful-stop tests need a PostgreSQL of their own (stopping the suite's would
break every other test; counting connections needs a cluster only one server talks to): one
throwaway cluster is made on first use under ctx.tmp and stopped when the suite ends.

Under CICLO_WRAP (valgrind) the server is ~20x slower: every time bound is multiplied by SLOW,
and the crash tests use smaller workloads.
"""
import atexit
import collections
import concurrent.futures
import json
import os
import random
import re
import socket
import subprocess
import threading
import time

from run import ROOT, expect_problem, free_port, wait_for

WRAPPED = bool(os.environ.get("CICLO_WRAP"))
SLOW = 15 if WRAPPED else 1


# --- a PostgreSQL of our own ----------------------------------------------------------------------

class PrivatePG:
    """A throwaway cluster (tools/pg.sh) that one test server at a time talks to."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.dir = os.path.join(ctx.tmp, "pg-reliability")
        self.port = free_port()
        self.owner_url = self.start()
        subprocess.run([ctx.bin, "migrate"], env=dict(os.environ, DATABASE_URL=self.owner_url,
                                                      CICLO_SERVICE_ROLE="ciclo_service"), check=True,
                       capture_output=True)
        self.url = self.owner_url.replace("://ciclo@", "://ciclo_service@")  # the server's role
        atexit.register(self.stop)
        self.admin = self.token("admin")

    def start(self):
        out = subprocess.run(["sh", os.path.join(ROOT, "tools/pg.sh"), "start", self.dir, str(self.port)],
                             env=dict(os.environ, PG_FSYNC="off"), check=True, capture_output=True, text=True)
        return out.stdout.strip().splitlines()[-1]

    def stop(self):
        subprocess.run(["sh", os.path.join(ROOT, "tools/pg.sh"), "stop", self.dir], capture_output=True)

    def sql(self, query):
        out = subprocess.run(["psql", self.owner_url, "-AtX", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", query],
                             check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def token(self, role, entity=None):
        cmd = [self.ctx.bin, "token", "create", "--role", role, "--name", "reliability-" + role]
        if entity:
            cmd += ["--entity", str(entity)]
        out = subprocess.run(cmd, env=dict(os.environ, DATABASE_URL=self.url), check=True, capture_output=True,
                             text=True).stdout
        return out.strip().splitlines()[-1]

    def server_connections(self):
        """Connections the ciclo pool holds (the pool names itself application_name = 'ciclo')."""
        return int(self.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ciclo'")[0][0])

    def postgres_pids(self):
        pid = int(open(os.path.join(self.dir, "data", "postmaster.pid")).readline())
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
        return [pid] + [int(x) for x in out.split()]


def signal_if_alive(pid, sig):
    """Signals a PostgreSQL process unless it has exited since it was listed (the backend of the
    psql that just counted connections may still be on its way out when ps lists it)."""
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


_private = {}


def private_pg(ctx):
    if "pg" not in _private:
        _private["pg"] = PrivatePG(ctx)
    return _private["pg"]


SANITIZER = re.compile(r"ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer|ERROR SUMMARY: [1-9]")


def check_log(srv):
    """No sanitizer or valgrind report in the log of a server a test started (kill -9 included:
    AddressSanitizer and memcheck report an error when it happens, not at exit)."""
    log = srv.log_text()
    m = SANITIZER.search(log)
    assert not m, "sanitizer report in the server log:\n" + log[max(0, m.start() - 200):m.start() + 4000]


def call(ctx, srv, method, path, body=None, token=None, timeout=60, headers=None):
    """One request, timed; a connection error is status 0, never an exception."""
    t0 = time.time()
    try:
        r = ctx.request(method, path, body, token=token, base=srv.url, timeout=timeout, headers=headers)
    except OSError as e:  # refused, reset, or our own client timeout: the service did not answer
        r = None
        err = repr(e)
    dt = time.time() - t0
    if r is None:
        return {"status": 0, "dt": dt, "t0": t0, "error": err, "ctype": "", "r": None}
    return {"status": r.status, "dt": dt, "t0": t0, "ctype": r.header("Content-Type") or "", "r": r}


def quiet(ctx):
    """Waits until no ciclo backend of the suite's database is inside a statement or a transaction."""
    wait_for(lambda: ctx.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ciclo' AND "
                             "state <> 'idle'")[0][0] == "0", 30 * SLOW, "the killed server's backends to end")


# --- invariants over every table ------------------------------------------------------------------

ORPHANS = {
    "objectives without their plan": "SELECT count(*) FROM objectives o WHERE NOT EXISTS (SELECT FROM plans p "
                                     "WHERE p.entity_id = o.entity_id AND p.id = o.plan_id)",
    "assignments without their objective": "SELECT count(*) FROM assignments x WHERE NOT EXISTS (SELECT FROM "
                                           "objectives o WHERE o.entity_id = x.entity_id AND o.id = x.objective_id)",
    "phases without their objective": "SELECT count(*) FROM phases x WHERE NOT EXISTS (SELECT FROM objectives o "
                                      "WHERE o.entity_id = x.entity_id AND o.id = x.objective_id)",
    "indicators without their objective": "SELECT count(*) FROM indicators x WHERE NOT EXISTS (SELECT FROM "
                                          "objectives o WHERE o.entity_id = x.entity_id AND o.id = x.objective_id "
                                          "AND o.plan_id = x.plan_id)",
    "measurements without their indicator": "SELECT count(*) FROM measurements m WHERE NOT EXISTS (SELECT FROM "
                                            "indicators i WHERE i.entity_id = m.entity_id AND i.id = m.indicator_id)",
    "progress without its phase": "SELECT count(*) FROM progress g WHERE NOT EXISTS (SELECT FROM phases f WHERE "
                                  "f.entity_id = g.entity_id AND f.id = g.phase_id)",
    "reviews without their plan": "SELECT count(*) FROM reviews r WHERE NOT EXISTS (SELECT FROM plans p WHERE "
                                  "p.entity_id = r.entity_id AND p.id = r.plan_id)",
    "revisions without their plan": "SELECT count(*) FROM plan_revisions r WHERE NOT EXISTS (SELECT FROM plans p "
                                    "WHERE p.entity_id = r.entity_id AND p.id = r.plan_id)",
    "plans without their entity": "SELECT count(*) FROM plans p WHERE NOT EXISTS (SELECT FROM entities e WHERE "
                                  "e.id = p.entity_id)",
    "structures without their entity": "SELECT count(*) FROM structures s WHERE NOT EXISTS (SELECT FROM entities e "
                                       "WHERE e.id = s.entity_id)",
    "people without their entity": "SELECT count(*) FROM people s WHERE NOT EXISTS (SELECT FROM entities e WHERE "
                                   "e.id = s.entity_id)",
    # a revision is all or nothing: the plan's number is its last snapshot, numbered 1..n
    "plans whose revision is not their last snapshot": "SELECT count(*) FROM plans p WHERE p.revision <> (SELECT "
                                                      "count(*) FROM plan_revisions r WHERE r.plan_id = p.id) OR "
                                                      "p.revision <> coalesce((SELECT max(number) FROM plan_revisions "
                                                      "r WHERE r.plan_id = p.id), 0)",
    "plans adopted without a revision, or drafts with one": "SELECT count(*) FROM plans WHERE (status = 'draft') <> "
                                                            "(revision = 0) OR (editing AND status <> 'adopted')",
    "adoptions without their audit row": "SELECT count(*) FROM plan_revisions r WHERE NOT EXISTS (SELECT FROM audit a "
                                         "WHERE a.resource = 'plans' AND a.resource_id = r.plan_id AND a.action = "
                                         "'adopt' AND (a.after->>'revision')::int = r.number)",
    # a write and its audit row go in the same statement: one without the other is a torn write
    "measurements without their audit row": "SELECT count(*) FROM measurements m WHERE NOT EXISTS (SELECT FROM audit a "
                                            "WHERE a.resource = 'measurements' AND a.resource_id = m.id)",
    "audited measurements that are missing": "SELECT count(*) FROM audit a WHERE a.resource = 'measurements' AND "
                                             "a.action = 'create' AND NOT EXISTS (SELECT FROM measurements m WHERE "
                                             "m.id = a.resource_id)",
    "progress without its audit row": "SELECT count(*) FROM progress g WHERE NOT EXISTS (SELECT FROM audit a WHERE "
                                      "a.resource = 'progress' AND a.resource_id = g.id)",
}


def assert_consistent(sql):
    """Every invariant of ORPHANS holds (one round trip: the counts side by side)."""
    names = list(ORPHANS)
    counts = sql("SELECT " + ", ".join("(%s)" % ORPHANS[n] for n in names))[0]
    bad = {n: int(c) for n, c in zip(names, counts) if c != "0"}
    assert not bad, "inconsistent database: %s" % bad


def test_invariants_hold_on_the_suite_database(ctx):
    """The invariant queries themselves, on everything the other tests wrote."""
    assert_consistent(ctx.sql)


# --- concurrent writers ---------------------------------------------------------------------------

def busy(r):
    """A 503 database_busy: no pooled connection was free in time, so nothing was done."""
    return getattr(r, "status", None) == 503 and r.json.get("code") == "database_busy"


def race(n, fn, retry=True):
    """Runs fn(i) on n threads released together; returns the results in order. A database_busy 503 (a
    loaded machine) is retried as a client honouring Retry-After would: it is sure to have done nothing."""
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        r = fn(i)
        for _ in range(10 if retry else 0):
            if not busy(r):
                break
            time.sleep(0.2)
            r = fn(i)
        return r

    with concurrent.futures.ThreadPoolExecutor(n) as ex:
        return list(ex.map(run, range(n)))


def test_same_etag_exactly_one_writer_wins(ctx):
    e = ctx.entity()
    plan = ctx.plan(e["id"])
    o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB-RACE", "title": "Prima"})
    r = ctx.get("/v1/objectives/%d" % o["id"])
    etag = r.header("ETag")
    assert etag, r
    n = 16
    res = race(n, lambda i: ctx.patch("/v1/objectives/%d" % o["id"], {"title": "Titolo %d" % i},
                                      headers={"If-Match": etag}))
    codes = sorted(x.status for x in res)
    assert codes == [200] + [412] * (n - 1), codes
    for x in res:
        if x.status == 412:
            expect_problem(x, 412)
    winner = [i for i, x in enumerate(res) if x.status == 200][0]
    after = ctx.get("/v1/objectives/%d" % o["id"])
    assert after.json["title"] == "Titolo %d" % winner, after.json
    assert after.header("ETag") != etag
    assert ctx.sql("SELECT count(*) FROM audit WHERE resource = 'objectives' AND resource_id = %d AND "
                   "action = 'update'" % o["id"]) == [["1"]]
    # the same for a delete racing the writers: one of them wins, never both
    etag2 = after.header("ETag")
    res = race(8, lambda i: (ctx.delete if i % 2 else ctx.patch)(
        "/v1/objectives/%d" % o["id"], **({} if i % 2 else {"body": {"title": "x%d" % i}}),
        headers={"If-Match": etag2}))
    assert sorted(x.status for x in res).count(412) == 7, res


def test_concurrent_measurements_are_all_kept(ctx):
    e = ctx.entity()
    plan = ctx.plan(e["id"])
    o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB-M", "title": "Misure"})
    ind = ctx.create("/v1/objectives/%d/indicators" % o["id"], {"code": "IND-M", "name": "Pratiche",
                                                                "value_type": "number", "target": 100})
    n = 40
    res = race(n, lambda i: ctx.post("/v1/indicators/%d/measurements" % ind["id"],
                                     {"value": i, "as_of": "2024-06-30", "note": "race %d" % i}))
    assert [x.status for x in res] == [201] * n, [x for x in res if x.status != 201][:3]
    ids = {x.json["id"] for x in res}
    assert len(ids) == n
    rows = ctx.sql("SELECT note FROM measurements WHERE indicator_id = %d" % ind["id"])
    assert sorted(r[0] for r in rows) == sorted("race %d" % i for i in range(n))
    assert ctx.sql("SELECT count(*) FROM audit WHERE resource = 'measurements' AND resource_id IN (%s)" %
                   ",".join(map(str, ids))) == [[str(n)]]
    items, cursor = [], ""
    while True:
        page = ctx.get("/v1/indicators/%d/measurements?limit=7%s" % (ind["id"], cursor)).json
        items += page["items"]
        if not page.get("next_cursor"):
            break
        cursor = "&cursor=" + page["next_cursor"]
    assert sorted(m["id"] for m in items) == sorted(ids)


def test_concurrent_adoptions_one_succeeds(ctx):
    e = ctx.entity()
    plan = ctx.plan(e["id"])
    pid = plan["id"]
    ctx.create("/v1/plans/%d/objectives" % pid, {"code": "OB-1", "title": "Uno"})
    n = 8
    res = race(n, lambda i: ctx.post("/v1/plans/%d/adopt" % pid,
                                     {"deliberation": {"number": "%d/2024" % (i + 1), "date": "2024-01-31"}}))
    codes = sorted(x.status for x in res)
    assert codes == [200] + [409] * (n - 1), res
    for x in res:
        if x.status != 200:
            expect_problem(x, 409)
    # the same for revision 2: two clients open it, then everyone adopts it
    res = race(4, lambda i: ctx.post("/v1/plans/%d/revisions" % pid))
    assert sorted(x.status for x in res) == [201, 409, 409, 409], res
    res = race(n, lambda i: ctx.post("/v1/plans/%d/adopt" % pid,
                                     {"deliberation": {"number": "R%d/2024" % i, "date": "2024-06-30"}}))
    assert sorted(x.status for x in res) == [200] + [409] * (n - 1), res
    assert ctx.sql("SELECT status, revision, editing FROM plans WHERE id = %d" % pid) == [["adopted", "2", "f"]]
    assert ctx.sql("SELECT number FROM plan_revisions WHERE plan_id = %d ORDER BY number" % pid) == [["1"], ["2"]]
    assert ctx.sql("SELECT count(*) FROM audit WHERE resource = 'plans' AND resource_id = %d AND action = 'adopt'"
                   % pid) == [["2"]]


# --- crash in the middle --------------------------------------------------------------------------

def wait_for_backend(sql, condition, timeout_s):
    """True as soon as a ciclo backend matches condition (polled every millisecond inside the database,
    so that the kill lands within a millisecond or two of what it waits for); False after timeout_s."""
    try:
        sql("DO $$ BEGIN FOR i IN 1..%d LOOP PERFORM pg_stat_clear_snapshot(); IF EXISTS (SELECT FROM "
            "pg_stat_activity WHERE application_name = 'ciclo' AND %s) THEN RETURN; END IF; PERFORM "
            "pg_sleep(0.001); END LOOP; RAISE EXCEPTION 'not seen'; END $$" % (int(timeout_s * 800), condition))
        return True
    except subprocess.CalledProcessError as e:
        if "not seen" not in (e.stderr or ""):
            raise
        return False


def kill9_during(ctx, srv, method, path, body, when, delay=0.0):
    """Sends the request on a thread, kill -9s the server when the database shows `when` (a condition on
    pg_stat_activity) or after `delay` seconds if when is None; returns the answer (status 0 if none)."""
    res = {}
    t = threading.Thread(target=lambda: res.update(call(ctx, srv, method, path, body, token=ctx.admin,
                                                        timeout=120 * SLOW)))
    t.start()
    if when:
        seen = wait_for_backend(ctx.sql, when, 30 * SLOW if when == TRAPPED else 1.5 * SLOW)
        assert seen or when != TRAPPED, "the request never reached the trap: %s" % res
    time.sleep(delay)
    srv.stop(9)  # SIGKILL
    t.join(120)
    check_log(srv)
    quiet(ctx)
    return res


# a backend holding a transaction id has written (or locked) a row and not committed yet
WRITING = "backend_xid IS NOT NULL"
# a backend sleeping in a trap (below): it has written rows, it has more to write, it has not committed
TRAPPED = "wait_event = 'PgSleep' AND backend_xid IS NOT NULL"


class trap:
    """Fault injection in the database: a row trigger that sleeps when a row matching `when` is written,
    so that a kill -9 lands at a known point in the middle of a statement (rows before it written, rows
    after it not yet, nothing committed). Only rows made for the purpose match; dropped on exit."""

    def __init__(self, sql, table, when, seconds=0.5):
        self.sql, self.table, self.when, self.seconds = sql, table, when, seconds

    def __enter__(self):
        self.sql("CREATE OR REPLACE FUNCTION reliability_trap() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                 "PERFORM pg_sleep(%s); RETURN NULL; END $$; CREATE TRIGGER reliability_trap AFTER INSERT ON %s "
                 "FOR EACH ROW WHEN (%s) EXECUTE FUNCTION reliability_trap()" % (self.seconds, self.table, self.when))
        return self

    def __exit__(self, *exc):
        self.sql("DROP TRIGGER IF EXISTS reliability_trap ON %s; DROP FUNCTION IF EXISTS reliability_trap()"
                 % self.table)


def test_kill9_during_a_burst_of_measurements(ctx):
    """Every measurement the server acknowledged survives; every row kept has its audit row."""
    e = ctx.entity()
    plan = ctx.plan(e["id"])
    o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB-K", "title": "Misure"})
    inds = [ctx.create("/v1/objectives/%d/indicators" % o["id"], {"code": "IND-K%d" % k, "name": "I%d" % k,
                                                                  "value_type": "number", "target": 100})
            for k in range(3)]
    srv = ctx.start_server()
    sent, acked, lock = [], [], threading.Lock()
    stop = threading.Event()

    def client(c):
        k = 0
        while not stop.is_set():
            note = "burst %d-%d" % (c, k)
            k += 1
            with lock:
                sent.append(note)
            x = call(ctx, srv, "POST", "/v1/indicators/%d/measurements" % inds[c % 3]["id"],
                     {"value": k, "as_of": "2024-06-30", "note": note}, token=ctx.admin, timeout=10 * SLOW)
            if x["status"] == 201:
                with lock:
                    acked.append(note)
            elif x["status"] == 0:
                return  # the server is gone

    threads = [threading.Thread(target=client, args=(c,)) for c in range(6)]
    for t in threads:
        t.start()
    wait_for(lambda: len(acked) >= 20, 30 * SLOW, "the burst to get going")
    srv.stop(9)
    stop.set()
    for t in threads:
        t.join(30)
    check_log(srv)
    quiet(ctx)
    ids = ",".join(str(i["id"]) for i in inds)
    kept = {r[0] for r in ctx.sql("SELECT note FROM measurements WHERE indicator_id IN (%s)" % ids)}
    missing = set(acked) - kept
    assert not missing, "acknowledged but lost: %s" % sorted(missing)[:5]
    assert kept <= set(sent), kept - set(sent)
    assert len(kept) == int(ctx.sql("SELECT count(*) FROM measurements WHERE indicator_id IN (%s)" % ids)[0][0])
    assert_consistent(ctx.sql)
    # a new server serves them all
    srv = ctx.start_server()
    try:
        n = sum(len(call(ctx, srv, "GET", "/v1/indicators/%d/measurements?limit=1000" % i["id"],
                         token=ctx.admin)["r"].json["items"]) for i in inds)
        assert n == len(kept), (n, len(kept))
    finally:
        assert srv.stop() == 0
        check_log(srv)


def big_plan(code, n_objectives, n_structures=20):
    structures = [{"code": "S%02d" % s, "name": "Settore %d" % s, "kind": "settore"} for s in range(n_structures)]
    objectives = []
    for i in range(n_objectives):
        objectives.append({
            "code": "OB-%04d" % i, "title": "Obiettivo %d: riduzione dei tempi dei procedimenti" % i,
            "description": "Descrizione dell'obiettivo %d. " % i * 5, "level": "operational", "scope": "structure",
            "assignments": [{"structure_code": "S%02d" % (i % n_structures), "weight": 60},
                            {"structure_code": "S%02d" % ((i + 1) % n_structures), "weight": 40}],
            "phases": [{"seq": k + 1, "description": "Fase %d" % (k + 1), "deadline": "2024-%02d-28" % (3 * k + 3),
                        "weight": 25} for k in range(4)],
            "indicators": [{"code": "IND-%04d-%d" % (i, k), "name": "Indicatore %d" % k, "group": "quantity",
                            "value_type": "number", "target": 100, "direction": "higher_is_better",
                            "rule": {"kind": "linear", "target": 100, "baseline": 0}} for k in range(3)],
        })
    return {"format": "ciclo-plan/1", "entity": {"code": code, "name": "Comune di %s" % code, "kind": "comune"},
            "year": 2024, "kind": "performance", "title": "Piano della Performance 2024 (%s)" % code,
            "structures": structures, "people": [], "objectives": objectives}


def import_state(ctx, code):
    """(plans, objectives, assignments, phases, indicators, structures) imported for entity `code`."""
    return tuple(int(x) for x in ctx.sql(
        "SELECT (SELECT count(*) FROM plans p WHERE p.entity_id = e.id), "
        "(SELECT count(*) FROM objectives o WHERE o.entity_id = e.id), "
        "(SELECT count(*) FROM assignments a WHERE a.entity_id = e.id), "
        "(SELECT count(*) FROM phases f WHERE f.entity_id = e.id), "
        "(SELECT count(*) FROM indicators i WHERE i.entity_id = e.id), "
        "(SELECT count(*) FROM structures s WHERE s.entity_id = e.id) "
        "FROM entities e WHERE e.code = '%s'" % code)[0]) if ctx.sql(
        "SELECT 1 FROM entities WHERE code = '%s'" % code) else (0, 0, 0, 0, 0, 0)


def test_kill9_during_a_large_import(ctx):
    """A plan import killed at several points is either all there or not there at all."""
    probe = ctx.post("/v1/plans:import", {})
    if probe.status in (404, 405):
        print("     (skipped: POST /v1/plans:import is not there yet)")
        return
    n = 40 if WRAPPED else 250
    full = (1, n, 2 * n, 4 * n, 3 * n, 20)
    # calibrate: how long an import takes here
    code = ctx.unique("IMPC")
    t0 = time.time()
    r = ctx.post("/v1/plans:import", big_plan(code, n), timeout=120 * SLOW)
    took = time.time() - t0
    assert r.status in (200, 201), r
    assert import_state(ctx, code) == full, import_state(ctx, code)
    outcomes = []
    # killed: in the middle of its writes (the trap: the last objective's last indicator sleeps); at a
    # random point after its first write; about when it ends
    for when, delay in ((TRAPPED, 0), (WRITING, random.uniform(0, took)), (None, took * random.uniform(0.8, 1.2))):
        code = ctx.unique("IMPK")
        srv = ctx.start_server()
        doc = big_plan(code, n)
        doc["objectives"][-1]["indicators"][-1]["code"] = "IND-TRAP"
        with trap(ctx.sql, "indicators", "NEW.code = 'IND-TRAP'"):
            res = kill9_during(ctx, srv, "POST", "/v1/plans:import", doc, when, delay)
        state = import_state(ctx, code)
        assert state in (full, (0, 0, 0, 0, 0, 0)), "partial import after kill -9: %s" % (state,)
        if res.get("status") in (200, 201):
            assert state == full, "acknowledged import lost: %s" % (state,)
        if when == TRAPPED:
            assert state != full, "the kill came after the commit?"
        outcomes.append("complete" if state == full else "absent")
    assert_consistent(ctx.sql)
    # no plan without objectives left behind by a killed import
    assert ctx.sql("SELECT count(*) FROM plans p JOIN entities e ON e.id = p.entity_id WHERE e.code LIKE 'IMPK%' "
                   "AND NOT EXISTS (SELECT FROM objectives o WHERE o.plan_id = p.id)") == [["0"]]
    print("     (kill -9 outcomes: %s; one import takes %.2fs)" % (", ".join(outcomes), took))


def test_kill9_during_an_adoption(ctx):
    """A revision killed while being adopted is either adopted whole or still open, never half."""
    n = 30 if WRAPPED else 100
    outcomes = []
    # killed: with the snapshot written and the plan not yet updated (the trap); at a random point
    # once sent; late
    for when, delay in ((TRAPPED, 0), (None, random.uniform(0, 0.1) * SLOW), (None, 0.3 * SLOW)):
        e = ctx.entity()
        plan = ctx.plan(e["id"])
        pid = plan["id"]
        # a plan big enough that its snapshot takes a while
        values = ",".join("(%d, %d, 'OB-%04d', 'Obiettivo %d %s')" % (e["id"], pid, i, i, "x" * 400) for i in range(n))
        ctx.sql("INSERT INTO objectives (entity_id, plan_id, code, title) VALUES " + values)
        ctx.sql("INSERT INTO indicators (entity_id, plan_id, objective_id, code, name, value_type, target) "
                "SELECT entity_id, plan_id, id, code || '-I' || k, 'Indicatore ' || k, 'number', '100' "
                "FROM objectives, generate_series(1, 3) k WHERE plan_id = %d" % pid)
        r = ctx.post("/v1/plans/%d/adopt" % pid, {"deliberation": {"number": "1", "date": "2024-01-31"}})
        assert r.status == 200, r
        assert ctx.post("/v1/plans/%d/revisions" % pid).status == 201
        ctx.sql("UPDATE objectives SET title = title || ' (rivisto)' WHERE plan_id = %d" % pid)
        srv = ctx.start_server()
        with trap(ctx.sql, "plan_revisions", "NEW.deliberation_number = 'TRAP'"):
            res = kill9_during(ctx, srv, "POST", "/v1/plans/%d/adopt" % pid,
                               {"deliberation": {"number": "TRAP" if when == TRAPPED else "2",
                                                 "date": "2024-06-30"}}, when, delay)
        state = ctx.sql("SELECT status, revision, editing, (SELECT count(*) FROM plan_revisions r WHERE r.plan_id = "
                        "p.id) FROM plans p WHERE id = %d" % pid)[0]
        assert state in (["adopted", "2", "f", "2"], ["adopted", "1", "t", "1"]), "half-applied adoption: %s" % state
        if res.get("status") == 200:
            assert state[1] == "2", "acknowledged adoption lost"
        if when == TRAPPED:
            assert state[1] == "1", "the kill came after the commit?"
        if state[1] == "2":  # adopted whole: the snapshot has every objective, as revised
            doc = json.loads(ctx.sql("SELECT document FROM plan_revisions WHERE plan_id = %d AND number = 2" % pid)
                             [0][0])
            assert len(doc["objectives"]) == n
            assert all(o["title"].endswith("(rivisto)") for o in doc["objectives"])
        else:  # still open, and adoptable: nothing was left half-done in the way
            r = ctx.post("/v1/plans/%d/adopt" % pid, {"deliberation": {"number": "2", "date": "2024-06-30"}})
            assert r.status == 200 and r.json["revision"] == 2, r
        outcomes.append("adopted" if state[1] == "2" else "still open")
    assert_consistent(ctx.sql)
    print("     (kill -9 outcomes: %s)" % ", ".join(outcomes))


# --- database outage ------------------------------------------------------------------------------

def seed_private(ctx, pg, srv):
    e = call(ctx, srv, "POST", "/v1/entities", {"code": "REL", "name": "Comune di Prova", "kind": "comune"},
             token=pg.admin)["r"]
    if e.status == 409:
        eid = int(pg.sql("SELECT id FROM entities WHERE code = 'REL'")[0][0])
    else:
        assert e.status == 201, e
        eid = e.json["id"]
    code = "OB-%d" % random.randrange(1 << 30)
    plan = pg.sql("SELECT id FROM plans WHERE entity_id = %d" % eid)
    if plan:
        pid = int(plan[0][0])
    else:
        pid = call(ctx, srv, "POST", "/v1/plans", {"entity_id": eid, "year": 2024, "title": "Piano"},
                   token=pg.admin)["r"].json["id"]
    o = call(ctx, srv, "POST", "/v1/plans/%d/objectives" % pid, {"code": code, "title": "Uno"}, token=pg.admin)
    assert o["status"] == 201, o
    ind = call(ctx, srv, "POST", "/v1/objectives/%d/indicators" % o["r"].json["id"],
               {"code": code + "-I", "name": "Pratiche", "value_type": "number", "target": 1}, token=pg.admin)
    assert ind["status"] == 201, ind
    return pid, ind["r"].json["id"]


class Load:
    """Clients looping over reads and writes, every answer recorded with its time."""

    def __init__(self, ctx, srv, token, pid, ind, clients=6):
        self.log, self.lock, self.stop = [], threading.Lock(), threading.Event()
        paths = [("GET", "/v1/plans/%d" % pid, None), ("GET", "/v1/plans/%d/objectives" % pid, None),
                 ("POST", "/v1/indicators/%d/measurements" % ind, {"value": 1, "as_of": "2024-06-30"})]

        def client(c):
            k = c
            while not self.stop.is_set():
                method, path, body = paths[k % len(paths)]
                k += 1
                x = call(ctx, srv, method, path, body, token=token, timeout=30 * SLOW)
                with self.lock:
                    self.log.append(x)
                time.sleep(0.01)

        self.threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
        for t in self.threads:
            t.start()

    def since(self, t):
        with self.lock:
            return [x for x in self.log if x["t0"] >= t]

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(60 * SLOW)


def outage_bound():
    # the worst case of one request: pool wait (500 ms) + connect (at most max(timeout, 1 s)) + the
    # client-side deadline of a query (timeout + 1 s = 1.5 s), with slack for a loaded machine
    return 4.0 * SLOW


def check_outage_answers(answers, what, bound=None):
    assert answers, "no request during " + what
    bound = bound or outage_bound()
    for x in answers:
        assert x["status"] in (200, 201, 503), "%s: %s %s" % (what, x["status"], x.get("error") or x["r"])
        if x["status"] == 503:
            assert x["ctype"].startswith("application/problem+json"), x["ctype"]
            assert x["r"].json["status"] == 503 and x["r"].header("Retry-After"), x["r"]
        assert x["dt"] < bound, "%s: an answer took %.2fs" % (what, x["dt"])


def test_database_outage_503_then_recovery(ctx):
    pg = private_pg(ctx)
    pool = 4
    env = {"DATABASE_URL": pg.url, "CICLO_DB_TIMEOUT_MS": "500", "CICLO_POOL_WAIT_MS": "500",
           "CICLO_POOL_SIZE": str(pool), "CICLO_THREADS": "4"}
    # the database is down when the server starts: it starts anyway and says it is not ready
    pg.stop()
    srv = ctx.start_server(env)
    try:
        r = call(ctx, srv, "GET", "/readyz")
        assert r["status"] == 503 and r["dt"] < outage_bound(), r
        assert call(ctx, srv, "GET", "/healthz")["status"] == 200
        expect_problem(call(ctx, srv, "GET", "/v1/entities", token=pg.admin)["r"], 503)
        pg.start()
        wait_for(lambda: call(ctx, srv, "GET", "/readyz")["status"] == 200, 10 * SLOW, "readyz after start")
        pid, ind = seed_private(ctx, pg, srv)

        load = Load(ctx, srv, pg.admin, pid, ind)
        try:
            wait_for(lambda: len(load.since(0)) >= 12, 30 * SLOW, "the load to get going")
            assert all(x["status"] in (200, 201) for x in load.since(0)), load.since(0)[:5]
            # PostgreSQL stops under load
            t_stop = time.time()
            pg.stop()
            t_down = time.time()
            wait_for(lambda: len(load.since(t_down + 0.2)) >= 12, 30 * SLOW, "answers during the outage")
            r = call(ctx, srv, "GET", "/readyz")
            assert r["status"] == 503 and r["dt"] < outage_bound(), r
            expect_problem(r["r"], 503)
            assert call(ctx, srv, "GET", "/healthz")["status"] == 200
            during = load.since(t_stop)
            check_outage_answers(during, "the outage")
            assert [x for x in load.since(t_down + 0.2) if x["status"] == 503], "nothing answered 503"
            assert not [x for x in load.since(t_down + 0.2) if x["status"] != 503]
            # PostgreSQL comes back: the service heals without a restart
            pg.start()
            t_up = time.time()
            wait_for(lambda: call(ctx, srv, "GET", "/readyz")["status"] == 200, 10 * SLOW, "readyz after restart")
            healed = time.time()
            wait_for(lambda: len(load.since(healed)) >= 12, 30 * SLOW, "answers after the recovery")
            after = load.since(healed)
            bad = [x for x in after if x["status"] not in (200, 201)]
            assert not bad, "after recovery: %s" % [(x["status"], x.get("error") or x["r"]) for x in bad[:3]]
            check_outage_answers(load.since(t_up), "the recovery")
        finally:
            load.finish()
        n = pg.server_connections()
        assert 1 <= n <= pool, "%d connections for a pool of %d" % (n, pool)
        # SIGSTOP: PostgreSQL frozen, not gone. Answers are still bounded (client-side deadlines)
        pids = pg.postgres_pids()
        # if this process dies during the freeze, a watchdog of its own session thaws the cluster (which
        # then stops by itself once the suite's folder is gone: PostgreSQL rechecks its lock file)
        watchdog = subprocess.Popen(["sh", "-c", "sleep %d; kill -CONT %s" % (30 * SLOW, " ".join(map(str, pids)))],
                                    start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for p in pids:
            signal_if_alive(p, 19)  # SIGSTOP
        try:
            t_freeze = time.time()
            res = race(4, lambda i: call(ctx, srv, "GET", "/v1/plans/%d" % pid if i else "/readyz", token=pg.admin,
                                         timeout=60 * SLOW), retry=False)
            # a frozen database answers nothing: each request gives up after the statement timeout plus
            # a second (1.5 s here); requests queued behind it on the same server thread wait their turn
            check_outage_answers(res, "the freeze", bound=len(res) * 2.0 * SLOW)
            assert all(x["status"] == 503 for x in res), [x["status"] for x in res]
            assert time.time() - t_freeze < 4 * 2.0 * SLOW
        finally:
            for p in pids:
                signal_if_alive(p, 18)  # SIGCONT
            os.killpg(watchdog.pid, 9)  # the shell and its sleep
            watchdog.wait()
        wait_for(lambda: call(ctx, srv, "GET", "/readyz")["status"] == 200, 10 * SLOW, "readyz after the freeze")
        r = call(ctx, srv, "GET", "/v1/plans/%d" % pid, token=pg.admin)
        assert r["status"] == 200, r
        wait_for(lambda: pg.server_connections() <= pool, 10 * SLOW, "at most %d connections" % pool)
        assert_consistent(pg.sql)
    finally:
        code = srv.stop()
    assert code == 0, srv.log_text()[-2000:]
    check_log(srv)
    # the pool is closed on exit
    wait_for(lambda: pg.server_connections() == 0, 5 * SLOW, "the pool's connections to close")


# --- graceful stop --------------------------------------------------------------------------------

HOLDER = "application_name = 'psql' AND state = 'active' AND query LIKE 'SELECT pg_sleep%'"


def hold_plan_row(pg, pid):
    """Another client locks the plan's row and keeps it until release_plan_row."""
    holder = subprocess.Popen(["psql", pg.url, "-AtX", "-q", "-c", "SELECT set_config('ciclo.entity_id', 'all', "
                               "false)", "-c", "BEGIN", "-c",
                               "SELECT 1 FROM plans WHERE id = %d FOR UPDATE" % pid, "-c", "SELECT pg_sleep(60)"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: pg.sql("SELECT count(*) FROM pg_stat_activity WHERE " + HOLDER)[0][0] != "0", 10 * SLOW,
             "the row lock")
    return holder


def release_plan_row(pg, holder):
    pg.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE " + HOLDER)
    holder.wait(30)


def test_sigterm_drains_then_exits_0(ctx):
    """SIGTERM: the listener closes at once, a request waiting on the database completes, the pool's
    connections are closed and the process exits 0 soon after."""
    pg = private_pg(ctx)
    srv = ctx.start_server({"DATABASE_URL": pg.url, "CICLO_SHUTDOWN_GRACE": "10", "CICLO_DB_TIMEOUT_MS": "8000",
                            "CICLO_POOL_SIZE": "4"})
    code = None
    try:
        pid, ind = seed_private(ctx, pg, srv)
        plan = call(ctx, srv, "GET", "/v1/plans/%d" % pid, token=pg.admin)["r"]
        etag = plan.header("ETag")
        # an idle keep-alive connection must not hold the stop up
        idle = socket.create_connection(("127.0.0.1", srv.port))
        idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert idle.recv(4096).startswith(b"HTTP/1.1 200")
        # another client holds the plan's row: our PATCH will wait on it
        holder = hold_plan_row(pg, pid)
        res = {}
        t = threading.Thread(target=lambda: res.update(call(ctx, srv, "PATCH", "/v1/plans/%d" % pid,
                                                            {"title": "Piano (aggiornato)"}, token=pg.admin,
                                                            headers={"If-Match": etag}, timeout=60 * SLOW)))
        t.start()
        wait_for(lambda: pg.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ciclo' AND "
                                "wait_event_type = 'Lock'")[0][0] == "1", 5 * SLOW, "the PATCH to wait on the lock")
        t_term = time.time()
        srv.proc.send_signal(15)  # SIGTERM
        # the listener closes at once: a new connection is refused
        def refused():
            try:
                socket.create_connection(("127.0.0.1", srv.port), timeout=1).close()
                return False
            except OSError:
                return True
        wait_for(refused, 2 * SLOW, "the listening socket to close")
        time.sleep(0.2)
        assert srv.proc.poll() is None, "exited with a request in flight"
        t_release = time.time()
        release_plan_row(pg, holder)
        t.join(60 * SLOW)
        assert res.get("status") == 200, res
        assert res["r"].json["title"] == "Piano (aggiornato)"
        srv.proc.wait(10 * SLOW)
        took = time.time() - t_release
        code = srv.stop()
        idle.close()
        assert code == 0, srv.log_text()[-2000:]
        check_log(srv)
        assert took < 3 * SLOW, "exit took %.1fs after the last request could finish" % took
        assert "stopped" in srv.log_text()
        wait_for(lambda: pg.server_connections() == 0, 5 * SLOW, "the pool's connections to close")
    finally:
        if code is None:
            srv.stop()


def test_sigterm_is_bounded_when_the_database_hangs(ctx):
    """A request stuck on the database cannot hold the stop up for more than grace + timeout."""
    pg = private_pg(ctx)
    srv = ctx.start_server({"DATABASE_URL": pg.url, "CICLO_SHUTDOWN_GRACE": "1", "CICLO_DB_TIMEOUT_MS": "1500",
                            "CICLO_POOL_SIZE": "2"})
    code = None
    try:
        pid, ind = seed_private(ctx, pg, srv)
        holder = hold_plan_row(pg, pid)
        try:
            res = {}
            t = threading.Thread(target=lambda: res.update(call(ctx, srv, "PATCH", "/v1/plans/%d" % pid,
                                                                {"title": "x"}, token=pg.admin, timeout=60 * SLOW)))
            t.start()
            wait_for(lambda: pg.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ciclo' AND "
                                    "wait_event_type = 'Lock'")[0][0] == "1", 5 * SLOW, "the PATCH to wait")
            t_term = time.time()
            srv.proc.send_signal(15)
            srv.proc.wait(10 * SLOW)
            took = time.time() - t_term
            code = srv.stop()
            t.join(10)
            assert code == 0, srv.log_text()[-2000:]
            check_log(srv)
            assert took < 1.5 + 1 + 2 * SLOW, "exit took %.1fs" % took
            assert res.get("status") in (503, 0), res  # the lock timeout answered it, or the stop closed it
        finally:
            release_plan_row(pg, holder)
        wait_for(lambda: pg.server_connections() == 0, 5 * SLOW, "the pool's connections to close")
    finally:
        if code is None:
            srv.stop()


# --- fairness between entities (issue 21) ----------------------------------------------------------

def test_one_key_cannot_hold_the_whole_pool(ctx):
    """Issue 21: requests of one key (here an admin, key 0) hold at most size - max(1, size / 4)
    database connections, 3 of 4: a fourth request of theirs waits and gets 503, while a request of
    an entity still finds the connection left (store_acquire_for)."""
    pg = private_pg(ctx)
    srv = ctx.start_server({"DATABASE_URL": pg.url, "CICLO_DB_TIMEOUT_MS": "8000", "CICLO_POOL_WAIT_MS": "500",
                            "CICLO_POOL_SIZE": "4"})
    try:
        pid, ind = seed_private(ctx, pg, srv)
        eid = int(pg.sql("SELECT entity_id FROM plans WHERE id = %d" % pid)[0][0])
        tok = call(ctx, srv, "POST", "/v1/tokens", {"role": "reader", "name": "B", "entity_id": eid}, token=pg.admin)
        assert tok["status"] == 201, tok
        reader = tok["r"].json["token"]
        assert call(ctx, srv, "GET", "/v1/plans/%d" % pid, token=reader)["status"] == 200
        holder = hold_plan_row(pg, pid)
        res = [{} for _ in range(3)]
        ts = [threading.Thread(target=lambda i=i: res[i].update(call(ctx, srv, "PATCH", "/v1/plans/%d" % pid,
                                                                     {"title": "x%d" % i}, token=pg.admin,
                                                                     timeout=60 * SLOW))) for i in range(3)]
        try:
            for t in ts:
                t.start()
            wait_for(lambda: pg.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ciclo' AND "
                                    "wait_event_type = 'Lock'")[0][0] == "3", 5 * SLOW, "3 PATCHes to wait")
            # the admin's share is taken: its fourth request waits for it, then 503
            busy = call(ctx, srv, "GET", "/v1/plans/%d" % pid, token=pg.admin)
            assert busy["status"] == 503, busy
            assert expect_problem(busy["r"], 503)["code"] == "database_busy"
            # another entity's request is served at once from the connection left
            r = call(ctx, srv, "GET", "/v1/plans/%d" % pid, token=reader)
            assert r["status"] == 200, r
        finally:
            release_plan_row(pg, holder)
            for t in ts:
                t.join(60 * SLOW)
        assert [x.get("status") for x in res] == [200] * 3, res
    finally:
        srv.stop()


def fair_plan(code):
    """A plan that can be adopted: one structure, one objective of weight 100, one indicator."""
    return {"format": "ciclo-plan/1", "entity": {"code": code, "name": "Comune di %s" % code, "kind": "comune"},
            "year": 2024, "kind": "performance", "title": "Piano %s" % code,
            "structures": [{"code": "S1", "name": "Settore 1", "kind": "settore"}], "people": [],
            "objectives": [{"code": "OB1", "title": "Uno", "level": "operational", "scope": "structure",
                            "assignments": [{"structure_code": "S1", "weight": 100}],
                            "indicators": [{"code": "I1", "name": "Pratiche", "value_type": "number", "target": 100,
                                            "rule": {"kind": "linear", "target": 100, "baseline": 0}}]}]}


def import_plan(ctx, srv, pg, doc):
    r = call(ctx, srv, "POST", "/v1/plans:import", doc, token=pg.admin, timeout=300 * SLOW)
    assert r["status"] in (200, 201), r
    j = r["r"].json
    return j["plan_id"] if "plan_id" in j else j["id"]


def adopt_locked(ctx, srv, pg, pid, n, res):
    """n adoptions of plan pid on threads (each waits on the plan's row while hold_plan_row holds it)."""
    ts = [threading.Thread(target=lambda i=i: res[i].update(call(
        ctx, srv, "POST", "/v1/plans/%d/adopt" % pid, {"deliberation": {"number": "%d/2024" % (i + 1),
                                                                          "date": "2024-01-31"}},
        token=pg.admin, timeout=60 * SLOW))) for i in range(n)]
    for t in ts:
        t.start()
    return ts


def adopt_then_queue(ctx, srv, pg, pid, path):
    """On a server of one heavy thread, with hold_plan_row holding plan pid's row: an adoption that
    takes the thread and waits on the row, then GET path queued behind it. Returns the threads and
    their results ([adoption, GET])."""
    res = [{} for _ in range(2)]
    ts = adopt_locked(ctx, srv, pg, pid, 1, res)
    wait_for(lambda: pg.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ciclo' AND "
                            "wait_event_type = 'Lock'")[0][0] == "1", 5 * SLOW, "the adoption to wait")
    ts += [threading.Thread(target=lambda: res[1].update(call(ctx, srv, "GET", path, token=pg.admin,
                                                              timeout=60 * SLOW)))]
    ts[1].start()
    time.sleep(0.3 * SLOW)  # the second is in the queue (it cannot run: the one thread is taken)
    return ts, res


def test_heavy_reads_of_one_entity_do_not_hold_up_another(ctx):
    """Issue 21: with ONE libmicrohttpd worker (every connection on it) and two heavy threads, four
    clients reading the scores of entity A's large plan leave entity B's point reads answering at
    once: the scores run on the heavy threads, the worker's connection is suspended meanwhile. A's
    answers are whole and right."""
    pg = private_pg(ctx)
    srv = ctx.start_server({"DATABASE_URL": pg.url, "CICLO_THREADS": "1", "CICLO_HEAVY_THREADS": "2",
                            "CICLO_POOL_SIZE": "8", "CICLO_DB_TIMEOUT_MS": "60000"})
    try:
        pid, ind = seed_private(ctx, pg, srv)
        eid = int(pg.sql("SELECT entity_id FROM plans WHERE id = %d" % pid)[0][0])
        tok = call(ctx, srv, "POST", "/v1/tokens", {"role": "reader", "name": "B", "entity_id": eid}, token=pg.admin)
        reader = tok["r"].json["token"]
        n = 1000 if WRAPPED else FAIR_OBJECTIVES
        apid = seed_large_plan(pg, "FAIRA%d" % random.randrange(1 << 30), n)
        scores = "/v1/plans/%d/scores?as_of=2024-12-31" % apid
        one = call(ctx, srv, "GET", scores, token=pg.admin, timeout=120 * SLOW)
        assert one["status"] == 200, one
        j = one["r"].json
        assert j["plan_id"] == apid and sum(len(s["objectives"]) for s in j["structures"]) == n, j.keys()
        assert all(s["status"] == "measured" for s in j["structures"]), j["structures"][0]
        res = [{} for _ in range(4)]
        ts = [threading.Thread(target=lambda i=i: res[i].update(call(ctx, srv, "GET", scores, token=pg.admin,
                                                                     timeout=120 * SLOW))) for i in range(4)]
        for t in ts:
            t.start()
        reads = []
        time.sleep(0.05)
        while any(t.is_alive() for t in ts):
            reads.append(call(ctx, srv, "GET", "/v1/plans/%d" % pid, token=reader, timeout=30 * SLOW))
            time.sleep(0.02)
        for t in ts:
            t.join()
        heavy = max(x["dt"] for x in res)
        print("     (one scores of %d objectives %.2fs; 4 at once %.2fs; %d reads of B, slowest %.3fs)"
              % (n, one["dt"], heavy, len(reads), max(x["dt"] for x in reads)))
        assert [x["status"] for x in res] == [200] * 4, [(x["status"], x.get("error")) for x in res]
        for x in res:
            assert x["r"].json == one["r"].json
        assert all(x["status"] == 200 for x in reads), reads
        assert len(reads) >= 3, "B made %d reads while A's ran %.2fs" % (len(reads), heavy)
        # inline, a read would wait for a whole scores request at least (each slower than alone here)
        assert one["dt"] >= 0.5 * SLOW, "the scores took %.2fs: too short to show a wait" % one["dt"]
        assert max(x["dt"] for x in reads) < one["dt"] / 2, [round(x["dt"], 3) for x in reads]
    finally:
        srv.stop()


FAIR_OBJECTIVES = 20000


def seed_large_plan(pg, code, n):
    """A plan of n objectives (20 structures, 2 indicators each, one measurement each), written in SQL
    (bench/lib.sh's seed_plan, smaller): importing it through the API would take most of the test."""
    e = "(SELECT id FROM entities WHERE code = '%s')" % code
    pg.sql("INSERT INTO entities (code, name) VALUES ('{c}', 'Comune di {c}'); "
           "INSERT INTO structures (entity_id, code, name, kind) SELECT {e}, 'S' || g, 'Settore ' || g, 'settore' "
           "FROM generate_series(1, 20) g; "
           "INSERT INTO plans (entity_id, year, title) VALUES ({e}, 2024, 'Piano {c}'); "
           "INSERT INTO objectives (entity_id, plan_id, code, title, start_year, end_year) SELECT {e}, "
           "(SELECT id FROM plans WHERE entity_id = {e}), 'OB' || g, 'Obiettivo ' || g, 2024, 2024 "
           "FROM generate_series(1, {n}) g; "
           "INSERT INTO assignments (entity_id, plan_id, objective_id, structure_id, weight) SELECT o.entity_id, "
           "o.plan_id, o.id, s.id, round(100.0 / ({n} / 20), 2) FROM objectives o JOIN structures s ON "
           "s.entity_id = o.entity_id AND s.code = 'S' || ((substr(o.code, 3)::int - 1) % 20 + 1) "
           "WHERE o.entity_id = {e}; "
           "INSERT INTO indicators (entity_id, plan_id, objective_id, code, name, value_type, weight, rule) "
           "SELECT o.entity_id, o.plan_id, o.id, 'I' || o.id || '.' || k, 'Indicatore ' || k, 'number', 50, "
           "'{{\"kind\":\"linear\",\"target\":60,\"baseline\":0}}'::jsonb FROM objectives o, "
           "generate_series(1, 2) k WHERE o.entity_id = {e}; "
           "INSERT INTO measurements (entity_id, plan_id, objective_id, indicator_id, value, as_of, actor_name, "
           "actor_role) SELECT entity_id, plan_id, objective_id, id, to_jsonb(50 + (id * 7) % 50), "
           "date '2024-06-30', 'test', 'admin' FROM indicators WHERE entity_id = {e}".format(c=code, e=e, n=n))
    return int(pg.sql("SELECT id FROM plans WHERE entity_id = %s" % e)[0][0])


def test_full_heavy_queue_answers_503(ctx):
    """One heavy thread, a queue of one: a heavy request running (an adoption waiting on a locked row)
    and one waiting leave the third heavy request a 503 problem+json with Retry-After at once, never a
    wait; a request without a valid token is a 401 at once, not a place in the queue; a point read
    still answers; the two accepted ones finish once the row is free."""
    pg = private_pg(ctx)
    srv = ctx.start_server({"DATABASE_URL": pg.url, "CICLO_HEAVY_THREADS": "1", "CICLO_HEAVY_QUEUE": "1",
                            "CICLO_DB_TIMEOUT_MS": "20000"})
    try:
        pid = import_plan(ctx, srv, pg, fair_plan("FAIRQ%d" % random.randrange(1 << 30)))
        holder = hold_plan_row(pg, pid)
        try:
            ts, res = adopt_then_queue(ctx, srv, pg, pid, "/v1/plans/%d/scores" % pid)
            assert not res[1], res
            busy = call(ctx, srv, "GET", "/v1/plans/%d/checks" % pid, token=pg.admin, timeout=10 * SLOW)
            assert busy["dt"] < 2 * SLOW, busy
            doc = expect_problem(busy["r"], 503)
            assert doc["code"] == "busy", doc
            assert busy["r"].header("Retry-After") == "1"
            # a caller without a token, or with one that does not hold, is answered at once and
            # never takes a place in the queue: 401, not 503
            for token in (None, "ciclo_" + "A" * 43):
                anon = call(ctx, srv, "GET", "/v1/plans/%d/checks" % pid, token=token, timeout=10 * SLOW)
                assert anon["dt"] < 2 * SLOW and expect_problem(anon["r"], 401)["status"] == 401, anon
            assert call(ctx, srv, "GET", "/v1/plans/%d" % pid, token=pg.admin)["status"] == 200
            metrics = call(ctx, srv, "GET", "/metrics")["r"].body.decode()
            assert re.search(r"^ciclo_heavy_refusals_total [1-9]", metrics, re.M), metrics
        finally:
            release_plan_row(pg, holder)
        for t in ts:
            t.join(60 * SLOW)
        assert res[0]["status"] == 200, res[0]
        assert res[1]["status"] == 200 and res[1]["r"].json["plan_id"] == pid, res[1]
    finally:
        srv.stop()


def hold_table(pg, table):
    """Another client (the owner) locks table against every read until release_plan_row."""
    holder = subprocess.Popen(["psql", pg.owner_url, "-AtX", "-q", "-c", "BEGIN", "-c",
                               "LOCK TABLE %s IN ACCESS EXCLUSIVE MODE" % table, "-c", "SELECT pg_sleep(60)"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: pg.sql("SELECT count(*) FROM pg_stat_activity WHERE " + HOLDER)[0][0] != "0", 10 * SLOW,
             "the table lock")
    return holder


def test_one_entity_cannot_fill_the_heavy_queue_nor_go_first(ctx):
    """Issue 21: one heavy thread, a queue of 4 (one key keeps at most 3 places). Entity A's scores
    of a large plan: one runs (waiting on a locked table), three wait, A's fifth is a 503 busy at
    once; entity B's heavy request still finds the place left (not a 503), and once the table is
    free it is served right after A's running one, before A's three waiting (which came first)."""
    pg = private_pg(ctx)
    srv = ctx.start_server({"DATABASE_URL": pg.url, "CICLO_HEAVY_THREADS": "1", "CICLO_HEAVY_QUEUE": "4",
                            "CICLO_DB_TIMEOUT_MS": "60000"})
    try:
        apid = seed_large_plan(pg, "FAIRH%d" % random.randrange(1 << 30), 1000 if WRAPPED else FAIR_OBJECTIVES)
        bpid = import_plan(ctx, srv, pg, fair_plan("FAIRK%d" % random.randrange(1 << 30)))
        ta, tb = (pg.token("reader", pg.sql("SELECT entity_id FROM plans WHERE id = %d" % p)[0][0])
                  for p in (apid, bpid))
        scores = "/v1/plans/%d/scores?as_of=2024-12-31" % apid
        one = call(ctx, srv, "GET", scores, token=ta, timeout=120 * SLOW)  # A's token is now in the cache
        assert one["status"] == 200, one
        assert call(ctx, srv, "GET", "/v1/plans/%d/checks" % bpid, token=tb)["status"] == 200
        res = [{} for _ in range(5)]  # A's four, then B's

        def send(i, path, token):
            t = threading.Thread(target=lambda: res[i].update(call(ctx, srv, "GET", path, token=token,
                                                                   timeout=120 * SLOW)))
            t.start()
            return t

        holder = hold_table(pg, "objectives")
        try:
            ts = [send(0, scores, ta)]
            wait_for(lambda: pg.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ciclo' AND "
                                    "wait_event_type = 'Lock'")[0][0] == "1", 5 * SLOW, "A's first scores to wait")
            ts += [send(i, scores, ta) for i in (1, 2, 3)]
            time.sleep(0.3 * SLOW)  # A's three wait in the queue: A's share (3 of 4) is taken
            assert not any(res), res
            busy = call(ctx, srv, "GET", scores, token=ta, timeout=10 * SLOW)
            assert busy["dt"] < 2 * SLOW, busy
            doc = expect_problem(busy["r"], 503)
            assert doc["code"] == "busy" and "places of the queue" in doc["detail"], doc
            assert busy["r"].header("Retry-After") == "1"
            ts.append(send(4, "/v1/plans/%d/checks" % bpid, tb))
            time.sleep(0.3 * SLOW)
            assert not any(res), res  # B's waits too (in the place left), it was not refused
        finally:
            release_plan_row(pg, holder)
        for t in ts:
            t.join(120 * SLOW)
        assert [x.get("status") for x in res] == [200] * 5, [(x.get("status"), x.get("error")) for x in res]
        for x in res[:4]:
            assert x["r"].json == one["r"].json
        end = [x["t0"] + x["dt"] for x in res]
        print("     (one scores %.2fs; ends after the release: A %s, B %.2f)"
              % (one["dt"], [round(e - end[0], 2) for e in end[1:4]], end[4] - end[0]))
        # one thread: B's runs right after A's first, before A's three that came before it
        assert end[4] < min(end[1:4]), end
    finally:
        srv.stop()


def test_sigterm_finishes_a_suspended_heavy_request(ctx):
    """SIGTERM while a heavy request runs on a heavy thread (its connection suspended) and another
    waits in the queue: both are answered whole before the process exits 0."""
    pg = private_pg(ctx)
    srv = ctx.start_server({"DATABASE_URL": pg.url, "CICLO_HEAVY_THREADS": "1", "CICLO_SHUTDOWN_GRACE": "10",
                            "CICLO_DB_TIMEOUT_MS": "20000"})
    code = None
    try:
        pid = import_plan(ctx, srv, pg, fair_plan("FAIRT%d" % random.randrange(1 << 30)))
        holder = hold_plan_row(pg, pid)
        try:
            ts, res = adopt_then_queue(ctx, srv, pg, pid, "/v1/plans/%d/export" % pid)
            srv.proc.send_signal(15)  # SIGTERM
            time.sleep(0.5 * SLOW)
            assert srv.proc.poll() is None, "exited with a heavy request in flight"
            assert not res[0] and not res[1], res
        finally:
            release_plan_row(pg, holder)
        for t in ts:
            t.join(60 * SLOW)
        srv.proc.wait(10 * SLOW)
        code = srv.stop()
        assert code == 0, srv.log_text()[-2000:]
        check_log(srv)
        assert res[0]["status"] == 200 and res[0]["r"].json["status"] == "adopted", res[0]
        assert res[1]["status"] == 200 and res[1]["r"].json["objectives"][0]["code"] == "OB1", res[1]
    finally:
        if code is None:
            srv.stop()


def read_answer(s, timeout):
    """Reads one HTTP/1.1 answer with a Content-Length from socket s: (status, body), or (0, b"") when
    the server closed the connection first."""
    s.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                return 0, b""
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        m = re.search(rb"\r\ncontent-length: *(\d+)", head, re.I)
        need = int(m.group(1)) if m else 0
        while len(body) < need:
            chunk = s.recv(65536)
            if not chunk:
                return 0, b""
            body += chunk
        return int(head.split(b" ")[1]), body
    except OSError:
        return 0, b""


def test_heavy_request_on_an_idle_connection_during_stop(ctx):
    """SIGTERM with keep-alive connections idle (no request in flight, so the grace ends at once): a
    heavy request they send while the server stops (after the heavy threads stopped, before
    libmicrohttpd closes its connections) is answered 503 "stopping" or its connection closed, and the process
    exits 0 with no sanitizer report. The heavy pool must outlive libmicrohttpd's workers, which may
    still call it."""
    pg = private_pg(ctx)
    srv = ctx.start_server({"DATABASE_URL": pg.url, "CICLO_THREADS": "4", "CICLO_SHUTDOWN_GRACE": "10"})
    code = None
    try:
        pid = import_plan(ctx, srv, pg, fair_plan("FAIRS%d" % random.randrange(1 << 30)))
        heavy = ("GET /v1/plans/%d/checks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n"
                 % (pid, pg.admin)).encode()
        conns = []
        for _ in range(40):  # idle keep-alive connections, each past the guard (one answered request)
            s = socket.create_connection(("127.0.0.1", srv.port))
            s.sendall(heavy)
            assert read_answer(s, 30 * SLOW)[0] == 200
            conns.append(s)
        srv.proc.send_signal(15)  # SIGTERM
        answers = []
        for s in conns:  # over about 400 ms: some land after the heavy threads stopped
            try:
                s.sendall(heavy)
            except OSError:
                pass
            time.sleep(0.01)
        for s in conns:
            answers.append(read_answer(s, 10 * SLOW))
            s.close()
        try:
            srv.proc.wait(20 * SLOW)
        except subprocess.TimeoutExpired:
            raise AssertionError("still running 20 s after SIGTERM:\n" + srv.log_text()[-3000:])
        code = srv.stop()
        check_log(srv)
        assert code == 0, srv.log_text()[-3000:]
        print("     (answers after SIGTERM: %s)" % sorted(collections.Counter(a[0] for a in answers).items()))
        for status, body in answers:
            assert status in (0, 200, 503), (status, body[:300])
            if status == 503:
                assert json.loads(body)["code"] == "stopping", body
    finally:
        if code is None:
            srv.stop()
