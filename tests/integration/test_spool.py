"""Large answers from a file (issue 21): an answer's text past CICLO_SPOOL_BYTES goes to an
unlinked temporary file in TMPDIR and out with sendfile, so that the heap never holds it whole.

A server that spills almost everything (CICLO_SPOOL_BYTES=32) answers byte for byte as one that
keeps every answer in memory (CICLO_SPOOL_BYTES=0): the scores, the report in JSON, CSV, HTML
and XLSX, the plan document, the export, a CSV list, with the same Content-Length, ETag,
Content-Type and Content-Disposition; an answer kept for an Idempotency-Key replays the same.
No file is ever seen in TMPDIR, and none stays open in the server once the answer is sent, or
once a client that stopped reading goes away mid-answer.
"""
import io
import os
import socket
import tempfile
import time
import zipfile

from run import Server, expect_problem
from test_import import dense_document

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ("Content-Type", "Content-Length", "ETag", "Content-Disposition", "Link")

_state = {}


def servers(ctx):
    """The plan (a dense one of 2,000 objectives: its document is about 10 MB, more than the
    socket buffers of a connection hold), the server that spills and its TMPDIR, and the
    one that keeps answers in memory. Made once for the module."""
    if not _state:
        r = ctx.post("/v1/plans:import", dense_document(ctx.unique("SPOOL"), 2000), timeout=300)
        assert r.status == 201, r
        tmp = tempfile.mkdtemp(dir=ctx.tmp, prefix="spool-")
        os.chmod(tmp, 0o777)  # the server may run as another user than the test
        _state.update(plan=r.json["id"], tmp=tmp,
                      spool=ctx.start_server({"TMPDIR": tmp, "CICLO_SPOOL_BYTES": "32"}),
                      memory=ctx.start_server({"CICLO_SPOOL_BYTES": "0"}))
    return _state


def open_temp_files(pid, tmp):
    """The server's descriptors on files in tmp (an unlinked one reads '<tmp>/#123 (deleted)')."""
    found = []
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if target.startswith(tmp + "/"):
            found.append(target)
    return found


def no_temp_file_left(s, within=10):
    deadline = time.time() + within
    while open_temp_files(s["spool"].proc.pid, s["tmp"]) and time.time() < deadline:
        time.sleep(0.05)
    assert open_temp_files(s["spool"].proc.pid, s["tmp"]) == []
    assert os.listdir(s["tmp"]) == []


def both(ctx, s, path, **kw):
    a = ctx.get(path, base=s["memory"].url, timeout=300, **kw)
    b = ctx.get(path, base=s["spool"].url, timeout=300, **kw)
    assert a.status == 200, (path, a)
    assert b.status == a.status, (path, b)
    assert int(b.header("Content-Length")) == len(b.body), (path, b.headers)
    return a, b


def test_large_answers_from_a_file_are_the_answers_in_memory(ctx):
    s = servers(ctx)
    plan = s["plan"]
    paths = ["/v1/plans/%d/scores" % plan, "/v1/plans/%d/scores?as_of=2024-06-30" % plan,
             "/v1/plans/%d/report" % plan, "/v1/plans/%d/report?format=csv" % plan,
             "/v1/plans/%d/report?format=html" % plan, "/v1/plans/%d/document" % plan,
             "/v1/plans/%d/export" % plan, "/v1/plans/%d/checks?format=csv" % plan,
             "/v1/audit?format=csv&limit=200", "/v1/plans/%d/objectives?limit=200" % plan]
    sizes = {}
    for path in paths:
        a, b = both(ctx, s, path)
        assert len(b.body) > 4096, (path, len(b.body))  # large enough to have gone to the file
        for h in HEADERS:
            assert a.header(h) == b.header(h), (path, h, a.header(h), b.header(h))
        assert a.body == b.body, (path, len(a.body), len(b.body))
        sizes[path] = len(b.body)
    assert b.header("Content-Type").startswith("application/json")
    no_temp_file_left(s)


def test_workbook_is_its_own_file_sent_whole(ctx):
    s = servers(ctx)
    a, b = both(ctx, s, "/v1/plans/%d/report?format=xlsx&as_of=2024-06-30" % s["plan"])
    for r in (a, b):
        assert r.header("Content-Type") == XLSX and r.body[:2] == b"PK", r
        assert int(r.header("Content-Length")) == len(r.body)
    assert a.header("Content-Disposition") == b.header("Content-Disposition")
    za, zb = zipfile.ZipFile(io.BytesIO(a.body)), zipfile.ZipFile(io.BytesIO(b.body))
    assert za.namelist() == zb.namelist()
    for name in za.namelist():
        if name != "docProps/core.xml":  # the time it was written
            assert za.read(name) == zb.read(name), name
    no_temp_file_left(s)


