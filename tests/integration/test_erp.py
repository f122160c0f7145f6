"""ERP feeds: structures, people, measurements and financial figures in CSV (';', header row)
or JSON, all-or-nothing with errors by line, idempotent (Idempotency-Key, and re-sent rows),
and the change feed GET /v1/changes?since= with its cursor."""
from run import expect_problem

CSV = {"Content-Type": "text/csv; charset=utf-8"}


def small_plan(ctx):
    code = ctx.unique("ERP")
    doc = {
        "format": "ciclo-plan/1", "entity": {"code": code, "name": "Comune ERP", "kind": "comune"},
        "year": 2024, "kind": "performance", "title": "Piano ERP",
        "structures": [{"code": "FIN", "name": "Finanziario", "kind": "settore", "manager": "ROSSI_M"}],
        "people": [{"external_id": "ROSSI_M", "name": "Mario Rossi", "role": "dirigente"}],
        "objectives": [{
            "code": "OB-1", "title": "Tempi di pagamento", "payment_timeliness": True,
            "assignments": [{"structure_code": "FIN", "weight": 100}],
            "indicators": [
                {"code": "PCT", "name": "Fatture pagate in tempo", "value_type": "percent", "target": 90},
                {"code": "EUR", "name": "Entrate riscosse", "value_type": "money", "target": 1000000},
                {"code": "DAY", "name": "Approvazione rendiconto", "value_type": "date", "target": "2024-04-30"},
                {"code": "YES", "name": "Regolamento approvato", "value_type": "boolean", "target": True},
                {"code": "NUM", "name": "Pratiche evase", "value_type": "number", "target": 120}]}]}
    r = ctx.post("/v1/plans:import", doc)
    assert r.status == 201, r
    res = r.json
    return res["entity_id"], res["id"], ctx.token("erp", entity=res["entity_id"], name="erp " + code)


def count(ctx, sql):
    return int(ctx.sql(sql)[0][0])


def test_structures_and_people_feeds(ctx):
    eid, _, erp = small_plan(ctx)
    base = "/v1/entities/%d" % eid
    people = [{"external_id": "BIANCHI_L", "name": "Laura Bianchi", "role": "eq"},
              {"external_id": "ROSSI_M", "name": "Mario Rossi", "role": "dirigente", "category": "DIR"}]
    r = ctx.post(base + "/people:import", people, token=erp)
    assert r.status == 200 and r.json == {"rows": 2, "inserted": 1, "updated": 1, "unchanged": 0}, r
    csv = ("code;name;kind;parent_code;manager;interim\r\n"
           "FIN;Finanziario;settore;;ROSSI_M;no\r\n"
           "FIN-RAG;\"Ragioneria; economato\";servizio;FIN;BIANCHI_L;Sì\r\n"
           "FIN-TRI;Tributi;servizio;FIN;;\r\n")
    r = ctx.post(base + "/structures:import", raw=csv, headers=CSV, token=erp)
    assert r.status == 200 and r.json == {"rows": 3, "inserted": 2, "updated": 0, "unchanged": 1}, r
    rows = ctx.sql("SELECT s.code, s.name, p.code, m.external_id, s.interim FROM structures s LEFT JOIN structures p "
                   "ON p.id = s.parent_id LEFT JOIN people m ON m.id = s.manager_id WHERE s.entity_id = %d "
                   "ORDER BY s.code" % eid)
    assert rows == [["FIN", "Finanziario", "", "ROSSI_M", "f"],
                    ["FIN-RAG", "Ragioneria; economato", "FIN", "BIANCHI_L", "t"],
                    ["FIN-TRI", "Tributi", "FIN", "", "f"]], rows
    # the same rows again change nothing, not even the audit log
    audit = count(ctx, "SELECT count(*) FROM audit WHERE entity_id = %d" % eid)
    r = ctx.post(base + "/structures:import", raw=csv, headers=CSV, token=erp)
    assert r.json == {"rows": 3, "inserted": 0, "updated": 0, "unchanged": 3}, r
    r = ctx.post(base + "/people:import", people, token=erp)
    assert r.json == {"rows": 2, "inserted": 0, "updated": 0, "unchanged": 2}, r
    assert count(ctx, "SELECT count(*) FROM audit WHERE entity_id = %d" % eid) == audit
    assert count(ctx, "SELECT count(*) FROM structures WHERE entity_id = %d" % eid) == 3
    # another entity's feed is out of reach
    other = ctx.entity()
    expect_problem(ctx.post("/v1/entities/%d/people:import" % other["id"], people, token=erp), 404)
    reader = ctx.token("reader", entity=eid)
    expect_problem(ctx.post(base + "/people:import", people, token=reader), 403)


