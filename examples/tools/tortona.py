"""Seed 001 (Città di Tortona, Piano della Performance 2024) → examples/tortona-2024.json."""
import re
from common import seed_lines, it_date, it_number, valid_date, write

SEED = "001_69bda1bd9f3434d6.txt"

# Structures: centres of responsibility and the services the seed lists under them.
CENTRES = {
    "00": "Servizi di Staff", "01": "Affari Generali", "02": "Sviluppo Economico",
    "04": "Servizi alla Persona e alla Comunità", "06": "Finanziario",
    "07": "Lavori Pubblici e CUC",
}
SERVICES = [  # (code, centre, name as in the seed, seed line)
    ("00-SSPC", "00", "Servizio Segreteria, Programmazione e Controllo Strategico"),
    ("00-PM", "00", "Servizio Polizia Municipale"),
    ("00-RU", "00", "Servizio Gestione Risorse Umane"),
    ("00-AVV", "00", "Servizio Avvocatura"),
    ("01-SPORT", "01", "Servizio Sportello del Cittadino, Presidio Telefonico, Protocollo Informatico, Notificazione"),
    ("01-DEMO", "01", "Servizio Demografico"),
    ("01-AMB", "01", "Servizio Ambiente"),
    ("01-URB", "01", "Servizio Coordinamento, Programmazione e Pianificazione Urbanistica"),
    ("02-INF", "02", "Servizio Informatizzazione"),
]
SERVICE_BY_HEADER = {
    "SERVIZIO SEGRETERIA, PROGRAMMAZIONE E CONTROLLO STRATEGICO": "00-SSPC",
    "SERVIZIO POLIZIA MUNICIPALE": "00-PM",
    "SERVIZIO GESTIONE RISORSE UMANE": "00-RU",
    "SERVIZIO AVVOCATURA": "00-AVV",
}
PEOPLE = [  # (id, name, role, structure it manages or None)
    ("PAGANO_S", "Salvatore Pagano", "segretario", "00"),
    ("DISTEFANO_OM", "Orazio Massimiliano Di Stefano", "eq", "00-PM"),
    ("GATTO_E", "Elisa Gatto", "eq", "00-AVV"),
    ("MARENZI_G", "Gianluca Marenzi", "dirigente", "01"),
    ("FRACCHIA_A", "Alfredo Fracchia", "eq", "01-DEMO"),
    ("TAVERNA_E", "Enrico Taverna", "eq", "01-AMB"),
    ("BAIARDI_A", "Achille Baiardi", "eq", "01-URB"),
    ("BAGNERA_C", "Claudio Bagnera", "dirigente", "02"),
    ("DANDREA_C", "Corrado D'Andrea", "dirigente", "04"),
    ("MANCINI_S", "Sabrina Mancini", "dirigente", "06"),
    ("BORGHI_B", "Barbara Borghi", "eq", None),
    ("LUCOTTI_L", "Laura Lucotti", "dirigente", "07"),
    ("GABATELLI_R", "Roberto Gabatelli", "eq", None),
]

# Owner tags as written in the seed → canonical tag.
# Phase owner tags are kept as the seed writes them ("FIN" and "FIN.", "URB" and "URB." are
# both in the seed): the examples do not normalise text (issue 15).
TAGS = {t: t for t in ("TUTTI", "S.E.", "S.E", "LL.PP.", "FIN.", "FIN", "S.S.P.C.", "S.P.C.", "URB.", "URB",
                       "A.G.", "SUE.", "SUE")}
TAG_RE = re.compile(r"^((?:TUTTI|S\.E\.?|LL\.PP\.|FIN\.?|S\.S\.P\.C\.|S\.P\.C\.|URB\.?|A\.G\.|SUE\.?)"
                    r"(?:\s*[-–]\s*(?:TUTTI|S\.E\.?|LL\.PP\.|FIN\.?|S\.S\.P\.C\.|S\.P\.C\.|URB\.?|A\.G\.|SUE\.?))*)\s+(.*)$")


def ind(name, group, vt, target, direction, unit=None, baseline=None):
    d = {"name": name, "group": group}
    if unit:
        d["unit"] = unit
    d["value_type"] = vt
    if baseline is not None:
        d["baseline"] = baseline
    d["target"] = target
    d["direction"] = direction
    return d


