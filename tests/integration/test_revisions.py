"""Plan lifecycle, revisions by deliberation and the audit trail (issue 5).

The main test replays seed 003 (Comune di Caluso, Giunta deliberation n. 100 of 18/10/2022):
the 2022 plan adopted by deliberation 8/2022 of 07/02/2022, then revised by 100/2022 with
the objective sheets the seed marks INSERITO / MODIFICATO / ELIMINATO. The seed prints only
the sheets as revised: the "before" of each modified sheet below is reconstructed from what
the sheet says changed ("slittamento dei termini", "obiettivo biennale", "eliminazione
dell'indicatore di qualità"), and the objectives marked "unchanged" stand for the sheets the
deliberation did not touch (their content is invented).
"""
import copy
import subprocess
import threading

from run import expect_problem

SECTORS = [
    ("FIN", "Settore Finanziario", "M-BERTOLDI", "Danilo Bertoldi"),
    ("TEC", "Settore Tecnico Manutentivo, Patrimonio, Ambiente ed Attività Produttive", "M-AUGUSTI", "Christian Augusti"),
    ("TER", "Settore Territorio ed Opere Pubbliche", "M-RONCHETTO", "Tiziano Ronchetto Salvana"),
    ("AMM", "Settore Amministrativo e Servizi alla Persona", "M-BOSSO", "Giulio Bosso"),
    ("PM", "Settore Polizia Municipale e Protezione Civile", "M-FRANCESCHINA", "Daniele Franceschina"),
    ("STAFF", "Settore Ufficio di Staff e Segreteria del Sindaco", "M-IVALDI", "Ezio Ivaldi"),
]


def obj(code, title, sector, weight, description, phases, indicators, start_year=2022, end_year=2022):
    return {"code": code, "title": title, "level": "strategic", "scope": "structure", "description": description,
            "start_year": start_year, "end_year": end_year, "assign": {sector: weight},
            "phases": {p[0]: {"seq": p[0], "description": p[1], "deadline": p[2], "weight": p[3]} for p in phases},
            "indicators": {i[0]: {"code": i[0], "name": i[1], "group": i[2], "value_type": i[3], "target": i[4],
                                  **({"unit": i[5]} if len(i) > 5 else {})} for i in indicators}}


def sut(sector, who):
    """Sportello Unico Telematico, as adopted in February (one year) ..."""
    c = sector + "-1"
    return obj(c, "SPORTELLO UNICO TELEMATICO", sector, 25,
               "L'obiettivo è assegnato al %s e prevede l'attivazione dello Sportello Unico Telematico (SUT) per il "
               "cittadino." % who,
               [(1, "Formazione e addestramento utilizzo SUT", "2022-03-31", 25),
                (2, "Sperimentazione con un procedimento per Settore", "2022-06-30", 25),
                (3, "Avvio del servizio", "2022-09-30", 25),
                (4, "Ampliamento dei procedimenti resi disponibili on line", "2022-12-31", 25)],
               [(c + ".Q1", "Procedimenti portati sul SUT", "quantity", "number", 1),
                (c + ".T1", "Avvio del servizio su un procedimento", "time", "date", "2022-12-31"),
                (c + ".QL1", "Grado utilizzo procedura on line rispetto a cartacea al 31/12/22", "quality", "percent", 20)])


def sut_biennial(o, who):
    """... and as deliberation 100/2022 made it: biennial, the service starting in 2023."""
    o = copy.deepcopy(o)
    c = o["code"]
    o["description"] = ("L'obiettivo, biennale, è assegnato al %s e prevede l'attivazione dello Sportello Unico "
                        "Telematico (SUT) per il cittadino." % who)
    o["end_year"] = 2023
    o["phases"][1]["description"] = "2022: Formazione e addestramento utilizzo SUT"
    o["phases"][2]["description"] = "2022: Sperimentazione con un procedimento per Settore"
    o["phases"][3].update(description="2023: Avvio del servizio", deadline="2023-03-31")
    o["phases"][4].update(description="2023: Ampliamento dei procedimenti resi disponibili on line", deadline="2023-04-30")
    o["indicators"][c + ".Q1"]["name"] = "Procedimenti portati sul SUT ANNO 2022"
    o["indicators"][c + ".Q2"] = {"code": c + ".Q2", "name": "Procedimenti portati sul SUT ANNO 2023", "group": "quantity",
                                  "value_type": "percent", "target": 100}
    o["indicators"][c + ".T2"] = {"code": c + ".T2", "name": "Ampliamento del servizio su tutti i procedimenti",
                                  "group": "time", "value_type": "date", "target": "2023-12-31"}
    o["indicators"][c + ".QL1"]["name"] = "Grado utilizzo procedura on line rispetto a cartacea al 31/12/23"
    return o


