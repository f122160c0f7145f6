"""The Relazione as its readers open it (issue 19): the workbook (?format=xlsx) in LibreOffice,
and the CSV, the machine format.

A small plan whose structures are created out of order (S2, then its child S1, then S0) shows
the tree's order (S0, S2, S1), a weight the plan does not give (an empty cell, not 0), the
total under each structure and the entity's total. The example plans, loaded as `make run`
loads them (with the illustrative monitoring), are converted by LibreOffice (headless, its own
profile, with a timeout) to one CSV per sheet, and every figure must equal the JSON report's
to the cent. The workbook's XML must hold number and date cells (not text), frozen heading
rows, A4 landscape and a print area.
"""
import csv
import html
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile

from run import expect_problem
from test_readme import DemoDatabase, admin_token

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADINGS = ["Codice", "Obiettivo", "Peso", "Indicatore", "Atteso", "Raggiunto", "Scostamento",
            "Grado di raggiungimento", "Rispetto dei tempi", "Punteggio", "Stato"]
STATUS = {"measured": "misurato", "not_measured": "non misurato", "needs_judgement": "da valutare",
          "error": "errore", "not_assessable": "non valutabile"}
BANDS = {"kind": "bands", "bands": [{"min": 90, "score": 100}, {"min": 85, "max": 90, "score": 80},
                                    {"min": 0, "max": 85, "score": 0}]}
# LibreOffice's CSV export: ',' '"' UTF-8, values as stored (not as shown), every sheet to its own file
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,-1"


def tree_plan(ctx):
    """S2 (led by Anna Rossi) with its child S1, and S0, created in that order; adopted by
    deliberation 12/2024. S2: OB2 weight 70 measured 86.5 → 80, OB3 weight 30 not measured.
    S1: OB1 with no weight, measured 95 → 100. S0: OB0 weight 100 with no indicator."""
    e = ctx.entity(name="Comune di Prova & Verifica")
    boss = ctx.create("/v1/entities/%d/people" % e["id"], {"name": "Anna Rossi", "external_id": "ROSSI_A"})
    s2 = ctx.create("/v1/entities/%d/structures" % e["id"], {"code": "S2", "name": "Area tecnica",
                                                             "manager_id": boss["id"]})
    s1 = ctx.create("/v1/entities/%d/structures" % e["id"], {"code": "S1", "name": "Servizio lavori pubblici",
                                                             "parent_id": s2["id"]})
    s0 = ctx.create("/v1/entities/%d/structures" % e["id"], {"code": "S0", "name": "Segreteria: affari/generali"})
    plan = ctx.plan(e["id"], title="Piano della Performance 2024")
    objs = {}
    for code, title in (("OB0", "Archivio"), ("OB1", "Cantieri aperti"), ("OB2", "Pratiche edilizie nei termini"),
                        ("OB3", "Regolamento edilizio")):
        objs[code] = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": code, "title": title})
    for code, s, w in (("OB0", s0, 100), ("OB1", s1, None), ("OB2", s2, 70), ("OB3", s2, 30)):
        body = {"structure_id": s["id"]}
        if w is not None:
            body["weight"] = w
        ctx.create("/v1/objectives/%d/assignments" % objs[code]["id"], body)
    for code, value in (("OB2", 86.5), ("OB1", 95), ("OB3", None)):
        ind = ctx.create("/v1/objectives/%d/indicators" % objs[code]["id"],
                         {"code": "I-" + code, "name": "% pratiche " + code, "value_type": "percent",
                          "target": 90, "rule": BANDS})
        if value is not None:
            r = ctx.post("/v1/indicators/%d/measurements" % ind["id"], {"value": value, "as_of": "2024-06-30"})
            assert r.status == 201, r
    r = ctx.post("/v1/plans/%d/adopt" % plan["id"], {"deliberation": {"number": "12/2024", "date": "2024-01-30",
                                                                      "body": "Giunta comunale"}})
    assert r.status == 200, r
    return e, plan