def test_feed_errors_by_line_store_nothing(ctx):
    eid, _, erp = small_plan(ctx)
    base = "/v1/entities/%d" % eid
    csv = ("code;name;kind;parent_code;manager;interim\n"
           "NEW-1;Nuovo servizio;servizio;FIN;;no\n"
           "NEW-2;;servizio;;;no\n"                    # line 3: no name
           "NEW-3;Terzo;servizio;NOPE;;no\n"          # line 4: unknown parent
           "NEW-4;Quarto;servizio;;NESSUNO;forse\n"   # line 5: unknown manager, interim not a boolean
           "NEW-1;Doppio;servizio;;;no\n")            # line 6: code used twice
    before = count(ctx, "SELECT count(*) FROM structures WHERE entity_id = %d" % eid)
    body = expect_problem(ctx.post(base + "/structures:import", raw=csv, headers=CSV, token=erp), 422)
    fields = {e["field"] for e in body["errors"]}
    for f in ["line[3].name", "line[4].parent_code", "line[5].manager", "line[5].interim", "line[6].code"]:
        assert f in fields, (f, fields)
    assert count(ctx, "SELECT count(*) FROM structures WHERE entity_id = %d" % eid) == before
    # header and shape problems
    body = expect_problem(ctx.post(base + "/structures:import", raw="code;nome\nX;Y\n", headers=CSV, token=erp), 422)
    assert "line[1].nome" in {e["field"] for e in body["errors"]}, body
    body = expect_problem(ctx.post(base + "/structures:import", raw="code;name\nX;Y;Z\n", headers=CSV, token=erp), 422)
    assert "line[2]" in {e["field"] for e in body["errors"]}, body
    expect_problem(ctx.post(base + "/structures:import", raw="code;name\n\"X;Y\n", headers=CSV, token=erp), 422)
    # JSON rows: errors by index
    body = expect_problem(ctx.post(base + "/people:import", [{"external_id": "A", "name": "A"}, {"name": "B"},
                                                             {"external_id": "C", "nome": "C"}], token=erp), 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"[1].external_id", "[2].nome", "[2].name"} <= fields, fields
    assert count(ctx, "SELECT count(*) FROM people WHERE entity_id = %d AND external_id = 'A'" % eid) == 0
    expect_problem(ctx.post(base + "/people:import", raw="name\nX\n", headers={"Content-Type": "text/plain"},
                            token=erp), 415)


def test_measurements_feed_italian_values_and_idempotency(ctx):
    eid, pid, erp = small_plan(ctx)
    url = "/v1/plans/%d/measurements:import" % pid
    csv = ("indicator_code;as_of;value;source;note\r\n"
           "PCT;30/06/2024;72,19%;ERP contabilità;primo semestre\r\n"
           "EUR;30.06.2024;1.000.000,00;ERP;\r\n"
           "DAY;31-dic;30/04/2024;ERP;\r\n"
           "YES;2024-12-31;Sì;ERP;\r\n"
           "NUM;31/12/2024;118;ERP;\"nota con ; e \"\"virgolette\"\"\"\r\n")
    key = {"Idempotency-Key": "feed-%s-1" % ctx.unique()}
    r = ctx.post(url, raw=csv, headers=dict(CSV, **key), token=erp)
    assert r.status == 200 and r.json == {"rows": 5, "inserted": 5, "unchanged": 0}, r
    got = ctx.sql("SELECT i.code, m.as_of, m.value::text, m.source, coalesce(m.note, '') FROM measurements m JOIN "
                  "indicators i ON i.id = m.indicator_id WHERE m.plan_id = %d ORDER BY i.code" % pid)
    assert got == [["DAY", "2024-12-31", '"2024-04-30"', "ERP", ""],
                   ["EUR", "2024-06-30", "1000000", "ERP", ""],
                   ["NUM", "2024-12-31", "118", "ERP", 'nota con ; e "virgolette"'],
                   ["PCT", "2024-06-30", "72.19", "ERP contabilità", "primo semestre"],
                   ["YES", "2024-12-31", "true", "ERP", ""]], got
    # the same key and body: the first answer again, no new rows
    r2 = ctx.post(url, raw=csv, headers=dict(CSV, **key), token=erp)
    assert r2.status == 200 and r2.body == r.body, r2
    # the same rows without a key: nothing new either
    r3 = ctx.post(url, raw=csv, headers=CSV, token=erp)
    assert r3.json == {"rows": 5, "inserted": 0, "unchanged": 5}, r3
    # as JSON, with the values JSON has; one new value
    rows = [{"indicator_code": "PCT", "as_of": "2024-06-30", "value": 72.19, "source": "ERP contabilità",
             "note": "primo semestre"},
            {"indicator_code": "PCT", "as_of": "2024-12-31", "value": "91,5 %", "source": "ERP contabilità"}]
    r4 = ctx.post(url, rows, token=erp)
    assert r4.json == {"rows": 2, "inserted": 1, "unchanged": 1}, r4
    assert count(ctx, "SELECT count(*) FROM measurements WHERE plan_id = %d" % pid) == 6
    # the same key with another body is refused
    expect_problem(ctx.post(url, raw=csv.replace("118", "119"), headers=dict(CSV, **key), token=erp), 422,
                   "Idempotency-Key")
    assert count(ctx, "SELECT count(*) FROM measurements WHERE plan_id = %d" % pid) == 6
    assert count(ctx, "SELECT count(*) FROM audit WHERE resource = 'measurements' AND plan_id = %d" % pid) == 6