def plan_8_2022():
    """The plan adopted by deliberation 8 of 07/02/2022, by objective code."""
    objectives = [
        sut("FIN", "Settore Finanziario"),
        obj("FIN-2", "MIGLIORAMENTO INDICATORE DI INCIDENZA DEGLI INCASSI DELLE ENTRATE PROPRIE SULLE PREVISIONI "
            "DEFINITIVE DI PARTE CORRENTE", "FIN", 25,
            "L'obiettivo è assegnato, per il secondo anno, al Settore Finanziario e prevede l'adozione di misure per "
            "accelerare gli incassi delle entrate proprie.",
            [(1, "Proposta attività per accelerare gli incassi in corso di esercizio e recuperare i residui.", "2022-05-15", 25),
             (2, "Messa in atto delle azioni", "2022-07-31", 25),
             (3, "Verifica intermedia efficacia", "2022-09-30", 25),
             (4, "Controllo risultato (dati consuntivo 2021 confrontati con preconsuntivo 2022)", "2022-12-31", 25)],
            [("FIN-2.T1", "predisposizione proposta", "time", "date", "2022-05-15"),
             ("FIN-2.T2", "verifica intermedia", "time", "date", "2022-09-30"),
             ("FIN-2.QL1", "Incremento indicatore di almeno il 5% (indicatore 2.8 del rendiconto)", "quality", "percent", 72.19)]),
        obj("FIN-3", "Obiettivo 3 del Settore Finanziario (unchanged)", "FIN", 30, "Non toccato dalla delibera 100/2022.",
            [(1, "Unica fase", "2022-12-31", 100)], [("FIN-3.Q1", "Atti", "quantity", "number", 10)]),
        obj("FIN-4", "ESTERNALIZZAZIONE SERVIZIO TRIBUTI", "FIN", 15,
            "L'obiettivo è assegnato al Settore Finanziario e prevede l'affidamento a qualificato operatore economico "
            "del servizio tributi.",
            [(1, "Progettazione servizio da esternalizzare con indicazione puntuale dell'oggetto dell'appalto e dei "
                 "termini di capitolato.", "2022-02-28", 40),
             (2, "Avvio e monitoraggio del servizio esternalizzato", "2022-04-30", 30),
             (3, "Presidio costante dell'attività con compilazione di schede di monitoraggio del servizio almeno "
                 "trimestrale e finale al 31/12.", "2022-12-31", 30)],
            [("FIN-4.Q1", "Verifiche e monitoraggi con compilazione schede del servizio", "quantity", "number", "trimestrale"),
             ("FIN-4.T1", "Presentazione progetto a GC e Segretario", "time", "date", "2022-02-28"),
             ("FIN-4.T2", "Affidamento del servizio", "time", "date", "2022-04-30"),
             ("FIN-4.C1", "Riduzione costo rispetto al servizio interno", "cost", "percent", 20),
             ("FIN-4.QL1", "Sportello per il cittadino in via telematica, oltre a telefonico e mail", "quality", "number", 2, "giornate")]),
        sut("TEC", "Settore Tecnico Manutentivo"),
        obj("TEC-2", "RIORDINO MAGAZZINO COMUNALE VIA MATTIROLO CON DISMISSIONE BENI INUTILIZZABILI.", "TEC", 15,
            "L'obiettivo è assegnato al Settore Tecnico Manutentivo e prevede la pulizia ed il riordino straordinari "
            "del magazzino comunale di Via Mattirolo.",
            [(1, "Inventario dei beni da dismettere", "2022-06-30", 30),
             (2, "Dismissione / vendita dei beni da dismettere", "2022-07-31", 30),
             (3, "Sgombero completo magazzino dai beni inutilizzabili e riordino di quanto di uso corrente per le "
                 "attività manutentive", "2022-09-30", 40)],
            [("TEC-2.Q1", "Riordino completo", "quantity", "percent", 100),
             ("TEC-2.T1", "Inventario dei beni da dismettere", "time", "date", "2022-06-30"),
             ("TEC-2.T2", "Dismissione / vendita dei beni da dismettere", "time", "date", "2022-07-31"),
             ("TEC-2.T3", "Sgombero completo dai beni inutilizzabili", "time", "date", "2022-09-30")]),
        obj("TEC-4", "PICCOLI INTERVENTI DI MESSA IN SICUREZZA, RIPRISTINO E ABBELLIMENTO ARREDI URBANI", "TEC", 25,
            "L'obiettivo è assegnato al Settore Tecnico Manutentivo e prevede la realizzazione interna di piccoli "
            "interventi di messa in sicurezza di percorsi pedonali e di arredi urbani.",
            [(1, "Presentazione del Piano di messa in sicurezza percorsi pedonali e arredi urbani all'Amministrazione "
                 "entro il 15/03.", "2022-03-15", 30),
             (2, "sistemazione panchine", "2022-05-31", 30),
             (4, "completamento percorso pedonale Via San Francesco", "2022-12-31", 40)],
            [("TEC-4.Q1", "contenuto minimo del piano come da oggetto", "quantity", "percent", 100),
             ("TEC-4.T1", "approvazione piano presentato all'Amministrazione", "time", "date", "2022-03-15"),
             ("TEC-4.T2", "sistemazione 10 panchine", "time", "date", "2022-05-31"),
             ("TEC-4.T4", "completamento percorso pedonale Via San Francesco", "time", "date", "2022-12-31")]),
        obj("TER-1", "Obiettivo 1 del Settore Territorio (unchanged)", "TER", 30, None,
            [(1, "Unica fase", "2022-12-31", 100)], [("TER-1.Q1", "Pratiche", "quantity", "number", 50)]),
        obj("TER-3", "COMPLETA DIGITALIZZAZIONE SPORTELLO UNICO EDILIZIA", "TER", 20,
            "L'obiettivo è assegnato al Servizio Territorio e prevede il completamento della digitalizzazione del SUE "
            "e l'attivazione del servizio Certificato di destinazione urbanistica on line per il cittadino.",
            [(1, "Completamento digitalizzazione", "2022-06-30", 50),
             (2, "Attivazione CDU on line", "2022-12-31", 50)],
            [("TER-3.Q1", "SUE completamente digitale", "quantity", "percent", 100),
             ("TER-3.T1", "Attivazione CDU on line", "time", "date", "2022-12-31"),
             ("TER-3.QL1", "Tempo medio di rilascio del CDU on line", "quality", "number", 5, "giorni")]),
        sut("AMM", "Settore Amministrativo e dei servizi alla persona"),
        obj("AMM-2", "Obiettivo 2 del Settore Amministrativo (unchanged)", "AMM", 20, None,
            [(1, "Unica fase", "2022-12-31", 100)], [("AMM-2.Q1", "Atti", "quantity", "number", 3)]),
        obj("AMM-5", "CONCESSIONI CIMITERIALI: ATTI DEL NUOVO LOCULARIO", "AMM", 10,
            "L'obiettivo è assegnato al Settore Amministrativo, e prevede la predisposizione degli atti di acquisto "
            "relativi al nuovo loculario.",
            [(1, "Sottoscrizione atti di concessione loculi prenotati in fase di realizzazione del nuovo loculario",
              "2022-12-31", 100)],
            [("AMM-5.Q1", "atti sottoscritti relativi alle prenotazioni del nuovo loculario", "quantity", "number", 20),
             ("AMM-5.T1", "sottoscrizioni entro il 31/12", "time", "date", "2022-12-31")]),
        sut("PM", "Settore Polizia Municipale e Protezione Civile"),
        obj("PM-5", "ATTIVAZIONE UFFICIO DI PROSSIMITA' DEL TRIBUNALE", "PM", 10,
            "L'obiettivo è assegnato al Settore Polizia Municipale e consiste nell'attivazione dell'Ufficio di "
            "prossimità del Tribunale di Ivrea, assegnato al Comune di Caluso.",
            [(1, "Coordinamento ed interfaccia con Regione e Tribunale per concretizzazione del progetto", "2022-03-31", 25),
             (2, "Contatti per successivo coinvolgimento del CISSAC nel progetto e per la formazione", "2022-05-31", 25),
             (3, "Pieno rispetto dei termini e modalità dettate per il progetto dalla Regione", "2022-07-31", 25),
             (4, "Apertura Ufficio", "2022-09-30", 25)],
            [("PM-5.Q1", "ore formazione presenziate sul totale erogate", "quantity", "percent", 90),
             ("PM-5.T1", "apertura Ufficio", "time", "date", "2022-09-30"),
             ("PM-5.QL1", "segnalazioni ritardi o inefficienze pervenute", "quality", "number", 0, "segnalazioni")]),
        sut("STAFF", "Settore di Staff e Segreteria del Sindaco"),
        obj("STAFF-2", "Obiettivo 2 dell'Ufficio di Staff (unchanged)", "STAFF", 75, None,
            [(1, "Unica fase", "2022-12-31", 100)], [("STAFF-2.Q1", "Sedute", "quantity", "number", 12)]),
    ]
    return {o["code"]: o for o in objectives}


