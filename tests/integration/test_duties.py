"""Separation of duties (issue 16, hole 2; docs/SECURITY.md "Separation of duties").

Who may issue and revoke which token is decided by auth_may_issue / auth_may_revoke (src/api/auth.c);
these tests call it from the outside, as the planner, the admin and the command line.
"""
import json
import time

from run import expect_problem


def token_id(ctx, secret):
    return int(ctx.sql("SELECT id FROM tokens WHERE hash = sha256('%s'::bytea)" % secret)[0][0])


def setup(ctx):
    e = ctx.entity(name="Comune dei doveri")
    eid = e["id"]
    anna = ctx.create("/v1/entities/%d/people" % eid, {"name": "Anna Rossi", "external_id": "AR"})
    s1 = ctx.create("/v1/entities/%d/structures" % eid, {"code": "S1", "name": "Ragioneria", "manager_id": anna["id"]})
    return eid, anna, s1


def test_planner_mints_only_roles_it_may_act_as(ctx):
    eid, anna, _ = setup(ctx)
    pl = ctx.token("planner", entity=eid, name="ufficio piano")
    pl_id = token_id(ctx, pl)
    # never a manager (the one who signs its staff's forms), an evaluator (the Nucleo), an admin, nor a
    # token that names someone else: each is a 403, and nothing is stored
    before = ctx.sql("SELECT count(*) FROM tokens")[0][0]
    for body in ({"role": "manager", "name": "Anna Rossi", "person_id": anna["id"]},
                 {"role": "evaluator", "name": "Nucleo"},
                 {"role": "admin", "name": "root"},
                 {"role": "reader", "name": "Anna", "person_id": anna["id"]},
                 {"role": "planner", "name": "Anna", "person_id": anna["id"]}):
        d = expect_problem(ctx.post("/v1/tokens", body, token=pl), 403)
        assert "person" in d["detail"] or "may not issue" in d["detail"], d
    assert ctx.sql("SELECT count(*) FROM tokens")[0][0] == before
    # what it may act as itself: planner, reader, erp of its entity; each remembers its issuer
    for role in ("planner", "reader", "erp"):
        r = ctx.post("/v1/tokens", {"role": role, "name": "per %s" % role}, token=pl)
        assert r.status == 201 and r.json["issued_by"] == pl_id and r.json["entity_id"] == eid, r
    # the chain does not launder: a planner made by a planner still cannot make an evaluator
    child = ctx.post("/v1/tokens", {"role": "planner", "name": "figlio"}, token=pl).json["token"]
    expect_problem(ctx.post("/v1/tokens", {"role": "evaluator", "name": "Nucleo"}, token=child), 403)
    expect_problem(ctx.post("/v1/tokens", {"role": "manager", "name": "x", "person_id": anna["id"]}, token=child), 403)


def test_evaluator_acts_never_come_from_a_planner(ctx):
    """The planner validated its own plan with an evaluator token it minted; it signed a manager's
    form with a manager token it minted. Neither token can be minted any more, by the planner or
    by anything the planner minted, so validation and signing stay with the Nucleo and the admin."""
    eid, anna, _ = setup(ctx)
    plan = ctx.plan(eid, year=2031)
    o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB1", "title": "x"})
    ctx.create("/v1/objectives/%d/phases" % o["id"], {"seq": 1, "description": "x", "weight": 100})
    assert ctx.post("/v1/plans/%d/adopt" % plan["id"], {"deliberation": {"number": "1", "date": "2031-01-20"}}).status == 200
    assert ctx.post("/v1/plans/%d/close" % plan["id"]).status == 200
    pl = ctx.token("planner", entity=eid)
    minted = [pl] + [ctx.post("/v1/tokens", {"role": r, "name": "m"}, token=pl).json["token"]
                     for r in ("planner", "reader", "erp")]
    for t in minted:
        expect_problem(ctx.post("/v1/plans/%d/validation" % plan["id"], {}, token=t), 403)
        expect_problem(ctx.post("/v1/tokens", {"role": "evaluator", "name": "Nucleo"}, token=t), 403)
    # the admin's evaluator token (the Nucleo's) validates
    nucleo = ctx.post("/v1/tokens", {"role": "evaluator", "name": "Nucleo", "entity_id": eid}).json["token"]
    assert ctx.post("/v1/plans/%d/validation" % plan["id"], {}, token=nucleo).status == 200