def test_measurement_errors_by_line(ctx):
    eid, pid, erp = small_plan(ctx)
    url = "/v1/plans/%d/measurements:import" % pid
    csv = ("indicator_code;as_of;value;source;note\n"
           "PCT;30/06/2024;72,19%;ERP;\n"
           "NOPE;30/06/2024;1;ERP;\n"           # line 3: unknown indicator
           "PCT;31/06/2024;50;ERP;\n"           # line 4: no such day
           "EUR;30/06/2024;molti;ERP;\n"        # line 5: not a number
           "DAY;30/06/2024;33/11/2024;ERP;\n"   # line 6: not a date
           "YES;30/06/2024;forse;ERP;\n"        # line 7: not yes/no
           ";;;;\n"                              # blank row: skipped
           "NUM;;12;ERP;\n")                    # line 9: no date
    body = expect_problem(ctx.post(url, raw=csv, headers=CSV, token=erp), 422)
    msg = {e["field"]: e["message"] for e in body["errors"]}
    for f in ["line[3].indicator_code", "line[4].as_of", "line[5].value", "line[6].value", "line[7].value",
              "line[9].as_of"]:
        assert f in msg, (f, msg)
    assert "June has 30 days" in msg["line[4].as_of"], msg
    assert count(ctx, "SELECT count(*) FROM measurements WHERE plan_id = %d" % pid) == 0
    expect_problem(ctx.post("/v1/plans/999999999/measurements:import", raw=csv, headers=CSV, token=erp), 404)


def test_financial_figures_feed(ctx):
    eid, pid, erp = small_plan(ctx)
    url = "/v1/plans/%d/financials:import" % pid
    r = ctx.post(url, raw="objective_code;financial_resources\nOB-1;€ 625.000,50\n", headers=CSV, token=erp)
    assert r.status == 200 and r.json == {"rows": 1, "updated": 1, "unchanged": 0}, r
    assert ctx.sql("SELECT financial_resources FROM objectives WHERE plan_id = %d" % pid) == [["625000.50"]]
    r = ctx.post(url, [{"objective_code": "OB-1", "financial_resources": 625000.5}], token=erp)
    assert r.json == {"rows": 1, "updated": 0, "unchanged": 1}, r
    body = expect_problem(ctx.post(url, [{"objective_code": "OB-9", "financial_resources": 1},
                                         {"objective_code": "OB-1", "financial_resources": -3}], token=erp), 422)
    assert {e["field"] for e in body["errors"]} == {"[0].objective_code", "[1].financial_resources"}, body
    exp = ctx.get("/v1/plans/%d/export" % pid).json
    assert exp["objectives"][0]["financial_resources"] == 625000.5