WHO = {"FIN": "Settore Finanziario", "TEC": "Settore Tecnico Manutentivo", "AMM": "Settore Amministrativo e dei servizi "
       "alla persona", "PM": "Settore Polizia Municipale e Protezione Civile", "STAFF": "Settore di Staff e Segreteria del Sindaco"}


def plan_100_2022(v1):
    """The plan as revised by deliberation 100 of 18/10/2022 (the seed's sheets)."""
    v2 = copy.deepcopy(v1)
    for s in ("FIN", "TEC", "AMM", "PM", "STAFF"):
        v2[s + "-1"] = sut_biennial(v1[s + "-1"], WHO[s])
    v2["TEC-1"]["indicators"]["TEC-1.Q1"]["name"] = "Procedimenti e segnalazioni portati sul SUT ANNO 2022"
    # ELIMINATO: the incassi objective; INSERITO in its place (n. 2): the PNRR funds
    del v2["FIN-2"]
    v2["FIN-2-PNRR"] = obj(
        "FIN-2-PNRR", "ACQUISIZIONE FONDI TRANSIZIONE DIGITALE FINANZIATI DA PNRR (obiettivo biennale)", "FIN", 25,
        "L'obiettivo biennale è assegnato al Settore Finanziario e prevede la partecipazione dell'Ente agli avvisi "
        "pubblici per richiedere ed acquisire le risorse PNRR e avviare il processo di transizione digitale.",
        [(1, "2022: Partecipazione a tutti i bandi destinati ai Comuni (pacchetti standard) su sito padigitale2026.", "2022-09-30", 25),
         (2, "2022: completamento del processo di partecipazione con accoglimento domande", "2022-12-31", 25),
         (3, "2023: affidamento ai fornitori dei servizi finanziati", "2023-06-30", 25),
         (4, "2023: conclusione iter con avvio dei servizi, rendicontazione risorse (ove previsto), digitalizzazione.", "2023-12-31", 25)],
        [("FIN-2-PNRR.Q1", "Partecipazione a tutti i bandi destinati ai Comuni su padigitale2026", "quantity", "percent", 100),
         ("FIN-2-PNRR.T1", "accoglimento domande", "time", "date", "2022-12-31")], end_year=2023)
    # MODIFICATO, OBIETTIVO BIENNALE
    v2["FIN-4"]["description"] += " OBIETTIVO BIENNALE"
    v2["FIN-4"]["end_year"] = 2023
    # MODIFICATO: slittamento dei termini di conclusione
    t2 = v2["TEC-2"]
    t2["description"] += " LA MODIFICA CONSISTE NELLO SLITTAMENTO DEI TERMINI DI CONCLUSIONE DELL'OBIETTIVO."
    for seq, code, day in ((1, "TEC-2.T1", "2022-10-31"), (2, "TEC-2.T2", "2022-11-30"), (3, "TEC-2.T3", "2022-12-31")):
        t2["phases"][seq]["deadline"] = day
        t2["indicators"][code]["target"] = day
    # MODIFICATO: the sanitisation of the offices joins the plan
    t4 = v2["TEC-4"]
    t4["title"] = "PICCOLI INTERVENTI DI MESSA IN SICUREZZA, RIPRISTINO E ABBELLIMENTO ARREDI URBANI E SANIFICAZIONE LOCALI"
    t4["phases"][3] = {"seq": 3, "description": "sanificazione con tinteggiatura dei locali server ed elettorale al piano "
                       "terra e di quelli da destinare ad Ufficio di prossimità.", "deadline": "2022-11-30", "weight": 20}
    t4["phases"][4]["weight"] = 20
    t4["indicators"]["TEC-4.T3"] = {"code": "TEC-4.T3", "name": "sanificazione con tinteggiatura locali comunali",
                                    "group": "time", "value_type": "date", "target": "2022-11-30"}
    # MODIFICATO: slittamento dei termini ed eliminazione dell'indicatore di qualità
    t3 = v2["TER-3"]
    t3["description"] += (" LA MODIFICA CONSISTE NELLO SLITTAMENTO DEI TERMINI DI CONCLUSIONE DELL'OBIETTIVO E "
                          "NELL'ELIMINAZIONE DELL'INDICATORE DI QUALITA'.")
    t3["end_year"] = 2023
    t3["phases"][2]["deadline"] = "2023-04-30"
    t3["indicators"]["TER-3.T1"]["target"] = "2023-04-30"
    del t3["indicators"]["TER-3.QL1"]
    # MODIFICATO: 12 deeds instead of 20, weight 5 instead of 10
    v2["AMM-5"]["indicators"]["AMM-5.Q1"]["target"] = 12
    v2["AMM-5"]["assign"]["AMM"] = 5
    # MODIFICATO: the office opens by 31 December
    v2["PM-5"]["phases"][4]["deadline"] = "2022-12-31"
    v2["PM-5"]["indicators"]["PM-5.T1"]["target"] = "2022-12-31"
    return v2


# The sheets of deliberation 100/2022 as the seed marks them.
SEED_MARKS = {
    "FIN-1": "modified", "FIN-2": "removed", "FIN-2-PNRR": "inserted", "FIN-4": "modified",
    "AMM-1": "modified", "AMM-5": "modified", "PM-1": "modified", "PM-5": "modified",
    "TEC-1": "modified", "TEC-2": "modified", "TEC-4": "modified", "TER-3": "modified", "STAFF-1": "modified",
}

OBJ_FIELDS = ("title", "description", "level", "scope", "start_year", "end_year")