def test_planner_cannot_revoke_the_nucleo(ctx):
    eid, anna, _ = setup(ctx)
    pl = ctx.token("planner", entity=eid)
    nucleo = ctx.post("/v1/tokens", {"role": "evaluator", "name": "Nucleo", "entity_id": eid}).json
    boss = ctx.post("/v1/tokens", {"role": "manager", "name": "x", "entity_id": eid, "person_id": anna["id"]}).json
    for t in (nucleo, boss):
        expect_problem(ctx.delete("/v1/tokens/%d" % t["id"], token=pl), 403)
        assert ctx.get("/v1/plans", token=t["token"]).status == 200
    # its own issues, itself: yes
    mine = ctx.post("/v1/tokens", {"role": "reader", "name": "mio"}, token=pl).json
    assert ctx.delete("/v1/tokens/%d" % mine["id"], token=pl).status == 204
    # the admin revokes the Nucleo's; the audit row has before and after
    assert ctx.delete("/v1/tokens/%d" % nucleo["id"]).status == 204
    expect_problem(ctx.get("/v1/plans", token=nucleo["token"]), 401)
    row = ctx.get("/v1/audit?resource=tokens&resource_id=%d&action=revoke" % nucleo["id"]).json["items"]
    assert len(row) == 1, row
    assert row[0]["before"]["revoked_at"] is None and row[0]["after"]["revoked_at"], row
    assert row[0]["before"]["role"] == "evaluator" and row[0]["after"]["id"] == nucleo["id"]
    assert nucleo["token"] not in json.dumps(row)


def test_issuing_is_audited_with_the_issuer_chain(ctx):
    eid, anna, s1 = setup(ctx)
    # the command line (the first admin's path) writes an audit row too
    root = ctx.token("admin", name="primo amministratore")
    root_id = token_id(ctx, root)
    rows = ctx.get("/v1/audit?resource=tokens&resource_id=%d" % root_id, token=root).json["items"]
    assert [(a["action"], a["actor"]["name"], a["actor"]["token_id"]) for a in rows] == \
        [("create", "ciclo token create", None)], rows
    assert rows[0]["after"]["role"] == "admin" and rows[0]["after"]["issued_by"] is None
    # the admin issues Anna's manager token under a made-up name; Anna acts under her registered
    # name, and the audit row names the token, its issuer and the issuer's issuer (the command line)
    r = ctx.post("/v1/tokens", {"role": "manager", "name": "Mario Bianchi", "entity_id": eid,
                                "person_id": anna["id"]}, token=root)
    assert r.status == 201 and r.json["issued_by"] == root_id, r
    made = ctx.get("/v1/audit?resource=tokens&resource_id=%d" % r.json["id"], token=root).json["items"]
    assert made[0]["actor"]["chain"] == [root_id], made
    mgr = r.json["token"]
    plan = ctx.plan(eid, year=2032)
    o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB1", "title": "x"})
    ctx.create("/v1/objectives/%d/assignments" % o["id"], {"structure_id": s1["id"], "weight": 100})
    ph = ctx.create("/v1/objectives/%d/phases" % o["id"], {"seq": 1, "description": "x", "weight": 100})
    assert ctx.post("/v1/plans/%d/adopt" % plan["id"], {"deliberation": {"number": "1", "date": "2032-01-20"}}).status == 200
    assert ctx.post("/v1/phases/%d/progress" % ph["id"], {"percent_complete": 10}, token=mgr).status == 201
    acts = ctx.get("/v1/audit?resource=progress&plan_id=%d" % plan["id"]).json["items"]
    assert len(acts) == 1, acts
    assert acts[0]["actor"]["name"] == "Anna Rossi", acts
    assert acts[0]["actor"]["chain"] == [r.json["id"], root_id], acts
    assert "Mario Bianchi" not in json.dumps(acts)
    # a forged chain cannot be written: the database fills it from tokens.issued_by
    ctx.sql("INSERT INTO audit (entity_id, actor_token, actor_name, actor_role, action, resource, actor_chain) "
            "VALUES (%d, %d, 'x', 'manager', 'probe', 'probe', ARRAY[1,2,3])" % (eid, r.json["id"]))
    assert ctx.sql("SELECT actor_chain FROM audit WHERE action = 'probe' AND entity_id = %d" % eid) == \
        [["{%d,%d}" % (r.json["id"], root_id)]]