def test_replayed_answer_that_went_to_a_file(ctx):
    """An answer kept for an Idempotency-Key is read back from its file to be stored."""
    s = servers(ctx)
    rule = {"rule": {"kind": "bands", "bands": [{"min": 90, "score": 100}, {"min": 0, "max": 90, "score": 0}]},
            "value": 95}
    k = {"Idempotency-Key": "spool-%d" % os.getpid()}
    first = ctx.post("/v1/rules:evaluate", rule, base=s["spool"].url, headers=k)
    assert first.status == 200 and len(first.body) > 32, first
    again = ctx.post("/v1/rules:evaluate", rule, base=s["spool"].url, headers=k)
    assert (again.status, again.header("Content-Type"), again.body) == (first.status, first.header("Content-Type"),
                                                                       first.body)
    plain = ctx.post("/v1/rules:evaluate", rule, base=s["memory"].url)
    assert plain.body == first.body
    no_temp_file_left(s)


def stalled_download(s, path, token):
    """Asks for path with a tiny receive window, reads the head and a little of the body, and
    returns the socket (still open) with the answer's length."""
    c = socket.socket()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    c.connect(("127.0.0.1", s["spool"].port))
    c.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n" % (path, token)).encode())
    got = b""
    while b"\r\n\r\n" not in got:
        chunk = c.recv(4096)
        assert chunk, got
        got += chunk
    head = got.split(b"\r\n\r\n")[0].decode()
    assert head.startswith("HTTP/1.1 200"), head
    length = [int(line.split(":")[1]) for line in head.split("\r\n") if line.lower().startswith("content-length")]
    return c, length[0]


def test_client_gone_mid_answer_leaves_no_file(ctx):
    s = servers(ctx)
    path = "/v1/plans/%d/document" % s["plan"]
    pid = s["spool"].proc.pid
    for _ in range(3):
        c, length = stalled_download(s, path, ctx.admin)
        assert length > 8 << 20, length  # more than the socket buffers hold (4 MiB at most each side)
        # the answer is being sent from its file: the server holds it open, with no name
        deadline = time.time() + 10
        while not open_temp_files(pid, s["tmp"]) and time.time() < deadline:
            time.sleep(0.05)
        held = open_temp_files(pid, s["tmp"])
        assert len(held) == 1 and held[0].endswith("(deleted)"), held
        assert os.listdir(s["tmp"]) == []
        c.close()  # gone mid-answer
        no_temp_file_left(s)
    assert "(connection closed early)" in s["spool"].log_text()


def test_full_tmpdir_is_a_503_never_a_200_cut_short(ctx):
    """A TMPDIR that takes no more bytes (here the server's file size limit, RLIMIT_FSIZE, with
    SIGXFSZ ignored: each write past it fails with EFBIG, as ENOSPC on a full disk) fails the
    answer being spilled: a 503 the caller may retry, never a 200 cut short nor a 500, and no
    file is left open."""
    s = servers(ctx)
    plan = s["plan"]
    # dash counts ulimit -f in blocks of 512 bytes: 64 KiB per file
    limit = ["sh", "-c", 'trap "" XFSZ; ulimit -f 128; exec "$@"', "sh"]
    full = Server(ctx, {"TMPDIR": s["tmp"], "CICLO_SPOOL_BYTES": "32"}, limit + (ctx.wrap or []))
    try:
        small = ctx.get("/v1/plans/%d" % plan, base=full.url)
        assert small.status == 200, small  # spilled, and within the limit
        got = {}
        for path in ["/v1/plans/%d/scores" % plan, "/v1/plans/%d/report" % plan,
                     "/v1/plans/%d/report?format=csv" % plan, "/v1/plans/%d/report?format=html" % plan,
                     "/v1/plans/%d/document" % plan, "/v1/plans/%d/export" % plan,
                     "/v1/plans/%d/report?format=xlsx" % plan]:
            r = ctx.get(path, base=full.url, timeout=300)
            got[path] = r
        assert {p: r.status for p, r in got.items()} == {p: 503 for p in got}, {p: r.body[:160] for p, r in got.items()}
        for r in got.values():
            expect_problem(r, 503)
        deadline = time.time() + 10
        while open_temp_files(full.proc.pid, s["tmp"]) and time.time() < deadline:
            time.sleep(0.05)
        assert open_temp_files(full.proc.pid, s["tmp"]) == [], (open_temp_files(full.proc.pid, s["tmp"]), os.listdir(s["tmp"]), full.log_text()[-1500:])
        assert os.listdir(s["tmp"]) == []
    finally:
        assert full.stop() == 0, full.log_text()[-2000:]


def test_spool_servers_stop(ctx):
    s = servers(ctx)
    for name in ("spool", "memory"):
        assert s[name].stop() == 0, s[name].log_text()[-2000:]
    _state.clear()