def body_of(o):
    return {k: o[k] for k in ("code",) + OBJ_FIELDS if o.get(k) is not None}


class Builder:
    """Writes a plan spec through the API (as a planner) and applies the difference between two specs."""

    def __init__(self, ctx, token, plan_id, structures):
        self.ctx, self.token, self.plan_id, self.structures = ctx, token, plan_id, structures
        self.ids = {}  # code -> objective id

    def call(self, method, path, body=None, want=(200, 201, 204)):
        r = self.ctx.request(method, path, body, token=self.token)
        assert r.status in want, "%s %s -> %r" % (method, path, r)
        return r.json if r.body else None

    def create_objective(self, o):
        oid = self.call("POST", "/v1/plans/%d/objectives" % self.plan_id, body_of(o))["id"]
        self.ids[o["code"]] = oid
        for s, w in o["assign"].items():
            self.call("POST", "/v1/objectives/%d/assignments" % oid, {"structure_id": self.structures[s], "weight": w})
        for ph in o["phases"].values():
            self.call("POST", "/v1/objectives/%d/phases" % oid, ph)
        for ind in o["indicators"].values():
            self.call("POST", "/v1/objectives/%d/indicators" % oid, ind)

    def children(self, oid, kind):
        return self.call("GET", "/v1/objectives/%d/%s" % (oid, kind))["items"]

    def apply(self, old, new):
        for code in sorted(set(old) - set(new)):
            self.call("DELETE", "/v1/objectives/%d" % self.ids[code])
        for code in sorted(set(new) - set(old)):
            self.create_objective(new[code])
        for code in sorted(set(old) & set(new)):
            o, n, oid = old[code], new[code], self.ids[code]
            patch = {k: n.get(k) for k in OBJ_FIELDS if o.get(k) != n.get(k)}
            if patch:
                self.call("PATCH", "/v1/objectives/%d" % oid, patch)
            for a in self.children(oid, "assignments"):
                s = [k for k, v in self.structures.items() if v == a["structure_id"]][0]
                if s not in n["assign"]:
                    self.call("DELETE", "/v1/assignments/%d" % a["id"])
                elif n["assign"][s] != o["assign"][s]:
                    self.call("PATCH", "/v1/assignments/%d" % a["id"], {"weight": n["assign"][s]})
            for kind, key, lst_old, lst_new in (("phases", "seq", o["phases"], n["phases"]),
                                                ("indicators", "code", o["indicators"], n["indicators"])):
                rows = {r[key]: r for r in self.children(oid, kind)}
                for k, row in rows.items():
                    if k not in lst_new:
                        self.call("DELETE", "/v1/%s/%d" % (kind, row["id"]))
                    elif lst_new[k] != lst_old.get(k):
                        self.call("PATCH", "/v1/%s/%d" % (kind, row["id"]),
                                  {f: v for f, v in lst_new[k].items() if lst_old[k].get(f) != v})
                for k in lst_new:
                    if k not in rows:
                        self.call("POST", "/v1/objectives/%d/%s" % (oid, kind), lst_new[k])


def setup_caluso(ctx):
    e = ctx.entity(code=ctx.unique("CALUSO"), name="Comune di Caluso", kind="comune")
    planner = ctx.token("planner", entity=e["id"], name="ufficio-controllo")
    base = "/v1/entities/%d" % e["id"]
    structures = {}
    for code, name, ext, person in SECTORS:
        m = ctx.create(base + "/people", {"name": person, "external_id": ext, "role": "responsabile"}, token=planner)
        structures[code] = ctx.create(base + "/structures", {"code": code, "name": name, "kind": "settore",
                                                             "manager_id": m["id"]}, token=planner)["id"]
    plan = ctx.create("/v1/plans", {"entity_id": e["id"], "year": 2022, "title": "Piano della Performance 2022"},
                      token=planner)
    return e, planner, plan, Builder(ctx, planner, plan["id"], structures)


def check_document(doc, spec, entity_code):
    """The document holds exactly the spec's objectives, with their phases, indicators and weights."""
    assert doc["format"] == "ciclo-plan/1" and doc["year"] == 2022 and doc["entity"]["code"] == entity_code
    assert [o["code"] for o in doc["objectives"]] == sorted(spec), [o["code"] for o in doc["objectives"]]
    for o in doc["objectives"]:
        s = spec[o["code"]]
        for f in OBJ_FIELDS:
            assert o[f] == s.get(f), (o["code"], f, o[f], s.get(f))
        assert {a["structure_code"]: a["weight"] for a in o["assignments"]} == s["assign"], o["code"]
        assert [(p["seq"], p["description"], p["deadline"], p["weight"]) for p in o["phases"]] == \
            [(p["seq"], p["description"], p["deadline"], p["weight"]) for p in sorted(s["phases"].values(), key=lambda p: p["seq"])]
        got = {i["code"]: (i["name"], i["group"], i["value_type"], i["target"]) for i in o["indicators"]}
        assert got == {c: (i["name"], i["group"], i["value_type"], i["target"]) for c, i in s["indicators"].items()}, o["code"]


