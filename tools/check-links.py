#!/usr/bin/env python3
"""Every relative link of the repository's documentation resolves inside the repository
(issue 18): README.md, docs/*.md, examples/README.md and openapi/openapi.yaml.

Checked: markdown links [text](target) that are not URLs or same-page anchors; bare mentions
of a file (`SECURITY.md`, docs/EVALUATION.md, openapi/openapi.yaml), which must name a file
relative to the mentioning file, the repository root or docs/; and absolute paths of this
machine (/work/..., /home/...), which a reader of the repository does not have (examples/README.md
may name the seeds' directory: it says how the examples were generated on the build machine).
Prints one line per broken reference and exits 1 when there is any; 0 otherwise."""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
MENTION = re.compile(r"(?<![\w/.:-])((?:[\w-]+/)*[\w-]+\.(?:md|yaml))(?![\w/])")
ABSOLUTE = re.compile(r"(?<![\w.:/-])(/(?:work|home|tmp|root)/[\w./-]+)")
SKIP = ("http://", "https://", "mailto:", "#")


def documents():
    files = [os.path.join(ROOT, "README.md"), os.path.join(ROOT, "examples", "README.md"),
             os.path.join(ROOT, "openapi", "openapi.yaml")]
    files += sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    return [f for f in files if os.path.exists(f)]


def resolves(base, target):
    """Whether target names a file or directory inside the repository, relative to base."""
    path = os.path.normpath(os.path.join(base, target))
    return path.startswith(ROOT + os.sep) and os.path.exists(path)


def broken(path):
    """[(line number, what, why)] for the document at path."""
    here = os.path.dirname(path)
    found = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for n, line in enumerate(lines, 1):
        for m in LINK.finditer(line):
            target = m.group(1).split("#", 1)[0]
            if m.group(1).startswith(SKIP) or not target:
                continue
            if not resolves(here, target):
                found.append((n, target, "link to a file the repository does not have"))
        for m in MENTION.finditer(line):
            name = m.group(1)
            if not any(resolves(b, name) for b in (here, ROOT, os.path.join(ROOT, "docs"))):
                found.append((n, name, "mentions a file the repository does not have"))
        for m in ABSOLUTE.finditer(line) if not path.startswith(os.path.join(ROOT, "examples")) else ():
            found.append((n, m.group(1), "points outside the repository"))
    return found


def main():
    bad = 0
    for doc in documents():
        for n, what, why in broken(doc):
            print("%s:%d: %s: %s" % (os.path.relpath(doc, ROOT), n, what, why))
            bad += 1
    print("documentation links: %d file(s), %d broken" % (len(documents()), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
