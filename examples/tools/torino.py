"""Seed 000 (Città metropolitana di Torino, Piano della Performance 2024) → examples/torino-2024.json.

The seed is an OCR of a landscape table: the objective texts are readable, the weights
often are not.  The slot table of every row (manager, structure, objective ids and
weights) and the scoring rules are therefore transcribed here by hand from the seed;
objective titles, public-value dimensions and types are read from the seed's matrix
("Matrice per assegnazione degli obiettivi ...").  Every weight carries how it was
obtained: 's' (legible in the row), 'e' (illegible in this row; the same shared objective
is legible elsewhere), 't' (illegible; the row's printed total 100 would fix it), '-'
(illegible).  Only 's' weights are stored: a weight the seed does not print in the row
stays null, and the checker reports the row (issue 15: the examples keep what the seed
says, and nothing else).
"""
import re
from common import seed_lines, write

SEED = "000_63c10e375ed7a47e.txt"

# (seed line, structure code, structure name, manager name as 'Surname Given', role, interim,
#  [(objective id, weight or None, how)])  how: s = legible in seed, e = same objective elsewhere,
#  t = from row total 100, - = not legible
ROWS = [
    (3, "A02", "Affari istituzionali", "De Leo Mario", "dirigente", False,
     [(1, None, "e"), (2, None, "e"), (3, 15, "s"), (4, None, "e"), (21, None, "-"), (22, 15, "s"), (23, None, "-"), (24, None, "-")]),
    (4, "A51", "Avvocatura", "Formichella Giuseppe", "segretario", False,
     [(1, None, "e"), (2, None, "e"), (3, 15, "s"), (4, None, "e"), (84, None, "-"), (85, None, "-"), (86, None, "-"), (43, None, "-")]),
    (5, "A52", "Prevenzione e protezione rischi", "Mulè Guido", "dirigente", False,
     [(1, None, "e"), (2, 10, "s"), (3, 15, "s"), (4, None, "e"), (87, None, "-"), (88, None, "-"), (89, None, "-"), (103, None, "-")]),
    (6, "A55", "Polizia metropolitana", "Mulè Guido", "dirigente", False,
     [(1, None, "e"), (2, None, "e"), (3, 15, "s"), (4, None, "e"), (90, 55, "t")]),
    (7, "A80", "Supporto amministrativo OO.PP.", "Rancati Donata", "dirigente", False,
     [(1, None, "e"), (2, 10, "s"), (3, 15, "s"), (54, None, "-"), (96, None, "-"), (97, None, "-"), (98, None, "-"), (78, None, "-")]),
    (8, "QA1", "ICT performance innovazione", "Dani Filippo", "dirigente", False,
     [(1, None, "e"), (2, 10, "s"), (3, 15, "s"), (4, None, "e"), (5, 10, "s"), (6, None, "-"), (7, None, "-"), (8, None, "-")]),
    (9, "QA3", "Finanza e patrimonio", None, None, False,
     [(1, None, "e"), (2, 10, "s"), (3, 15, "s"), (4, None, "e"), (6, None, "-"), (9, None, "-"), (10, None, "-"), (11, 10, "s")]),
    (10, "QA4", "Risorse umane", "Gagino Daniela", "dirigente", False,
     [(1, None, "e"), (2, None, "e"), (3, 15, "s"), (4, 10, "s"), (12, None, "-"), (13, None, "-"), (14, None, "-"), (15, None, "-")]),
    (11, "QA5", "Comunicazione e rapporti con i cittadini ed i territori", "Gatti Carla", "dirigente", False,
     [(1, None, "e"), (2, None, "e"), (3, 15, "s"), (4, 10, "s"), (17, 20, "s"), (18, None, "-"), (19, 15, "s"), (20, None, "-")]),
    (12, "QA7", "Strategie, miglioramento processi e organizzazione", "Mulè Guido", "dirigente", True,
     [(1, None, "e"), (2, None, "e"), (3, 15, "s"), (4, None, "e"), (14, 15, "s"), (99, 10, "s"), (78, None, "-"), (101, None, "-")]),
    (13, "RA1", "Integrazioni processi finanziari e contabili", "Simonetti Sarah Stefania", "dirigente", False,
     [(1, None, "e"), (2, 10, "s"), (3, 15, "s"), (4, None, "e"), (42, 15, "s"), (10, 15, "s"), (78, None, "-"), (45, None, "-")]),
    (20, "RA2", "Programmazione monitoraggio OO.PP. Beni e servizi", "Marzilli Enrico", "dirigente", False,
     [(1, None, "e"), (2, None, "e"), (3, None, "e"), (78, 10, "s"), (46, 10, "s"), (47, None, "-"), (10, None, "-"), (48, None, "-")]),
    (21, "RA3", "Centrale unica appalti", "Rancati Donata", "dirigente", False,
     [(1, None, "e"), (2, 5, "s"), (3, None, "e"), (4, 10, "s"), (49, 10, "s"), (50, 10, "s"), (51, 15, "t"), (52, 15, "s"), (53, 5, "s"), (78, 5, "s")]),
    (22, "RA5", "Azioni integrate con gli enti locali", "Vettoretti Massimo", "dirigente", False,
     [(1, None, "e"), (2, 10, "s"), (3, None, "e"), (4, 10, "s"), (55, None, "-"), (56, 10, "s"), (57, 10, "s"), (10, None, "-")]),
    (23, "RA6", "Istruzione e sviluppo sociale", "Tarchi Monica", "dirigente", False,
     [(1, None, "e"), (2, None, "e"), (3, None, "e"), (4, 10, "s"), (7, None, "-"), (59, None, "-"), (60, None, "-"), (61, None, "-")]),
    (24, "SA0", "Dipartimento Sviluppo economico", "Barbero Matteo", "dirigente", False,
     [(1, None, "e"), (2, None, "e"), (3, None, "e"), (4, 10, "s"), (25, None, "-"), (8, 5, "s"), (27, None, "-"), (28, 5, "s")]),
    (25, "SA3", "Sviluppo rurale e montano", "Di Bella Elena", "dirigente", False,
     [(1, None, "e"), (2, None, "e"), (3, None, "e"), (4, 10, "s"), (62, None, "-"), (63, None, "-"), (75, 15, "s"), (65, None, "-")]),
    (26, "TA0", "Dipartimento Ambiente e vigilanza ambientale", "Coffano Claudio", "dirigente", False,
     [(1, None, "e"), (2, None, "e"), (3, 20, "s"), (4, 10, "s"), (38, None, "-"), (39, None, "-"), (40, 10, "s"), (41, 10, "s")]),
    (27, "TA1", "Rifiuti, bonifiche e sicurezza siti produttivi", "Ariano Pierfranco", "dirigente", False,
     [(1, None, "e"), (2, None, "e"), (3, None, "e"), (4, 10, "s"), (72, None, "-"), (40, 10, "s"), (74, 5, "s"), (75, None, "-")]),
    (28, "TA2", "Risorse idriche e tutela dell'atmosfera", "Coffano Claudio", "dirigente", True,
     [(1, None, "e"), (2, None, "e"), (3, None, "e"), (4, 10, "s"), (76, 15, "s"), (77, None, "-"), (40, 15, "s"), (75, None, "-")]),
    (29, "TA3", "Sistemi naturali", "Bovo Gabriele", "dirigente", False,
     [(1, None, "e"), (2, None, "e"), (3, None, "e"), (4, 10, "s"), (80, None, "-"), (81, 10, "s"), (82, None, "-"), (83, None, "-"), (78, 5, "s")]),
    (30, "UB0", "Dipartimento Pianificazione territoriale, urbanistica ed edilizia", "Schiari Claudio", "dirigente", False,
     [(1, None, "e"), (2, 5, "s"), (3, None, "e"), (4, 10, "s"), (29, None, "-"), (30, None, "-"), (7, 5, "s"), (31, None, "-"), (73, 5, "s")]),
    (36, "UB1", "Edilizia scolastica I", "Rosso Marco", "dirigente", False,
     [(1, 10, "s"), (2, None, "e"), (3, None, "e"), (26, 10, "s"), (34, None, "-"), (30, None, "-"), (66, 10, "s"), (67, None, "-"), (68, 5, "s"), (78, 5, "s")]),
    (37, "UB2", "Edilizia scolastica II", "Schiari Claudio", "dirigente", True,
     [(1, 10, "s"), (2, None, "e"), (3, None, "e"), (78, 10, "s"), (29, 10, "s"), (30, 25, "t"), (26, 10, "s"), (68, 10, "s")]),
    (38, "UC0", "Dipartimento Viabilità", "Tizzani Matteo", "dirigente", False,
     [(1, 10, "s"), (2, None, "e"), (3, None, "e"), (4, 10, "s"), (34, 15, "s"), (33, 10, "t"), (36, 10, "s"), (35, 20, "s")]),
    (39, "UC1", "Viabilità I", "Tizzani Matteo", "dirigente", True,
     [(1, 10, "s"), (2, None, "e"), (3, None, "e"), (4, 10, "s"), (69, 15, "s"), (37, 5, "s"), (70, 10, "s"), (78, 5, "s"), (58, 10, "s"), (32, 10, "s")]),
    (40, "UC2", "Viabilità II", "Bergese Sabrina", "dirigente", False,
     [(1, 10, "s"), (2, None, "e"), (3, None, "e"), (4, 10, "s"), (69, 15, "s"), (37, 5, "s"), (36, 10, "t"), (78, 5, "s"), (35, 10, "s"), (32, 10, "s")]),
    (41, "UC3", "Trasporti e mobilità sostenibile", "Tizzani Matteo", "dirigente", True,
     [(1, None, "e"), (2, None, "e"), (3, 15, "s"), (4, 10, "s"), (92, 10, "s"), (93, 15, "s"), (94, 15, "s"), (78, 5, "s"), (95, 10, "s")]),
]
# Objectives of the rules table that no row shows: assigned from the table's "Struttura" column.
EXTRA_ASSIGN = {16: ["QA4"]}
PARENT = {"UB1": "UB0", "UB2": "UB0", "UC1": "UC0", "UC2": "UC0", "UC3": "UC0",
          "TA1": "TA0", "TA2": "TA0", "TA3": "TA0", "SA3": "SA0"}


