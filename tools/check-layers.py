#!/usr/bin/env python3
"""check-layers.py — keeps the floors of src/ apart (issue 17; docs/ARCHITECTURE.md).

Checks, and exits 1 naming every offender:
  (a) no cycle: among the headers of src/ and include/ (#include), and among the .c files of
      src/ (file A uses a function or variable that file B defines, read from the objects'
      symbol tables in $BUILD, default build/: run `make all` first);
  (b) no file under src/api includes libpq-fe.h or uses PQ* or PGresult;
  (c) no file in src/ is over 900 lines;
  (d) each floor includes only the floors below it or beside it:
        rules: nothing of the project   codec: core, rules    render: core, codec, rules
        store: core, codec, rules        core:  core           http:   core, codec, rules
        api:   core, http, store, codec, render, rules         main.c: everything
(codec and render are pure: no I/O, no database, no HTTP; http reads JSON bodies through codec, dates through rules.)
The offenders of (b) and (c) listed in tools/layers-allow.txt (one path a line, # comments),
the file cycles through a file listed there as "cycle <path>" and the includes of (d) of a
file listed as "floor <path>", are printed as remaining
work without failing; an entry that no longer offends is named, to be taken off the list.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")
INCLUDE = os.path.join(ROOT, "include")
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
ALLOW = os.path.join(ROOT, "tools", "layers-allow.txt")
MAX_LINES = 900

MAY_INCLUDE = {
    "rules": {"rules"},
    "core": {"core"},
    "codec": {"codec", "core", "rules"},
    "render": {"render", "core", "codec", "rules"},
    "store": {"store", "core", "codec", "rules"},
    "http": {"http", "core", "codec", "rules"},
    "api": {"api", "core", "http", "store", "codec", "render", "rules"},
    "main": {"main", "api", "core", "http", "store", "codec", "render", "rules"},
}


def rel(path):
    return os.path.relpath(path, ROOT)


def floor_of(path):
    """rules, codec, store, core, http, api or main for a file of src/ or include/."""
    r = rel(path)
    if r.startswith("include/"):
        return "rules"  # include/rules.h is the rules library's public header
    if r == "src/main.c":
        return "main"
    return r.split("/")[1]


def source_files():
    out = []
    for d in (SRC, INCLUDE):
        for dirpath, _, names in os.walk(d):
            for n in sorted(names):
                if n.endswith((".c", ".h")):
                    out.append(os.path.join(dirpath, n))
    return sorted(out)


INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def resolve(including, name):
    """The file a quoted #include names: beside the includer, else under src/ or include/."""
    for base in (os.path.dirname(including), SRC, INCLUDE):
        p = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(p):
            return p
    return None


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def find_cycles(graph):
    """Tarjan's strongly connected components of size > 1 (or a self-loop)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def cycle_path(graph, comp):
    """One closed path through a component, for the message."""
    comp_set = set(comp)
    start = comp[0]
    path, seen, v = [start], {start}, start
    while True:
        nxt = sorted(w for w in graph.get(v, ()) if w in comp_set)
        back = [w for w in nxt if w == start]
        if back and len(path) > 1:
            return path + [start]
        fresh = [w for w in nxt if w not in seen]
        if not fresh:
            return path + [nxt[0]] if nxt else path
        v = fresh[0]
        seen.add(v)
        path.append(v)


def symbol_graph():
    """Edges between the .c files of src/ by the symbols their objects define and use."""
    objs = {}
    for dirpath, _, names in os.walk(os.path.join(BUILD, "src")):
        for n in names:
            if n.endswith(".o"):
                o = os.path.join(dirpath, n)
                src = os.path.join(ROOT, os.path.relpath(o, BUILD))[:-2] + ".c"
                if os.path.isfile(src):
                    objs[rel(src)] = o
    if not objs:
        return None
    defined, used = {}, {}
    for src, o in objs.items():
        res = subprocess.run(["nm", o], capture_output=True, text=True, check=True)
        used[src] = set()
        for line in res.stdout.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "U":
                used[src].add(parts[1])
            elif len(parts) == 3 and parts[1] in "TDRBC":
                defined.setdefault(parts[2], src)
    graph = {}
    for src, syms in used.items():
        graph[src] = sorted({defined[s] for s in syms if s in defined and defined[s] != src})
    return graph


def main():
    errors, remaining = [], []
    allow = set()
    if os.path.isfile(ALLOW):
        with open(ALLOW) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    allow.add(line)
    allowed_used = set()

    def offend(path, msg):
        if path in allow:
            allowed_used.add(path)
            remaining.append(f"{path}: {msg}")
        else:
            errors.append(f"{path}: {msg}")

    header_graph = {}
    for path in source_files():
        r = rel(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        code = strip_comments(text)
        fl = floor_of(path)
        if fl not in MAY_INCLUDE:
            errors.append(f"{r}: {fl} is not a floor this check knows: add it to MAY_INCLUDE")
            continue
        for name in INCLUDE_RE.findall(code):
            target = resolve(path, name)
            if target is None:
                continue  # a generated or system header
            tf = floor_of(target)
            if tf not in MAY_INCLUDE[fl]:
                msg = f'the {fl} floor may not include "{name}" ({tf})'
                if "floor " + r in allow:
                    allowed_used.add("floor " + r)
                    remaining.append(f"{r}: {msg}")
                else:
                    errors.append(f"{r}: {msg}")
            if path.endswith(".h") and target.endswith(".h"):
                header_graph.setdefault(r, []).append(rel(target))
        if r.startswith("src/api/"):
            if re.search(r"#\s*include\s*[<\"]libpq-fe\.h[>\"]", code):
                offend(r, "src/api includes libpq-fe.h (the store returns values)")
            elif re.search(r"\bPQ[a-z]\w*\s*\(|\bPGresult\b", code):
                offend(r, "src/api uses PQ*/PGresult (the store returns values)")
        if r.startswith("src/"):
            n = text.count("\n")
            if n > MAX_LINES:
                offend(r, f"{n} lines, over {MAX_LINES}")

    for comp in find_cycles(header_graph):
        errors.append("include cycle: " + " -> ".join(cycle_path(header_graph, comp)))
    sg = symbol_graph()
    if sg is None:
        errors.append(f"no objects under {rel(BUILD)}/src: run make all first (the file cycles are read from them)")
    else:
        for comp in find_cycles(sg):
            msg = f"cycle of {len(comp)} files: " + " -> ".join(cycle_path(sg, comp))
            through = sorted("cycle " + c for c in comp if "cycle " + c in allow)
            if through:
                allowed_used.update(through)
                remaining.append(msg)
            else:
                errors.append(msg)

    for line in remaining:
        print("remaining (allowed for now): " + line)
    for stale in sorted(allow - allowed_used):
        print(f"{rel(ALLOW)}: {stale} no longer offends: take it off the list")
    for line in errors:
        print(line, file=sys.stderr)
    if errors:
        print(f"check-layers: {len(errors)} problem(s)", file=sys.stderr)
        return 1
    print(f"check-layers: floors, cycles, libpq in src/api and file sizes are in order"
          f"{' (' + str(len(remaining)) + ' allowed for now)' if remaining else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
