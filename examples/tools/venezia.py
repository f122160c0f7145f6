"""Seed 002 (Città metropolitana di Venezia, PEG 2020) → examples/venezia-peg-2020.json."""
import re
from common import seed_lines, it_date, it_number, write

SEED = "002_18030e1fd3c646f4.txt"
# Strategic objectives the seed numbers only by their place: the rows from seed line 86 (after
# the table break of line 85) up to the block of "7" follow 5's rows and precede 7, so they are
# strategic objective 6's, whose name the seed never prints (title left empty).
UNNAMED_STRATEGIC = {86: "6"}
MISSION_RE = re.compile(r"^(\d{1,2})\s*[-–]?\s*[-–]?\s*[A-Za-zà]|^12$")
# CdR labels that name a person → (external_id, name)
PEOPLE = {
    "Todesco": ("TODESCO_M", "Matteo Todesco"),
    "Braga": ("BRAGA", "Braga"),
    "Chiaia": ("CHIAIA", "Chiaia"),
    "Sallustio": ("SALLUSTIO", "Sallustio"),
    "Agrondi": ("AGRONDI", "Agrondi"),
    "Gattolin": ("GATTOLIN_M", "Massimo Gattolin"),
    "Brugnerotto": ("BRUGNEROTTO", "Brugnerotto"),
    "Gabbi": ("GABBI", "Gabbi"),
}


def clean(s):
    s = re.sub(r"</?b>", "", s)
    return re.sub(r"\s+", " ", s).strip()


def mission_code(s):
    m = re.match(r"(\d{1,2})", s)
    return "%02d" % int(m.group(1))


def programme_code(mission, s):
    m = re.match(r"(\d{1,2})", s)
    return mission + "%02d" % int(m.group(1))


def target_of(ind_name, raw, notes, line):
    """Indicator fields derived from a seed target string."""
    t = clean(raw)
    d = {}
    low = t.lower()
    if re.fullmatch(r"\d{2}/01/1900", t):
        notes.append((line, t, "Excel serial number shown as a date; kept as text"))
        return {"value_type": "number", "target": t, "direction": "higher_is_better", "group": "quantity"}
    m = re.fullmatch(r"(?:entro(?: il)? )?(\d{1,2}/\d{1,2}/\d{4})", low)
    if m:
        return {"value_type": "date", "target": it_date(m.group(1)), "direction": "lower_is_better", "group": "time"}
    op = None
    mm = re.match(r"^(>\s*=|<\s*=|≥|≤|>|<|=>|almeno|fino a)\s*", low)
    body = t
    if mm:
        op = mm.group(1).replace(" ", "")
        body = t[mm.end():]
    direction = "higher_is_better"
    if op in ("<=", "<", "≤"):
        direction = "lower_is_better"
    unit = None
    num = None
    b = body.strip()
    m = re.fullmatch(r"(€\s*)?([\d.,]+)\s*(%|euro|Euro|annui|giorni lavorativi|giorni|anomalie)?\s*(annui)?", b)
    if m:
        s = m.group(2)
        if s == "31,000":
            # ">=31,000" reads 31 in Italian (the comma is the decimal mark) while the DUP target is
            # "≥ 31.000": the seed contradicts itself, so the text is kept and the conflict noted
            return {"value_type": "number", "target": t, "direction": "higher_is_better", "group": "quantity",
                    "_note": "Conflitto nel seed: target PEG «%s» (riga %d) contro il target DUP «≥ 31.000»" % (t, line)}
        num = it_number(s)
        suffix = m.group(3)
        if m.group(1) or (suffix and suffix.lower() == "euro"):
            unit = "EUR"
        elif suffix == "%":
            unit = "%"
        elif suffix and suffix.startswith("giorni"):
            unit = suffix
    if num is None and low == "zero anomalie":
        num, unit, direction = 0, "anomalie", "lower_is_better"
    if num is None:
        vt = "date" if re.search(r"scadenz|data|termine|entro|giorn", (ind_name + " " + t).lower()) else "number"
        return {"value_type": vt, "target": t, "direction": "target", "group": "time" if vt == "date" else "quantity"}
    if op is None and unit and unit.startswith("giorni"):
        # a number of days with no operator ("8 giorni", line 34): the seed gives no side, and its
        # PEG twin on the same row writes "<= 8 giorni"; a duration is not better for being longer
        direction = "lower_is_better"
    vt = "percent" if unit == "%" else ("money" if unit == "EUR" else "number")
    group = "cost" if vt == "money" else ("time" if unit and unit.startswith("giorni") else "quantity")
    d = {"group": group, "value_type": vt, "target": num, "direction": direction}
    if unit:
        d["unit"] = unit
    return d


