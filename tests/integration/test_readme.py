"""A newcomer's first hour (issue 18): README's example session runs as pasted right after
`make run`, and `make run` keeps its admin token.

The session is taken from README.md between `<!-- session:start -->` and `<!-- session:end -->`
and run with `sh` exactly as written, except for its `U=http://127.0.0.1:8080` line, which
points at this test's server. The server runs on a database of its own, loaded the way
tools/run-local.sh loads it (tools/load-demo.sh, the admin token of tools/admin-token.sh in
var/admin-token, the illustrative monitoring of tools/load-monitoring.py), so the session meets
the demo plans as a newcomer's does. Its output must be the README's answers block.
"""
import json
import os
import shutil
import stat
import subprocess
import tempfile

from run import ROOT

README = os.path.join(ROOT, "README.md")
README_URL_LINE = "U=http://127.0.0.1:8080"


def _between(text, start, end):
    assert text.count(start) == 1 and text.count(end) == 1, "README.md needs one %s ... %s" % (start, end)
    block = text.split(start, 1)[1].split(end, 1)[0].strip()
    lines = block.splitlines()
    assert lines[0].startswith("```") and lines[-1] == "```", "the block between %s and %s is not fenced" % (start, end)
    return "\n".join(lines[1:-1]) + "\n"


