#!/usr/bin/env python3
"""Ciclo's HTTP integration suite: discovers tests/integration/test_*.py and runs every
function named test_* with a Context that knows the server, the database and a token.

Each module shares one server (started here); tests that need their own server (restart,
SIGTERM, outage) start one with ctx.start_server(). The last line is "N passed, M failed".
"""
import argparse
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def wait_for(cond, timeout, what, step=0.05):
    """Polls cond() every step seconds until it is true, and returns its value; fails the test,
    naming what it waited for, after timeout seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(step)
    raise AssertionError("timed out after %.1fs waiting for %s" % (timeout, what))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# Decimals a number of an answer may have, by the key it is under (issue 23): money, scores,
# weights and percentages 2; everything else (coefficients, measured values, rule bounds) at
# most the 4 of the rules library's fixed point. Binary noise such as 4253.0100000000002 breaks
# either bound.
TWO_DECIMALS = frozenset((
    "fund", "distributed", "remainder", "bonus", "base", "premium_amount", "average",
    "score", "total", "min_score", "evaluations_given", "cv", "differentiation_cv_target",
    "weight", "structure", "objectives", "behaviours", "differentiation", "cumulative",
    "percent", "part_time", "share", "increase", "percent_complete", "financial_resources"))
MAX_DECIMALS = 4


class _Lexeme(str):
    """A real number of an answer, kept as the server wrote it."""


def _decimals(text):
    """Decimals of a JSON number as written ("1.50" has 2, "1.5e-3" has 4)."""
    mantissa, _, exp = text.lower().partition("e")
    frac = mantissa.partition(".")[2]
    return max(0, len(frac) - int(exp or 0))


def decimal_violations(body):
    """[(path, number as written, decimals allowed)] for every number of the JSON text body
    that has more decimals than its field allows. Not JSON: []."""
    try:
        doc = json.loads(body, parse_float=_Lexeme)
    except ValueError:
        return []
    found = []

    def walk(v, path, key):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, "%s.%s" % (path, k) if path else k, k)
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, "%s[%d]" % (path, i), key)
        elif isinstance(v, _Lexeme):
            allowed = 2 if key in TWO_DECIMALS else MAX_DECIMALS
            if _decimals(v) > allowed:
                found.append((path, str(v), allowed))

    walk(doc, "", None)
    return found


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self._json = None

    @property
    def json(self):
        if self._json is None:
            self._json = json.loads(self.body.decode("utf-8"))
        return self._json

    @property
    def text(self):
        return self.body.decode("utf-8")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def __repr__(self):
        return "<%d %s>" % (self.status, self.body[:400])


class Server:
    def __init__(self, ctx, env=None, wrap=None):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        e = dict(os.environ)
        e.update({"DATABASE_URL": ctx.database_url, "CICLO_LISTEN": "127.0.0.1:%d" % self.port})
        e.update(env or {})
        cmd = (wrap or []) + [ctx.bin, "serve"]
        self.log_path = os.path.join(ctx.tmp, "server-%d.log" % self.port)
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, env=e, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + open(self.log_path).read()[-2000:])
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def log_text(self):
        with open(self.log_path, "r", errors="replace") as f:
            return f.read()


class Context:
    def __init__(self, args):
        self.bin = os.path.abspath(args.bin)
        self.database_url = args.database_url  # the service's role (tests/run-integration.sh)
        self.owner_url = args.owner_url or args.database_url  # the tables' owner, for ctx.sql
        self.tmp = args.tmp
        self.wrap = os.environ.get("CICLO_WRAP", "").split() or None
        self.server = None
        self.admin = None
        self._seq = 0

    # --- tokens and data -------------------------------------------------------------
    def token(self, role="admin", entity=None, person=None, name=None):
        """Creates a token with the command line (bootstrap path) and returns it."""
        cmd = [self.bin, "token", "create", "--role", role, "--name", name or role]
        if entity:
            cmd += ["--entity", str(entity)]
        if person:
            cmd += ["--person", str(person)]
        out = subprocess.run(cmd, env=dict(os.environ, DATABASE_URL=self.database_url), check=True,
                             capture_output=True, text=True).stdout
        return out.strip().splitlines()[-1]

    def unique(self, prefix="T"):
        self._seq += 1
        return "%s%d%d" % (prefix, os.getpid() % 1000, self._seq)

    # --- HTTP ---------------------------------------------------------------------------
    def request(self, method, path, body=None, token="admin", headers=None, raw=None, base=None, timeout=60):
        url = (base or self.server.url) + path
        h = {}
        if token == "admin":
            token = self.admin
        if token:
            h["Authorization"] = "Bearer " + token
        data = None
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        elif body is not None:
            data = json.dumps(body).encode("utf-8")
            h["Content-Type"] = "application/merge-patch+json" if method == "PATCH" else "application/json"
        h.update(headers or {})
        req = urllib.request.Request(url, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                res = Response(r.status, r.getheaders(), r.read())
        except urllib.error.HTTPError as e:
            res = Response(e.code, e.headers.items(), e.read())
        ct = res.header("Content-Type") or ""
        if "json" in ct and res.body:
            bad = decimal_violations(res.body)
            assert not bad, "%s %s answered numbers with more decimals than their field allows: %s" % (
                method, path, ", ".join("%s = %s (at most %d)" % b for b in bad[:10]))
        return res

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def create(self, path, body, **kw):
        """POSTs and insists on 201; returns the created document."""
        r = self.post(path, body, **kw)
        assert r.status == 201, "POST %s -> %r" % (path, r)
        return r.json

    def entity(self, **fields):
        doc = {"code": self.unique("E"), "name": "Comune di Prova", "kind": "comune"}
        doc.update(fields)
        return self.create("/v1/entities", doc)

    def plan(self, entity_id, **fields):
        doc = {"entity_id": entity_id, "year": 2024, "title": "Piano della Performance 2024"}
        doc.update(fields)
        return self.create("/v1/plans", doc)

    # --- database -----------------------------------------------------------------------
    def sql(self, query):
        """Runs SQL with psql as the database owner; returns rows as lists of strings."""
        out = subprocess.run(["psql", self.owner_url, "-AtX", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", query],
                             check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def start_server(self, env=None):
        return Server(self, env, self.wrap)


def expect_problem(r, status, field=None):
    """Asserts an RFC 9457 answer with this status (and a field error naming field)."""
    assert r.status == status, "expected %d, got %r" % (status, r)
    ct = r.header("Content-Type") or ""
    assert ct.startswith("application/problem+json"), "content type %s" % ct
    doc = r.json
    assert doc["status"] == status and doc["title"] and "detail" in doc, doc
    if field is not None:
        fields = [e["field"] for e in doc.get("errors", [])]
        assert field in fields, "no error for %s in %s" % (field, doc)
    return doc


# What a sanitizer or valgrind writes when it found something (regular expressions). Valgrind's
# summary is "==PID== ERROR SUMMARY: N errors from M contexts": only N > 0 is a report.
SANITIZER_MARKERS = (r"ERROR: AddressSanitizer", r"runtime error:", r"LeakSanitizer",
                     r"==\d+== ERROR SUMMARY: [1-9]")


def sanitizer_reports(log):
    """[(marker, offset of its first match)] for every marker found in the server log."""
    found = []
    for marker in SANITIZER_MARKERS:
        m = re.search(marker, log)
        if m:
            found.append((marker, m.start()))
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--owner-url", default=None)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--filter", default="")
    args = ap.parse_args()
    sys.path.insert(0, HERE)
    ctx = Context(args)
    ctx.admin = ctx.token("admin")
    passed = failed = 0
    failures = []
    modules = sorted(f for f in os.listdir(HERE) if f.startswith("test_") and f.endswith(".py"))
    ctx.server = ctx.start_server()
    started = time.time()
    try:
        for name in modules:
            spec = importlib.util.spec_from_file_location(name[:-3], os.path.join(HERE, name))
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            tests = [(n, getattr(mod, n)) for n in dir(mod) if n.startswith("test_") and callable(getattr(mod, n))]
            tests.sort(key=lambda t: t[1].__code__.co_firstlineno)
            for tname, fn in tests:
                full = "%s::%s" % (name[:-3], tname)
                if args.filter and args.filter not in full:
                    continue
                if ctx.server.proc.poll() is not None:
                    print("server died; restarting it", flush=True)
                    ctx.server = ctx.start_server()
                t0 = time.time()
                try:
                    fn(ctx)
                    passed += 1
                    print("ok   %-70s %.2fs" % (full, time.time() - t0), flush=True)
                except Exception:  # noqa: BLE001 - a test failure of any kind
                    failed += 1
                    failures.append(full)
                    print("FAIL %s\n%s" % (full, traceback.format_exc()), flush=True)
    finally:
        code = ctx.server.stop()
        log = ctx.server.log_text()
        if code != 0:
            failed += 1
            failures.append("server exit code %s" % code)
            print("FAIL the server exited with %s\n%s" % (code, log[-3000:]))
        for marker, i in sanitizer_reports(log):
            failed += 1
            failures.append("sanitizer report: " + marker)
            print("FAIL sanitizer report in the server log:\n" + log[max(0, i - 200):i + 4000])
    print("integration suite: %.1fs" % (time.time() - started))
    for f in failures:
        print("failed: " + f)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
