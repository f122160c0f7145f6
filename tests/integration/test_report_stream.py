"""The report as JSON and CSV written as it is walked (issue 21): each row, total and objective
built, dumped into the answer and freed in turn, instead of one jansson tree of the whole report
(api/report.c, report_stream). The answer must be the one the tree gave, byte for byte, headers
included: a second server started with CICLO_REPORT_TREE=1 (a test aid: the old way, the whole
tree of report_document dumped by http_json or csv_report) answers the same requests, and the
two are compared for the example plans with their monitoring and for a generated plan that has
what the order and the personal rule turn on: structures in a tree whose order is not their
insertion order, managers and people with equal names, several assignees per objective,
missing weights, deviation analyses, measurements, phases, texts that need escaping; read by
the admin and by a reader whose token names one person (who sees only that person's rows).
The problems (unknown plan, bad as_of, bad revision) are the same too.

The workbook (?format=xlsx) is written the same way, one row handed to libxlsxwriter at a time
in constant_memory mode; the tree's path writes it through the same pieces, so the two
workbooks hold the same files byte for byte, but for the creation time in docProps/core.xml;
every text is an inline string (no shared string table). test_documents_xlsx reads the
streamed workbooks in LibreOffice.

The HTML Relazione (?format=html) is written the same way (report_stream_html: the cover's charts
from the structures' totals and scores, then one section per assignee), byte for byte the page
report_html draws from the tree; test_documents prints it in Chromium. Its limit (DOC_LIMIT,
lowered here by the test aid CICLO_DOC_LIMIT) bounds only the answer's text: a page of exactly
the limit is answered, one byte less is the same 503 document_too_large as the tree's.
"""
import io
import re
import zipfile

from run import expect_problem
from test_documents import demo

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADERS = ("Content-Type", "Content-Length", "ETag", "Content-Disposition")
_state = {}


def tree(ctx):
    if "tree" not in _state:
        _state["tree"] = ctx.start_server({"CICLO_REPORT_TREE": "1"})
    return _state["tree"]


def same(ctx, path, token="admin", headers=None):
    """GETs path from the suite's server (streamed) and the tree's; asserts the same answer."""
    a = ctx.get(path, token=token, headers=headers, timeout=300)
    b = ctx.get(path, token=token, headers=headers, base=tree(ctx).url, timeout=300)
    assert a.status == b.status, (path, a, b)
    for h in HEADERS:
        assert a.header(h) == b.header(h), (path, h, a.header(h), b.header(h))
    assert a.body == b.body, (path, len(a.body), len(b.body), first_difference(a.body, b.body))
    return a


def members(data):
    """{name: bytes} of a workbook's zip, the creation and modification times of
    docProps/core.xml blanked (the one part that differs from one writing to the next)."""
    z = zipfile.ZipFile(io.BytesIO(data))
    out = {n: z.read(n) for n in z.namelist()}
    out["docProps/core.xml"] = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\1",
                                      out["docProps/core.xml"])
    return out


def same_xlsx(ctx, path, token="admin"):
    """GETs path (a workbook) from both servers; asserts the same answer: status, type and file
    name, and the same files in the workbook. Returns the streamed answer."""
    a = ctx.get(path, token=token, timeout=300)
    b = ctx.get(path, token=token, base=tree(ctx).url, timeout=300)
    assert a.status == b.status, (path, a, b)
    for h in ("Content-Type", "Content-Disposition"):
        assert a.header(h) == b.header(h), (path, h, a.header(h), b.header(h))
    if a.status != 200:
        assert a.body == b.body, (path, a.body, b.body)
        return a
    assert a.header("Content-Type") == XLSX, a
    x, y = members(a.body), members(b.body)
    assert sorted(x) == sorted(y), (path, sorted(x), sorted(y))
    for name in x:
        assert x[name] == y[name], (path, name, first_difference(x[name], y[name]))
    assert "xl/sharedStrings.xml" not in x, sorted(x)  # constant_memory: inline strings
    sheets = [n for n in x if n.startswith("xl/worksheets/sheet")]
    assert sheets and all(b't="inlineStr"' in x[n] for n in sheets), sheets
    return a


def first_difference(x, y):
    i = next((k for k in range(min(len(x), len(y))) if x[k] != y[k]), min(len(x), len(y)))
    return i, x[max(0, i - 80):i + 80], y[max(0, i - 80):i + 80]


def both_formats(ctx, plan, as_of, token="admin"):
    """The JSON and CSV answers (both ways of asking for the CSV) compared; returns them."""
    q = "/v1/plans/%d/report?as_of=%s" % (plan, as_of)
    j = same(ctx, q, token)
    c = same(ctx, q + "&format=csv", token)
    assert same(ctx, q, token, headers={"Accept": "text/csv"}).body == c.body
    assert j.status == 200 and c.status == 200, (j, c)
    assert c.body.startswith(b"\xef\xbb\xbf"), c.body[:20]
    same_xlsx(ctx, q + "&format=xlsx", token)
    h = same(ctx, q + "&format=html", token)
    assert h.status == 200 and h.header("Content-Type").startswith("text/html"), h
    assert h.body.startswith(b"<!DOCTYPE html>") and h.body.rstrip().endswith(b"</html>"), h.body[-40:]
    assert same(ctx, q, token, headers={"Accept": "text/html"}).body == h.body
    return j, c


