"""The findings each example plan must raise (issue 15): writes examples/expected-findings/<plan>.json
and prints the Markdown list of examples/README.md ("Expected findings").

Each finding is {"code", "where", "seed_line", "note"}:
  where = an objective code ("14"), a structure code ("A02"), an indicator code ("FIN-2-I3"),
          "<objective> phase <seq>" ("SIS-02 phase 1"), "<objective> @ <structure>" (one
          assignment: "21 @ A02"), or "plan";
  seed_line = the line of the seed file (000 … 003) that shows the defect.
Mechanical classes (weights, phases, targets kept as text) are listed from the documents the
generators build, which keep what the seed says; the others are listed by hand from a reading
of the seeds.  Usage: python3 examples/tools/findings.py   (seeds from $CICLO_SEEDS)."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import caluso  # noqa: E402
import torino  # noqa: E402
import tortona  # noqa: E402
import venezia  # noqa: E402
from common import OUT  # noqa: E402

# Codes (the contract with src/rules/plan_check.c; severity in brackets, error only where the
# plan cannot be scored as written).
CODES = {
    "assignee_weights_not_100": "warning — the weights of an assignee's objectives do not total 100",
    "assignment_without_weight": "warning — an assignment has no weight beside weighted ones",
    "assignee_without_weights": "warning — an assignee none of whose objectives has a weight",
    "plan_without_weights": "warning — no assignment of the plan has a weight",
    "phase_without_weight": "warning — a phase without weight beside weighted phases of the same objective",
    "phase_weights_not_100": "warning — the phase weights of an objective do not total 100",
    "phase_cumulative_mismatch": "warning — cumulative values that do not follow the weights or do not end at 100",
    "phases_out_of_order": "warning — a phase due before the phase that precedes it",
    "slot_over_limit": "warning — more objectives of a kind (Ente 3, Direzione 2, Individuale 5) than the row has slots",
    "phase_without_deadline": "info — a phase without deadline",
    "deadline_label_mismatch": "warning — a deadline that disagrees with its own label (\"Giugno\" due in July)",
    "deadline_before_adoption": "warning — a deadline already past when the plan (revision) was adopted",
    "date_outside_plan": "warning — a date outside the plan's years",
    "date_without_year": "warning — a date target without a year (\"31-dic\")",
    "date_two_digit_year": "warning — a date target with a two-digit year (\"15/05/22\")",
    "date_excel_serial": "warning — a spreadsheet serial number shown as a date (\"02/01/1900\")",
    "target_not_measurable": "warning — a target that is not a value to reach (\"trimestrale\", \"nessuna\", \"2 giornate\")",
    "target_operator_in_text": "warning — an operator written inside a textual target (\"<= 140, 55 giorni\")",
    "target_contradicts_text": "warning — the target number contradicts its own words (\"72,19%\" vs \"almeno il 5%\")",
    "target_met_by_baseline": "warning — the baseline already meets the target",
    "target_weaker_than_parent": "warning — a PEG target weaker than its DUP parent's",
    "band_gap": "warning — values between two bands that no band scores",
    "band_gap_fractional": "warning — a gap between bands that only fractional values fall in (10 < x < 11)",
    "band_open_end": "warning — values above the highest or below the lowest band score nothing",
    "band_not_monotonic": "error — a worse value scores more than a better one",
    "band_overlap": "error — a value scored by two bands with different scores",
    "band_same_score": "warning — adjacent bands with the same score",
    "formula_division_by_zero": "warning — a formula that divides by a value that may be zero",
    "objective_without_measure": "warning — an objective without indicator or rule",
    "structure_without_manager": "warning — a structure without a manager",
    "manager_without_structure": "warning — a manager who leads no structure of the plan",
    "eq_without_unit": "warning — an EQ post (incaricato di elevata qualificazione) without a unit",
    "structure_several_names": "info — one structure written under several names",
    "objective_without_parent": "warning — an objective without parent in a cascaded plan",
    "objective_without_title": "warning — an objective without title",
    "payment_timeliness_below_30": "warning — DL 13/2023 art. 4-bis: the payment-timeliness objective weighs less than 30%",
    "seed_conflict": "warning — a note on the objective records that the source contradicts itself",
}


def F(code, where, line, note=""):
    assert code in CODES, code
    return {"code": code, "where": where, "seed_line": line, "note": note}


def src_line(ind):
    m = re.search(r"line (\d+)", ind.get("source", ""))
    return int(m.group(1)) if m else None


# ----------------------------------------------------------------------------------------------
def torino_findings():
    doc = torino.build()[0]
    out = []
    mx = torino.matrix()
    row_line = {}
    for line, code, name, mgr, role, interim, slots in torino.ROWS:
        row_line[code] = line
        total = sum(w for _, w, how in slots if how == "s")
        missing = [oid for oid, w, how in slots if how != "s"]
        if total != 100:
            out.append(F("assignee_weights_not_100", code, line,
                         "printed weights total %d; %d without weight" % (total, len(missing))))
        if not mgr:
            out.append(F("structure_without_manager", code, line, "the row's Dirigente cell is empty"))
    limits = {"Ente": 3, "Direzione": 2, "Individuale": 5}
    for line, code, name, mgr, role, interim, slots in torino.ROWS:
        count = {}
        for oid, w, how in slots:
            kind = mx[oid][1].split("/")[0].strip()
            if oid in torino.ASSIGNMENT_SCOPE:
                kind = {"structure": "Direzione", "individual": "Individuale"}[torino.ASSIGNMENT_SCOPE[oid][code]] \
                    if code in torino.ASSIGNMENT_SCOPE[oid] else kind
            count[kind] = count.get(kind, 0) + 1
        for kind, n in count.items():
            if n > limits[kind]:
                out.append(F("slot_over_limit", code, line, "%d objectives of type %s (matrix), %d slots" % (n, kind, limits[kind])))
    for o in doc["objectives"]:
        for a in o["assignments"]:
            if "weight" not in a:
                s = a["structure_code"]
                line = row_line[s] if int(o["code"]) in [x[0] for r in torino.ROWS if r[1] == s for x in r[6]] else 62
                out.append(F("assignment_without_weight", "%s @ %s" % (o["code"], s), line))
    for line, code, name, mgr, role, interim, slots in torino.ROWS:
        for oid, w, how in slots:
            if oid == 2 and how == "s" and w < 30:
                out.append(F("payment_timeliness_below_30", "2 @ %s" % code, line,
                             "Indicatore di ritardo annuale dei pagamenti weighs %d%%" % w))
    for oid in sorted(torino.CONFLICTS):
        out.append(F("seed_conflict", str(oid), torino.CONFLICTS[oid][0][0],
                     " vs ".join("l.%d «%s»" % (l, t) for l, _, t in torino.CONFLICTS[oid])))
    out += [
        F("band_same_score", "T67-I1", 118, "400.000<=v<450.000 → 30 and v<400.000 → 30"),
        F("band_overlap", "T59-I1", 108, "n=3 scores 50 and (<=3) 0"),
        F("band_overlap", "T84-I1", 133, "<=25 → 100 overlaps 22<=%<25 → 80 … (16–25 in two bands)"),
        F("band_not_monotonic", "T84-I1", 133, "target <=25% (lower is better) but 16–19 scores 30 and <16 scores 0"),
        F("band_open_end", "T84-I1", 133, "nothing above 25"),
        F("band_gap_fractional", "T2-I1", 48, "compreso tra 1 e 10 gg / tra 11 e 30 gg: nothing between 10 and 11"),
        F("band_open_end", "T57-I1", 106, "only >=20 → 100 and 10<=%<20 → 0: nothing below 10"),
        F("band_open_end", "T40-I1", 90, "only >=90 → 100 is legible: nothing below 90"),
        F("band_open_end", "T82-I1", 131, "=75 → 100 while the objective says almeno il 75%: nothing above 75"),
        F("formula_division_by_zero", "T3-I1", 49, "(assegnati - persi) / assegnati: no PNRR funds assigned → 0/0"),
        F("objective_without_measure", "76", 126, "no target and no rule in the table row"),
        F("date_outside_plan", "4", 159, "matrix: entro il 30/04/2004 (table line 50: 30/04/2024)"),
    ]
    return out


# ----------------------------------------------------------------------------------------------
def phase_findings(doc, line_of):
    out = []
    for o in doc["objectives"]:
        ph = o.get("phases", [])
        weighted = [p for p in ph if "weight" in p]
        if weighted and len(weighted) < len(ph):
            for p in ph:
                if "weight" not in p:
                    out.append(F("phase_without_weight", "%s phase %d" % (o["code"], p["seq"]), line_of(o, p)))
        cum = [p for p in ph if "cumulative" in p]
        run = 0
        for p in weighted:
            run += p["weight"]
            if "cumulative" in p and abs(p["cumulative"] - run) > 1e-9:
                out.append(F("phase_cumulative_mismatch", "%s phase %d" % (o["code"], p["seq"]), line_of(o, p),
                             "cumulative %s, weights so far %s" % (p["cumulative"], run)))
                break
        if cum and cum[-1]["cumulative"] != 100:
            out.append(F("phase_cumulative_mismatch", o["code"], line_of(o, cum[-1]), "does not end at 100"))
        dl = [p for p in ph if p.get("deadline")]
        for a, b in zip(dl, dl[1:]):
            if b["deadline"] < a["deadline"]:
                out.append(F("phases_out_of_order", "%s phase %d" % (o["code"], b["seq"]), line_of(o, b),
                             "due %s, before phase %d (%s)" % (b["deadline"], a["seq"], a["deadline"])))
        if weighted and abs(sum(p["weight"] for p in weighted) - 100) > 1e-9:
            out.append(F("phase_weights_not_100", o["code"], line_of(o, ph[0]),
                         "phase weights total %s" % sum(p["weight"] for p in weighted)))
    return out


def tortona_findings():
    doc, blocks, _ = tortona.build()
    out = []
    first_phase_line = {}
    for b in blocks:
        first_phase_line.setdefault(b["title"], [pn for pn, _ in b["phases"]])

    def line_of(o, p):
        lines = first_phase_line.get(o["title"]) or [None]
        return lines[p["seq"] - 1] if p["seq"] - 1 < len(lines) else lines[0]
    # weights per assignee
    tot = {}
    for o in doc["objectives"]:
        for a in o["assignments"]:
            tot[a["structure_code"]] = tot.get(a["structure_code"], 0) + a.get("weight", 0)
    for s, t in sorted(tot.items()):
        if t != 100:
            out.append(F("assignee_weights_not_100", s, 958, "weights total %s (PESO lines 980, 994, 1014, 1032, 1051, "
                         "1062, 1074: 5+5+5+30+15+15+15)" % t))
    out += phase_findings(doc, line_of)
    for o in doc["objectives"]:
        for n in o.get("notes", []):
            out.append(F("seed_conflict", o["code"], int(re.search(r"riga (\d+)", n).group(1)), n))
        for p in o["phases"]:
            if "deadline" not in p:
                out.append(F("phase_without_deadline", "%s phase %d" % (o["code"], p["seq"]), line_of(o, p),
                             "impossible date in the seed"))
    out += [
        F("deadline_label_mismatch", "SET-02 phase 3", 140, "«Monitoraggi … - Giugno» due 30.07.2024"),
        F("deadline_label_mismatch", "SET-02 phase 4", 141, "«Monitoraggi … - Settembre» due 31.10.2024"),
        F("target_contradicts_text", "SIS-03-I1", 85, "«<=24» while the expected result is «un ulteriore 30% dei dipendenti (24 unità)»"),
        F("target_contradicts_text", "SET-02-I1", 145, "«N. criticità rilevate >= 5»: more critical issues is not better"),
        F("target_not_measurable", "SET-07-I1", 537, "«diminuzione rispetto al dato al 31/12/23»"),
        F("target_not_measurable", "SET-07-I2", 537, "«aumento della raccolta differenziata rispetto al dato al 31/12/23»"),
        F("date_two_digit_year", "SET-07-I1", 537, "«al 31/12/23»"),
        F("date_two_digit_year", "SET-07-I2", 537, "«al 31/12/23»"),
        F("eq_without_unit", "BORGHI_B", 845, "EQ of centre 06 (Finanziario) named without a service"),
        F("eq_without_unit", "GABATELLI_R", 962, "EQ of centre 07 (Lavori Pubblici e CUC) named without a service"),
        F("structure_without_manager", "00-SSPC", 27, "service of centre 00 with objectives; no responsabile named"),
        F("structure_without_manager", "00-RU", 33, "service of centre 00 with objectives; no responsabile named"),
    ]
    return out


# ----------------------------------------------------------------------------------------------
def venezia_findings():
    doc, notes, conflicts = venezia.build()
    out = [F("plan_without_weights", "plan", 3, "the seed has no weight column")]
    byc = {o["code"]: o for o in doc["objectives"]}
    for o in doc["objectives"]:
        for n in o.get("notes", []):
            out.append(F("seed_conflict", o["code"], int(re.search(r"riga (\d+)", n).group(1)), n))
        if o["level"] == "operational" and "parent_code" not in o:
            out.append(F("objective_without_parent", o["code"], src_line(o["indicators"][0]) if o["indicators"] else None,
                         "DUP row before the first named strategic objective"))
        if o["level"] == "strategic" and not o["title"]:
            out.append(F("objective_without_title", o["code"], 86, "strategic objective 6: rows 87–122, never named"))
        for i in o["indicators"]:
            t = i.get("target")
            if isinstance(t, str):
                if re.fullmatch(r"\d{2}/01/1900", t):
                    out.append(F("date_excel_serial", i["code"], src_line(i), t))
                elif re.search(r"[<>]|≥|≤|=>", t):
                    out.append(F("target_operator_in_text", i["code"], src_line(i), t))
                elif not re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
                    out.append(F("target_not_measurable", i["code"], src_line(i), t))
    # one structure under two codes: CdR 115 (lines 159-160) and 15 (lines 171-180), same label.
    # (CdR 83 and 126 written two ways, lines 30/32 and 152/153, keep their first spelling: the
    # document has no field for a second name, so no finding can show it.)
    out.append(F("structure_several_names", "115", 159, "«115 –Sallustio (Area istruzione, …)» and «15 – Sallustio "
                 "(Area istruzione, …)» (line 171)"))
    for s in doc["structures"]:
        if "manager" not in s:
            out.append(F("structure_without_manager", s["code"], None, "CdR «%s»" % s["name"]))
    # "Mantenimento dei tempi medi … (8 giorni)": the target is the value the title says is current
    for code in ("DUP-014-I1", "PEG-028-I1"):
        out.append(F("target_met_by_baseline", code, 34, "«Mantenimento dei tempi medi … (8 giorni)», target 8 giorni"))
    # PEG targets weaker than their DUP parent's (numbers in the same direction)
    for o in doc["objectives"]:
        if o["level"] != "management" or "parent_code" not in o or not o["indicators"]:
            continue
        par = byc[o["parent_code"]]
        if not par["indicators"]:
            continue
        a, b = par["indicators"][0], o["indicators"][0]
        ta, tb = a.get("target"), b.get("target")
        if isinstance(ta, (int, float)) and isinstance(tb, (int, float)) and a.get("unit") == b.get("unit"):
            if (b["direction"] == "higher_is_better" and tb < ta) or (b["direction"] == "lower_is_better" and tb > ta):
                out.append(F("target_weaker_than_parent", b["code"], src_line(b), "PEG %s vs DUP %s" % (tb, ta)))
        iso = re.compile(r"\d{4}-\d{2}-\d{2}")
        if isinstance(ta, str) and isinstance(tb, str) and iso.fullmatch(ta) and iso.fullmatch(tb) and tb > ta:
            out.append(F("target_weaker_than_parent", b["code"], src_line(b), "PEG due %s, DUP due %s" % (tb, ta)))
    return out


# ----------------------------------------------------------------------------------------------
def caluso_findings(doc, adopted):
    out = []
    tot = {}
    sheets = caluso.parse()[0]
    sheet_line = {}
    for o in doc["objectives"]:
        for a in o["assignments"]:
            tot[a["structure_code"]] = tot.get(a["structure_code"], 0) + a.get("weight", 0)
    for sh in sheets:
        code = caluso.SECTORS[sh["sector"]][0]
        sheet_line.setdefault(code, sh["line"])
    for s, t in sorted(tot.items()):
        if t != 100:
            out.append(F("assignee_weights_not_100", s, sheet_line.get(s),
                         "the deliberation's sheets total %s (the unchanged sheets are not in the seed)" % t))
    for o in doc["objectives"]:
        for i in o["indicators"]:
            t, ln = i.get("target"), src_line(i)
            if isinstance(t, str) and re.fullmatch(r"\d{1,2}-[a-z]{3}", t):
                out.append(F("date_without_year", i["code"], ln, t))
            elif isinstance(t, str) and re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2}", t):
                out.append(F("date_two_digit_year", i["code"], ln, t))
            elif isinstance(t, str) and i["value_type"] != "date":
                out.append(F("target_not_measurable", i["code"], ln, t))
            if i.get("unit") == "giornate":
                out.append(F("target_not_measurable", i["code"], ln, "2 giornate (opening days, not a result)"))
            if isinstance(t, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", t) and t < adopted:
                out.append(F("deadline_before_adoption", i["code"], ln, "%s before the adoption %s" % (t, adopted)))
            if isinstance(t, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", t) and not t.startswith("2022") and \
                    not o.get("end_year"):
                out.append(F("date_outside_plan", i["code"], ln, t))
            m = re.search(r"\b\d{1,2}/\d{1,2}/\d{2}\b(?![/\d])", i["name"])
            if m:
                out.append(F("date_two_digit_year", i["code"], ln, "«%s» in the indicator's name" % m.group(0)))
            m = re.search(r"(?<![/\d])\d{1,2}/\d{1,2}\b(?![/\d])", i["name"])
            if m and not any(x["code"] == "date_without_year" and x["where"] == i["code"] for x in out):
                out.append(F("date_without_year", i["code"], ln, "«%s» in the indicator's name" % m.group(0)))
            if "almeno il 5%" in i["name"] and t == 72.19:
                out.append(F("target_contradicts_text", i["code"], ln, "«72,19%» vs «Incremento indicatore di almeno il 5%»"))
        for p in o["phases"]:
            out.append(F("phase_without_deadline", "%s phase %d" % (o["code"], p["seq"]), None, "no date in the sheet"))
            m = re.search(r"(?<![/\d])\d{1,2}/\d{1,2}\b(?![/\d])", p["description"])
            if m:
                line = caluso_phase_line(p["description"])
                out.append(F("date_without_year", "%s phase %d" % (o["code"], p["seq"]), line,
                             "«%s» in the phase's text" % m.group(0)))
    return out


def caluso_phase_line(text):
    for n, l in enumerate(caluso.seed_lines(caluso.SEED), 1):
        if text[:60] in l:
            return n
    return None


def main():
    r1, r2 = caluso.build()[:2]
    plans = {
        "torino-2024": torino_findings(),
        "tortona-2024": tortona_findings(),
        "venezia-peg-2020": venezia_findings(),
        "caluso-2022-r1": caluso_findings(r1, r1["deliberation"]["date"]),
        "caluso-2022-r2": caluso_findings(r2, r2["deliberation"]["date"]),
    }
    d = os.path.join(OUT, "expected-findings")
    os.makedirs(d, exist_ok=True)
    md = []
    for name, fs in plans.items():
        with open(os.path.join(d, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(fs, f, ensure_ascii=False, indent=1)
            f.write("\n")
        md.append("\n#### `%s.json` (%d findings)\n" % (name, len(fs)))
        by = {}
        for x in fs:
            by.setdefault(x["code"], []).append(x)
        for code, xs in by.items():
            items = "; ".join("%s (l. %s)%s" % (x["where"], x["seed_line"] if x["seed_line"] else "—",
                                                  ": " + x["note"] if x["note"] and len(xs) <= 12 else "") for x in xs)
            md.append("- `%s` ×%d — %s" % (code, len(xs), items))
    print("\n".join(md))


if __name__ == "__main__":
    main()
