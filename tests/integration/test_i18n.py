"""Errors and findings in Italian when the client asks (Accept-Language: it, it-IT, q-values),
English otherwise, with the same codes, statuses and field paths (issue 18). The catalogue is
src/codec/i18n_catalogue.tsv: every plan-checker finding format of src/rules has an entry there."""
import json
import os
import re

from run import ROOT, expect_problem

IT = {"Accept-Language": "it"}


def _pair(ctx, method, path, body=None, **kw):
    """The same request in English (no Accept-Language) and in Italian."""
    en = ctx.request(method, path, body, **kw)
    h = dict(kw.pop("headers", None) or {}, **IT)
    it = ctx.request(method, path, body, headers=h, **kw)
    return en, it


def _same_but_words(en, it):
    assert en.status == it.status, (en, it)
    a, b = en.json, it.json
    assert (a["status"], a["code"], a["type"]) == (b["status"], b["code"], b["type"]), (a, b)
    assert [e["field"] for e in a.get("errors", [])] == [e["field"] for e in b.get("errors", [])], (a, b)
    assert (it.header("Content-Type") or "").startswith("application/problem+json")
    return a, b


def test_errors_in_italian_when_asked(ctx):
    e = ctx.entity()
    plan = ctx.plan(e["id"])
    o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB1", "title": "Obiettivo"})
    # validation: every field error in Italian, the same fields
    en, it = _pair(ctx, "POST", "/v1/objectives/%d/phases" % o["id"],
                   {"seq": 1, "description": "x", "deadline": "2024-06-31"})
    a, b = _same_but_words(en, it)
    assert a["title"] == "Unprocessable Content" and b["title"] == "Contenuto non elaborabile", b
    assert a["detail"] == "the phase is not valid" and b["detail"] == "fase: dati non validi", b
    assert a["errors"][0]["message"] == ("2024-06-31 is not a date: June has 30 days: use 2024-06-30 for the last "
                                         "day of June"), a
    assert b["errors"][0]["message"] == ("2024-06-31 non è una data: giugno ha 30 giorni: usare 2024-06-30 per "
                                         "l'ultimo giorno di giugno"), b
    en, it = _pair(ctx, "POST", "/v1/entities", {"code": "a b", "name": "", "kind": "comune", "zz": 1})
    a, b = _same_but_words(en, it)
    msgs = {x["field"]: x["message"] for x in b["errors"]}
    assert msgs == {"zz": "non è un campo di ente", "name": "non può essere vuoto",
                    "code": "deve rispettare [A-Za-z0-9][A-Za-z0-9._-]* (lettere, cifre, '.', '_', '-'; senza spazi)"}, b
    assert {x["field"]: x["message"] for x in a["errors"]}["name"] == "must not be empty", a
    # not found, method, media type, not acceptable, malformed JSON, missing token
    en, it = _pair(ctx, "GET", "/v1/plans/999999")
    a, b = _same_but_words(en, it)
    assert (a["title"], a["detail"]) == ("Not Found", "no plan with id 999999"), a
    assert (b["title"], b["detail"]) == ("Non trovato", "piano con id 999999 inesistente"), b
    a, b = _same_but_words(*_pair(ctx, "DELETE", "/v1/me"))
    assert b["title"] == "Metodo non consentito" and b["detail"] == "DELETE non è consentito su /v1/me", b
    a, b = _same_but_words(*_pair(ctx, "GET", "/v1/entities/%d" % e["id"], headers={"Accept": "text/csv"}))
    assert b["title"] == "Formato non disponibile" and "non ammette" in b["detail"], b
    a, b = _same_but_words(*_pair(ctx, "POST", "/v1/entities", raw=b"{\"code\": ", headers={
        "Content-Type": "application/json"}))
    assert a["title"] == "Bad Request" and b["title"] == "Richiesta non valida", b
    assert b["detail"].startswith("il corpo non è JSON valido: "), b
    a, b = _same_but_words(*_pair(ctx, "GET", "/v1/plans", token=None))
    assert b["title"] == "Non autenticato", b


def test_language_negotiation(ctx):
    for header, title in [("it-IT", "Non trovato"), ("it-IT,it;q=0.9,en;q=0.8", "Non trovato"),
                          ("en;q=0.4, it;q=0.6", "Non trovato"), ("en-GB,it;q=0.5", "Not Found"),
                          ("it;q=0, en", "Not Found"), ("fr", "Not Found"), ("de, it;q=0.1", "Non trovato"),
                          ("*", "Not Found")]:
        d = expect_problem(ctx.get("/v1/plans/999999", headers={"Accept-Language": header}), 404)
        assert d["title"] == title and d["code"] == "not_found", (header, d)


def _import(ctx, name):
    with open(os.path.join(ROOT, "examples", name), encoding="utf-8") as f:
        doc = json.load(f)
    doc["entity"]["code"] = ctx.unique(doc["entity"]["code"][:8])
    r = ctx.post("/v1/plans:import", doc, timeout=300)
    assert r.status == 201, r
    return r.json["id"]