def test_revocation_holds_at_the_next_request_on_every_process(ctx):
    """A token cached by two processes is revoked through one; its next request there is a 401, and on
    the other as soon as the notification has come (within a second: test_token_notify.py), also
    where the answer needs no data (a stateless route, a route the role may not call), which once
    were answered from the cache for up to 300 s."""
    eid, _, _ = setup(ctx)
    other = ctx.start_server()
    try:
        t = ctx.post("/v1/tokens", {"role": "reader", "name": "a termine", "entity_id": eid}).json
        evaluate = {"rule": {"kind": "linear", "target": 100, "baseline": 0}, "value": 50}
        for base in (None, other.url):  # both processes cache the token
            assert ctx.get("/v1/plans", token=t["token"], base=base).status == 200
            assert ctx.post("/v1/rules:evaluate", evaluate, token=t["token"], base=base).status == 200
            expect_problem(ctx.post("/v1/plans", {}, token=t["token"], base=base), 403)
        assert ctx.delete("/v1/tokens/%d" % t["id"]).status == 204
        expect_problem(ctx.get("/v1/plans", token=t["token"]), 401)  # the revoking process: at once
        deadline = time.time() + 1.0
        while ctx.post("/v1/rules:evaluate", evaluate, token=t["token"], base=other.url).status == 200:
            assert time.time() < deadline, "the other process still trusts the token 1 s after its revocation"
            time.sleep(0.005)
        for base in (other.url, None):
            expect_problem(ctx.post("/v1/rules:evaluate", evaluate, token=t["token"], base=base), 401)
            expect_problem(ctx.post("/v1/plans", {}, token=t["token"], base=base), 401)
            expect_problem(ctx.get("/v1/plans", token=t["token"], base=base), 401)
    finally:
        other.stop()


