"""Loads the illustrative monitoring of examples/monitoring/ (made-up values, NOT real results) into a
running server, the way an administration's ERP would: the measurements feed
(POST /v1/plans/{id}/measurements:import, CSV and JSON rows), the phase progress feed
(POST /v1/plans/{id}/progress:import), and the intermediate review at 30/06 that closes the first period.
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


def feed_csv(base, token, path, folder, name):
    with open(os.path.join(folder, name), "rb") as f:
        return call(base, token, "POST", path, f.read(), "text/csv; charset=utf-8")


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
    done = []
    for period in plan["periods"]:
        status, r = feed_csv(base, token, "/v1/plans/%d/measurements:import" % pid, folder, period["measurements"])
        if status != 200:
            return "plan %d: measurements feed of %s: %s %s" % (pid, period["as_of"], status, r)
        n = r["inserted"]
        if period.get("measurements_json"):
            with open(os.path.join(folder, period["measurements_json"]), encoding="utf-8") as f:
                status, r = call(base, token, "POST", "/v1/plans/%d/measurements:import" % pid, json.load(f))
            if status != 200:
                return "plan %d: measurements feed (JSON) of %s: %s %s" % (pid, period["as_of"], status, r)
            n += r["inserted"]
        progress = 0
        if period.get("progress"):
            status, r = feed_csv(base, token, "/v1/plans/%d/progress:import" % pid, folder, period["progress"])
            if status != 200:
                return "plan %d: progress feed of %s: %s %s" % (pid, period["as_of"], status, r)
            progress = r["inserted"]
        if period.get("review"):
            status, r = call(base, token, "POST", "/v1/plans/%d/reviews" % pid,
                             {"kind": period["review"], "as_of": period["as_of"], "note": notice, "items": []})
            if status != 201:
                return "plan %d: review of %s: %s %s" % (pid, period["as_of"], status, r)
        done.append("%s: %d measurements, %d progress%s" % (period["as_of"], n, progress,
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