def test_checker_findings_in_italian(ctx):
    """Every finding of the example plans comes back in Italian when asked: the same severity,
    code, path and resource, a message that is not the English one; English unchanged."""
    kinds = set()
    for name in ("torino-2024.json", "tortona-2024.json", "caluso-2022-r1.json"):
        pid = _import(ctx, name)
        en = ctx.get("/v1/plans/%d/checks" % pid).json
        it = ctx.get("/v1/plans/%d/checks" % pid, headers={"Accept-Language": "it-IT"}).json
        assert len(en["findings"]) == len(it["findings"]) > 0, name
        for a, b in zip(en["findings"], it["findings"]):
            assert {k: v for k, v in a.items() if k != "message"} == {k: v for k, v in b.items() if k != "message"}
            assert a["message"] != b["message"], "%s: not translated: %s" % (name, a["message"])
            kinds.add(a["code"])
        csv_it = ctx.get("/v1/plans/%d/checks?format=csv" % pid, headers=IT).text
        assert it["findings"][0]["message"].split('"')[0] in csv_it
    assert len(kinds) >= 5, kinds
    # a plan with known findings, word for word
    e = ctx.entity()
    plan = ctx.plan(e["id"])
    ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB1", "title": "Obiettivo"})
    it = ctx.get("/v1/plans/%d/checks" % plan["id"], headers=IT).json["findings"]
    got = {f["code"]: f["message"] for f in it}
    assert got.get("objective_without_measure") == (
        "l'obiettivo OB1 non ha indicatori, fasi né obiettivi sotto di sé: non si può misurare"), got


def _c_formats(src, func):
    """The format string of every call func(..., "format" ...) in C source src (literals joined)."""
    src = re.sub(r"/\*.*?\*/", " ", src, flags=re.S)
    out = []
    for m in re.finditer(r"\b%s\s*\(" % func, src):
        depth, j = 1, m.end()
        while depth:
            c = src[j]
            if c == '"':
                j += 1
                while src[j] != '"':
                    j += 2 if src[j] == "\\" else 1
            elif c in "()":
                depth += 1 if c == "(" else -1
            j += 1
        groups, cur = [], []
        for t in re.finditer(r'"((?:[^"\\]|\\.)*)"|\b(PRI[diu]64)\b|,', src[m.end():j - 1]):
            if t.group(0) == ",":
                if cur:
                    groups.append("".join(cur))
                cur = []
            else:
                cur.append("ld" if t.group(2) else t.group(1))
        if cur:
            groups.append("".join(cur))
        fmts = [g for g in groups if " " in g]  # the message, not the code or the path
        if fmts:
            out.append(fmts[0])
    return out


def test_every_checker_finding_has_an_italian_entry(ctx):
    entries = {}
    with open(os.path.join(ROOT, "src/codec/i18n_catalogue.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line == "\n":
                continue
            mid, en, it = line.rstrip("\n").split("\t")
            assert re.fullmatch(r"[a-z_.0-9]+", mid) and en and it, line
            assert mid not in entries, "message id %s twice" % mid
            # as a C string literal, the form _c_formats reads the findings' formats in
            entries[mid] = en.replace("\\", "\\\\").replace('"', '\\"')
    english = set(entries.values())

    def norm(fmt):
        return re.sub(r"%[-+ #0-9.*]*[hlLqjzt]*[a-zA-Z]", "%s", fmt)

    english = {norm(e) for e in english}
    missing, seen = [], 0
    for path in ("src/rules/plan_check.c", "src/rules/check.c"):
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            for fmt in _c_formats(f.read(), "fnd_add"):
                seen += 1
                if norm(fmt) != "%s" and norm(fmt) not in english:
                    missing.append("%s: %s" % (path, fmt))
    assert not missing, "findings without an Italian entry in src/codec/i18n_catalogue.tsv:\n" + "\n".join(missing)
    assert seen >= 60, "only %d finding formats found in src/rules" % seen
    assert len(entries) >= 150, len(entries)


def test_import_warnings_in_italian(ctx):
    """The checker's findings that an import answers as warnings are in Italian when asked,
    with the same codes and paths as in English."""
    with open(os.path.join(ROOT, "examples", "tortona-2024.json"), encoding="utf-8") as f:
        doc = json.load(f)
    answers = []
    for headers in ({}, IT):
        d = json.loads(json.dumps(doc))
        d["entity"]["code"] = ctx.unique("TORT")
        r = ctx.post("/v1/plans:import", d, headers=headers, timeout=300)
        assert r.status == 201, r
        answers.append(r.json["warnings"])
    en, it = answers
    assert len(en) == len(it) > 0, (en, it)
    for a, b in zip(en, it):
        assert {k: v for k, v in a.items() if k != "message"} == {k: v for k, v in b.items() if k != "message"}
        assert a["message"] != b["message"], "not translated: %s" % a["message"]
