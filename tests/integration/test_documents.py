"""The documents people read (issue 19): the Piano (GET /v1/plans/{id}/document) and the Relazione
(GET /v1/plans/{id}/report?format=html) as printable HTML, and the charts as SVG.

They are tested as their readers open them: headless Chromium (Debian `chromium`, installed by
tools/install-deps.sh) prints each document of each example plan, with its illustrative
monitoring, to PDF, and poppler (pdfinfo, pdftotext) reads the PDF back:
- every printed page carries the running header (the revision and the as-of date): a repeated
  <thead>, since Chromium prints no running elements and no script runs;
- the Piano starts each objective sheet on a page of its own, so the pages are the cover plus one
  or two per sheet, and every sheet's heading opens a page, in code order;
- no table overflows the page. Chromium never clips a too-wide page when printing: it shrinks
  the whole layout until it fits (and clips only beyond its largest shrink). So the check is
  twofold, from the words' boxes of `pdftotext -bbox`: every word lies inside the printable width
  (nothing clipped), and the body text is printed at the size the CSS gives it, measured against
  a one-line reference page printed with the same style (nothing shrunk to make a table fit).
The HTML itself is parsed (html.parser) for the accessibility basics, the SVG charts with
xml.etree, and a hostile objective title must come out as text.
"""
import collections
import copy
import glob
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from run import ROOT, expect_problem

EXAMPLES = os.path.join(ROOT, "examples")
SVG_NS = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(2)> & \"Ufficio\""

_demo = {}


def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    raise AssertionError("chromium is not installed (tools/install-deps.sh installs it)")


def print_pdf(ctx, html_path, pdf_path):
    """Prints a local HTML file to PDF with headless Chromium (a private profile, a timeout)."""
    profile = os.path.join(ctx.tmp, "chromium-profile")
    os.makedirs(profile, exist_ok=True)
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile,
           "--no-pdf-header-footer", "--print-to-pdf=" + pdf_path, "file://" + html_path]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    assert os.path.getsize(pdf_path) > 1000, pdf_path


def pdf_pages(pdf):
    out = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True, text=True).stdout
    info = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    size = re.findall(r"[\d.]+", info["Page size"])
    return int(info["Pages"].strip()), float(size[0]), float(size[1])


def page_texts(pdf, pages):
    return [subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), "-layout", pdf, "-"], check=True,
                           capture_output=True, text=True).stdout for p in range(1, pages + 1)]


def word_boxes(pdf):
    """[(page, xMin, yMin, xMax, yMax, word)] of every word of the PDF."""
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], check=True, capture_output=True, text=True).stdout
    boxes, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m:
            boxes.append((page,) + tuple(float(m.group(i)) for i in range(1, 5)) + (m.group(5),))
    return boxes


def reference_height(ctx, sample_html):
    """The height of a running header's word printed with the documents' own style (their <head>)
    on a page with nothing wide on it."""
    if "ref" not in _demo:
        head = sample_html.split("<body>")[0]
        path = os.path.join(ctx.tmp, "reference.html")
        with open(path, "w", encoding="utf-8") as f:
            f.write(head + '<body><table class="frame first" role="presentation"><thead><tr><td>Riferimento</td>'
                    '</tr></thead><tbody><tr><td><p>testo</p></td></tr></tbody></table></body></html>')
        print_pdf(ctx, path, path + ".pdf")
        b = word_boxes(path + ".pdf")[0]
        _demo["ref"] = b[4] - b[2]
    return _demo["ref"]


def assert_fits_the_page(ctx, pdf, html, name):
    pages, width, height = pdf_pages(pdf)
    boxes = word_boxes(pdf)
    margin, top = 12 / 25.4 * 72, 10 / 25.4 * 72  # the CSS @page margins: 12 mm left and right, 10 top and bottom
    outside = [b for b in boxes if b[3] > width - margin + 1.5 or b[1] < margin - 1.5 or b[2] < top - 1.5 or
               b[4] > height - top + 1.5]
    assert not outside, "%s: words outside the printable area (clipped, or a picture sliced over the margin): %s" % (
        name, outside[:5])
    # Chromium shrinks a whole printed document to fit its widest content: the running header,
    # the first word of every page, is then smaller than on a page with nothing wide
    ref = reference_height(ctx, html)
    firsts = {}
    for b in boxes:
        firsts.setdefault(b[0], b)
    assert len(firsts) == pages, (name, len(firsts), pages)
    for page, b in firsts.items():
        assert b[4] - b[2] >= 0.98 * ref, "%s: page %d printed at %.2f of its size: Chromium shrank it to fit " \
            "something too wide" % (name, page, (b[4] - b[2]) / ref)
    return pages, width, height