def test_examples_stream_as_the_tree(ctx):
    for code, (pid, year, n) in demo(ctx).items():
        for as_of in ("%d-06-30" % year, "%d-12-31" % year):
            j, c = both_formats(ctx, pid, as_of)
            assert len(j.json["objectives"]) >= n and j.json["rows"], (code, as_of)
            assert c.body.count(b";TOTALE;") == len(j.json["totals"]) + 1, code
        same(ctx, "/v1/plans/%d/report?revision=1" % pid)


def generated(ctx):
    """A plan of 6 structures in a tree (codes and names out of tree order), 4 managers (two of the
    same name), people assigned directly, 40 objectives of 1 to 4 assignees, some without weight,
    indicators with measurements, phases with progress, two reviews with deviation analyses."""
    code = ctx.unique("RST")
    people = [{"external_id": "P%d" % i, "name": n, "role": "dirigente"}
              for i, n in enumerate(["Zeno Rossi", "Anna Bianchi", "Anna Bianchi", "Carlo \"Cì\" Verdi; capo",
                                     "Bruno Neri", "Dario Gialli"])]
    structures = [{"code": "Z9", "name": "Zeta radice", "kind": "direzione", "manager": "P0"},
                  {"code": "A1", "name": "Alfa", "kind": "servizio", "manager": "P1", "parent_code": "Z9"},
                  {"code": "M5", "name": "Emme; \"virgolette\"", "kind": "direzione", "manager": "P2"},
                  {"code": "B2", "name": "Beta\nsu due righe", "kind": "ufficio", "parent_code": "A1",
                   "manager": "P3", "interim": True},
                  {"code": "C3", "name": "Gamma", "kind": "servizio", "parent_code": "M5"},
                  {"code": "AA", "name": "Prima", "kind": "servizio", "parent_code": "Z9", "manager": "P1"}]
    codes = [s["code"] for s in structures]
    objectives = []
    for i in range(40):
        assignments = []
        for k in range(1 + i % 4):
            a = {"structure_code": codes[(i + 2 * k) % len(codes)]}
            if (i + k) % 3:
                a["weight"] = 5 + (i * 7 + k) % 30
            assignments.append(a)
        if i % 5 == 0:
            assignments.append({"person_external_id": "P%d" % (4 + i % 2), "weight": 10})
        if i % 7 == 3:
            assignments.append({"person_external_id": "P3"})
        # one structure once per objective: the document allows it only once
        seen, unique = set(), []
        for a in assignments:
            key = a.get("structure_code") or a.get("person_external_id")
            if key not in seen:
                seen.add(key)
                unique.append(a)
        o = {"code": "OB-%02d" % i, "title": "Obiettivo %d: \u00abvirgolette\u00bb \\ e; punto" % i,
             "level": "management", "scope": "structure", "assignments": unique,
             "indicators": [{"code": "IN-%02d-%d" % (i, k), "name": "Indicatore %d.%d" % (i, k), "group": "quantity",
                             "value_type": "number", "target": 100, "baseline": 0, "weight": 50,
                             "rule": {"kind": "linear", "target": 100, "baseline": 0}} for k in range(i % 3)],
             "phases": [{"seq": k + 1, "description": "Fase %d" % (k + 1), "start": "2024-01-01",
                         "deadline": "2024-%02d-28" % (4 * k + 3), "weight": 50} for k in range(i % 2 * 2)]}
        if i % 10:
            o["parent_code"] = "OB-%02d" % (i - 1)
        objectives.append(o)
    doc = {"format": "ciclo-plan/1", "entity": {"code": code, "name": "Ente \"flusso\"", "kind": "comune"},
           "year": 2024, "kind": "performance", "title": "Piano del flusso", "structures": structures,
           "people": people, "objectives": objectives}
    r = ctx.post("/v1/plans:import", doc, timeout=300)
    assert r.status == 201, r
    plan = r.json["id"]
    rep = ctx.get("/v1/plans/%d/report" % plan, timeout=120).json
    ids = {o["code"]: o["objective_id"] for o in rep["objectives"]}
    indicators = {}
    for row in rep["rows"]:
        indicators[row["objective_id"]] = [i["indicator_id"] for i in row["indicators"]]
    for n, o in enumerate(rep["objectives"]):
        for k, ind in enumerate(indicators.get(o["objective_id"], [])):
            if (n + k) % 3:
                m = ctx.post("/v1/indicators/%d/measurements" % ind,
                             {"value": 30 + (n * 13 + k) % 90, "as_of": "2024-0%d-15" % (3 + k)})
                assert m.status == 201, m
        for k, ph in enumerate(o["phases"]):
            if k == 0 or n % 4 == 0:
                m = ctx.post("/v1/phases/%d/progress" % ph["phase_id"],
                             {"percent_complete": 100 if k == 0 else 40, "as_of": "2024-05-10"})
                assert m.status in (200, 201), m
    for kind, as_of, items in (("intermediate", "2024-06-30", ["OB-01", "OB-07", "OB-15"]),
                               ("intermediate", "2024-09-30", ["OB-07", "OB-22"])):
        body = {"kind": kind, "as_of": as_of, "note": "verifica",
                "items": [{"objective_id": ids[c], "causes": "ritardo \"della\" Regione; %s" % as_of,
                           "effects": "slittamento\nfase 2", "actions_taken": "sollecito",
                           "actions_planned": "riunione"} for c in items]}
        r = ctx.post("/v1/plans/%d/reviews" % plan, body)
        assert r.status == 201, r
    person = ctx.sql("SELECT p.id FROM people p JOIN entities e ON e.id = p.entity_id "
                     "WHERE e.code = '%s' AND p.external_id = 'P3'" % code)[0][0]
    entity = ctx.sql("SELECT id FROM entities WHERE code = '%s'" % code)[0][0]
    return plan, ctx.token("reader", entity=entity, person=person, name="stream reader")