# Each distinct "INDICATORI DI RISULTATO" text of the seed → the indicators it states.
# Operators: >=, => and \geq → higher_is_better; <=, =<, < → lower_is_better; = → target.
INDICATORS = {
    "N. monitoraggi >= 2": [ind("N. monitoraggi", "quantity", "number", 2, "higher_is_better")],
    "N. 4 progetti conclusi e verificati positivamente": [
        ind("N. progetti conclusi e verificati positivamente", "quantity", "number", 4, "higher_is_better")],
    "N. dipendenti che hanno completato positivamente il percorso formativo minimo previsto <=24": [
        ind("N. dipendenti che hanno completato positivamente il percorso formativo minimo previsto",
            "quantity", "number", 24, "lower_is_better")],
    "Ritardo di pagamento =< 0": [ind("Ritardo di pagamento", "time", "number", 0, "lower_is_better", unit="giorni")],
    "N. questionari compilati >= 40 N. criticità rilevate < 5": [
        ind("N. questionari compilati", "quantity", "number", 40, "higher_is_better"),
        ind("N. criticità rilevate", "quality", "number", 5, "lower_is_better")],
    "N. pubblicazioni sulla pagina Facebook >= 10 N. pubblicazioni sulla pagina Instagram >= 40": [
        ind("N. pubblicazioni sulla pagina Facebook", "quantity", "number", 10, "higher_is_better"),
        ind("N. pubblicazioni sulla pagina Instagram", "quantity", "number", 40, "higher_is_better")],
    "N. criticità rilevate >= 5 N. variazioni obiettivi gestionali >= 2": [
        ind("N. criticità rilevate", "quality", "number", 5, "higher_is_better"),
        ind("N. variazioni obiettivi gestionali", "quantity", "number", 2, "higher_is_better")],
    "N. incidenti stradali rilevati \\geq 100 N. servizi espletati in collaborazione con la Questura \\geq 30": [
        ind("N. incidenti stradali rilevati", "quantity", "number", 100, "higher_is_better"),
        ind("N. servizi espletati in collaborazione con la Questura", "quantity", "number", 30, "higher_is_better")],
    "Nuovi siti videosorvegliati => 2 Efficientamento del sistema => 70% rispetto all'attuale": [
        ind("Nuovi siti videosorvegliati", "quantity", "number", 2, "higher_is_better"),
        ind("Efficientamento del sistema rispetto all'attuale", "quality", "percent", 70, "higher_is_better", unit="%")],
    "N. regolamenti presentati alla Giunta Comunale = 1": [
        ind("N. regolamenti presentati alla Giunta Comunale", "quantity", "number", 1, "target")],
    "N. comunicazioni inoltrate >= 10": [ind("N. comunicazioni inoltrate", "quantity", "number", 10, "higher_is_better")],
    "Attivazione sistema istanze on-line": [ind("Attivazione sistema istanze on-line", "quality", "boolean", True, "target")],
    "kg./abitante rifiuti prodotti (totale e secco) – % della raccolta (complessiva - differenziata e indifferenziata)": [
        ind("kg./abitante rifiuti prodotti (totale e secco)", "quantity", "number",
            "diminuzione rispetto al dato al 31/12/23", "lower_is_better", unit="kg/abitante", baseline=437),
        ind("% della raccolta (complessiva - differenziata e indifferenziata)", "quality", "percent",
            "aumento della raccolta differenziata rispetto al dato al 31/12/23", "higher_is_better", unit="%", baseline=75)],
    "N. regolamenti redatti =1": [ind("N. regolamenti redatti", "quantity", "number", 1, "target")],
    "Attivazione sistema di appuntamenti digitale": [
        ind("Attivazione sistema di appuntamenti digitale", "quality", "boolean", True, "target")],
    "N. eventi collaterali organizzati >= 2 N. soggetti esterni all'ente coinvolti >=3": [
        ind("N. eventi collaterali organizzati", "quantity", "number", 2, "higher_is_better"),
        ind("N. soggetti esterni all'ente coinvolti", "quantity", "number", 3, "higher_is_better")],
    "Completamento attività formativa (=> 5 incontri) Messa on line nuovo sito web": [
        ind("Completamento attività formativa (incontri)", "quantity", "number", 5, "higher_is_better"),
        ind("Messa on line nuovo sito web", "quality", "boolean", True, "target")],
    "N. eventi programmati o autorizzati >= 6 N. eventi realizzati >= 5": [
        ind("N. eventi programmati o autorizzati", "quantity", "number", 6, "higher_is_better"),
        ind("N. eventi realizzati", "quantity", "number", 5, "higher_is_better")],
    "Grado di realizzazione del risultato atteso >= 80%": [
        ind("Grado di realizzazione del risultato atteso", "quality", "percent", 80, "higher_is_better", unit="%")],
    "Rispetto delle tempistiche indicate N. Enti coinvolti nella rete di coprogettazione >=2": [
        ind("Rispetto delle tempistiche indicate", "time", "boolean", True, "target"),
        ind("N. Enti coinvolti nella rete di coprogettazione", "quantity", "number", 2, "higher_is_better")],
    "Predisposizione e presentazione alla Giunta di n. 2 provvedimenti": [
        ind("N. provvedimenti predisposti e presentati alla Giunta", "quantity", "number", 2, "higher_is_better")],
    "Presentazione al Consiglio Comunale del/i regolamento/i per approvazione": [
        ind("Presentazione al Consiglio Comunale del/i regolamento/i per approvazione", "quality", "boolean", True, "target")],
    "N. atti per approvazione progetto e affidamento lavori >= 2 + monitoraggio richiesti ai sensi legislazione vigente": [
        ind("N. atti per approvazione progetto e affidamento lavori", "quantity", "number", 2, "higher_is_better"),
        ind("Monitoraggi richiesti ai sensi legislazione vigente", "quality", "boolean", True, "target")],
    "N. atti per approvazione progetto e affidamento lavori >= 2": [
        ind("N. atti per approvazione progetto e affidamento lavori", "quantity", "number", 2, "higher_is_better")],
    "N. stati di avanzamento lavori >=4": [ind("N. stati di avanzamento lavori", "quantity", "number", 4, "higher_is_better")],
}