def test_report_csv_is_the_machine_format(ctx):
    e, plan = tree_plan(ctx)
    r = ctx.get("/v1/plans/%d/report?as_of=2024-06-30&format=csv" % plan["id"])
    assert r.status == 200 and r.header("Content-Type").startswith("text/csv"), r
    assert r.body.startswith(b"\xef\xbb\xbf"), r.body[:20]  # the UTF-8 BOM, for Excel
    assert 'filename="relazione-%d-2024-06-30.csv"' % plan["id"] in r.header("Content-Disposition")
    lines = r.text[1:].split("\r\n")
    assert lines[0] == ("assignee_kind;assignee_code;assignee_name;objective_code;objective_title;weight;"
                        "achievement;timeliness;score;status;weight_measured"), lines[0]
    body = [ln for ln in lines[1:] if ln]
    # the tree's order (S0, S2 then its child S1), each total directly under its objectives,
    # the manager after the structures, the entity last; a missing weight is empty, not 0
    assert body == [
        "structure;S0;Segreteria: affari/generali;OB0;Archivio;100;;;;needs_judgement;",
        "structure;S0;Segreteria: affari/generali;TOTALE;;100;;;;not_measured;0",
        "structure;S2;Area tecnica;OB2;Pratiche edilizie nei termini;70;;;80;measured;",
        "structure;S2;Area tecnica;OB3;Regolamento edilizio;30;;;;not_measured;",
        "structure;S2;Area tecnica;TOTALE;;100;;;80;measured;70",
        "structure;S1;Servizio lavori pubblici;OB1;Cantieri aperti;;;;100;measured;",
        "structure;S1;Servizio lavori pubblici;TOTALE;;0;;;100;measured;0",
        "manager;ROSSI_A;Anna Rossi;OB2;Pratiche edilizie nei termini;70;;;80;measured;",
        "manager;ROSSI_A;Anna Rossi;OB3;Regolamento edilizio;30;;;;not_measured;",
        "manager;ROSSI_A;Anna Rossi;TOTALE;;100;;;80;measured;70",
        # S1's objective carries no weight: it leaves the entity's weighted mean (weight 0)
        "entity;%s;Comune di Prova & Verifica;TOTALE;;200;;;80;measured;70" % e["code"],
    ], "\n".join(body)
    # the JSON report has the same order, the heading and the entity's total
    j = ctx.get("/v1/plans/%d/report?as_of=2024-06-30" % plan["id"]).json
    assert [(t["assignee_kind"], t["assignee_code"]) for t in j["totals"]] == [
        ("structure", "S0"), ("structure", "S2"), ("structure", "S1"), ("manager", "ROSSI_A")], j["totals"]
    assert [x["weight"] for x in j["rows"] if x["objective_code"] == "OB1"] == [None]
    assert j["plan"]["title"] == "Piano della Performance 2024" and j["plan"]["year"] == 2024, j["plan"]
    assert j["plan"]["entity"] == {"id": e["id"], "code": e["code"], "name": "Comune di Prova & Verifica"}
    assert j["plan"]["deliberation"] == {"number": "12/2024", "date": "2024-01-30", "body": "Giunta comunale"}
    assert j["entity"]["weight_total"] == 200 and j["entity"]["weight_measured"] == 70, j["entity"]
    assert j["entity"]["status"] == "measured" and j["entity"]["score"] == 80, j["entity"]


def sheet_xml(data):
    """{sheet name: its worksheet XML} and the workbook's defined names, from the xlsx bytes."""
    z = zipfile.ZipFile(io.BytesIO(data))
    book = z.read("xl/workbook.xml").decode("utf-8")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
    targets.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)})
    sheets = {}
    for name, rid in re.findall(r'<sheet name="([^"]*)" sheetId="\d+" r:id="(rId\d+)"', book):
        name = name.replace("&amp;", "&").replace("&quot;", '"').replace("&apos;", "'")
        sheets[name] = z.read("xl/" + targets[rid]).decode("utf-8")
    defined = re.findall(r'<definedName name="([^"]+)"[^>]*>([^<]+)</definedName>', book)
    return sheets, defined, z.read("xl/styles.xml").decode("utf-8")


def cells(xml):
    """{cell ref: (type attribute or 'n', style index, raw value or None)} of a worksheet XML; the
    value of an inline string (t="inlineStr") is its text."""
    out = {}
    for attrs, inner in re.findall(r'<c ([^>]*?)(?:/>|>(.*?)</c>)', xml, re.S):
        ref = re.search(r'r="([A-Z]+\d+)"', attrs).group(1)
        t = re.search(r' t="(\w+)"', " " + attrs)
        s = re.search(r' s="(\d+)"', " " + attrs)
        v = re.search(r"<v>(.*?)</v>", inner or "", re.S)
        if t and t.group(1) == "inlineStr":
            v = re.search(r"<is><t[^>]*>(.*?)</t></is>", inner or "", re.S)
            v = html.unescape(v.group(1)) if v else None
        else:
            v = v.group(1) if v else None
        out[ref] = (t.group(1) if t else "n", int(s.group(1)) if s else 0, v)
    return out


