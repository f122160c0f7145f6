"""Loads the illustrative monitoring of examples/monitoring/ (made-up values, NOT real results) into a
running server, the way an administration's ERP would: the measurements feed
(POST /v1/plans/{id}/measurements:import, CSV and JSON rows), phase progress
(POST /v1/phases/{id}/progress), and the intermediate review at 30/06 that closes the first period.
`make run` calls it (tools/run-local.sh); a plan that already has its 30/06 review is left alone.

Usage: python3 tools/load-monitoring.py URL TOKEN [DIR]   (standard library only)
"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


def call(base, token, method, path, body=None, content_type="application/json"):
    data = None
    headers = {"Authorization": "Bearer " + token}
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        headers["Content-Type"] = content_type
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def items(base, token, path):
    """Every item of a list, page after page."""
    out, cursor = [], ""
    while True:
        sep = "&" if "?" in path else "?"
        status, page = call(base, token, "GET", path + sep + "limit=1000" + ("&cursor=" + cursor if cursor else ""))
        if status != 200:
            raise RuntimeError("GET %s: %s %s" % (path, status, page))
        out += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return out


def iso(date_it):
    """'30/06/2024' -> '2024-06-30'; '' -> None."""
    if not date_it:
        return None
    d, m, y = date_it.split("/")
    return "%s-%s-%s" % (y, m, d)


def read_rows(path):
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n").split(";") for line in f if line.strip()]
    return [dict(zip(lines[0], row)) for row in lines[1:]]


def load_plan(base, token, folder, plan, notice):
    q = urllib.parse.urlencode({"code": plan["entity_code"]})
    entities = items(base, token, "/v1/entities?" + q)
    if not entities:
        return "no entity %s (load the example plans first)" % plan["entity_code"]
    q = urllib.parse.urlencode({"entity_id": entities[0]["id"], "year": plan["year"], "kind": plan["kind"]})
    plans = items(base, token, "/v1/plans?" + q)
    if not plans:
        return "no plan %s %s %s" % (plan["entity_code"], plan["year"], plan["kind"])
    pid = plans[0]["id"]
    reviews = items(base, token, "/v1/plans/%d/reviews" % pid)
    if any(r["as_of"] == p["as_of"] for r in reviews for p in plan["periods"] if p.get("review")):
        return "plan %d: monitoring already loaded" % pid
    phases = {}
    done = []
    for period in plan["periods"]:
        with open(os.path.join(folder, period["measurements"]), "rb") as f:
            status, r = call(base, token, "POST", "/v1/plans/%d/measurements:import" % pid, f.read(),
                             "text/csv; charset=utf-8")
        if status != 200:
            return "plan %d: measurements feed of %s: %s %s" % (pid, period["as_of"], status, r)
        n = r["inserted"]
        if period.get("measurements_json"):
            with open(os.path.join(folder, period["measurements_json"]), encoding="utf-8") as f:
                status, r = call(base, token, "POST", "/v1/plans/%d/measurements:import" % pid, json.load(f))
            if status != 200:
                return "plan %d: measurements feed (JSON) of %s: %s %s" % (pid, period["as_of"], status, r)
            n += r["inserted"]
        rows = read_rows(os.path.join(folder, period["progress"])) if period.get("progress") else []
        if rows and not phases:
            for o in items(base, token, "/v1/plans/%d/objectives" % pid):
                for ph in items(base, token, "/v1/objectives/%d/phases" % o["id"]):
                    phases[(o["code"], str(ph["seq"]))] = ph["id"]
        for row in rows:
            body = {"percent_complete": float(row["percent_complete"].replace(",", ".")),
                    "completed_on": iso(row["completed_on"]), "as_of": iso(row["as_of"]), "note": row["note"]}
            status, r = call(base, token, "POST", "/v1/phases/%d/progress" % phases[(row["objective_code"],
                                                                                    row["phase_seq"])], body)
            if status != 201:
                return "plan %d: progress %s/%s of %s: %s %s" % (pid, row["objective_code"], row["phase_seq"],
                                                                 period["as_of"], status, r)
        if period.get("review"):
            status, r = call(base, token, "POST", "/v1/plans/%d/reviews" % pid,
                             {"kind": period["review"], "as_of": period["as_of"], "note": notice, "items": []})
            if status != 201:
                return "plan %d: review of %s: %s %s" % (pid, period["as_of"], status, r)
        done.append("%s: %d measurements, %d progress%s" % (period["as_of"], n, len(rows),
                                                            ", review" if period.get("review") else ""))
    return "plan %d (%s): %s" % (pid, plan["title"][:40], "; ".join(done))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    base, token = sys.argv[1].rstrip("/"), sys.argv[2]
    folder = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                                 "examples", "monitoring")
    with open(os.path.join(folder, "monitoring.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    for plan in manifest["plans"]:
        print("illustrative monitoring, " + load_plan(base, token, folder, plan, manifest["notice"]))


if __name__ == "__main__":
    main()
