"""The Piano's refusal from its bound (issue 21): GET /v1/plans/{id}/document counts the plan's
objectives, phases and indicators first (one statement) and answers 503 document_too_large at
once, before building the report and the document, when the least the page can take
(render/plan_html.h: per objective, phase and indicator, the literal markup plan_html always
writes) already passes the limit. The limit is 64 MiB; a second server started with
CICLO_DOC_LIMIT (bytes; a test aid that lowers it) shows that a plan over the lowered limit gets
the very answer the page's overflow gives, whether its bound or its page passes, that a plan
under it is answered as by the suite's server, and that the problems of the request (unknown
plan, another entity's plan, bad as_of, bad revision) stay what they were. The working copy is
counted from the live tables, an adopted revision from its snapshot.
"""
import subprocess
import time

from run import expect_problem

# render/plan_html.h
MIN_OBJECTIVE, MIN_PHASE, MIN_INDICATOR = 480, 240, 80
_state = {}


def plan(ctx, n):
    """A plan of n objectives with 1 phase and 2 indicators each, adopted (revision 1), then
    revised to 2n such objectives (revision 2, the working copy): (id, entity id)."""
    code = ctx.unique("DBD")

    def document(count, number):
        objectives = [{"code": "OB-%04d" % i, "title": "Obiettivo %d" % i, "level": "management",
                       "scope": "structure", "assignments": [{"structure_code": "S1", "weight": 100}],
                       "phases": [{"seq": 1, "description": "Fase", "deadline": "2024-06-30", "weight": 100}],
                       "indicators": [{"code": "IN-%04d-%d" % (i, k), "name": "Indicatore", "group": "quantity",
                                       "value_type": "number", "target": 10, "baseline": 0, "weight": 50,
                                       "rule": {"kind": "linear", "target": 10, "baseline": 0}} for k in range(2)]}
                      for i in range(count)]
        return {"format": "ciclo-plan/1", "entity": {"code": code, "name": "Ente del limite", "kind": "comune"},
                "year": 2024, "kind": "performance", "title": "Piano del limite",
                "deliberation": {"number": number, "date": "2024-01-31", "body": "Giunta Comunale"},
                "structures": [{"code": "S1", "name": "Settore", "kind": "servizio"}], "people": [],
                "objectives": objectives}

    r = ctx.post("/v1/plans:import", document(n, "1/2024"), timeout=300)
    assert r.status == 201 and r.json["revision"] == 1, r
    pid = r.json["id"]
    r = ctx.post("/v1/plans/%d/revisions:import" % pid, document(2 * n, "2/2024"), timeout=300)
    assert r.status == 201 and r.json["revision"] == 2, r
    entity = ctx.sql("SELECT id FROM entities WHERE code = '%s'" % code)[0][0]
    return pid, entity


def bound(objectives):
    return objectives * (MIN_OBJECTIVE + MIN_PHASE + 2 * MIN_INDICATOR)


def test_refused_from_the_bound_with_the_overflows_answer(ctx):
    n = 30
    pid, entity = plan(ctx, n)
    working = "/v1/plans/%d/document?as_of=2024-06-30" % pid
    revision = working + "&revision=1"
    full_w, full_r = ctx.get(working, timeout=120), ctx.get(revision, timeout=120)
    assert full_w.status == 200 and full_r.status == 200, (full_w, full_r)
    bound_w, bound_r = bound(2 * n), bound(n)  # the working copy, revision 1
    assert bound_r < bound_w and len(full_r.body) < len(full_w.body), (len(full_r.body), len(full_w.body))
    assert bound_w < len(full_r.body), "the bound must be below the pages to tell the ways apart"

    # a limit below both bounds: both refused from their counts
    low = ctx.start_server({"CICLO_DOC_LIMIT": str(bound_r - 1)})
    # a limit at the larger bound, below both pages: both refused when their page overflows
    late = ctx.start_server({"CICLO_DOC_LIMIT": str(bound_w)})
    answers = {}
    for name, server in (("low", low), ("late", late)):
        for path in (working, revision):
            r = ctx.get(path, base=server.url, timeout=120)
            expect_problem(r, 503)
            assert r.json["code"] == "document_too_large", r
            answers[(name, path)] = (r.status, r.header("Content-Type"), r.body)
    assert answers[("low", working)] == answers[("late", working)] == answers[("low", revision)], answers
    assert answers[("late", revision)] == answers[("low", revision)]

    # refused from the counts alone: while another session holds the people table (which the
    # report and the document read, the counts do not), the answer comes all the same
    holder = subprocess.Popen(["psql", ctx.owner_url, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c",
                               "BEGIN; LOCK TABLE people IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(6); COMMIT;"],
                              stdout=subprocess.DEVNULL)
    try:
        held = "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation " \
               "WHERE c.relname = 'people' AND l.mode = 'AccessExclusiveLock' AND l.granted"
        deadline = time.monotonic() + 5
        while ctx.sql(held)[0][0] != "1":
            assert time.monotonic() < deadline, "the lock was not taken"
            time.sleep(0.05)
        t0 = time.monotonic()
        got = [ctx.get(path, base=low.url, timeout=30) for path in (working, revision)]
        took = time.monotonic() - t0
        assert ctx.sql(held)[0][0] == "1", "the lock went before the answers came: retry on a quieter machine"
    finally:
        holder.wait(timeout=30)
    for r in got:
        assert (r.status, r.header("Content-Type"), r.body) == answers[("low", working)], r
    assert took < 3, took

    # a page under the lowered limit is the suite server's page, byte for byte
    roomy = ctx.start_server({"CICLO_DOC_LIMIT": str(len(full_w.body))})
    for path, full in ((working, full_w), (revision, full_r)):
        r = ctx.get(path, base=roomy.url, timeout=120)
        assert (r.status, r.header("Content-Type"), r.body) == (200, full.header("Content-Type"), full.body), path

    # the request's own problems come first, as before: the suite server's answers
    other = plan(ctx, 1)[1]
    stranger = ctx.token("reader", entity=other, name="another entity")
    for path, token, status in (("/v1/plans/999999999/document", "admin", 404),
                                (working.replace("2024-06-30", "2024-02-30"), "admin", 400),
                                (working + "&revision=0", "admin", 400),
                                ("/v1/plans/%d/document?revision=9" % pid, "admin", 404),
                                (working + "&format=csv", "admin", 406),
                                (working, stranger, 404)):
        r, before = ctx.get(path, base=low.url, token=token), ctx.get(path, token=token)
        assert r.status == status, (path, r, before)
        expect_problem(r, status)
        assert (r.status, r.body) == (before.status, before.body), path