def hb(th, scores, integer=False):
    """Higher-is-better step bands: th = [t0 > t1 > ...], scores = [s0, s1, ..., last]."""
    b = [{"min": th[0], "score": scores[0]}]
    for k in range(1, len(th)):
        b.append({"min": th[k], "max": th[k - 1], "score": scores[k]})
    b.append({"max": th[-1], "score": scores[-1]})
    r = {"kind": "bands", "bands": b}
    if integer:
        r["integer"] = True
    return r


def lb(th, scores):
    """Lower-is-better day counts: '<= t0 → s0; t0 < n <= t1 → s1; ...; n > last → 0'."""
    b = [{"max": th[0], "max_inclusive": True, "score": scores[0]}]
    for k in range(1, len(th)):
        b.append({"min": th[k - 1], "min_exclusive": True, "max": th[k], "max_inclusive": True, "score": scores[k]})
    b.append({"min": th[-1], "min_exclusive": True, "score": scores[-1]})
    return {"kind": "bands", "bands": b}


BOOL = {"kind": "boolean"}
STD100 = hb([100, 95, 90, 85], [100, 80, 60, 30, 0])
GARE = hb([100, 95, 90, 80], [100, 90, 70, 50, 0])
PCT = lambda t: {"value_type": "percent", "unit": "%", "target": t, "direction": "higher_is_better", "group": "quantity"}
NUM = lambda t: {"value_type": "number", "target": t, "direction": "higher_is_better", "group": "quantity"}
EUR = lambda t: {"value_type": "money", "unit": "EUR", "target": t, "direction": "higher_is_better", "group": "cost"}
DAYS = lambda t: {"value_type": "number", "unit": "giorni", "target": t, "direction": "lower_is_better", "group": "time"}