def build():
    raw = seed_lines(SEED)
    rows = []
    para = []
    paras = [para]
    for n, l in enumerate(raw, 1):
        if not l.strip():
            para = []
            paras.append(para)
            continue
        c = l.split("\t")
        if set(l.replace("\t", "").strip()) <= {"-"}:
            continue  # markdown separator rows
        if c and c[0].strip() == "Obiettivo strategico":
            continue  # header
        para.append((n, c))
    notes = []
    strategic = {}
    current = None
    for para in paras:
        heading = None
        parsed = []
        for n, c in para:
            idx = None
            for k, v in enumerate(c):
                if MISSION_RE.match(v.strip()) and k + 1 < len(c) and re.match(r"\s*\d", c[k + 1]):
                    idx = k
                    break
            if idx is None:
                notes.append((n, "", "row without mission column skipped"))
                continue
            lead = [x.strip() for x in c[:idx] if x.strip()]
            if len(lead) >= 2 and lead[0].isdigit():
                heading = (lead[0], lead[1])
            f = [x for x in c[idx:]]
            while len(f) < 9:
                f.append("")
            if len(f) > 9:
                tail = [x for x in f[8:] if x.strip()]
                f = f[:8] + [tail[0] if tail else ""]
            parsed.append((n, f))
        for start, num in UNNAMED_STRATEGIC.items():
            if not heading and parsed and parsed[0][0] >= start and current and int(current[0]) == int(num) - 1:
                heading = (num, "")
        if heading:
            current = heading
            strategic[heading[0]] = heading[1]
        for n, f in parsed:
            rows.append((n, current, f))

    structures = {}
    people = {}
    objectives = []
    dup_index = {}
    for num, name in sorted(strategic.items(), key=lambda x: int(x[0])):
        objectives.append({"code": "SO-%02d" % int(num), "title": name, "level": "strategic",
                           "scope": "entity", "routine": False, "payment_timeliness": False,
                           "assignments": [], "phases": [], "indicators": []})
    dup_n = peg_n = 0
    name_conflicts = []
    for n, st, f in rows:
        mission, programme, dup, cdr, dind, dtgt, peg, pind, ptgt = [clean(x) for x in f]
        mc = mission_code(mission)
        pc = programme_code(mc, programme)
        m = re.match(r"(\d+)\s*[-–]?\s*(.*)", cdr)
        ccode, cname = m.group(1), m.group(2).strip()
        if ccode not in structures:
            s = {"code": ccode, "name": cname, "kind": "cdr", "interim": False}
            for key, (pid, pname) in PEOPLE.items():
                if key in cname:
                    s["manager"] = pid
                    people[pid] = {"external_id": pid, "name": pname, "role": "dirigente"}
            structures[ccode] = s
        elif structures[ccode]["name"] != cname:
            name_conflicts.append((n, ccode, structures[ccode]["name"], cname))
        routine = dup.lower() == "obiettivo routinario"
        parent = None
        if not routine and dup:
            key = (st[0] if st else None, mc, pc, dup, dind, dtgt)
            if key not in dup_index:
                dup_n += 1
                o = {"code": "DUP-%03d" % dup_n, "title": dup, "level": "operational"}
                if st:
                    o["parent_code"] = "SO-%02d" % int(st[0])
                o.update({"scope": "structure", "routine": False, "mission": mc, "programme": pc,
                          "payment_timeliness": False, "assignments": [], "phases": [], "indicators": []})
                if dind or dtgt:
                    i = {"code": "DUP-%03d-I1" % dup_n, "name": dind or dup}
                    i.update(target_of(dind, dtgt, notes, n) if dtgt else
                             {"group": "quantity", "value_type": "number", "target": "", "direction": "target"})
                    i["source"] = "seed 002 line %d" % n
                    o["indicators"].append(i)
                dup_index[key] = o
                objectives.append(o)
            o = dup_index[key]
            if {"structure_code": ccode} not in o["assignments"]:
                o["assignments"].append({"structure_code": ccode})
            parent = o["code"]
        if peg:
            peg_n += 1
            o = {"code": "PEG-%03d" % peg_n, "title": peg, "level": "management"}
            if parent:
                o["parent_code"] = parent
            o.update({"scope": "structure", "routine": routine, "mission": mc, "programme": pc,
                      "payment_timeliness": False, "assignments": [{"structure_code": ccode}],
                      "phases": [], "indicators": []})
            if pind or ptgt:
                i = {"code": "PEG-%03d-I1" % peg_n, "name": pind or peg}
                i.update(target_of(pind, ptgt, notes, n) if ptgt else
                         {"group": "quantity", "value_type": "number", "target": "", "direction": "target"})
                i["source"] = "seed 002 line %d" % n
                if "_note" in i:
                    o["notes"] = [i.pop("_note")]
                o["indicators"].append(i)
            objectives.append(o)
        else:
            notes.append((n, "", "row without PEG objective"))
    doc = {
        "format": "ciclo-plan/1",
        "entity": {"code": "CMVE", "name": "Città metropolitana di Venezia", "kind": "citta_metropolitana"},
        "year": 2020, "kind": "peg",
        "title": "Piano Esecutivo di Gestione 2020 — Città metropolitana di Venezia",
        "structures": list(structures.values()),
        "people": list(people.values()),
        "objectives": objectives,
        # The seed states targets ("Valore atteso") but no way of scoring them: the default
        # method (ratio to the target, dates on time, yes/no; the cascade rolls up).
        "method": {"combine": "auto"},
    }
    return doc, notes, name_conflicts


if __name__ == "__main__":
    doc, notes, conflicts = build()
    write("venezia-peg-2020.json", doc)
    for x in notes:
        print("NOTE", x)
    for x in conflicts:
        print("CONFLICT", x)