def gen(ctx):
    if "gen" not in _state:
        _state["gen"] = generated(ctx)
    return _state["gen"]


def test_generated_plan_streams_as_the_tree(ctx):
    plan, reader = gen(ctx)
    for as_of in ("2024-03-31", "2024-07-31", "2024-12-31"):
        j, c = both_formats(ctx, plan, as_of)
        kinds = [t["assignee_kind"] for t in j.json["totals"]]
        assert kinds.count("structure") == 6 and "manager" in kinds and "person" in kinds, kinds
        assert kinds == sorted(kinds, key=["structure", "manager", "person"].index), kinds  # the document order
        order = [t["assignee_code"] for t in j.json["totals"] if t["assignee_kind"] == "structure"]
        assert order == ["M5", "C3", "Z9", "A1", "B2", "AA"], order  # the tree's order, not the rows'
        for kind in ("manager", "person"):  # then by name
            names = [t["assignee_name"] for t in j.json["totals"] if t["assignee_kind"] == kind]
            assert names == sorted(names) and len(names) >= 2, (kind, names)
        assert [(r["assignee_kind"], r["assignee_id"]) for r in j.json["rows"]] == sorted(
            [(r["assignee_kind"], r["assignee_id"]) for r in j.json["rows"]],
            key=[(t["assignee_kind"], t["assignee_id"]) for t in j.json["totals"]].index)  # rows under their totals
        assert any(r["weight"] is None for r in j.json["rows"])
        if as_of == "2024-12-31":
            assert [r for r in j.json["rows"] if r["deviation_analysis"] is not None]
        rj, rc = both_formats(ctx, plan, as_of, token=reader)
        seen = {t["assignee_kind"] for t in rj.json["totals"]}
        assert seen <= {"structure", "manager", "person"} and rj.json["totals"] != j.json["totals"], seen
        assert len(rc.body) < len(c.body)
    same(ctx, "/v1/plans/%d/report" % plan)
    same(ctx, "/v1/plans/%d/report?format=csv" % plan, token=reader)


def test_problems_are_the_same(ctx):
    plan = gen(ctx)[0]
    for q in ("/v1/plans/99999999/report", "/v1/plans/99999999/report?format=csv",
              "/v1/plans/%d/report?as_of=2024-13-45" % plan, "/v1/plans/%d/report?as_of=2024-13-45&format=csv" % plan,
              "/v1/plans/%d/report?revision=x" % plan, "/v1/plans/%d/report?revision=99" % plan):
        a = same(ctx, q)
        assert a.status in (400, 404, 422), (q, a)
        expect_problem(a, a.status)
        x = same_xlsx(ctx, q + ("&" if "?" in q else "?") + "format=xlsx")
        assert x.status == a.status, (q, x)
        h = same(ctx, q + ("&" if "?" in q else "?") + "format=html")
        assert h.status == a.status and h.body == a.body, (q, h)


def test_html_limit_bounds_only_the_text(ctx):
    plan, reader = gen(ctx)
    q = "/v1/plans/%d/report?as_of=2024-12-31&format=html" % plan
    full = ctx.get(q, timeout=300)
    assert full.status == 200 and len(full.body) > 50000, full
    for limit, status in ((len(full.body), 200), (len(full.body) - 1, 503), (len(full.body) // 2, 503)):
        env = {"CICLO_DOC_LIMIT": str(limit)}
        streamed, old = ctx.start_server(env), ctx.start_server(dict(env, CICLO_REPORT_TREE="1"))
        try:
            a = ctx.get(q, base=streamed.url, timeout=300)
            b = ctx.get(q, base=old.url, timeout=300)
        finally:
            streamed.stop()
            old.stop()
        assert a.status == b.status == status, (limit, a, b)
        for h in HEADERS:
            assert a.header(h) == b.header(h), (limit, h, a.header(h), b.header(h))
        assert a.body == b.body, (limit, a.body[:200], b.body[:200])
        if status == 200:
            assert a.body == full.body
        else:
            assert expect_problem(a, 503)["code"] == "document_too_large", a.json
            assert "64 MiB" in a.json["detail"], a.json  # the answer names DOC_LIMIT, as it did