# id → (indicator fields, rule) from the table "Target e regole di calcolo".
RULES = {
    1: (EUR(1000000), hb([1000000, 900000, 800000, 650000], [100, 90, 80, 50, 0])),
    2: (DAYS(1), {"kind": "bands", "bands": [
        {"max": 1, "score": 100},
        {"min": 1, "max": 10, "max_inclusive": True, "score": 80},
        {"min": 11, "max": 30, "max_inclusive": True, "score": 50},
        {"min": 30, "min_exclusive": True, "score": 0}]}),
    3: (PCT(100), {"kind": "formula", "expr": "(assigned - lost) / assigned * 100",
                   "then": {"kind": "linear", "target": 100, "baseline": 0}}),
    5: (PCT(100), hb([100, 90, 80, 70], [100, 80, 60, 30, 0])),
    8: (NUM(3), hb([3, 2, 1], [100, 80, 40, 0], integer=True)),
    13: (PCT(60), hb([60, 50, 40, 30], [100, 80, 60, 30, 0])),
    15: (PCT(50), hb([50, 40, 30, 20], [100, 80, 60, 30, 0])),
    17: (EUR(300000), hb([300000, 250000, 200000, 150000], [100, 90, 75, 50, 0])),
    18: (NUM(2), {"kind": "linear", "target": 2, "baseline": 0}),
    20: (PCT(95), hb([95, 90, 85, 80], [100, 80, 60, 30, 0])),
    25: (PCT(100), STD100),
    26: (PCT(80), hb([80, 70, 60, 50], [100, 80, 60, 30, 0])),
    29: (PCT(30), hb([30, 25, 20, 15], [100, 80, 60, 30, 0])),
    30: (PCT(100), STD100),
    31: (EUR(50000), hb([50000, 45000, 40000, 35000], [100, 90, 80, 50, 0])),
    34: (PCT(100), STD100),
    35: (PCT(50), hb([50, 45, 40, 35], [100, 80, 60, 30, 0])),
    36: (PCT(100), STD100),
    37: (PCT(80), hb([80, 75, 70, 65], [100, 90, 70, 40, 0])),
    38: ({"value_type": "percent", "unit": "%", "target": "100% pratiche 2024 75% pratiche 2025",
          "direction": "higher_is_better", "group": "quantity"},
         {"kind": "all_targets", "parts": [
             {"kind": "linear", "target": 100, "baseline": 0, "description": "% istruttorie concluse, pratiche che si prescrivono nel 2024"},
             {"kind": "linear", "target": 75, "baseline": 0, "description": "% istruttorie concluse, pratiche che si prescrivono nel 2025"}]}),
    39: (NUM(5), hb([5, 4, 3, 2], [100, 80, 60, 40, 0], integer=True)),
    40: (PCT(90), {"kind": "bands", "bands": [{"min": 90, "score": 100}]}),
    42: (DAYS(15), lb([15, 18, 21, 24], [100, 80, 60, 30, 0])),
    43: (PCT(90), hb([90, 85, 80, 75], [100, 80, 60, 30, 0])),
    45: (DAYS(25), lb([25, 28, 31, 34], [100, 80, 60, 30, 0])),
    47: (PCT(25), hb([25, 21, 18, 15], [100, 90, 70, 40, 0])),
    48: (PCT(25), hb([25, 21, 18, 15], [100, 90, 70, 40, 0])),
    49: (PCT(8), hb([8, 7, 6, 5], [100, 80, 60, 30, 0])),
    52: (PCT(30), hb([30, 27, 24, 21], [100, 80, 60, 30, 0])),
    53: (PCT(100), GARE),
    54: ({"value_type": "percent", "unit": "%", "target": "100% 70%", "direction": "higher_is_better", "group": "quantity"},
         {"kind": "all_targets", "parts": [
             {"kind": "linear", "target": 100, "baseline": 0, "description": "% archiviazione documenti interventi finanziati dal PNRR"},
             {"kind": "linear", "target": 70, "baseline": 0, "description": "% archiviazione documenti altre opere"}]}),
    57: (PCT(20), {"kind": "bands", "bands": [{"min": 20, "score": 100}, {"min": 10, "max": 20, "score": 0}]}),
    59: (NUM(5), {"kind": "bands", "integer": True, "bands": [
        {"min": 5, "score": 100},
        {"min": 4, "max": 4, "max_inclusive": True, "score": 80},
        {"min": 3, "max": 3, "max_inclusive": True, "score": 50},
        {"max": 3, "max_inclusive": True, "score": 0}]}),
    60: (NUM(4), {"kind": "bands", "integer": True, "bands": [
        {"min": 4, "score": 100},
        {"min": 3, "max": 3, "max_inclusive": True, "score": 80},
        {"min": 2, "max": 2, "max_inclusive": True, "score": 50},
        {"max": 1, "max_inclusive": True, "score": 0}]}),
    61: (NUM(4), {"kind": "bands", "integer": True, "bands": [
        {"min": 4, "score": 100},
        {"min": 3, "max": 3, "max_inclusive": True, "score": 80},
        {"min": 2, "max": 2, "max_inclusive": True, "score": 50},
        {"max": 1, "max_inclusive": True, "score": 0}]}),
    62: (PCT(30), hb([30, 26, 22, 18], [100, 80, 60, 30, 0])),
    66: (PCT(100), {"kind": "linear", "target": 100, "baseline": 0}),
    67: (EUR(600000), hb([600000, 550000, 500000, 450000, 400000], [100, 90, 80, 50, 30, 30])),
    68: (PCT(100), STD100),
    69: (PCT(100), STD100),
    73: (PCT(80), hb([80, 75, 70, 65], [100, 90, 70, 40, 0])),
    75: (PCT(100), hb([100, 90, 80, 70], [100, 80, 60, 30, 0])),
    78: (PCT(90), hb([90, 85, 80, 75], [100, 80, 60, 30, 0])),
    82: (PCT(75), {"kind": "bands", "bands": [
        {"min": 75, "max": 75, "max_inclusive": True, "score": 100},
        {"min": 70, "max": 75, "score": 80},
        {"min": 65, "max": 70, "score": 60},
        {"min": 60, "max": 65, "score": 30},
        {"max": 60, "score": 0}]}),
    83: ({"value_type": "percent", "unit": "%", "target": "20% 60% pratiche", "direction": "higher_is_better", "group": "time"},
         {"kind": "all_targets", "parts": [
             {"kind": "linear", "target": 20, "baseline": 0, "description": "% di riduzione del tempo massimo previsto dalla normativa"},
             {"kind": "linear", "target": 60, "baseline": 0, "description": "% delle pratiche con tale riduzione"}]}),
    84: ({"value_type": "percent", "unit": "%", "target": 25, "direction": "lower_is_better", "group": "quantity"},
         {"kind": "bands", "bands": [
             {"max": 25, "max_inclusive": True, "score": 100},
             {"min": 22, "max": 25, "score": 80},
             {"min": 19, "max": 22, "score": 60},
             {"min": 16, "max": 19, "score": 30},
             {"max": 16, "score": 0}]}),
    85: (PCT(90), hb([90, 85, 80, 75], [100, 80, 60, 30, 0])),
    88: (PCT(100), STD100),
    90: (PCT(100), STD100),
    92: (PCT(100), GARE),
    94: (PCT(100), GARE),
    95: (PCT(90), hb([90, 85, 80, 75], [100, 80, 60, 30, 0])),
    97: (PCT(95), hb([95, 90, 85, 80], [100, 80, 60, 30, 0])),
}
BOOLEANS = [4, 6, 7, 9, 10, 11, 12, 14, 16, 19, 21, 22, 23, 24, 27, 28, 32, 33, 41, 46, 50, 51, 55, 56, 58,
            63, 65, 70, 72, 74, 77, 80, 81, 86, 87, 89, 93, 96, 98, 99, 101, 103]