def texts(c):
    """{cell ref: text} of cells(): the workbook is written in constant_memory mode (issue 21), so
    every text is an inline string and there is no shared string table."""
    assert not [ref for ref, (t, s, v) in c.items() if t == "s"], c
    return {ref: v for ref, (t, s, v) in c.items() if t == "inlineStr"}


def date_styles(styles):
    """The cell style indexes (cellXfs) whose number format is a date format."""
    fmts = {int(i): code for i, code in re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]+)"', styles)}
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1)
    out = set()
    for i, fid in enumerate(re.findall(r'<xf numFmtId="(\d+)"', xfs)):
        code = fmts.get(int(fid), "")
        if int(fid) in (14, 15, 16, 17, 22) or ("yy" in code and "dd" in code):
            out.add(i)
    return out


def test_report_xlsx_cells_are_numbers_dates_frozen_a4_landscape(ctx):
    e, plan = tree_plan(ctx)
    r = ctx.get("/v1/plans/%d/report?as_of=2024-06-30&format=xlsx" % plan["id"])
    assert r.status == 200 and r.header("Content-Type") == XLSX, r
    assert 'filename="relazione-%d-2024-06-30.xlsx"' % plan["id"] in r.header("Content-Disposition")
    by_accept = ctx.get("/v1/plans/%d/report?as_of=2024-06-30" % plan["id"], headers={"Accept": XLSX})
    assert by_accept.status == 200 and by_accept.header("Content-Type") == XLSX, by_accept
    sheets, defined, styles = sheet_xml(r.body)
    # the cover, the structures in the tree's order, then the manager; names within Excel's rules
    assert list(sheets) == ["Relazione", "S0 Segreteria- affari-generali", "S2 Area tecnica",
                            "S1 Servizio lavori pubblici", "Dir. Anna Rossi"], list(sheets)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in sheets)
    dates = date_styles(styles)
    for name, xml in sheets.items():
        # A4 (paperSize 9) landscape, frozen rows, a print area
        assert re.search(r'<pageSetup[^>]*paperSize="9"', xml) and 'orientation="landscape"' in xml, name
        assert re.search(r'<pane [^>]*state="frozen"', xml), name
        assert any(n == "_xlnm.Print_Area" and name.split(" ")[0] in v for n, v in defined), (name, defined)
    c = cells(sheets["S2 Area tecnica"])
    # row 4 holds the headings, the objectives follow, TOTALE directly under them
    assert "xl/sharedStrings.xml" not in zipfile.ZipFile(io.BytesIO(r.body)).namelist()
    text = texts(c)
    assert [text.get("%s4" % col) for col in "ABCDEFGHIJK"] == HEADINGS
    assert text["A5"] == "OB2" and text["A6"] == "OB3" and text["A7"] == "TOTALE", text
    assert c["C5"][0] == "n" and float(c["C5"][2]) == 70 and float(c["J5"][2]) == 80, c  # numbers, not text
    assert c["E5"][0] == "n" and float(c["E5"][2]) == 90 and float(c["F5"][2]) == 86.5  # target, achieved
    assert text["K5"] == "misurato" and text["K6"] == "non misurato"
    assert c["C7"][0] == "n" and float(c["C7"][2]) == 100 and float(c["J7"][2]) == 80
    assert c["B2"][0] == "n" and c["B2"][1] in dates, c["B2"]  # "Dati al": a date cell
    # a weight the plan does not give is an empty cell, not 0
    c1 = cells(sheets["S1 Servizio lavori pubblici"])
    assert c1.get("C5", ("n", 0, None))[2] is None, c1.get("C5")
    cover = cells(sheets["Relazione"])
    cover_text = texts(cover)
    labels = {cover_text[ref]: ref.replace("A", "B", 1) for ref in cover_text if ref.startswith("A")}
    assert cover[labels["Anno"]][0] == "n" and float(cover[labels["Anno"]][2]) == 2024
    assert cover[labels["Data della delibera"]][1] in dates and cover[labels["Dati al"]][1] in dates
    assert cover_text[labels["Delibera n."]] == "12/2024" and cover_text[labels["Ente"]] == "Comune di Prova & Verifica"
    assert float(cover[labels["Peso misurato"]][2]) == 70 and float(cover[labels["Peso totale"]][2]) == 200