def test_changes_feed_pages_with_a_cursor(ctx):
    eid, pid, erp = small_plan(ctx)
    ctx.post("/v1/plans/%d/measurements:import" % pid,
             [{"indicator_code": "NUM", "as_of": "2024-0%d-28" % m, "value": m} for m in range(1, 8)], token=erp)
    seen, since, pages = [], "", 0
    while True:
        r = ctx.get("/v1/changes?limit=4" + ("&since=" + since if since else ""), token=erp)
        assert r.status == 200, r
        page = r.json
        pages += 1
        seen += page["items"]
        assert page["next_cursor"]
        if not page["items"]:
            break
        since = page["next_cursor"]
        assert pages < 100
    ids = [c["id"] for c in seen]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(c["entity_id"] == eid for c in seen), "another entity's changes leaked"
    assert {"id", "at", "resource", "resource_id", "action", "plan_id"} <= set(seen[0])
    kinds = {(c["resource"], c["action"]) for c in seen}
    assert ("plans", "import") in kinds and ("measurements", "create") in kinds, kinds
    assert sum(1 for c in seen if c["resource"] == "measurements") == 7
    # nothing new: the same cursor comes back; then a change shows up after it
    again = ctx.get("/v1/changes?since=" + since, token=erp).json
    assert again["items"] == [] and again["next_cursor"] == since
    ctx.post("/v1/plans/%d/measurements:import" % pid, [{"indicator_code": "NUM", "as_of": "2024-09-30",
                                                          "value": 9}], token=erp)
    new = ctx.get("/v1/changes?since=" + since, token=erp).json["items"]
    assert [c["resource"] for c in new] == ["measurements"], new
    expect_problem(ctx.get("/v1/changes?since=garbage!", token=erp), 400, "since")
    expect_problem(ctx.get("/v1/changes?limit=0", token=erp), 400, "limit")


def test_every_feed_replays_idempotently(ctx):
    """Each feed, sent twice with one Idempotency-Key, answers the same and writes once; sent
    again without the key, it finds every row unchanged and writes nothing."""
    eid, pid, erp = small_plan(ctx)
    feeds = [
        ("/v1/entities/%d/structures:import" % eid,
         "code;name;kind;parent_code;manager;interim\nFIN;Finanziario;settore;;ROSSI_M;no\n"
         "FIN-T;Tributi;servizio;FIN;;sì\n", {"rows": 2, "inserted": 1, "updated": 0, "unchanged": 1}),
        ("/v1/entities/%d/people:import" % eid,
         "external_id;name;role;category\nROSSI_M;Mario Rossi;dirigente;\nBIANCHI_A;Anna Bianchi;istruttore;C\n",
         {"rows": 2, "inserted": 1, "updated": 0, "unchanged": 1}),
        ("/v1/plans/%d/measurements:import" % pid,
         "indicator_code;as_of;value;source;note\nPCT;30/06/2024;80%;ERP;\nNUM;30/06/2024;60;ERP;\n",
         {"rows": 2, "inserted": 2, "unchanged": 0}),
        ("/v1/plans/%d/financials:import" % pid, "objective_code;financial_resources\nOB-1;1.500,00\n",
         {"rows": 1, "updated": 1, "unchanged": 0}),
    ]
    for url, csv, first in feeds:
        key = {"Idempotency-Key": "replay-" + ctx.unique()}
        r1 = ctx.post(url, raw=csv, headers=dict(CSV, **key), token=erp)
        assert r1.status == 200 and r1.json == first, (url, r1)
        audit = count(ctx, "SELECT count(*) FROM audit WHERE entity_id = %d" % eid)
        r2 = ctx.post(url, raw=csv, headers=dict(CSV, **key), token=erp)
        assert r2.status == 200 and r2.body == r1.body, (url, r2)
        again = ctx.post(url, raw=csv, headers=CSV, token=erp)
        assert again.status == 200, (url, again)
        assert again.json["unchanged"] == again.json["rows"] == first["rows"], (url, again.json)
        assert again.json.get("inserted", 0) == 0 and again.json.get("updated", 0) == 0, (url, again.json)
        assert count(ctx, "SELECT count(*) FROM audit WHERE entity_id = %d" % eid) == audit, url