def test_caluso_plan_revised_by_deliberation_100_2022(ctx):
    e, planner, plan, b = setup_caluso(ctx)
    pid = plan["id"]
    v1 = plan_8_2022()
    for o in v1.values():
        b.create_objective(o)
    # adopted by the Giunta with deliberation 8 of 07/02/2022
    r = ctx.post("/v1/plans/%d/adopt" % pid, {"deliberation": {"number": "8/2022", "date": "2022-02-07",
                                                              "body": "Giunta Comunale"}}, token=planner)
    assert r.status == 200, r
    assert r.json["status"] == "adopted" and r.json["revision"] == 1 and r.json["editing"] is False
    assert r.header("Location") == "/v1/plans/%d/revisions/1" % pid
    rev1 = ctx.get("/v1/plans/%d/revisions/1" % pid, token=planner)
    assert rev1.status == 200
    check_document(rev1.json, v1, e["code"])
    assert rev1.json["deliberation"] == {"number": "8/2022", "date": "2022-02-07", "body": "Giunta Comunale"}
    fin = [s for s in rev1.json["structures"] if s["code"] == "FIN"][0]
    assert fin["manager"] == "M-BERTOLDI" and fin["interim"] is False
    # adopted: read-only until a revision is opened
    expect_problem(ctx.patch("/v1/objectives/%d" % b.ids["FIN-4"], {"end_year": 2023}, token=planner), 409)
    r = ctx.post("/v1/plans/%d/revisions" % pid, token=planner)
    assert r.status == 201, r
    assert r.json["number"] == 2 and r.json["status"] == "draft" and r.json["plan"]["editing"] is True
    assert r.header("Location") == "/v1/plans/%d/revisions/2" % pid
    # the sheets of deliberation 100/2022
    v2 = plan_100_2022(v1)
    b.apply(v1, v2)
    # while the revision is open, revision 2 is the draft and its changes can be read already
    draft_changes = ctx.get("/v1/plans/%d/revisions/2/changes" % pid, token=planner).json
    assert draft_changes["status"] == "draft"
    r = ctx.post("/v1/plans/%d/adopt" % pid, {"deliberation": {"number": "100/2022", "date": "2022-10-18",
                                                              "body": "Giunta Comunale"}}, token=planner)
    assert r.status == 200 and r.json["revision"] == 2 and r.json["editing"] is False, r

    # the two revisions, with their deliberations
    revs = ctx.get("/v1/plans/%d/revisions" % pid, token=planner).json["items"]
    assert [(x["number"], x["status"], x["deliberation"]["number"], x["deliberation"]["date"]) for x in revs] == \
        [(1, "adopted", "8/2022", "2022-02-07"), (2, "adopted", "100/2022", "2022-10-18")], revs
    assert all(x["adopted_by"] == "ufficio-controllo" for x in revs)
    # revision 1 exactly as it was adopted, revision 2 as revised
    again = ctx.get("/v1/plans/%d/revisions/1" % pid, token=planner)
    assert again.json == rev1.json
    rev2 = ctx.get("/v1/plans/%d/revisions/2" % pid, token=planner).json
    check_document(rev2, v2, e["code"])
    assert rev2["deliberation"]["number"] == "100/2022"
    # objectives keep their identity across revisions
    ids1 = {o["code"]: o["id"] for o in rev1.json["objectives"]}
    ids2 = {o["code"]: o["id"] for o in rev2["objectives"]}
    assert all(ids1[c] == ids2[c] for c in ids2 if c in ids1)
    p1 = {p["seq"]: p["id"] for o in rev1.json["objectives"] if o["code"] == "TEC-2" for p in o["phases"]}
    p2 = {p["seq"]: p["id"] for o in rev2["objectives"] if o["code"] == "TEC-2" for p in o["phases"]}
    assert p1 == p2

    # the change list: exactly the sheets the seed marks
    ch = ctx.get("/v1/plans/%d/revisions/2/changes" % pid, token=planner)
    assert ch.status == 200
    items = ch.json["items"]
    assert ch.json["revision"] == 2 and ch.json["previous"] == 1
    assert {i["code"]: i["change"] for i in items} == SEED_MARKS, items
    assert [i["code"] for i in items] == sorted(SEED_MARKS)
    assert items == draft_changes["items"]
    by = {i["code"]: i for i in items}
    assert by["TER-3"]["fields"] == ["description", "end_year", "phases", "phases[2].deadline", "indicators",
                                     "indicators[TER-3.QL1]", "indicators[TER-3.T1].target"], by["TER-3"]
    assert by["AMM-5"]["fields"] == ["assignments", "assignments[structure:AMM].weight", "indicators",
                                     "indicators[AMM-5.Q1].target"], by["AMM-5"]
    assert by["FIN-4"]["fields"] == ["description", "end_year"]
    assert "indicators[FIN-1.Q2]" in by["FIN-1"]["fields"] and "phases[3].deadline" in by["FIN-1"]["fields"]
    assert by["TEC-4"]["fields"][:1] == ["title"] and "phases[3]" in by["TEC-4"]["fields"]
    assert by["FIN-2"]["fields"] == [] and by["FIN-2-PNRR"]["fields"] == []
    assert by["FIN-2-PNRR"]["title"].startswith("ACQUISIZIONE FONDI")
    csv = ctx.get("/v1/plans/%d/revisions/2/changes?format=csv" % pid, token=planner)
    assert csv.header("Content-Type").startswith("text/csv")
    assert csv.text.split("\r\n")[0] == "code;title;change;fields" and "FIN-2;" in csv.text
    # revision 1 against nothing: everything inserted
    first = ctx.get("/v1/plans/%d/revisions/1/changes" % pid, token=planner).json
    assert first["previous"] is None and {i["change"] for i in first["items"]} == {"inserted"}
    expect_problem(ctx.get("/v1/plans/%d/revisions/3" % pid, token=planner), 404)
    expect_problem(ctx.get("/v1/plans/%d/revisions/3/changes" % pid, token=planner), 404)

    # the removed objective is hidden from the working copy but kept, with its phases and indicators
    expect_problem(ctx.get("/v1/objectives/%d" % b.ids["FIN-2"], token=planner), 404)
    codes = [o["code"] for o in ctx.get("/v1/plans/%d/objectives" % pid, token=planner).json["items"]]
    assert "FIN-2" not in codes and "FIN-2-PNRR" in codes
    assert ctx.sql("SELECT removed_in_revision FROM objectives WHERE id = %d" % b.ids["FIN-2"]) == [["2"]]
    assert ctx.sql("SELECT count(*), min(removed_in_revision) FROM phases WHERE objective_id = %d" % b.ids["FIN-2"]) == [["4", "2"]]
    assert ctx.sql("SELECT count(*) FROM indicators WHERE objective_id = %d AND removed_in_revision = 2" % b.ids["FIN-2"]) == [["3"]]

    # the audit trail of the revision
    def audit(q):
        r = ctx.get("/v1/audit?plan_id=%d&%s" % (pid, q), token=planner)
        assert r.status == 200, r
        return r.json["items"]
    adopts = audit("action=adopt")
    assert [(a["after"]["deliberation"]["number"], a["after"]["revision"], a["before"]["status"]) for a in adopts] == \
        [("8/2022", 1, "draft"), ("100/2022", 2, "adopted")]
    assert all(a["actor"] == {"name": "ufficio-controllo", "role": "planner", "token_id": a["actor"]["token_id"],
                              "chain": [a["actor"]["token_id"]]} for a in adopts)
    assert all(a["resource"] == "plans" and a["resource_id"] == pid and a["at"].endswith("Z") for a in adopts)
    opened = audit("action=open_revision")
    assert len(opened) == 1 and opened[0]["before"]["editing"] is False and opened[0]["after"]["editing"] is True
    assert adopts[0]["id"] < opened[0]["id"] < adopts[1]["id"]
    removed = audit("resource=objectives/%d" % b.ids["FIN-2"])
    assert [a["action"] for a in removed] == ["create", "delete"]
    assert removed[1]["before"]["code"] == "FIN-2" and removed[1]["after"] is None
    ter3 = audit("resource=objectives/%d&action=update" % b.ids["TER-3"])
    assert len(ter3) == 1 and ter3[0]["before"]["end_year"] == 2022 and ter3[0]["after"]["end_year"] == 2023
    between = audit("resource=objectives&since=%s&until=%s" % (opened[0]["at"], adopts[1]["at"]))
    assert {a["action"] for a in between} == {"create", "update", "delete"}
    assert all(opened[0]["id"] < a["id"] < adopts[1]["id"] for a in between)
    # every write of the plan is there, and pages follow one another
    everything, cursor = [], None
    while True:
        page = ctx.get("/v1/audit?plan_id=%d&limit=50%s" % (pid, "&cursor=" + cursor if cursor else ""), token=planner).json
        everything += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [a["id"] for a in everything] == sorted(a["id"] for a in everything)
    assert len(everything) == int(ctx.sql("SELECT count(*) FROM audit WHERE plan_id = %d" % pid)[0][0])
    csv = ctx.get("/v1/audit?plan_id=%d&action=adopt&format=csv" % pid, token=planner)
    lines = csv.text.split("\r\n")
    assert lines[0] == "id;at;actor_name;actor_role;action;resource;resource_id;entity_id;plan_id;before;after"
    assert len([x for x in lines[1:] if x]) == 2 and ";ufficio-controllo;planner;adopt;plans;" in lines[1]