NO_RULE = [76]  # the table row of 76 has no target and no rule
# Table rows whose note column is a real note (not "Tipo Si/No.").
NOTES = {
    5: "Il Target fa riferimento al 60% dei 236 procedimenti mappati e non ancora digitalizzati",
    26: "(Nota: La procedura di controllo e monitoraggio è realizzata in collaborazione con il Servizio Prevenzione e protezione e con supporto professionale esterno)",
    57: "Nota: i progetti per Comuni sotto i 10.000 abitanti realizzati nel 2023 sono 10.",
    69: "(Nota si fa riferimento alle opere finanziate con Titolo 2 della spesa e al cronoprogramma approvato nel DUP)",
    78: "(Nota: la % fa riferimento ai progetti di propria competenza per le strutture tecniche finali UB1-UB2-UC1-UC2-UC3-TA3 e alle sezioni di propria competenza per le strutture di supporto A80-RA1-RA2-RA3)",
    88: "(Nota: La procedura di controllo e monitoraggio è realizzata in collaborazione con le direzioni Edilizia scolastica I e II e con supporto professionale esterno)",
    90: "(Nota: i giorni si considerano dalla ricezione del provvisorio di incasso ricevuto dalla direzione Finanze)",
}
DG_APPROVAL = [4, 10, 12, 14, 27, 32, 101]  # "Tipo Si/No. Approvazione del Direttore Generale"
# Objectives whose matrix row is not their own: the title is the table's ("Obiettivo" column).
# Matrix line 265 (row 97) repeats objective 78's text, direction (QA7) and dimension.
TITLE_FROM_TABLE = {97: 147}
# Objective 49's table text (line 98) gives the budget base the 8% target refers to; the matrix
# title (line 214) drops it.  Kept as the seed writes it.
DESCRIPTION_FROM_TABLE = {49: (98, "(Il target fa riferimento ad un valore a bilancio al netto delle utenze pari a 1.500.000 €)")}
# Where the seed's two tables disagree, the title stays the matrix's and the conflict is kept
# as a note on the objective (the checker reports it as `seed_conflict`).
T, M = "tabella «Target e regole di calcolo»", "matrice «Matrice per assegnazione…»"
CONFLICTS = {
    14: [(60, T, "entro il 31/03/2024"), (172, M, "entro il 30/03/2024")],
    34: [(84, T, "entro 31/12/2024"), (195, M, "entro 30/06/2024")],
    42: [(92, T, "dall'accettazione sul portale FEL all'invio alla Ragioneria"),
         (206, M, "dall'accettazione sul portale FEL all'invio alla Direzione")],
    65: [(116, T, "Presentazione di almeno un progetto semplice"),
         (231, M, "Presentazione di almeno 2 progetti semplici")],
    87: [(136, T, "entro 30/04/2024"), (253, M, "entro 30/03/2024")],
    93: [(141, T, "entro il 20/11/2024"), (261, M, "entro il 30/11/2024")],
    4: [(50, T, "Definire entro il 30/04/2024 un set di indicatori"),
        (159, M, "Definire entro il 30/04/2004 un set di indicatori")],
    88: [(137, T, "procedura di controllo … entro il 30/04/2024"), (254, M, "procedura di controllo … entro il 31/03/2024")],
    99: [(149, T, "entro il 31/10/2024"), (267, M, "entro il 30/10/2024")],
    97: [(147, T, "Riduzione dei tempi nella predisposizione degli atti (A80)"),
         (265, M, "riga 97 con il testo dell'obiettivo 78, Individuale, QA7, Istruzione e scuole")],
}
# The matrix gives a type per structure ("Direzione / Individuale" with "QA 4 QA 7"): the type
# belongs to the assignment.  Elsewhere the matrix gives one type for the objective.
ASSIGNMENT_SCOPE = {14: {"QA4": "structure", "QA7": "individual"},
                    34: {"UB1": "individual", "UC0": "structure"}}