def test_feeds_take_the_charset_they_are_given(ctx):
    """Windows-1252 (what Italian ERPs export) declared, or detected when no charset is given,
    is stored as the text it is; iso-8859-1 and utf-8 too. Bytes that are not text in the
    charset are a 422 naming the line and column, never a silent null; an unknown charset 415."""
    eid, pid, erp = small_plan(ctx)
    url = "/v1/plans/%d/measurements:import" % pid
    head = "indicator_code;as_of;value;source;note\r\n"

    def note_of(as_of):
        return ctx.sql("SELECT m.note, m.source FROM measurements m JOIN indicators i ON i.id = m.indicator_id "
                       "WHERE m.plan_id = %d AND i.code = 'NUM' AND m.as_of = '%s'" % (pid, as_of))

    cases = [("text/csv; charset=windows-1252", "2024-01-31", "cp1252"),
             ("text/csv; charset=Windows-1252", "2024-02-29", "cp1252"),
             ("text/csv; charset=iso-8859-1", "2024-03-31", "latin-1"),
             ("text/csv; charset=latin1", "2024-04-30", "latin-1"),
             ("text/csv; charset=utf-8", "2024-05-31", "utf-8"),
             ("text/csv", "2024-06-30", "cp1252"),   # detected: not UTF-8, so Windows-1252
             ("text/csv", "2024-07-31", "utf-8")]    # detected: valid UTF-8
    for ctype, as_of, codec in cases:
        body = (head + "NUM;%s;10;ERP contabilità;attività svolta – 1° semestre\r\n" % as_of).encode(codec, "replace")
        r = ctx.post(url, raw=body, headers={"Content-Type": ctype}, token=erp)
        assert r.status == 200 and r.json["inserted"] == 1, (ctype, r)
        want = "attività svolta – 1° semestre" if codec != "latin-1" else "attività svolta ? 1° semestre"
        assert note_of(as_of) == [[want, "ERP contabilità"]], (ctype, note_of(as_of))
    assert b"attivit\xe0" in ("attività".encode("cp1252"))  # the bytes the issue names
    # undecodable: invalid UTF-8 declared as UTF-8, and Windows-1252's undefined 0x81
    for ctype, body, col in [("text/csv; charset=utf-8", head.encode() + b"NUM;2024-08-31;10;ERP;attivit\xe0\r\n",
                              "note"),
                             ("text/csv; charset=windows-1252", head.encode() + b"NUM;2024-08-31;10;E\x81RP;x\r\n",
                              "source")]:
        d = expect_problem(ctx.post(url, raw=body, headers={"Content-Type": ctype}, token=erp), 422,
                           "line[2].%s" % col)
        assert "charset" in d["errors"][0]["message"], d
    assert note_of("2024-08-31") == []
    d = expect_problem(ctx.post(url, raw=head + "NUM;2024-08-31;10;ERP;x\r\n",
                                headers={"Content-Type": "text/csv; charset=ebcdic-it"}, token=erp), 415)
    assert d["code"] == "unsupported_charset" and "ebcdic-it" in d["detail"], d
    # the structures feed: a name present but in Windows-1252 is stored, never "name: is required"
    base = "/v1/entities/%d" % eid
    csv = "code;name;kind;parent_code;manager;interim\r\nFIN-QUA;Qualità e attività;servizio;FIN;;no\r\n"
    r = ctx.post(base + "/structures:import", raw=csv.encode("cp1252"), headers={"Content-Type": "text/csv"},
                 token=erp)
    assert r.status == 200 and r.json["inserted"] == 1, r
    assert ctx.sql("SELECT name FROM structures WHERE entity_id = %d AND code = 'FIN-QUA'" % eid) == \
        [["Qualità e attività"]]
    d = expect_problem(ctx.post(base + "/structures:import", raw=csv.encode("cp1252"),
                                headers={"Content-Type": "text/csv; charset=utf-8"}, token=erp), 422, "line[2].name")
    assert not [e for e in d["errors"] if e["message"] == "is required"], d


def test_the_separator_error_names_the_separator(ctx):
    eid, pid, erp = small_plan(ctx)
    for sep, name in ((",", "','"), ("\t", "a tab")):
        csv = sep.join(["indicator_code", "as_of", "value"]) + "\r\nNUM" + sep + "2024-06-30" + sep + "10\r\n"
        d = expect_problem(ctx.post("/v1/plans/%d/measurements:import" % pid, raw=csv, headers=CSV, token=erp), 422,
                           "line[1]")
        msg = d["errors"][0]["message"]
        assert msg.startswith("the header uses %s as separator; the feed expects ';'" % name), d
        assert "is not a column" not in msg, d