def small_plan(ctx, year=2024):
    e = ctx.entity()
    planner = ctx.token("planner", entity=e["id"], name="pianificatore")
    plan = ctx.create("/v1/plans", {"entity_id": e["id"], "year": year, "title": "Piano %d" % year}, token=planner)
    o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB1", "title": "Trasparenza"}, token=planner)
    ph = ctx.create("/v1/objectives/%d/phases" % o["id"], {"seq": 1, "description": "Mappatura", "weight": 100},
                    token=planner)
    return e, planner, plan, o, ph


DELIB = {"deliberation": {"number": "12", "date": "2024-01-25", "body": "Giunta Comunale"}}


def test_adoption_is_checked(ctx):
    e, planner, plan, o, ph = small_plan(ctx)
    path = "/v1/plans/%d/adopt" % plan["id"]
    # the deliberation: number and date required, the date a real one, the number a string
    expect_problem(ctx.post(path, {}, token=planner), 422, "deliberation")
    expect_problem(ctx.post(path, {"deliberation": {"date": "2024-01-25"}}, token=planner), 422, "deliberation.number")
    expect_problem(ctx.post(path, {"deliberation": {"number": "12"}}, token=planner), 422, "deliberation.date")
    d = expect_problem(ctx.post(path, {"deliberation": {"number": "12", "date": "2024-02-30"}}, token=planner), 422,
                       "deliberation.date")
    assert "February" in d["errors"][0]["message"], d
    expect_problem(ctx.post(path, {"deliberation": {"number": "12", "date": "31.01.2024"}}, token=planner), 422,
                   "deliberation.date")
    expect_problem(ctx.post(path, {"deliberation": {"number": 12, "date": "2024-01-25"}}, token=planner), 422,
                   "deliberation.number")
    expect_problem(ctx.post(path, {"deliberation": {"number": "", "date": "2024-01-25"}}, token=planner), 422,
                   "deliberation.number")
    expect_problem(ctx.post(path, {"deliberation": {"number": "12", "date": "2024-01-25", "seal": 1}}, token=planner),
                   422, "deliberation")
    expect_problem(ctx.post(path, dict(DELIB, extra=1), token=planner), 422, "extra")
    expect_problem(ctx.request("POST", path, raw="{", headers={"Content-Type": "application/json"}, token=planner), 400)
    # who may adopt: admin and planner of the entity
    for role in ("reader", "manager", "evaluator", "erp"):
        expect_problem(ctx.post(path, DELIB, token=ctx.token(role, entity=e["id"])), 403)
    other = ctx.entity()
    expect_problem(ctx.post(path, DELIB, token=ctx.token("planner", entity=other["id"])), 404)
    expect_problem(ctx.post("/v1/plans/987654321/adopt", DELIB), 404)
    # If-Match on the plan
    expect_problem(ctx.post(path, DELIB, token=planner, headers={"If-Match": '"99"'}), 412)
    assert ctx.get("/v1/plans/%d" % plan["id"]).json["status"] == "draft"
    r = ctx.post(path, DELIB, token=planner, headers={"If-Match": '"%d"' % 1})
    assert r.status == 200 and r.json["revision"] == 1, r
    # adopt twice
    d = expect_problem(ctx.post(path, {"deliberation": {"number": "13", "date": "2024-02-01"}}, token=planner), 409)
    assert "revision" in d["detail"]
    assert len(ctx.get("/v1/plans/%d/revisions" % plan["id"]).json["items"]) == 1
    # a revision's deliberation: not older than the current one, not the same number
    assert ctx.post("/v1/plans/%d/revisions" % plan["id"], token=planner).status == 201
    expect_problem(ctx.post(path, {"deliberation": {"number": "5", "date": "2024-01-10"}}, token=planner), 422,
                   "deliberation.date")
    expect_problem(ctx.post(path, {"deliberation": {"number": "12", "date": "2024-03-01"}}, token=planner), 409,
                   "deliberation.number")
    r = ctx.post(path, {"deliberation": {"number": "40", "date": "2024-03-01"}}, token=planner)
    assert r.status == 200 and r.json["revision"] == 2, r