def test_the_service_cannot_rewrite_the_audit_log(ctx):
    """The server runs as a role (ciclo_service, a member of ciclo_app) that may only INSERT into the
    audit log: UPDATE, DELETE, TRUNCATE and ALTER TABLE ... DISABLE TRIGGER are refused by the database
    itself. The tables belong to ciclo_owner, which the migrations set up. (Before, the service
    connected as the tables' owner, a superuser: all four succeeded.)"""
    import subprocess

    def as_service(sql):
        return subprocess.run(["psql", ctx.database_url, "-AtX", "-v", "ON_ERROR_STOP=1", "-c", sql],
                              capture_output=True, text=True)
    who = as_service("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
    assert who.returncode == 0 and who.stdout.strip() == "ciclo_service|f", who
    assert ctx.get("/v1/entities").status == 200
    users = {r[0] for r in ctx.sql("SELECT usename FROM pg_stat_activity WHERE datname = current_database() AND "
                                   "backend_type = 'client backend' AND pid <> pg_backend_pid()")}
    assert "ciclo_service" in users, users  # the server's pooled connections
    assert ctx.sql("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tableowner <> "
                   "'ciclo_owner'") == [["0"]]
    before = ctx.sql("SELECT count(*), max(id) FROM audit")
    for sql in ("UPDATE audit SET actor_name = 'nessuno'",
                "DELETE FROM audit",
                "TRUNCATE audit",
                "BEGIN; ALTER TABLE audit DISABLE TRIGGER audit_no_update; ROLLBACK",
                "BEGIN; ALTER TABLE audit DISABLE TRIGGER USER; UPDATE audit SET actor_name = 'x'; ROLLBACK",
                "SET session_replication_role = replica"):
        r = as_service(sql)
        assert r.returncode != 0 and ("permission denied" in r.stderr or "must be owner" in r.stderr), (sql, r)
    assert ctx.sql("SELECT count(*), max(id) FROM audit") == before
    # what it may do: append (an admin's row, of no entity: with row-level security, as the server
    # does for an admin, sql/016)
    r = as_service("SELECT set_config('ciclo.entity_id', 'all', false); INSERT INTO audit (actor_name, actor_role, "
                   "action, resource) VALUES ('prova', 'admin', 'probe', 'probe') RETURNING id")
    assert r.returncode == 0, r


def test_an_import_that_omits_a_manager_keeps_it(ctx):
    """A plan document or an ERP feed that names a structure without its manager used to clear the
    manager silently (and with it the manager's reach and score). Now a row without "manager" keeps
    it; "manager": null clears it, on purpose, with an audit row."""
    code = ctx.unique("MGR")
    doc = {"format": "ciclo-plan/1", "entity": {"code": code, "name": "Comune", "kind": "comune"},
           "year": 2024, "kind": "performance", "title": "Piano",
           "structures": [{"code": "FIN", "name": "Finanziario", "manager": "ROSSI_M"}],
           "people": [{"external_id": "ROSSI_M", "name": "Mario Rossi"}],
           "objectives": [{"code": "OB-1", "title": "x", "assignments": [{"structure_code": "FIN", "weight": 100}]}]}
    r = ctx.post("/v1/plans:import", doc)
    assert r.status == 201, r
    eid = r.json["entity_id"]
    manager = lambda: ctx.sql("SELECT coalesce(m.external_id, '-') FROM structures s LEFT JOIN people m ON "  # noqa: E731
                              "m.entity_id = s.entity_id AND m.id = s.manager_id WHERE s.entity_id = %d AND "
                              "s.code = 'FIN'" % eid)[0][0]
    assert manager() == "ROSSI_M"
    # the next year's plan names the structure, not its manager
    doc2 = dict(doc, year=2025, structures=[{"code": "FIN", "name": "Finanziario"}], people=[])
    assert ctx.post("/v1/plans:import", doc2).status == 201
    assert manager() == "ROSSI_M"
    # the ERP feed, in JSON and in CSV without the column
    base = "/v1/entities/%d/structures:import" % eid
    assert ctx.post(base, [{"code": "FIN", "name": "Servizi finanziari"}]).status == 200
    assert ctx.post(base, raw="code;name\r\nFIN;Finanziario\r\n", headers={"Content-Type": "text/csv"}).status == 200
    assert manager() == "ROSSI_M"
    # clearing on purpose
    assert ctx.post(base, [{"code": "FIN", "name": "Finanziario", "manager": None}]).status == 200
    assert manager() == "-"
    cleared = ctx.get("/v1/audit?entity_id=%d&resource=structures&action=update" % eid).json["items"]
    assert cleared[-1]["before"]["manager_id"] and cleared[-1]["after"]["manager_id"] is None, cleared


def test_an_import_is_audited_row_by_row(ctx):
    """A whole-plan import (POST /v1/plans:import and `ciclo import`) writes, besides the plan's
    summary row, one audit row per objective, assignment, phase and indicator it creates, with the
    row as after; a revision import (revisions:import) one per row it creates, changes or removes.
    (Before, a whole-plan import was one summary row.)"""
    import os
    import subprocess
    import tempfile
    from test_import_revisions import load

    def audited(pid):
        rows = ctx.sql("SELECT resource, action, count(*), count(*) FILTER (WHERE after ? 'id' OR before ? 'id') "
                       "FROM audit WHERE plan_id = %d AND resource IN ('objectives', 'assignments', 'phases', "
                       "'indicators') GROUP BY 1, 2" % pid)
        assert all(r[2] == r[3] for r in rows), rows  # every row carries the record it wrote
        return {(r[0], r[1]): int(r[2]) for r in rows}

    def live(pid):
        return {t: int(ctx.sql("SELECT count(*) FROM %s WHERE plan_id = %d AND removed_in_revision IS NULL"
                               % (t, pid))[0][0]) for t in ("objectives", "assignments", "phases", "indicators")}
    r1, r2 = load("caluso-2022-r1.json"), load("caluso-2022-r2.json")
    r1["entity"]["code"] = r2["entity"]["code"] = ctx.unique("AUDIMP")
    res = ctx.post("/v1/plans:import", r1, timeout=120)
    assert res.status == 201, res
    pid = res.json["id"]
    made = live(pid)
    assert made["objectives"] and made["indicators"] and made["phases"] and made["assignments"], made
    assert audited(pid) == {(t, "create"): n for t, n in made.items()}
    assert ctx.sql("SELECT count(*) FROM audit WHERE resource = 'plans' AND resource_id = %d AND action = 'import'"
                   % pid) == [["1"]]
    # a revision: one row per insert, update and removal it makes
    before = audited(pid)
    r = ctx.post("/v1/plans/%d/revisions:import" % pid, r2, timeout=120)
    assert r.status == 201, r
    after = audited(pid)
    for table, ch in r.json["changes"].items():
        if table not in ("objectives", "assignments", "phases", "indicators"):
            continue
        for action, key in (("create", "inserted"), ("update", "updated"), ("delete", "removed")):
            got = after.get((table, action), 0) - before.get((table, action), 0)
            assert got == ch[key], (table, action, got, ch)
    # the command line's import, through the same statement
    doc = load("tortona-2024.json")
    doc["entity"]["code"] = ctx.unique("AUDCLI")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(doc, f)
    try:
        out = subprocess.run([ctx.bin, "import", f.name], env=dict(os.environ, DATABASE_URL=ctx.database_url),
                             capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    assert out.returncode == 0, out
    pid = int(out.stdout.split()[1])
    assert audited(pid) == {(t, "create"): n for t, n in live(pid).items() if n}, out.stdout