def test_report_formats_refused_where_not_written(ctx):
    e, plan = tree_plan(ctx)
    expect_problem(ctx.get("/v1/plans/%d/report?format=pdf" % plan["id"]), 406)
    expect_problem(ctx.get("/v1/plans/%d/scores?format=xlsx" % plan["id"]), 406)
    expect_problem(ctx.get("/v1/plans/%d/report?format=xlsx&as_of=2024-02-30" % plan["id"]), 400, "as_of")
    expect_problem(ctx.get("/v1/plans/999999999/report?format=xlsx"), 404)


def test_report_xlsx_leaves_no_temporary_file(ctx):
    """libxlsxwriter writes to a file: it is made in a private directory under TMPDIR and both are
    removed, after a workbook and when the directory cannot be made (then a 503, not a crash)."""
    e, plan = tree_plan(ctx)
    tmp = tempfile.mkdtemp(dir=ctx.tmp, prefix="tmpdir-")
    os.chmod(tmp, 0o777)  # the server may run as another user than the test
    srv = ctx.start_server({"TMPDIR": tmp})
    try:
        url = "/v1/plans/%d/report?as_of=2024-06-30&format=xlsx" % plan["id"]
        for _ in range(3):
            r = ctx.get(url, base=srv.url)
            assert r.status == 200 and r.body[:2] == b"PK", r
        assert os.listdir(tmp) == [], os.listdir(tmp)
    finally:
        srv.stop()
    srv = ctx.start_server({"TMPDIR": os.path.join(tmp, "missing")})
    try:
        body = expect_problem(ctx.get(url, base=srv.url), 503)
        assert body["code"] == "workbook_unavailable", body
        # the CSV and the JSON do not need the disk
        assert ctx.get(url.replace("xlsx", "csv"), base=srv.url).status == 200
    finally:
        srv.stop()
    assert os.listdir(tmp) == [], os.listdir(tmp)


def soffice_csv(ctx, books, outdir):
    """Converts every workbook of books (paths) to one CSV per sheet in outdir with LibreOffice,
    in one run with a profile of its own under the test's tmp and a timeout."""
    profile = tempfile.mkdtemp(dir=ctx.tmp, prefix="lo-profile-")
    try:
        cmd = ["soffice", "-env:UserInstallation=file://" + profile, "--headless", "--norestore", "--nolockcheck",
               "--nodefault", "--convert-to", CSV_FILTER, "--outdir", outdir] + books
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=dict(os.environ, HOME=profile))
        assert r.returncode == 0, "soffice exited %d:\n%s\n%s" % (r.returncode, r.stdout, r.stderr)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def read_csv(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.reader(f))


COMPARED = {}


def same(cell, value, what):
    """A cell LibreOffice exported against the JSON report's figure: equal to the cent."""
    kind = "empty" if value is None else type(value).__name__
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        kind = "date"
    COMPARED[kind] = COMPARED.get(kind, 0) + 1
    if value is None:
        assert cell == "", (what, cell, value)
    elif isinstance(value, (dict, list)):  # a formula's named numbers, all_targets' parts: JSON text
        assert json.loads(cell) == value, (what, cell, value)
    elif isinstance(value, bool):
        assert cell == ("sì" if value else "no"), (what, cell, value)
    elif isinstance(value, (int, float)):
        assert cell != "" and round(float(cell), 2) == round(value, 2), (what, cell, value)
    elif re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        y, m, d = value.split("-")
        assert cell in ("%s/%s/%s" % (d, m, y), "%s/%s/%s" % (m, d, y), value), (what, cell, value)
    else:
        assert cell == value, (what, cell, value)