def conflict_notes(oid):
    return ["Conflitto nel seed: %s" % "; ".join("%s (riga %d): «%s»" % (where, line, text)
                                                  for line, where, text in CONFLICTS[oid])]


def table_title(line):
    return seed_lines(SEED)[line - 1].split("\t")[2].strip()


def matrix():
    L = seed_lines(SEED)
    start = [i for i, l in enumerate(L) if l.startswith("Matrice per")][0]
    rows, last = {}, None
    for n in range(start + 1, len(L)):
        c = L[n].split("\t")
        if not L[n].strip() or c[0].strip() in ("N.", "N"):
            continue
        if c[0].strip().isdigit():
            k = int(c[0])
            if k in rows:   # seed line 271: "10" is the OCR of "103" (same text as table id 103)
                k = 103
            last = k
            rows[k] = [x.strip() for x in c[1:6]] + [n + 1]
        elif last:
            for j, x in enumerate(c[1:6]):
                if x.strip():
                    rows[last][j] = (rows[last][j] + " " + x.strip()).strip()
    return rows


def build():
    mx = matrix()
    people, structures = {}, []
    for line, code, name, mgr, role, interim, slots in ROWS:
        s = {"code": code, "name": name, "kind": "dipartimento" if name.startswith("Dipartimento") else "direzione"}
        if code in PARENT:
            s["parent_code"] = PARENT[code]
        if mgr:
            sur, given = mgr.rsplit(" ", 1) if mgr.count(" ") == 1 else (None, None)
            if mgr == "Simonetti Sarah Stefania":
                sur, given = "Simonetti", "Sarah Stefania"
            elif mgr == "De Leo Mario":
                sur, given = "De Leo", "Mario"
            elif mgr == "Di Bella Elena":
                sur, given = "Di Bella", "Elena"
            from common import person_id
            pid = person_id(sur, given)
            people.setdefault(pid, {"external_id": pid, "name": "%s %s" % (given, sur), "role": role})
            s["manager"] = pid
        s["interim"] = interim
        structures.append(s)
    assigns = {}
    weight_log = []
    for line, code, name, mgr, role, interim, slots in ROWS:
        for oid, w, how in slots:
            a = {"structure_code": code}
            if how != "s":
                w = None  # not printed in this row: the seed does not give it
            if w is not None:
                a["weight"] = w
            assigns.setdefault(oid, []).append(a)
            weight_log.append((line, code, oid, w, how))
    for oid, codes in EXTRA_ASSIGN.items():
        for c in codes:
            assigns.setdefault(oid, []).append({"structure_code": c})
            weight_log.append(("table", c, oid, None, "-"))
    objectives = []
    scope_of = {"Ente": "entity", "Direzione": "structure", "Individuale": "individual"}
    for oid in sorted(assigns):
        title, tipo, direz, dim, driver, mline = mx[oid]
        title = re.sub(r"</?i>", "", title)
        if oid in TITLE_FROM_TABLE:
            title = table_title(TITLE_FROM_TABLE[oid])
        o = {"code": str(oid), "title": title}
        if oid in NOTES:
            o["description"] = NOTES[oid]
        if oid in DESCRIPTION_FROM_TABLE:
            line, text = DESCRIPTION_FROM_TABLE[oid]
            assert text in seed_lines(SEED)[line - 1], oid
            o["description"] = text
        o["level"] = "management"
        o["scope"] = scope_of[tipo.split("/")[0].strip()]
        o["routine"] = False
        if oid not in TITLE_FROM_TABLE:  # matrix row 97 describes objective 78, not the table's 97
            o["public_value_dimension"] = dim
        o["payment_timeliness"] = oid == 2
        if oid in CONFLICTS:
            o["notes"] = conflict_notes(oid)
        for a in assigns[oid]:
            if a["structure_code"] in ASSIGNMENT_SCOPE.get(oid, {}):
                a["scope"] = ASSIGNMENT_SCOPE[oid][a["structure_code"]]
        o["assignments"] = assigns[oid]
        o["phases"] = []
        inds = []
        if oid in RULES:
            fields, rule = RULES[oid]
            d = {"code": "T%d-I1" % oid, "name": title}
            d.update(fields)
            order = ["code", "name", "group", "unit", "value_type", "target", "direction"]
            d = {k: d[k] for k in order if k in d}
            d["rule"] = rule
            d["source"] = "seed 000, tabella Target e regole di calcolo, Id %d" % oid
            inds.append(d)
        elif oid in BOOLEANS:
            d = {"code": "T%d-I1" % oid, "name": title, "group": "time" if "entro" in title.lower() else "quality",
                 "value_type": "boolean", "target": True, "direction": "target", "rule": BOOL,
                 "source": "seed 000, tabella Target e regole di calcolo, Id %d (Tipo Si/No%s)" % (
                     oid, "; approvazione del Direttore Generale" if oid in DG_APPROVAL else "")}
            inds.append(d)
        else:
            assert oid in NO_RULE, oid
        o["indicators"] = inds
        objectives.append(o)
    doc = {
        "format": "ciclo-plan/1",
        "entity": {"code": "CMTO", "name": "Città metropolitana di Torino", "kind": "citta_metropolitana"},
        "year": 2024, "kind": "performance",
        "title": "Piano della Performance 2024 — Città metropolitana di Torino",
        "structures": structures, "people": list(people.values()), "objectives": objectives,
        # Each indicator carries its own rule ("Il risultato è considerato raggiunto: ..."); the
        # seed says nothing else about scoring: the default method.
        "method": {"combine": "auto"},
    }
    return doc, weight_log


if __name__ == "__main__":
    doc, log = build()
    write("torino-2024.json", doc)
    tot = {}
    for line, code, oid, w, how in log:
        t = tot.setdefault(code, [0, 0])
        if w is None:
            t[1] += 1
        else:
            t[0] += w
    for k, v in tot.items():
        print(k, "sum=%s missing=%d" % tuple(v))