def test_an_adopted_plan_is_read_only(ctx):
    e, planner, plan, o, ph = small_plan(ctx)
    pid = plan["id"]
    ind = ctx.create("/v1/objectives/%d/indicators" % o["id"], {"code": "I1", "name": "Atti", "target": 3}, token=planner)
    assert ctx.post("/v1/plans/%d/adopt" % pid, DELIB, token=planner).status == 200
    writes = [
        ctx.patch("/v1/objectives/%d" % o["id"], {"title": "x"}, token=planner),
        ctx.delete("/v1/objectives/%d" % o["id"], token=planner),
        ctx.post("/v1/plans/%d/objectives" % pid, {"code": "OB2", "title": "y"}, token=planner),
        ctx.post("/v1/objectives/%d/phases" % o["id"], {"seq": 2, "description": "z"}, token=planner),
        ctx.patch("/v1/phases/%d" % ph["id"], {"weight": 50}, token=planner),
        ctx.delete("/v1/phases/%d" % ph["id"], token=planner),
        ctx.patch("/v1/indicators/%d" % ind["id"], {"target": 4}, token=planner),
        ctx.post("/v1/objectives/%d/assignments" % o["id"], {"weight": 10, "structure_id": 1}, token=planner),
        ctx.patch("/v1/plans/%d" % pid, {"title": "Nuovo titolo"}, token=planner),
        ctx.delete("/v1/plans/%d" % pid, token=planner),
        ctx.delete("/v1/objectives/%d" % o["id"], token=planner, headers={"If-Match": '"1"'}),
    ]
    for r in writes:
        d = expect_problem(r, 409)
        assert "open a revision (POST /v1/plans/%d/revisions)" % pid in d["detail"] or "cannot be deleted" in d["detail"], d
    # reads still work, and a missing row is still a 404
    assert ctx.get("/v1/objectives/%d" % o["id"], token=planner).json["title"] == "Trasparenza"
    expect_problem(ctx.patch("/v1/objectives/987654321", {"title": "x"}, token=planner), 404)
    expect_problem(ctx.post("/v1/objectives/987654321/phases", {"seq": 1, "description": "x"}, token=planner), 404)
    # with a revision open: writable, If-Match honoured, removal is soft
    rev = ctx.post("/v1/plans/%d/revisions" % pid, token=planner)
    assert rev.status == 201, rev
    expect_problem(ctx.post("/v1/plans/%d/revisions" % pid, token=planner), 409)  # one open at a time
    expect_problem(ctx.patch("/v1/phases/%d" % ph["id"], {"weight": 50}, token=planner, headers={"If-Match": '"9"'}), 412)
    r = ctx.patch("/v1/phases/%d" % ph["id"], {"weight": 50}, token=planner, headers={"If-Match": '"1"'})
    assert r.status == 200 and r.json["weight"] == 50, r
    expect_problem(ctx.delete("/v1/plans/%d" % pid, token=planner), 409)  # an adopted plan is an act
    assert ctx.patch("/v1/plans/%d" % pid, {"title": "Piano 2024 (rev.)"}, token=planner).status == 200
    assert ctx.delete("/v1/indicators/%d" % ind["id"], token=planner).status == 204
    assert ctx.sql("SELECT removed_in_revision FROM indicators WHERE id = %d" % ind["id"]) == [["2"]]
    expect_problem(ctx.get("/v1/indicators/%d" % ind["id"]), 404)
    expect_problem(ctx.patch("/v1/indicators/%d" % ind["id"], {"target": 5}, token=planner), 404)
    # the code of a removed indicator can be used again
    ctx.create("/v1/objectives/%d/indicators" % o["id"], {"code": "I1", "name": "Atti (nuovo)", "target": 5}, token=planner)
    # a never-adopted draft deletes for real
    e2, p2, plan2, o2, ph2 = small_plan(ctx, 2025)
    assert ctx.delete("/v1/phases/%d" % ph2["id"], token=p2).status == 204
    assert ctx.sql("SELECT count(*) FROM phases WHERE id = %d" % ph2["id"]) == [["0"]]
    assert ctx.delete("/v1/plans/%d" % plan2["id"], token=p2).status == 204


def test_close_and_validate(ctx):
    e, planner, plan, o, ph = small_plan(ctx)
    pid = plan["id"]
    evaluator = ctx.token("evaluator", entity=e["id"], name="ndv")
    expect_problem(ctx.post("/v1/plans/%d/close" % pid, token=planner), 409)  # a draft
    expect_problem(ctx.post("/v1/plans/%d/revisions" % pid, token=planner), 409)  # a draft needs no revision
    assert ctx.post("/v1/plans/%d/adopt" % pid, DELIB, token=planner).status == 200
    # validation: only the evaluator (or an admin), only a closed plan
    expect_problem(ctx.post("/v1/plans/%d/validation" % pid, token=planner), 403)
    d = expect_problem(ctx.post("/v1/plans/%d/validation" % pid, token=evaluator), 409)
    assert "closed" in d["detail"]
    expect_problem(ctx.post("/v1/plans/%d/close" % pid, token=evaluator), 403)
    assert ctx.post("/v1/plans/%d/revisions" % pid, token=planner).status == 201
    expect_problem(ctx.post("/v1/plans/%d/close" % pid, token=planner), 409)  # a revision is open
    assert ctx.post("/v1/plans/%d/adopt" % pid, {"deliberation": {"number": "50", "date": "2024-06-01"}},
                    token=planner).status == 200
    expect_problem(ctx.post("/v1/plans/%d/close" % pid, token=planner, headers={"If-Match": '"1"'}), 412)
    r = ctx.post("/v1/plans/%d/close" % pid, token=planner)
    assert r.status == 200 and r.json["status"] == "closed", r
    expect_problem(ctx.post("/v1/plans/%d/close" % pid, token=planner), 409)
    expect_problem(ctx.post("/v1/plans/%d/revisions" % pid, token=planner), 409)
    expect_problem(ctx.post("/v1/plans/%d/adopt" % pid, DELIB, token=planner), 409)
    d = expect_problem(ctx.patch("/v1/objectives/%d" % o["id"], {"title": "x"}, token=planner), 409)
    assert "closed" in d["detail"]
    expect_problem(ctx.post("/v1/plans/%d/validation" % pid, {"verdict": "ok"}, token=evaluator), 422, "verdict")
    r = ctx.post("/v1/plans/%d/validation" % pid, {"note": "Validata la Relazione 2024"}, token=evaluator)
    assert r.status == 200 and r.json["status"] == "validated", r
    expect_problem(ctx.post("/v1/plans/%d/validation" % pid, token=evaluator), 409)
    trail = ctx.get("/v1/audit?plan_id=%d&resource=plans" % pid, token=evaluator).json["items"]
    assert [a["action"] for a in trail] == ["create", "adopt", "open_revision", "adopt", "close", "validate"]
    assert trail[-1]["actor"]["role"] == "evaluator" and trail[-1]["after"]["validation"]["note"] == "Validata la Relazione 2024"
    assert [x["number"] for x in ctx.get("/v1/plans/%d/revisions" % pid, token=evaluator).json["items"]] == [1, 2]


