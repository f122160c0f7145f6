"""Seed 003 (Comune di Caluso, deliberation G.C. 100/2022 revising the Piano della
Performance 2022 adopted by deliberation 8/2022) → examples/caluso-2022-r1.json (as adopted)
and examples/caluso-2022-r2.json (as revised)."""
import copy
import re
from common import seed_lines, it_date, it_number, write

SEED = "003_decb78e0ed17c357.txt"
SECTORS = {  # seed name → (code, structure name, person id, person name, role)
    "FINANZIARIO": ("FIN", "Settore Finanziario", "BERTOLDI_D", "Danilo Bertoldi", "eq"),
    "AMMINISTRATIVO E SERVIZI ALLA PERSONA": ("AMM", "Settore Amministrativo e Servizi alla Persona", "BOSSO_G", "Giulio Bosso", "eq"),
    "POLIZIA MUNICIPALE E PROTEZIONE CIVILE": ("PM", "Settore Polizia Municipale e Protezione Civile", "FRANCESCHINA_D", "Daniele Franceschina", "eq"),
    "SETTORE TECNICO MANUTENTIVO, PATRIMONIO, AMBIENTE ED ATTIVITA' PRODUTTIVE": ("TEC", "Settore Tecnico Manutentivo, Patrimonio, Ambiente ed Attività Produttive", "AUGUSTI_C", "Christian Augusti", "eq"),
    "SETTORE TERRITORIO ED OPERE PUBBLICHE": ("TER", "Settore Territorio ed Opere Pubbliche", "RONCHETTOSALVANA_T", "Tiziano Ronchetto Salvana", "eq"),
    "SETTORE UFFICIO DI STAFF E SEGRETERIA DEL SINDACO": ("STAFF", "Settore Ufficio di Staff e Segreteria del Sindaco", "IVALDI_E", "Ezio Ivaldi", "segretario"),
}
GROUPS = {"Quantità": "quantity", "Tempo": "time", "Costo": "cost", "Qualità": "quality"}
MONTHS = {"gen": 1, "feb": 2, "mar": 3, "apr": 4, "mag": 5, "giu": 6, "lug": 7, "ago": 8,
          "set": 9, "ott": 10, "nov": 11, "dic": 12}
MDAY = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


def cells(l):
    return [c.strip() for c in l.split("\t") if c.strip()]


def target_of(group, raw, notes, n):
    t = raw.strip()
    m = re.fullmatch(r"(\d{1,2})-(gen|feb|mar|apr|mag|giu|lug|ago|set|ott|nov|dic)", t)
    if m:
        # day-month without year: kept as the seed writes it (the checker reports it)
        return {"value_type": "date", "target": t, "direction": "lower_is_better"}
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2}", t):
        # two-digit year (15/05/22): kept as the seed writes it (the checker reports it)
        return {"value_type": "date", "target": t, "direction": "lower_is_better"}
    d = it_date(t)
    if d:
        return {"value_type": "date", "target": d, "direction": "lower_is_better"}
    m = re.fullmatch(r"([\d.,]+)\s*%", t)
    if m:
        return {"unit": "%", "value_type": "percent", "target": it_number(m.group(1)),
                "direction": "higher_is_better"}
    m = re.fullmatch(r"([\d.,]+)\s*(giornate)?", t)
    if m:
        r = {"value_type": "number", "target": it_number(m.group(1)), "direction": "higher_is_better"}
        if m.group(2):
            r = {"unit": m.group(2), **r}
        return r
    if t == "nessuna":
        return {"value_type": "number", "target": "nessuna", "direction": "lower_is_better"}
    return {"value_type": "number", "target": t, "direction": "target"}


def parse():
    lines = seed_lines(SEED)
    sheets = []
    notes = []
    cur = None
    group = None
    state = None
    for n, l in enumerate(lines, 1):
        m = re.match(r"Comune di Caluso ANNO 2022 - Obiettivo strategico n° (\d+) PESO: (\d+) \*\*(\w+)\*\*", l)
        if m:
            cur = {"line": n, "num": m.group(1), "weight": int(m.group(2)), "status": m.group(3),
                   "phases": [], "indicators": []}
            sheets.append(cur)
            state = "head"
            continue
        if cur is None:
            continue
        c = cells(l)
        if not c:
            continue
        if state == "head" and c[0] in SECTORS:
            cur["sector"] = c[0]
            cur["manager_seed"] = c[1] if len(c) > 1 else None
            continue
        if c[0] == "OBIETTIVO":
            cur["title"] = re.sub(r"</?i>", "", c[1]).strip()
            continue
        if c[0] == "descrizione obiettivo":
            cur["description"] = re.sub(r"</p>\s*<p>", "\n\n", c[1]).replace("<p>", "").replace("</p>", "").strip()
            continue
        if c[0].startswith("Descrizione delle fasi"):
            state = "phases"
            continue
        if c[0] == "INDICI DI RISULTATO":
            state = "ind"
            continue
        if c[0] == "CRONOPROGRAMMA":
            state = "crono"
            continue
        if state == "phases" and re.fullmatch(r"\d", c[0]):
            if len(c) >= 3:  # "seq  description  row-number"; an empty phase has only seq + row number
                cur["phases"].append({"seq": int(c[0]), "description": c[1], "line": n})
            continue
        if state == "ind":
            m = re.match(r"Indici di (Quantità|Tempo|Costo|Qualità)", c[0])
            if m:
                group = GROUPS[m.group(1)]
                continue
            if len(c) >= 2:
                cur["indicators"].append({"group": group, "name": c[0], "raw": c[1], "line": n})
    return sheets, notes


