"""The front guard (src/http/guard.c, http/headcheck.c; docs/SECURITY.md, "Every answer is
problem+json"): the first request of a plain-HTTP connection that libmicrohttpd would refuse in
HTML, or that RFC 9112 lets a server refuse, is answered as problem+json with the status
libmicrohttpd would have chosen, the connection is closed, and the server serves on. What passes
reaches libmicrohttpd with its bytes untouched.
"""
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

from test_http_limits import closed_within, connect, problem, read_answer, recv_until

R = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
C = R + b"Connection: close\r\n"

# (what is sent, status, problem code)
REFUSED = [
    (b"GARBAGE\r\n\r\n", 400, b"malformed_request"),                        # no space: libmicrohttpd closed
    (b" GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400, b"malformed_request"),  # empty method
    (b"GET /healthz\r\nHost: x\r\n\r\n", 400, b"malformed_request"),          # no version
    (b"GET /healthz HTTX/1.1\r\nHost: x\r\n\r\n", 400, b"malformed_request"),
    (b"GET /healthz HTTP/1.1 \r\nHost: x\r\n\r\n", 400, b"malformed_request"),
    (b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 505, b"http_version_not_supported"),
    (b"GET /healthz HTTP/0.9\r\nHost: x\r\n\r\n", 505, b"http_version_not_supported"),
    (R + b"no colon\r\n\r\n", 400, b"malformed_request"),
    (R + b": no name\r\n\r\n", 400, b"malformed_request"),
    (R + b"X-A : b\r\n\r\n", 400, b"malformed_request"),                     # whitespace before the colon
    (R + b"X-A: b\r\n folded\r\n\r\n", 400, b"malformed_request"),
    (R + b"X-A: b\x00c\r\n\r\n", 400, b"malformed_request"),
    (R + b"X-A: b\rc\r\n\r\n", 400, b"malformed_request"),
    (b"POST /v1/plans HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400, b"malformed_request"),
    (b"POST /v1/plans HTTP/1.1\r\nHost: x\r\nContent-Length: 5 \r\n\r\nhello", 400, b"malformed_request"),
    (b"POST /v1/plans HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n", 413,
     b"body_too_large"),
    (b"POST /v1/plans HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}", 400,
     b"malformed_request"),
    (b"POST /v1/plans HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501,
     b"transfer_coding_not_supported"),
    (b"POST /v1/plans HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 501,
     b"transfer_coding_not_supported"),
    (b"POST /v1/plans HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
     b"malformed_request"),
    (R + b"X-Big: " + b"a" * (200 * 1024) + b"\r\n\r\n", 431, b"headers_too_large"),
    (b"GET /" + b"a" * (30 * 1024) + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, b"uri_too_long"),
    (R + b"".join(b"X-H%d: 1\r\n" % i for i in range(150)) + b"\r\n", 431, b"headers_too_large"),
]


def ask(port, raw, family=socket.AF_INET, host="127.0.0.1"):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect((host, port))
    try:
        try:
            s.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, headers, body = read_answer(s)
        closed = closed_within(s, 5)
    finally:
        s.close()
    return status, headers, body, closed


# the title of each status the guard answers (RFC 9110's reason phrases)
TITLES = {400: "Bad Request", 413: "Content Too Large", 414: "URI Too Long", 431: "Request Header Fields Too Large",
          501: "Not Implemented", 505: "HTTP Version Not Supported"}


def test_malformed_requests_are_problems(ctx):
    for raw, status, code in REFUSED:
        got, headers, body, closed = ask(ctx.server.port, raw)
        problem(got, headers, body, status)
        assert code in body and b'"detail"' in body, (raw[:60], body)
        assert json.loads(body)["title"] == TITLES[status], (raw[:60], body)
        assert closed, raw[:60]
        assert ctx.get("/healthz", token=None).status == 200, raw[:60]


def test_what_passes_is_untouched(ctx):
    """Requests that pass reach libmicrohttpd whole: a request split over several packets, a body
    in the same packet as the headers, pipelined and keep-alive requests, a chunked body."""
    s = connect(ctx.server)
    try:
        for part in (b"GET /heal", b"thz HTTP/1.1\r\nHo", b"st: x\r\n", b"\r\n"):
            s.sendall(part)
            time.sleep(0.05)
        assert read_answer(s)[0] == 200
        s.sendall(R + b"\r\n" + C + b"\r\n")  # on the kept-alive connection, two pipelined
        assert recv_until(s, b"", lambda d: False).count(b"HTTP/1.1 200 ") == 2
    finally:
        s.close()
    s = connect(ctx.server)  # two pipelined as the connection's first bytes
    try:
        s.sendall(R + b"\r\n" + C + b"\r\n")
        assert recv_until(s, b"", lambda d: False).count(b"HTTP/1.1 200 ") == 2
    finally:
        s.close()
    body = b'{"name": 1}'
    post = b"POST /v1/entities HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    for raw in (post + b"Content-Length: %d\r\n\r\n" % len(body) + body,
                post + b"Transfer-Encoding: Chunked\r\n\r\n"
                b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"):
        status, headers, answer, _ = ask(ctx.server.port, raw)
        problem(status, headers, answer, 401)  # read whole by the server, refused for want of a token


def test_the_memory_edge_is_never_html(ctx):
    """Near the guard's budget (libmicrohttpd's 32 KiB of connection memory): large headers, many
    query arguments, many cookies are either served or refused as problem+json, never in HTML."""
    cases = [C + b"X-Big: " + b"a" * (k * 1024) + b"\r\n\r\n" for k in range(14, 34)]
    cases += [b"GET /healthz?" + b"&".join(b"a%d" % i for i in range(n)) + b" HTTP/1.1\r\nHost: x\r\n"
              b"Connection: close\r\n\r\n" for n in range(50, 600, 25)]
    cases += [C + b"Cookie: " + b"; ".join(b"c%d=1" % i for i in range(n)) + b"\r\n\r\n" for n in range(50, 600, 25)]
    cases += [C + b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 150) for i in range(98)) + b"\r\n"]
    for raw in cases:
        status, headers, body, _ = ask(ctx.server.port, raw)
        assert status in (200, 431), (raw[:60], len(raw), status, body[:200])
        if status == 431:
            problem(status, headers, body, 431)
    assert ctx.get("/healthz", token=None).status == 200


def test_ipv6_is_guarded(ctx):
    """On an IPv6 address the guard listens and judges the same way."""
    s = socket.socket(socket.AF_INET6)
    s.bind(("::1", 0))
    port = s.getsockname()[1]
    s.close()
    env = dict(os.environ, DATABASE_URL=ctx.database_url, CICLO_LISTEN="[::1]:%d" % port)
    log = open(os.path.join(ctx.tmp, "server-v6-%d.log" % port), "wb")
    proc = subprocess.Popen([ctx.bin, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen("http://[::1]:%d/healthz" % port, timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.05)
        else:
            raise AssertionError("the server did not start on ::1")
        status, headers, body, closed = ask(port, b"GET /healthz HTTP/3.0\r\n\r\n", socket.AF_INET6, "::1")
        problem(status, headers, body, 505)
        assert closed
        assert ask(port, C + b"\r\n", socket.AF_INET6, "::1")[0] == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        log.close()