HEADER_RE = re.compile(r"^(CENTRO DI RESPONSABILIT|SEGRETARIO GENERALE|DIRIGENTE RESPONSABILE|INCARICATO DI|"
                       r"OBIETTIVI STRATEGICI DI|SERVIZIO |CITTÀ DI|PROVINCIA DI|PIANO DELLA|ANNO 20|- Indice)")


def cells(line):
    return [c.strip() for c in line.split("\t") if c.strip()]


def parse():
    raw = seed_lines(SEED)
    # split lines on the '**' markers that glue headings together; keep seed line numbers
    lines = []
    for n, l in enumerate(raw, 1):
        for part in l.split("**"):
            if part.strip() and set(part.strip()) != {"-"}:
                lines.append((n, part.rstrip()))
    blocks = []
    centre = None
    unit = None   # assignee: service (centre 00) or centre
    category = None
    i = 0
    corrections = []
    while i < len(lines):
        n, l = lines[i]
        s = l.strip()
        m = re.match(r"CENTRO DI RESPONSABILIT(?:À|A')?:\s*(\d\d)", s)
        if m:
            centre = m.group(1)
            unit = centre
            i += 1
            continue
        if re.fullmatch(r"CENTRO DI RESPONSABILIT(?:À|A')", s):
            i += 2  # the centre's name follows
            category = None
            continue
        if s in SERVICE_BY_HEADER and centre == "00" and i + 1 < len(lines) and \
                lines[i + 1][1].strip().startswith("OBIETTIVI STRATEGICI"):
            unit = SERVICE_BY_HEADER[s]
        if s.startswith("OBIETTIVI STRATEGICI DI SISTEMA"):
            category = "sistema"
        elif s.startswith("OBIETTIVI STRATEGICI DI SETTORE"):
            category = "settore"
        # objective: a heading followed (before any other heading) by FASI PRINCIPALI
        if centre is not None and not HEADER_RE.match(s) and s == s.upper() and re.search(r"[A-Z]{4}", s):
            j = i + 1
            desc = []
            while j < len(lines) and not lines[j][1].strip().startswith("FASI PRINCIPALI"):
                desc.append(lines[j][1].strip())
                j += 1
            title_cells = cells(s)
            blk = {"line": n, "centre": centre, "unit": unit, "category": category,
                   "title": " ".join(title_cells), "description": re.sub(r"</?[bp]>", "", "\n\n".join(d.strip("\t ") for d in desc)).strip(),
                   "phases": []}
            j += 1
            while j < len(lines) and not lines[j][1].startswith("RISORSE UMANE"):
                pn, pl = lines[j]
                c = cells(pl)
                blk["phases"].append((pn, c))
                j += 1
            while j < len(lines) and not lines[j][1].strip() == "" and j < len(lines):
                pn, pl = lines[j]
                c = cells(pl)
                if not c:
                    break
                key = c[0]
                val = c[1] if len(c) > 1 else ""
                if key.startswith("RISORSE UMANE"):
                    blk["human"] = val
                elif key.startswith("RISORSE FINANZIARIE"):
                    blk["financial"] = val
                elif key.startswith("RISULTATO ATTESO"):
                    blk["result"] = val
                elif key.startswith("INDICATORI DI RISULTATO"):
                    blk["indicators"] = val
                    blk["ind_line"] = pn
                elif key.startswith("PESO DELL'OBIETTIVO"):
                    blk["weight"] = val
                    blk["weight_line"] = pn
                    j += 1
                    break
                else:
                    break
                j += 1
            blocks.append(blk)
            i = j
            continue
        i += 1
    return blocks, corrections


