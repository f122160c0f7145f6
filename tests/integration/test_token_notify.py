"""Cached tokens kept exact by notification (issue 21; src/api/auth.c, src/store/token_listen.c,
sql/033_token_notify.sql; docs/SECURITY.md "Revocation").

Each process listens on ciclo_tokens with a connection of its own; while it listens, a cached token
costs no statement, and a revocation reaches it by notification. When the listener is down, every
cached token is checked against the database again (the guard), as before.
"""
import datetime
import os
import signal
import time

from run import expect_problem, wait_for


def metric(ctx, name, base=None):
    text = ctx.get("/metrics", token=None, base=base).text
    for line in text.splitlines():
        if line.startswith(name + " "):
            return int(float(line.split()[1]))
    raise AssertionError("no %s in /metrics" % name)


def listening(ctx, base=None):
    wait_for(lambda: metric(ctx, "ciclo_token_listener_up", base) == 1, 10, "the token listener")


def reader(ctx, **fields):
    e = ctx.entity()
    t = ctx.post("/v1/tokens", dict({"role": "reader", "entity_id": e["id"], "name": "lettore"}, **fields)).json
    return "/v1/entities/%d" % e["id"], t


def until_401(ctx, path, token, base, within):
    """Seconds until path answers 401 with token at base (200 until then); fails after within."""
    t0 = time.time()
    while True:
        r = ctx.get(path, token=token, base=base)
        if r.status == 401:
            return time.time() - t0
        assert r.status == 200, r
        assert time.time() - t0 < within, "still 200 %.2fs after the revocation" % (time.time() - t0)
        time.sleep(0.002)


def listener_backend(ctx, srv):
    rows = ctx.sql("SELECT pid FROM pg_stat_activity WHERE application_name = 'ciclo-listen %d'" % srv.proc.pid)
    assert len(rows) == 1, rows
    return int(rows[0][0])


def test_a_revocation_reaches_another_process_by_notification(ctx):
    """Two processes on one database: a token B has cached, revoked through A, is a 401 at B within the
    time a notification takes (milliseconds; the test allows a second), on any route; a change made
    with plain SQL (an expiry moved back) is announced the same way. B trusts its cache meanwhile."""
    other = ctx.start_server()
    try:
        listening(ctx)
        listening(ctx, other.url)
        path, t = reader(ctx)
        for _ in range(3):  # cached at B, then read from the cache
            assert ctx.get(path, token=t["token"], base=other.url).status == 200
        assert ctx.delete("/v1/tokens/%d" % t["id"]).status == 204
        delay = until_401(ctx, path, t["token"], other.url, 1.0)
        print("    revocation through A seen by B after %.1f ms" % (delay * 1000))
        evaluate = {"rule": {"kind": "linear", "target": 100, "baseline": 0}, "value": 50}
        expect_problem(ctx.post("/v1/rules:evaluate", evaluate, token=t["token"], base=other.url), 401)
        expect_problem(ctx.post("/v1/plans", {}, token=t["token"], base=other.url), 401)
        # an expiry moved back by hand, not through the API
        path2, t2 = reader(ctx)
        assert ctx.get(path2, token=t2["token"], base=other.url).status == 200
        ctx.sql("UPDATE tokens SET expires_at = now() - interval '1 second' WHERE id = %d" % t2["id"])
        delay = until_401(ctx, path2, t2["token"], other.url, 1.0)
        print("    expiry set with SQL seen by B after %.1f ms" % (delay * 1000))
        assert metric(ctx, "ciclo_token_listener_connects_total", other.url) == 1
    finally:
        other.stop()


def test_a_killed_listener_falls_back_to_the_guard_then_comes_back(ctx):
    """The listener's connection terminated by the database: the process stops trusting its cache at
    once, so a token revoked meanwhile is a 401 at its next request (the guard); the listener comes
    back on its own (forgetting the whole cache first), and notifications reach it again."""
    srv = ctx.start_server()
    try:
        listening(ctx, srv.url)
        path, t = reader(ctx)
        assert ctx.get(path, token=t["token"], base=srv.url).status == 200  # cached
        backend = listener_backend(ctx, srv)
        assert ctx.sql("SELECT pg_terminate_backend(%d)" % backend) == [["t"]]
        wait_for(lambda: metric(ctx, "ciclo_token_listener_up", srv.url) == 0 or
                 metric(ctx, "ciclo_token_listener_connects_total", srv.url) > 1, 5, "the listener to notice")
        assert ctx.delete("/v1/tokens/%d" % t["id"]).status == 204  # through the suite's server
        r = ctx.get(path, token=t["token"], base=srv.url)
        if metric(ctx, "ciclo_token_listener_connects_total", srv.url) == 1:
            expect_problem(r, 401)  # still down: the guard answered, at the very next request
        else:  # it came back before the revocation: its notification answers, within a second
            print("    the listener came back before the revocation: notification path")
            if r.status != 401:
                until_401(ctx, path, t["token"], srv.url, 1.0)
        wait_for(lambda: metric(ctx, "ciclo_token_listener_up", srv.url) == 1, 15, "the listener to come back")
        assert metric(ctx, "ciclo_token_listener_connects_total", srv.url) == 2
        assert listener_backend(ctx, srv) != backend
        assert "token listener:" in srv.log_text()
        # listening again: a revocation through the other process reaches it
        path2, t2 = reader(ctx)
        assert ctx.get(path2, token=t2["token"], base=srv.url).status == 200
        assert ctx.delete("/v1/tokens/%d" % t2["id"]).status == 204
        until_401(ctx, path2, t2["token"], srv.url, 1.0)
    finally:
        srv.stop()


