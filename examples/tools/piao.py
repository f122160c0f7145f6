"""A small PIAO for the demo, built from the anticorruption objectives of two real plans (issue 20).

Usage: python3 examples/tools/piao.py   (reads examples/torino-2024.json and examples/tortona-2024.json,
writes examples/piao/piao-demo-2024.json)

The PIAO's section 2.3 (rischi corruttivi e trasparenza) takes, as they are, the measures that
Città metropolitana di Torino (seed 000: objectives 21 and 23) and Città di Tortona (seed 001:
SIS-01) set for 2024, with the structures and managers they are assigned to. Everything else a
PIAO holds is not in those seeds and is left out on purpose: no public-value or performance
objective, no organisation figures, no process, risk or risk level for the measures, no staff
count. The plan checker says so (examples/README.md, "The PIAO example")."""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.normpath(os.path.join(HERE, ".."))
PICK = {"torino-2024.json": ["21", "23"], "tortona-2024.json": ["SIS-01"]}


def build():
    structures, people, objectives = {}, {}, []
    for name, codes in PICK.items():
        with open(os.path.join(EXAMPLES, name), encoding="utf-8") as f:
            src = json.load(f)
        by_code = {s["code"]: s for s in src["structures"]}
        by_person = {p["external_id"]: p for p in src["people"]}
        for o in src["objectives"]:
            if o["code"] not in codes:
                continue
            o = copy.deepcopy(o)
            o.pop("parent_code", None)  # the strategic parent stays in its own plan
            o["section"] = "anticorruzione"
            o.setdefault("notes", []).append(
                "Dal piano di %s (%s): processo, rischio e livello del rischio non indicati nella fonte"
                % (src["entity"]["name"], name))
            objectives.append(o)
            for a in o["assignments"]:
                s = by_code.get(a.get("structure_code"))
                if s:
                    s = dict(s, parent_code=None)
                    structures[s["code"]] = s
                    if s.get("manager") in by_person:
                        people[s["manager"]] = by_person[s["manager"]]
    return {
        "format": "ciclo-plan/1",
        "entity": {"code": "PIAO-DEMO", "name": "Comune dimostrativo del PIAO", "kind": "comune"},
        "year": 2024,
        "kind": "piao",
        "title": "PIAO 2024-2026 (dimostrativo: misure anticorruzione di Torino e Tortona)",
        "structures": sorted(structures.values(), key=lambda s: s["code"]),
        "people": sorted(people.values(), key=lambda p: p["external_id"]),
        "objectives": objectives,
    }


if __name__ == "__main__":
    doc = build()
    out = os.path.join(EXAMPLES, "piao", "piao-demo-2024.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(out, len(doc["objectives"]), "objectives")