def phase_list(blk, corrections):
    out = []
    for seq, (pn, c) in enumerate(blk["phases"], 1):
        desc = c[0]
        owners = None
        m = TAG_RE.match(desc)
        if m:
            owners = [TAGS[t.strip()] for t in re.split(r"\s*[-–]\s*", m.group(1))]
            desc = m.group(2).strip()
        ph = {"seq": seq, "description": desc}
        if owners:
            ph["owners"] = owners
        dm = re.fullmatch(r"\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\s*", c[1])
        if not dm or valid_date(int(dm.group(3)), int(dm.group(2)), int(dm.group(1))):
            ph["deadline"] = it_date(c[1])
        else:
            # an impossible date (31.06.2024): the seed contradicts itself, so the deadline stays
            # empty and the seed's text is kept as a note on the objective
            blk.setdefault("bad_dates", []).append((seq, c[1].strip(), pn))
        if len(c) >= 4:
            ph["weight"] = it_number(c[2].replace("%", ""))
            ph["cumulative"] = it_number(c[3].replace("%", ""))
        out.append(ph)
    return out


def signature(blk, phases):
    return (blk["title"], repr(phases), blk.get("indicators"), blk.get("result"), blk.get("financial"))


def build():
    blocks, corrections = parse()
    structures = []
    for code, name in CENTRES.items():
        structures.append({"code": code, "name": name, "kind": "cdr"})
    for code, parent, name in SERVICES:
        structures.append({"code": code, "name": name, "kind": "servizio", "parent_code": parent})
    by_code = {s["code"]: s for s in structures}
    people = []
    for pid, name, role, manages in PEOPLE:
        people.append({"external_id": pid, "name": name, "role": role})
        if manages:
            by_code[manages]["manager"] = pid
    for s in structures:
        s["interim"] = False

    objectives = []
    by_sig = {}
    counters = {"SIS": 0, "SET": 0}
    ind_counter = [0]
    base_codes, variants = {}, {}
    for blk in blocks:
        date_fix = []
        phases = phase_list(blk, date_fix)
        for c in date_fix:
            if c not in corrections:
                corrections.append(c)
        sig = signature(blk, phases)
        w = blk.get("weight")
        assign = {"structure_code": blk["unit"]}
        if w is not None:
            assign["weight"] = it_number(w.replace("%", ""))
        if sig in by_sig:
            by_sig[sig]["assignments"].append(assign)
            by_sig[sig]["_lines"].append(blk["line"])
            for seq, raw, pn in blk.get("bad_dates", []):
                by_sig[sig]["_bad_dates"].setdefault((seq, raw), []).append(pn)
            continue
        prefix = "SIS" if blk["category"] == "sistema" else "SET"
        key = re.sub(r"[^A-Z]", "", blk["title"].upper())[:40]
        if key in base_codes:
            # same shared objective, but the seed gives this assignee other phase weights
            base = base_codes[key]
            variants[base] += 1
            code = "%s-%s" % (base, "ABCDEFGH"[variants[base]])
        else:
            counters[prefix] += 1
            code = "%s-%02d" % (prefix, counters[prefix])
            base_codes[key] = code
            variants[code] = 0
        o = {"code": code, "title": blk["title"]}
        if blk["description"]:
            o["description"] = blk["description"]
        o["level"] = "strategic"
        o["scope"] = "entity" if blk["category"] == "sistema" else "structure"
        o["routine"] = False
        m = re.search(r"RIF\. ?DUP\.? ([0-9][0-9.]*(?:\s*(?:[-–]|E)\s*[0-9][0-9.]*)*)", blk["title"])
        if m:
            o["dup_ref"] = m.group(1).strip().rstrip(".")
        if blk.get("result"):
            o["expected_result"] = blk["result"]
        fin = blk.get("financial", "")
        if fin == "Nessuna":
            o["financial_resources"] = 0
        elif fin.startswith("Euro"):
            o["financial_resources"] = it_number(fin)
        m = re.search(r"OBIETTIVO (?:TRIENNALE|BIENNALE) (\d{4})-(\d{4})", blk["title"])
        if m:
            o["start_year"], o["end_year"] = int(m.group(1)), int(m.group(2))
        elif re.search(r"\(OBIETTIVO (\d{4})\)", blk["title"]):
            y = int(re.search(r"\(OBIETTIVO (\d{4})\)", blk["title"]).group(1))
            o["start_year"], o["end_year"] = y, y
        o["payment_timeliness"] = blk["title"].startswith("RISPETTO DEI TEMPI MEDI DI PAGAMENTO")
        o["assignments"] = [assign]
        o["phases"] = phases
        inds = []
        for spec in INDICATORS[blk["indicators"]]:
            ind_counter[0] += 1
            d = {"code": "%s-I%d" % (code, len(inds) + 1)}
            d.update(spec)
            d["source"] = "seed 001 line %d" % blk["ind_line"]
            inds.append(d)
        o["indicators"] = inds
        o["_lines"] = [blk["line"]]
        o["_bad_dates"] = {}
        for seq, raw, pn in blk.get("bad_dates", []):
            o["_bad_dates"].setdefault((seq, raw), []).append(pn)
        objectives.append(o)
        by_sig[sig] = o
    for o in objectives:
        o.pop("_lines")
        bad = o.pop("_bad_dates")
        if bad:
            o["notes"] = ["Data impossibile nel seed: fase %d «%s» (riga %s); scadenza lasciata vuota" % (
                seq, raw, ", ".join(str(n) for n in lines)) for (seq, raw), lines in sorted(bad.items())]
            keys = list(o)  # notes right after payment_timeliness, before the lists
            o_items = [(k, o[k]) for k in keys if k not in ("assignments", "phases", "indicators")]
            o_items += [(k, o[k]) for k in ("assignments", "phases", "indicators")]
            o.clear()
            o.update(o_items)
    doc = {
        "format": "ciclo-plan/1",
        "entity": {"code": "TORTONA", "name": "Città di Tortona", "kind": "comune"},
        "year": 2024, "kind": "performance",
        "title": "Piano della Performance 2024 — Città di Tortona",
        "structures": structures, "people": people, "objectives": objectives,
        # The seed's method: each sheet scores its FASI PRINCIPALI, PESO FASE and the running total
        # VALORE OBIETTIVO reached by DATA ULTIMAZIONE FASE; the INDICATORI DI RISULTATO are shown
        # (expected, achieved, deviation), not scored. Threshold, rounding, not measured, lateness
        # and the roll-up are not in the seed: the defaults.
        "method": {"combine": "phases", "phases": "cumulative",
                   "description": "Fasi: somma dei pesi delle fasi concluse entro la data di ultimazione "
                                  "(VALORE OBIETTIVO)."},
    }
    return doc, blocks, corrections


if __name__ == "__main__":
    doc, blocks, corrections = build()
    write("tortona-2024.json", doc)
    for b in blocks:
        print(b["line"], b["unit"], b["category"], b.get("weight"), b["title"][:60])
    print(corrections)