def test_concurrent_adoptions_one_wins(ctx):
    for attempt in range(3):
        e, planner, plan, o, ph = small_plan(ctx, 2030 + attempt)
        results = []

        def adopt(n):
            r = ctx.post("/v1/plans/%d/adopt" % plan["id"], {"deliberation": {"number": str(n), "date": "2024-01-25"}},
                         token=planner)
            results.append(r.status)
        threads = [threading.Thread(target=adopt, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == [200] + [409] * 5, results
        assert ctx.sql("SELECT count(*) FROM plan_revisions WHERE plan_id = %d" % plan["id"]) == [["1"]]
        assert ctx.sql("SELECT count(*) FROM audit WHERE plan_id = %d AND action = 'adopt'" % plan["id"]) == [["1"]]


def test_concurrent_edits_of_a_draft_lose_nothing(ctx):
    e, planner, plan, o, ph = small_plan(ctx)
    fields = ["description", "dup_ref", "mission", "programme", "public_value_dimension", "expected_result", "title"]
    results = {}

    def edit(f):
        results[f] = ctx.patch("/v1/objectives/%d" % o["id"], {f: "valore di " + f}, token=planner).status
    threads = [threading.Thread(target=edit, args=(f,)) for f in fields]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = ctx.get("/v1/objectives/%d" % o["id"]).json
    assert all(s in (200, 409) for s in results.values()), results
    for f, s in results.items():
        if s == 200:
            assert final[f] == "valore di " + f, (f, final)
    assert list(results.values()).count(200) >= 1
    # and a write racing an adoption either lands before the snapshot or is refused
    statuses = []
    t = threading.Thread(target=lambda: statuses.append(
        ctx.post("/v1/objectives/%d/phases" % o["id"], {"seq": 2, "description": "Corsa"}, token=planner).status))
    t.start()
    r = ctx.post("/v1/plans/%d/adopt" % plan["id"], DELIB, token=planner)
    t.join()
    assert r.status == 200
    doc = ctx.get("/v1/plans/%d/revisions/1" % plan["id"]).json
    in_snapshot = [p["seq"] for p in doc["objectives"][0]["phases"]]
    live = [p["seq"] for p in ctx.get("/v1/objectives/%d/phases" % o["id"]).json["items"]]
    assert in_snapshot == live, (statuses, in_snapshot, live)
    assert statuses[0] in (201, 409)


def test_audit_is_append_only(ctx):
    e = ctx.entity()
    ctx.create("/v1/entities/%d/structures" % e["id"], {"code": "S1", "name": "Uno"})
    row = ctx.sql("SELECT max(id) FROM audit")[0][0]
    for stmt in ("UPDATE audit SET actor_name = 'nessuno' WHERE id = %s" % row,
                 "DELETE FROM audit WHERE id = %s" % row, "TRUNCATE audit"):
        # as the application's role: no privilege; as the owner: the trigger refuses
        for prefix in ("SET ROLE ciclo_app; ", ""):
            try:
                ctx.sql(prefix + stmt)
            except subprocess.CalledProcessError as err:
                assert "permission denied" in err.stderr or "append-only" in err.stderr, err.stderr
            else:
                raise AssertionError("%s%s succeeded" % (prefix, stmt))
    assert ctx.sql("SELECT count(*) FROM audit WHERE actor_name = 'nessuno'") == [["0"]]
    # the role can still read and append, and the adopted revisions are immutable too
    # (row-level security, sql/016: the rows of every entity, as for an admin)
    assert ctx.sql("SET ROLE ciclo_app; SELECT set_config('ciclo.entity_id', 'all', false); "
                   "SELECT count(*) > 0 FROM audit")[-1] == ["t"]  # psql prints SET first
    try:
        ctx.sql("SET ROLE ciclo_app; UPDATE plan_revisions SET deliberation_number = 'x'")
    except subprocess.CalledProcessError as err:
        assert "permission denied" in err.stderr, err.stderr
    else:
        raise AssertionError("plan_revisions can be rewritten")


def test_audit_filters_roles_and_scope(ctx):
    e, planner, plan, o, ph = small_plan(ctx)
    other, _, other_plan, _, _ = small_plan(ctx)
    reader = ctx.token("reader", entity=e["id"])
    evaluator = ctx.token("evaluator", entity=e["id"])
    expect_problem(ctx.get("/v1/audit", token=reader), 403)
    mine = ctx.get("/v1/audit?limit=1000", token=evaluator).json["items"]
    assert mine and all(a["entity_id"] == e["id"] for a in mine)
    assert ctx.get("/v1/audit?entity_id=%d" % other["id"], token=planner).json["items"] == []
    assert ctx.get("/v1/audit?plan_id=%d" % other_plan["id"], token=planner).json["items"] == []
    assert len(ctx.get("/v1/audit?entity_id=%d" % other["id"]).json["items"]) >= 3  # an admin sees every entity
    by_actor = ctx.get("/v1/audit?actor=pianificatore&role=planner&plan_id=%d" % plan["id"], token=planner).json["items"]
    assert [a["resource"] for a in by_actor] == ["plans", "objectives", "phases"]
    assert ctx.get("/v1/audit?since=2999-01-01", token=planner).json["items"] == []
    assert len(ctx.get("/v1/audit?until=2999-01-01T00:00:00%2B01:00&plan_id=" + str(plan["id"]), token=planner).json["items"]) == 3
    csv = ctx.get("/v1/audit?format=csv&limit=1&actor=pianificatore&since=2000-01-01T00:00:00%2B01:00", token=planner)
    assert csv.text.count("\r\n") == 2 and ";pianificatore;planner;create;plans;" in csv.text, csv.text
    link = csv.header("Link")
    assert link.startswith("</v1/audit?format=csv&limit=1&cursor=") and "&actor=pianificatore&since=2000-01-01T00%3A00%3A00%2B01%3A00>" in link, link
    nxt = ctx.get(link[1:link.index(">")], token=planner)
    assert ";pianificatore;planner;create;objectives;" in nxt.text, nxt.text
    for q, field in (("since=yesterday", "since"), ("until=2024-02-30T00:00:00Z", "until"), ("plan_id=x", "plan_id"),
                     ("resource=objectives/x", "resource"), ("cursor=zzz", "cursor"), ("limit=0", "limit")):
        expect_problem(ctx.get("/v1/audit?" + q, token=planner), 400, field)