def build():
    sheets, notes = parse()
    structures, people = [], []
    for seedname, (code, name, pid, pname, role) in SECTORS.items():
        structures.append({"code": code, "name": name, "kind": "settore", "manager": pid, "interim": False})
        people.append({"external_id": pid, "name": pname, "role": role})
    r1, r2 = [], []
    used = set()
    for sh in sheets:
        sec = SECTORS[sh["sector"]][0]
        code = "%s-%s" % (sec, sh["num"])
        if sh["status"] == "INSERITO":
            code += "B"  # a new sheet that takes the number of the removed one
        assert code not in used, code
        used.add(code)
        o = {"code": code, "title": sh["title"], "description": sh["description"], "level": "strategic",
             "scope": "structure", "routine": False}
        if re.search(r"biennal", sh["title"] + " " + sh["description"], re.I):
            o["start_year"], o["end_year"] = 2022, 2023
        o["payment_timeliness"] = False
        o["assignments"] = [{"structure_code": sec, "weight": sh["weight"]}]
        o["phases"] = [{"seq": p["seq"], "description": p["description"]} for p in sh["phases"]]
        inds = []
        for k, i in enumerate(sh["indicators"], 1):
            d = {"code": "%s-I%d" % (code, k), "name": i["name"], "group": i["group"]}
            d.update(target_of(i["group"], i["raw"], notes, i["line"]))
            d["source"] = "seed 003 line %d" % i["line"]
            inds.append(d)
        o["indicators"] = inds
        if sh["status"] in ("MODIFICATO", "ELIMINATO"):
            r1.append(copy.deepcopy(o))
        if sh["status"] in ("MODIFICATO", "INSERITO"):
            # the deliberation's own list of what it changes: r2 declares it per objective, so
            # revision 2's change list shows every MODIFICATO sheet as modified even though
            # the seed does not print the text it replaced
            o2 = {}
            for k, v in o.items():
                if k == "assignments":
                    o2["revision_mark"] = "modified" if sh["status"] == "MODIFICATO" else "inserted"
                o2[k] = v
            r2.append(o2)
    base = {
        "format": "ciclo-plan/1",
        "entity": {"code": "CALUSO", "name": "Comune di Caluso", "kind": "comune"},
        "year": 2022, "kind": "performance",
        "title": "Piano della Performance 2022 — Comune di Caluso",
        # The seed's sheets close with MEDIA VALORE RAGGIUNTO % and MEDIA RISPETTO DEI TEMPI %:
        # the indicators' achieved value and the timeliness (its Indici di Tempo), side by side.
        # The seed gives no weights between the two, so the document gives none either (the
        # library's default for a mix without weights then counts them equally). Threshold,
        # rounding, not measured, lateness and the roll-up are not in the seed: the defaults.
        "method": {"combine": "mix",
                   "description": "Media valore raggiunto % e media rispetto dei tempi % (verifica "
                                  "intermedia e finale); il piano non scrive il peso tra le due."},
    }
    d1 = dict(base)
    d1["deliberation"] = {"number": "8/2022", "date": "2022-02-07", "body": "Giunta Comunale"}
    d1.update({"structures": structures, "people": people, "objectives": r1})
    d2 = dict(base)
    d2["deliberation"] = {"number": "100/2022", "date": "2022-10-18", "body": "Giunta Comunale"}
    d2.update({"structures": copy.deepcopy(structures), "people": copy.deepcopy(people), "objectives": r2})
    return d1, d2, sheets, notes


if __name__ == "__main__":
    d1, d2, sheets, notes = build()
    write("caluso-2022-r1.json", d1)
    write("caluso-2022-r2.json", d2)
    for s in sheets:
        print(s["line"], s["status"], s["sector"][:20], s["num"], s["weight"], len(s["phases"]), len(s["indicators"]), s["title"][:50])
    for x in notes:
        print("NOTE", x)