def fetch(ctx, path, name, token="admin"):
    r = ctx.get(path, token=token, timeout=120)
    assert r.status == 200, r
    assert r.header("Content-Type").startswith("text/html"), r.header("Content-Type")
    html_path = os.path.join(ctx.tmp, name + ".html")
    with open(html_path, "wb") as f:
        f.write(r.body)
    return html_path, r.text


class Outline(HTMLParser):
    """What the accessibility checks read: lang, headings, th scopes, SVG captions, scripts, links."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.headings = []
        self.th_without_scope = 0
        self.th = 0
        self.svgs = []
        self.forbidden = []
        self.stack = []
        self.text = collections.defaultdict(str)
        self.h3 = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag == "th":
            self.th += 1
            self.th_without_scope += a.get("scope") not in ("col", "row", "colgroup", "rowgroup")
        if tag == "svg":
            self.svgs.append({"role": a.get("role"), "title": "", "desc": ""})
        if tag in ("script", "iframe", "object", "embed", "link", "img"):
            self.forbidden.append(tag)
        for k, v in a.items():
            if k.startswith("on") or (k in ("src", "href") and v and not v.startswith("#")):
                self.forbidden.append("%s=%s" % (k, v))
        self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop() == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1] in ("title", "desc") and "svg" in self.stack and self.svgs:
            self.svgs[-1][self.stack[-1]] += data
        if self.stack and self.stack[-1] == "h3":
            self.text["h3"] += data


def assert_accessible(html, name):
    o = Outline()
    o.feed(html)
    assert o.lang == "it", name
    assert o.headings and o.headings[0] == 1 and o.headings.count(1) == 1, (name, o.headings[:10])
    for prev, cur in zip(o.headings, o.headings[1:]):
        assert cur <= prev + 1, "%s: a heading skips a level (h%d after h%d)" % (name, cur, prev)
    assert o.th > 0 and o.th_without_scope == 0, (name, o.th, o.th_without_scope)
    for s in o.svgs:
        assert s["role"] == "img" and s["title"].strip() and s["desc"].strip(), (name, s)
    assert not o.forbidden, "%s: scripts, external resources or handlers: %s" % (name, o.forbidden[:5])
    return o


def load_example(name):
    with open(os.path.join(EXAMPLES, name), encoding="utf-8") as f:
        return json.load(f)


def demo(ctx):
    """The example plans under fresh entity codes (Caluso with its revision 2), with the illustrative
    monitoring of examples/monitoring loaded through the ERP feeds as `make run` loads it.
    {entity code in examples: (plan id, year, objectives)}. Once per module."""
    if "plans" in _demo:
        return _demo["plans"]
    plans, codes = {}, {}
    for f in sorted(glob.glob(os.path.join(EXAMPLES, "*.json"))):
        if f.endswith("-r2.json"):
            continue
        doc = load_example(os.path.basename(f))
        code = doc["entity"]["code"]
        codes[code] = ctx.unique(code[:8])
        doc["entity"]["code"] = codes[code]
        r = ctx.post("/v1/plans:import", doc, timeout=300)
        assert r.status == 201, r
        plans[code] = [r.json["id"], doc["year"], len(doc["objectives"])]
        if f.endswith("-r1.json"):
            r2 = load_example(os.path.basename(f).replace("-r1", "-r2"))
            r2["entity"]["code"] = codes[code]
            assert ctx.post("/v1/plans/%d/revisions:import" % r.json["id"], r2, timeout=300).status == 201
            plans[code][2] = len(r2["objectives"])
    folder = os.path.join(ctx.tmp, "monitoring")
    os.makedirs(folder, exist_ok=True)
    src = os.path.join(EXAMPLES, "monitoring")
    for f in os.listdir(src):
        if f.endswith((".csv", ".json")) and f != "monitoring.json":
            shutil.copy(os.path.join(src, f), folder)
    with open(os.path.join(src, "monitoring.json"), encoding="utf-8") as f:
        mon = json.load(f)
    for p in mon["plans"]:
        p["entity_code"] = codes.get(p["entity_code"], p["entity_code"])
    with open(os.path.join(folder, "monitoring.json"), "w", encoding="utf-8") as f:
        json.dump(mon, f)
    out = subprocess.run(["python3", os.path.join(ROOT, "tools", "load-monitoring.py"), ctx.server.url, ctx.admin,
                          folder], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    _demo["plans"] = plans
    return plans


def test_piano_prints_one_sheet_per_page_with_the_header_on_every_page(ctx):
    for code, (pid, year, n) in demo(ctx).items():
        as_of = "%d-12-31" % year
        html_path, html = fetch(ctx, "/v1/plans/%d/document?as_of=%s" % (pid, as_of), "piano-" + code)
        o = assert_accessible(html, "piano " + code)
        # a sheet whose phases have deadlines draws them as a Gantt too (Tortona's do)
        with_deadlines = [x for x in ctx.get("/v1/plans/%d/export" % pid).json["objectives"]
                          if any(ph.get("deadline") for ph in x.get("phases", []))]
        assert len(o.svgs) == len(with_deadlines), (code, len(o.svgs), len(with_deadlines))
        pdf = html_path + ".pdf"
        print_pdf(ctx, html_path, pdf)
        pages, width, height = assert_fits_the_page(ctx, pdf, html, "piano " + code)
        assert (width, height) == (841.92, 594.96) or abs(width - 841.9) < 1, (width, height)  # A4 landscape
        texts = page_texts(pdf, pages)
        revision = ctx.get("/v1/plans/%d/report?as_of=%s" % (pid, as_of)).json["revision"]
        for i, t in enumerate(texts):
            head = " ".join(t.strip().split("\n\n")[0].split())  # the running header, maybe on two lines
            assert "dati al 31/12/%d" % year in head, (code, i + 1, head)
            assert ("revisione %d" % revision if revision else "non ancora adottato") in head, (code, i + 1, head)
        # every sheet opens a page of its own, in code order: the cover, then one or two pages a sheet
        export = ctx.get("/v1/plans/%d/export" % pid).json["objectives"]
        starts = []
        for i, t in enumerate(texts):
            parts = [x for x in t.strip().split("\n\n") if x.strip()]  # the header, then the first line
            m = re.search(r"ANNO %d — Obiettivo .*?n° (\S+)" % year, parts[1].strip() if len(parts) > 1 else "")
            if m:
                starts.append((i + 1, m.group(1)))
        assert [c for _, c in starts] == [o["code"] for o in export], (code, starts[:5])
        assert starts[0][0] == 2 and len(starts) == n, (code, starts[:3], n)
        assert n + 1 <= pages <= 2 * n + 1, (code, pages, n)
        print("piano %s: %d sheets on %d pages" % (code, n, pages))


def test_relazione_prints_with_the_report_figures(ctx):
    for code, (pid, year, n) in demo(ctx).items():
        as_of = "%d-06-30" % year
        report = ctx.get("/v1/plans/%d/report?as_of=%s" % (pid, as_of)).json
        html_path, html = fetch(ctx, "/v1/plans/%d/report?format=html&as_of=%s" % (pid, as_of), "relazione-" + code)
        o = assert_accessible(html, "relazione " + code)
        assert len(o.svgs) == 2, o.svgs
        pdf = html_path + ".pdf"
        print_pdf(ctx, html_path, pdf)
        pages, _, _ = assert_fits_the_page(ctx, pdf, html, "relazione " + code)
        texts = page_texts(pdf, pages)
        for i, t in enumerate(texts):
            assert "dati al 30/06/%d" % year in " ".join(t.strip().split("\n\n")[0].split()), (code, i + 1)
        assert pages >= 2
        # the structures in tree order: each parent before its children, siblings by code
        exp = ctx.get("/v1/plans/%d/export" % pid).json
        structures = {s["code"]: s for s in exp["structures"]}
        shown = re.findall(r"<h3>([^<]*?) — ", html)
        listed = [t["assignee_code"] for t in report["totals"] if t["assignee_kind"] == "structure"]
        assert sorted(shown[:len(listed)]) == sorted(listed), (shown[:5], listed[:5])
        pos = {c: i for i, c in enumerate(shown[:len(listed)])}
        for c in listed:
            parent = structures[c].get("parent_code")
            if parent in pos:
                assert pos[parent] < pos[c], (code, parent, c)
        # the figures are the JSON report's: the entity, and every structure's total under its objectives
        e = report["entity"]
        text = " ".join(texts)
        if e["score"] is not None:
            assert "Punteggio dell'ente: " + it(e["score"]) in text, (code, e)
        assert "peso misurato %s su %s" % (it(e["weight_measured"]), it(e["weight_total"])) in text, (code, e)
        for t in report["totals"]:
            if t["assignee_kind"] != "structure":
                continue
            row = "Totale (peso misurato %s su %s)" % (it(t["weight_measured"]), it(t["weight_total"]))
            assert row in html, (code, row)
            sec = html.split("<h3>%s — " % t["assignee_code"], 1)[1].split("</table>", 1)[0]
            total_row = sec.split('<tr class="total">', 1)[1]
            assert '<td class="num">%s</td>' % (it(t["score"]) if t["score"] is not None else "—") in total_row, \
                (code, t, total_row[:300])
            mine = [r for r in report["rows"] if r["assignee_kind"] == "structure" and r["assignee_code"] ==
                    t["assignee_code"]]
            assert sec.count('<tr><th scope="row">') == len(mine), (code, t["assignee_code"])
        print("relazione %s: %d pages" % (code, pages))


def it(x):
    """A number as the documents print it: Italian decimal comma, at most 2 decimals, no trailing zeros."""
    s = ("%.2f" % float(x)).rstrip("0").rstrip(".")
    return "0" if s == "-0" else s.replace(".", ",")


def parse_svg(r, what):
    assert r.status == 200, (what, r)
    assert r.header("Content-Type") == "image/svg+xml", (what, r.header("Content-Type"))
    root = ET.fromstring(r.body)
    assert root.tag == SVG_NS + "svg" and root.get("role") == "img", what
    title, desc = root.find(SVG_NS + "title"), root.find(SVG_NS + "desc")
    assert title is not None and title.text and desc is not None and desc.text, what
    assert root.find(".//" + SVG_NS + "script") is None, what
    return root


def test_charts_alone_as_svg(ctx):
    plans = demo(ctx)
    pid, year, _ = plans["TORTONA"]
    as_of = "%d-06-30" % year
    report = ctx.get("/v1/plans/%d/report?as_of=%s" % (pid, as_of)).json
    root = parse_svg(ctx.get("/v1/plans/%d/scores?format=svg&as_of=%s" % (pid, as_of)), "structures")
    desc = root.find(SVG_NS + "desc").text
    for t in report["totals"]:
        if t["assignee_kind"] == "structure":
            assert t["assignee_name"] in desc, t
    root = parse_svg(ctx.get("/v1/plans/%d/scores?format=svg&chart=distribution&as_of=%s" % (pid, as_of)), "dist")
    measured = {r["objective_id"] for r in report["rows"] if r["assignee_kind"] == "structure" and r["score"] is not None}
    assert root.find(SVG_NS + "desc").text.startswith("%d obiettivi" % len(measured))
    # the Gantt of an objective with phases, with a line at the date
    objs = [o for o in report["objectives"] if o["phases"]]
    oid = objs[0]["objective_id"]
    root = parse_svg(ctx.get("/v1/objectives/%d/score?format=svg&as_of=%s" % (oid, as_of)), "gantt")
    assert "al 30/06" in ET.tostring(root, encoding="unicode")
    assert root.find(SVG_NS + "desc").text.startswith("%d fasi" % len(objs[0]["phases"]))
    # an indicator's measurements against its target
    ind = next(i for r in report["rows"] for i in r["indicators"] if isinstance(i["value"], (int, float)))
    root = parse_svg(ctx.get("/v1/indicators/%d/measurements?format=svg" % ind["indicator_id"]), "line")
    assert len(root.findall(".//" + SVG_NS + "circle")) >= 1
    # a format a route lacks stays a 406; an unknown chart a 400
    expect_problem(ctx.get("/v1/plans/%d/report?format=svg" % pid), 406)
    expect_problem(ctx.get("/v1/plans/%d/checks?format=svg" % pid), 406)
    expect_problem(ctx.get("/v1/plans/%d/document?format=csv" % pid), 406)
    expect_problem(ctx.get("/v1/plans/%d/scores?format=html" % pid), 406)
    expect_problem(ctx.get("/v1/plans/%d/scores?format=svg&chart=pie" % pid), 400)
    expect_problem(ctx.get("/v1/plans/999999999/document"), 404)
    # Accept: text/html asks for the Relazione too; JSON stays the default
    r = ctx.get("/v1/plans/%d/report?as_of=%s" % (pid, as_of), headers={"Accept": "text/html"})
    assert r.header("Content-Type").startswith("text/html")
    assert ctx.get("/v1/plans/%d/report" % pid).header("Content-Type") == "application/json"


def test_hostile_text_is_escaped_and_personal_results_stay_hidden(ctx):
    e = ctx.entity()
    p = ctx.plan(e["id"])
    s = ctx.create("/v1/entities/%d/structures" % e["id"], {"code": "S1", "name": HOSTILE})
    person = ctx.create("/v1/entities/%d/people" % e["id"], {"external_id": ctx.unique("P"), "name": "Anna Rossi"})
    o1 = ctx.create("/v1/plans/%d/objectives" % p["id"], {"code": "OB1", "title": HOSTILE, "description": HOSTILE})
    ctx.create("/v1/objectives/%d/assignments" % o1["id"], {"structure_id": s["id"], "weight": 100})
    i1 = ctx.create("/v1/objectives/%d/indicators" % o1["id"], {"code": "I1", "name": HOSTILE, "value_type": "number",
                                                                "target": 10})
    ctx.create("/v1/indicators/%d/measurements" % i1["id"], {"value": 7, "as_of": "2024-06-30"})
    o2 = ctx.create("/v1/plans/%d/objectives" % p["id"], {"code": "OB2", "title": "Obiettivo individuale"})
    ctx.create("/v1/objectives/%d/assignments" % o2["id"], {"person_id": person["id"], "weight": 100})
    i2 = ctx.create("/v1/objectives/%d/indicators" % o2["id"], {"code": "I2", "name": "Pratiche", "value_type": "number",
                                                                "target": 10})
    ctx.create("/v1/indicators/%d/measurements" % i2["id"], {"value": 4321, "as_of": "2024-06-30"})
    reader = ctx.token("reader", entity=e["id"])
    for path in ("/v1/plans/%d/document?as_of=2024-06-30", "/v1/plans/%d/report?format=html&as_of=2024-06-30"):
        for token in ("admin", reader):
            _, html = fetch(ctx, path % p["id"], "hostile", token=token)
            assert "<script" not in html and "<img" not in html and HOSTILE not in html, path
            assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &amp; " \
                   "&quot;Ufficio&quot;" in html, path
            assert_accessible(html, path)
            if token == reader:  # the person's result is personal data: the reader sees none of it
                assert "4321" not in html and "Risultati individuali" not in html, path
    _, html = fetch(ctx, "/v1/plans/%d/report?format=html&as_of=2024-06-30" % p["id"], "hostile-admin")
    assert "Risultati individuali" in html and "Obiettivo individuale" in html.split("Risultati individuali")[1]
    _, html = fetch(ctx, "/v1/plans/%d/report?format=html&as_of=2024-06-30" % p["id"], "hostile-reader", token=reader)
    assert "Obiettivo individuale" not in html
    _, html = fetch(ctx, "/v1/plans/%d/document?as_of=2024-06-30" % p["id"], "hostile-reader", token=reader)
    assert "dati personali" in html
    for token in ("admin", reader):
        root = parse_svg(ctx.get("/v1/plans/%d/scores?format=svg&as_of=2024-06-30" % p["id"], token=token), "bars")
        assert "Anna Rossi" not in ET.tostring(root, encoding="unicode")
        root = parse_svg(ctx.get("/v1/plans/%d/scores?format=svg&chart=distribution&as_of=2024-06-30" % p["id"],
                                 token=token), "distribution")
        assert root.find(SVG_NS + "desc").text.startswith("1 obiettivi"), "the person's objective is not counted"
    expect_problem(ctx.get("/v1/objectives/%d/score?format=svg&as_of=2024-06-30" % o2["id"], token=reader), 403)