def test_the_revoking_process_is_exact_and_a_deaf_listener_is_trusted_two_seconds(ctx):
    """With the listener's backend frozen (SIGSTOP: no notification, no heartbeat answer): a token
    revoked through the same process is a 401 at its very next request (the revoker forgets it,
    no notification needed); one revoked through another process is a 401 once the listener's lease
    has run out (at most two seconds) and the guard takes over. Thawed, it is live again without
    reconnecting: nothing was lost."""
    srv = ctx.start_server()
    try:
        listening(ctx, srv.url)
        path1, t1 = reader(ctx)
        path2, t2 = reader(ctx)
        for p, t in ((path1, t1), (path2, t2)):
            assert ctx.get(p, token=t["token"], base=srv.url).status == 200  # cached
        backend = listener_backend(ctx, srv)
        os.kill(backend, signal.SIGSTOP)
        try:
            assert ctx.delete("/v1/tokens/%d" % t1["id"], base=srv.url).status == 204
            expect_problem(ctx.get(path1, token=t1["token"], base=srv.url), 401)
            assert metric(ctx, "ciclo_token_listener_up", srv.url) == 1  # still trusted: the forget did it
            assert ctx.delete("/v1/tokens/%d" % t2["id"]).status == 204  # through the suite's server
            delay = until_401(ctx, path2, t2["token"], srv.url, 3.0)
            print("    revocation seen by a deaf listener's process after %.2f s (the lease)" % delay)
            assert metric(ctx, "ciclo_token_listener_up", srv.url) == 0
        finally:
            os.kill(backend, signal.SIGCONT)
        listening(ctx, srv.url)
        assert metric(ctx, "ciclo_token_listener_connects_total", srv.url) == 1
        assert listener_backend(ctx, srv) == backend
    finally:
        srv.stop()


def test_a_cached_token_still_expires(ctx):
    """A token past its expires_at is a 401 at its next request, though nothing announced it (the row
    did not change): the cache keeps the expiry and checks it."""
    listening(ctx)
    soon = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(seconds=3)
    path, t = reader(ctx, expires_at=soon.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert ctx.get(path, token=t["token"]).status == 200  # cached, with its expiry
    time.sleep(max(0.0, soon.timestamp() - time.time()) + 0.05)
    expect_problem(ctx.get(path, token=t["token"]), 401)


def test_a_cached_read_costs_no_token_statement_while_listening(ctx):
    """The point of the listener: with it, a cached token's request runs no statement on tokens (its
    own statement only); without it (CICLO_TOKEN_NOTIFY=0) each runs the guard, which reads tokens.
    Counted in pg_stat_user_tables once the servers' backends have exited (they flush their counts)."""
    path, t = reader(ctx)
    n = 200

    def backends():
        return int(ctx.sql("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")[0][0])

    def token_reads():
        return int(ctx.sql("SELECT coalesce(idx_scan, 0) + seq_scan FROM pg_stat_user_tables WHERE "
                           "relname = 'tokens'")[0][0])

    reads = {}
    for notify in ("1", "0"):
        before_backends = backends()
        srv = ctx.start_server({"CICLO_TOKEN_NOTIFY": notify})
        try:
            if notify == "1":
                listening(ctx, srv.url)
            assert ctx.get(path, token=t["token"], base=srv.url).status == 200  # the lookup
            before = token_reads()
            for _ in range(n):
                assert ctx.get(path, token=t["token"], base=srv.url).status == 200
        finally:
            srv.stop()
        wait_for(lambda: backends() <= before_backends, 10, "the server's backends to exit")
        reads[notify] = token_reads() - before
    print("    reads of tokens over %d cached requests: %d listening, %d guarded" % (n, reads["1"], reads["0"]))
    assert reads["0"] >= n, reads
    assert reads["1"] < n // 2, reads  # the lookup, and what other backends flush meanwhile


NOTIFY_TRIGGERS = ("tokens_notify_update", "tokens_notify_delete", "tokens_notify_truncate")


def test_without_the_triggers_the_listener_is_never_trusted(ctx):
    """A server started on a schema whose tokens announce nothing (sql/033 not applied yet: a new
    binary before `ciclo migrate`, here its triggers disabled) must not trust its cache: LISTEN
    works but no notification will ever come. Its listener stays down, a token revoked with plain
    SQL is a 401 at its next request (the guard); once the triggers are back, it listens."""
    for name in NOTIFY_TRIGGERS:
        ctx.sql("ALTER TABLE tokens DISABLE TRIGGER %s" % name)
    srv = None
    try:
        srv = ctx.start_server()
        path, t = reader(ctx)
        assert ctx.get(path, token=t["token"], base=srv.url).status == 200  # cached
        time.sleep(1.5)  # long enough for the listener to connect and LISTEN
        assert metric(ctx, "ciclo_token_listener_up", srv.url) == 0
        ctx.sql("UPDATE tokens SET revoked_at = now() WHERE id = %d" % t["id"])
        expect_problem(ctx.get(path, token=t["token"], base=srv.url), 401)
    finally:
        for name in NOTIFY_TRIGGERS:
            ctx.sql("ALTER TABLE tokens ENABLE TRIGGER %s" % name)
    try:
        wait_for(lambda: metric(ctx, "ciclo_token_listener_up", srv.url) == 1, 15, "the listener, triggers back")
        assert "sql/033" in srv.log_text()
    finally:
        srv.stop()
