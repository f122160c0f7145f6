"""Regenerates every examples/*.json from the seeds and prints the counts in examples/README.md.
Usage: python3 examples/tools/build_all.py   (seeds from $CICLO_SEEDS, default /work/shared/seeds)"""
import json
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import write, counts  # noqa: E402
import torino, tortona, venezia, caluso  # noqa: E402

docs = {}
docs["torino-2024.json"] = torino.build()[0]
docs["tortona-2024.json"] = tortona.build()[0]
docs["venezia-peg-2020.json"] = venezia.build()[0]
r1, r2 = caluso.build()[:2]
docs["caluso-2022-r1.json"] = r1
docs["caluso-2022-r2.json"] = r2
for name, doc in docs.items():
    write(name, doc)
    print(name, json.dumps(counts(doc)))

# the PIAO example is built from two of the files above (examples/tools/piao.py)
import piao  # noqa: E402

piao_doc = piao.build()
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "piao", "piao-demo-2024.json"), "w",
          encoding="utf-8") as f:
    json.dump(piao_doc, f, ensure_ascii=False, indent=1)
    f.write("\n")
print("piao/piao-demo-2024.json", json.dumps(counts(piao_doc)))
