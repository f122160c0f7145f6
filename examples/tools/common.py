"""Shared helpers for the seed → plan-document converters (stdlib only)."""
import json
import os
import re
import unicodedata

SEEDS = os.environ.get("CICLO_SEEDS", "/work/shared/seeds")
OUT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))

MONTHS = {"gen": 1, "feb": 2, "mar": 3, "apr": 4, "mag": 5, "giu": 6,
          "lug": 7, "ago": 8, "set": 9, "ott": 10, "nov": 11, "dic": 12}
MDAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def seed_lines(name):
    with open(os.path.join(SEEDS, name), encoding="utf-8") as f:
        return f.read().split("\n")


def valid_date(y, m, d):
    if not (1 <= m <= 12):
        return False
    leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
    lim = MDAYS[m - 1] - (1 if (m == 2 and not leap) else 0)
    return 1 <= d <= lim


def it_date(s, corrections=None, where=None):
    """'31.12.2024', '31/12/2024', '3.04.2024', '15/05/22' → ISO.  An impossible
    date is corrected to the last day of the month and recorded."""
    m = re.fullmatch(r"\s*(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})\s*", s)
    if not m:
        return None
    d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if y < 100:
        y += 2000
    if not valid_date(y, mo, d):
        if 1 <= mo <= 12 and d > 28:
            nd = d
            while nd > 28 and not valid_date(y, mo, nd):
                nd -= 1
            if corrections is not None:
                corrections.append({"where": where, "seed": s.strip(),
                                    "stored": "%04d-%02d-%02d" % (y, mo, nd),
                                    "why": "impossible date"})
            d = nd
        else:
            return None
    return "%04d-%02d-%02d" % (y, mo, d)


def it_number(s):
    """Italian number '1.000.000,00', '72,19', '625.000,00' → float/int."""
    s = s.strip().replace("€", "").replace("Euro", "").replace("euro", "").strip()
    s = s.replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", s) or re.fullmatch(r"-?\d+,\d+", s):
        s = s.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d+(\.\d+)?", s):
        pass
    else:
        return None
    v = float(s)
    return int(v) if v == int(v) else round(v, 2)


def slug_id(name):
    """'Mario De Leo' with surname given → stable id: SURNAME_INITIALS."""
    n = unicodedata.normalize("NFKD", name)
    n = "".join(c for c in n if not unicodedata.combining(c))
    n = re.sub(r"[^A-Za-z ]", "", n).upper()
    return n


def person_id(surname, given):
    s = slug_id(surname).replace(" ", "")
    g = "".join(w[0] for w in slug_id(given).split())
    return s + "_" + g


def write(name, doc):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")
    return path


def counts(doc):
    objs = doc["objectives"]
    phases = sum(len(o.get("phases", [])) for o in objs)
    inds = [i for o in objs for i in o.get("indicators", [])]
    rules = sum(1 for i in inds if "rule" in i)
    assigns = sum(len(o.get("assignments", [])) for o in objs)
    return {"structures": len(doc["structures"]), "people": len(doc["people"]),
            "objectives": len(objs), "assignments": assigns, "phases": phases,
            "indicators": len(inds), "rules": rules}