def check_group_sheet(rows, group_rows, total, name):
    head = next(i for i, r in enumerate(rows) if r[:1] == ["Codice"])
    assert rows[head][:11] == HEADINGS, (name, rows[head])
    i = head + 1
    for x in group_rows:
        r = rows[i]
        what = (name, x["objective_code"])
        assert r[0] == x["objective_code"] and r[1] == x["objective_title"], (what, r)
        for col, key in ((2, "weight"), (7, "achievement"), (8, "timeliness"), (9, "score")):
            same(r[col], x[key], what + (key,))
        assert r[10] == STATUS[x["status"]], (what, r)
        inds = x["indicators"] or [None]
        for k, ind in enumerate(inds):
            r = rows[i + k]
            if k:
                assert r[0] == "" and r[2] == "" and r[9] == "", (what, r)
            if ind is not None:
                assert r[3] == ind["name"], (what, r)
                for col, key in ((4, "target"), (5, "value"), (6, "deviation")):
                    same(r[col], ind[key], what + (ind["code"], key))
        i += len(inds)
    r = rows[i]
    assert r[0] == "TOTALE", (name, r)  # directly under the objectives
    same(r[2], total["weight_total"], (name, "weight_total"))
    same(r[9], total["score"], (name, "score"))
    assert r[10] == STATUS[total["status"]], (name, r)
    assert rows[i + 1][1] == "Peso misurato", (name, rows[i + 1])
    same(rows[i + 1][2], total["weight_measured"], (name, "weight_measured"))


def test_report_xlsx_of_example_plans_equals_json_in_libreoffice(ctx):
    demo = DemoDatabase(ctx, name="docs_xlsx")
    work = tempfile.mkdtemp(dir=ctx.tmp, prefix="xlsx-")
    try:
        base = demo.server.url
        token = admin_token(ctx, demo.server, demo.url, os.path.join(work, "admin-token"))
        out = subprocess.run(["python3", "tools/load-monitoring.py", base, token, "examples/monitoring"],
                             cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                             capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, out.stdout + out.stderr
        plans = {"CALUSO": "2022-12-31", "CMTO": "2024-12-31", "TORTONA": "2024-12-31", "CMVE": "2020-12-31"}
        reports, books, timings = {}, [], {}
        for code, as_of in plans.items():
            ent = ctx.get("/v1/entities?code=%s" % code, token=token, base=base).json["items"][0]
            plan = ctx.get("/v1/plans?entity_id=%d" % ent["id"], token=token, base=base).json["items"][0]
            url = "/v1/plans/%d/report?as_of=%s" % (plan["id"], as_of)
            t0 = time.time()
            reports[code] = ctx.get(url, token=token, base=base).json
            json_ms = (time.time() - t0) * 1000
            t0 = time.time()
            x = ctx.get(url + "&format=xlsx", token=token, base=base, timeout=120)
            assert x.status == 200 and x.header("Content-Type") == XLSX, (code, x)
            timings[code] = "json %.0f ms, xlsx %.0f ms (%d KiB)" % (json_ms, (time.time() - t0) * 1000,
                                                                     len(x.body) // 1024)
            path = os.path.join(work, code + ".xlsx")
            with open(path, "wb") as f:
                f.write(x.body)
            books.append(path)
        soffice_csv(ctx, books, work)
        checked = {}
        for code, rep in reports.items():
            with open(os.path.join(work, code + ".xlsx"), "rb") as f:
                names = list(sheet_xml(f.read())[0])
            groups = [t for t in rep["totals"] if t["assignee_kind"] in ("structure", "manager")]
            assert len(names) == 1 + len(groups), (code, names)
            files = {n: os.path.join(work, "%s-%s.csv" % (code, n)) for n in names}
            missing = [p for p in files.values() if not os.path.exists(p)]
            assert not missing, (missing, sorted(os.listdir(work)))
            cover = {r[0]: r[1] for r in read_csv(files["Relazione"]) if len(r) > 1 and r[0]}
            same(cover["Punteggio dell'ente"], rep["entity"]["score"], (code, "entity score"))
            same(cover["Peso misurato"], rep["entity"]["weight_measured"], (code, "entity weight_measured"))
            same(cover["Peso totale"], rep["entity"]["weight_total"], (code, "entity weight_total"))
            assert cover["Ente"] == rep["plan"]["entity"]["name"] and cover["Revisione"] == str(rep["revision"])
            for name, t in zip(names[1:], groups):
                rows = [r for r in rep["rows"] if r["assignee_kind"] == t["assignee_kind"]
                        and r["assignee_id"] == t["assignee_id"]]
                check_group_sheet(read_csv(files[name]), rows, t, (code, name))
            checked[code] = (len(groups), len([r for r in rep["rows"] if r["assignee_kind"] != "person"]))
        print("workbooks:", timings)
        print("sheets and objective rows checked against the JSON report:", checked, "cells by kind:", COMPARED)
        assert COMPARED.get("date", 0) > 0 and COMPARED.get("float", 0) > 0, COMPARED  # not a vacuous check
    finally:
        shutil.rmtree(work, ignore_errors=True)
        demo.close()