def readme_session():
    """(session script, expected output) as README.md shows them."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    return (_between(text, "<!-- session:start -->", "<!-- session:end -->"),
            _between(text, "<!-- answers:start -->", "<!-- answers:end -->"))


def run_tool(cmd, database_url, env=None):
    """Runs cmd from the repository's folder on database_url; insists on exit 0; its stdout."""
    r = subprocess.run(cmd, cwd=ROOT, env=dict(os.environ, DATABASE_URL=database_url, **(env or {})),
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, "%s exited %d:\n%s\n%s" % (cmd, r.returncode, r.stdout, r.stderr)
    return r.stdout


def admin_token(ctx, server, database_url, path):
    """What `make run` does for its admin token (tools/admin-token.sh), keeping it in path."""
    return run_tool(["sh", "tools/admin-token.sh", path, server.url, ctx.bin], database_url).strip()


class DemoDatabase:
    """A database of the test cluster migrated and loaded like `make run`'s, with its own server."""

    def __init__(self, ctx, name="readme"):
        self.ctx = ctx
        self.name = "%s_%d" % (name, os.getpid())
        ctx.sql("DROP DATABASE IF EXISTS %s" % self.name)
        ctx.sql("CREATE DATABASE %s" % self.name)
        assert "@/ciclo?" in ctx.database_url and "@/ciclo?" in ctx.owner_url, ctx.database_url
        # as make run: migrations as the owner, everything else as the service role
        owner_url = ctx.owner_url.replace("@/ciclo?", "@/%s?" % self.name)
        self.url = ctx.database_url.replace("@/ciclo?", "@/%s?" % self.name)
        self.server = None
        run_tool([ctx.bin, "migrate"], owner_url,
                 {"CICLO_SERVICE_ROLE": "ciclo_service"} if self.url != owner_url else {})
        loaded = self.run(["sh", "tools/load-demo.sh", ctx.bin])
        assert loaded.count("loaded:") == 6, loaded  # four plans, the PIAO example and Caluso's revision 2
        self.server = ctx.start_server({"DATABASE_URL": self.url})

    def run(self, cmd):
        return run_tool(cmd, self.url)

    def close(self):
        if self.server:
            self.server.stop()
        self.ctx.sql("DROP DATABASE IF EXISTS %s" % self.name)


def test_readme_session_runs_as_pasted_after_make_run(ctx):
    session, answers = readme_session()
    assert session.count(README_URL_LINE + "\n") == 1, "the session must set U=http://127.0.0.1:8080 on a line of its own"
    assert "var/admin-token" in session, "the session reads the token that `make run` keeps"
    demo = DemoDatabase(ctx)
    home = tempfile.mkdtemp(dir=ctx.tmp)
    try:
        token = admin_token(ctx, demo.server, demo.url, os.path.join(home, "var", "admin-token"))
        demo.run(["python3", "tools/load-monitoring.py", demo.server.url, token, "examples/monitoring"])
        script = session.replace(README_URL_LINE, "U=" + demo.server.url)
        r = subprocess.run(["sh", "-c", script], cwd=home, env=dict(os.environ), capture_output=True,
                           text=True, timeout=120)
        assert r.stderr == "", "the session complained:\n" + r.stderr
        assert r.stdout == answers, "the session printed:\n%s\nREADME shows:\n%s" % (r.stdout, answers)
        with open(os.path.join(home, "relazione.csv"), encoding="utf-8") as f:
            report = f.read()
        assert ";OB1;Trasparenza;100;" in report, report
        # the demo plans are untouched: Caluso's plan is still the one plan of CALUSO, and the
        # session's entity holds exactly its own plan
        ents = {e["code"]: e["id"] for e in ctx.get("/v1/entities?limit=100", token=token,
                                                     base=demo.server.url).json["items"]}
        assert {"CALUSO", "CMTO", "TORTONA", "CMVE", "PROVA"} <= set(ents), ents
        for code, n in (("CALUSO", 1), ("PROVA", 1)):
            plans = ctx.get("/v1/plans?entity_id=%d" % ents[code], token=token, base=demo.server.url).json["items"]
            assert len(plans) == n, (code, plans)
    finally:
        shutil.rmtree(home, ignore_errors=True)
        demo.close()


def test_make_run_shows_the_same_admin_token_kept_owner_only(ctx):
    def again():  # one run of `make run`'s start-up logic for the token, on the suite's database
        return admin_token(ctx, ctx.server, ctx.database_url, path)

    home = tempfile.mkdtemp(dir=ctx.tmp)
    path = os.path.join(home, "var", "admin-token")
    try:
        first = again()
        assert first.startswith("ciclo_"), first
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, oct(os.stat(path).st_mode)
        assert ctx.get("/v1/entities", token=first).status == 200
        os.chmod(path, 0o644)  # a file someone opened up is closed again
        assert again() == first
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        # a token the database no longer knows (it was reset) is replaced by a new one
        with open(path, "w") as f:
            f.write("ciclo_notatokenofthisdatabase0000000000000000\n")
        second = again()
        assert second != first and second.startswith("ciclo_"), second
        assert ctx.get("/v1/entities", token=second).status == 200
        assert again() == second
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_the_feed_example_of_examples_readme_runs_against_the_demo(ctx):
    """examples/README.md describes the ERP feeds (README points there) and its example, run as
    written after `make run`, prints the answers it shows: a real indicator of a demo plan, a
    UTF-8 file, a Windows-1252 one without a charset, and a re-sent one that adds nothing. The
    OpenAPI document's measurements-feed example names a demo indicator too."""
    path = os.path.join(ROOT, "examples", "README.md")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for feed in ("structures:import", "people:import", "measurements:import", "progress:import",
                 "financials:import"):
        assert "/" + feed in text, "examples/README.md does not describe %s" % feed
    with open(README, encoding="utf-8") as f:
        assert "ERP feeds are described in\n[examples/README.md]" in f.read()
    script = _between(text, "<!-- feed:start -->", "<!-- feed:end -->")
    answers = _between(text, "<!-- feed-answers:start -->", "<!-- feed-answers:end -->")
    assert script.count(README_URL_LINE + "\n") == 1
    codes = set()
    for name in os.listdir(os.path.join(ROOT, "examples")):
        if name.endswith(".json"):
            with open(os.path.join(ROOT, "examples", name), encoding="utf-8") as f:
                doc = json.load(f)
            codes |= {i["code"] for o in doc["objectives"] for i in o.get("indicators", [])}
    with open(os.path.join(ROOT, "openapi", "openapi.yaml"), encoding="utf-8") as f:
        spec = f.read()
    example = spec.split("indicator_code;as_of;value;source;note\n", 1)[1].split("\n", 1)[0]
    assert example.strip().split(";")[0] in codes, "the OpenAPI feed example names no demo indicator: " + example
    demo = DemoDatabase(ctx, "feeds")
    home = tempfile.mkdtemp(dir=ctx.tmp)
    try:
        token = admin_token(ctx, demo.server, demo.url, os.path.join(home, "var", "admin-token"))
        demo.run(["python3", "tools/load-monitoring.py", demo.server.url, token, "examples/monitoring"])
        r = subprocess.run(["sh", "-c", script.replace(README_URL_LINE, "U=" + demo.server.url)], cwd=home,
                           env=dict(os.environ), capture_output=True, text=True, timeout=120)
        assert r.stderr == "", "the example complained:\n" + r.stderr
        assert r.stdout == answers, "the example printed:\n%s\nexamples/README.md shows:\n%s" % (r.stdout, answers)
        with open(os.path.join(home, "ottobre.csv"), "rb") as f:
            assert b"attivit\xe0 di ottobre" in f.read()
        owner = ctx.owner_url.replace("@/ciclo?", "@/%s?" % demo.name)  # the tables' owner: no row filter
        notes = subprocess.run(["psql", owner, "-AtX", "-c", "SELECT m.note FROM measurements m JOIN indicators i "
                                "ON i.id = m.indicator_id WHERE i.code = 'SET-13-I1' AND m.as_of BETWEEN '2024-09-01' AND '2024-11-30' "
                                "ORDER BY m.as_of"], capture_output=True, text=True, check=True).stdout
        assert notes.splitlines() == ["terzo trimestre", "attività di ottobre"], notes
    finally:
        shutil.rmtree(home, ignore_errors=True)
        demo.close()
