"""Events pushed out (issue 20, item 4): signed webhooks (HMAC-SHA256 over the timestamp and the
body), written in the transaction that causes them, delivered with retries and backoff, and
delivered exactly once across a server kill -9. The receiver is a real HTTP server on the
loopback."""
import datetime
import hashlib
import hmac
import json
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from run import expect_problem
from test_evaluation import rate_and_sign, small_entity

FAST = {"CICLO_WEBHOOK_POLL_MS": "50", "CICLO_WEBHOOK_RETRY_MS": "200", "CICLO_WEBHOOK_SCAN_S": "0"}
DELIB = {"deliberation": {"number": "5", "date": "2026-01-20", "body": "Giunta Comunale"}}


class Receiver:
    """Records every POST; answers 503 while `failing`, else 200."""

    def __init__(self):
        self.posts = []
        self.failing = False
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = 503 if outer.failing else 200
                outer.posts.append({"headers": dict(self.headers), "body": body, "status": status})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/hook" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()

    def delivered(self, kind=None):
        return [json.loads(p["body"]) for p in self.posts if p["status"] == 200 and
                (kind is None or json.loads(p["body"])["type"] == kind)]

    def wait(self, cond, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            if cond():
                return True
            time.sleep(0.05)
        return False


def check_signature(post, secret):
    h = post["headers"]
    ts = h["Ciclo-Webhook-Timestamp"]
    want = "v1=" + hmac.new(secret.encode(), ts.encode() + b"." + post["body"], hashlib.sha256).hexdigest()
    assert h["Ciclo-Webhook-Signature"] == want
    assert abs(int(ts) - time.time()) < 300
    assert h["Ciclo-Webhook-Id"] == json.loads(post["body"])["id"]


def setup(ctx, rx, events=None):
    e = ctx.entity()
    r = ctx.post("/v1/entities/%d/webhooks" % e["id"], {"url": rx.url, **({"events": events} if events else {})})
    assert r.status == 201, r
    hook = r.json
    assert hook["secret"].startswith("whsec_") and r.header("Location") == "/v1/webhooks/%d" % hook["id"]
    return e, hook


def test_adoption_and_late_phase_signed_and_retried(ctx):
    rx = Receiver()
    srv = ctx.start_server(FAST)
    try:
        e, hook = setup(ctx, rx)
        listed = ctx.get("/v1/entities/%d/webhooks" % e["id"]).json["items"]
        assert [h["id"] for h in listed] == [hook["id"]] and "secret" not in listed[0]
        year = datetime.date.today().year
        plan = ctx.plan(e["id"], year=year, title="Piano %d" % year)
        o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB1", "title": "Sportello"})
        yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
        ph = ctx.create("/v1/objectives/%d/phases" % o["id"], {"seq": 1, "description": "Avvio", "weight": 100,
                                                               "deadline": yesterday})
        # a refused adoption invents nothing; the receiver fails twice, then takes the event
        expect_problem(ctx.post("/v1/plans/%d/adopt" % plan["id"], {}), 422)
        rx.failing = True
        assert ctx.post("/v1/plans/%d/adopt" % plan["id"], DELIB).status == 200
        assert rx.wait(lambda: any(json.loads(p["body"])["type"] == "plan.adopted" for p in rx.posts))
        rx.failing = False
        assert rx.wait(lambda: rx.delivered("plan.adopted") and rx.delivered("phase.late"))
        adopted = rx.delivered("plan.adopted")
        assert len(adopted) == 1 and adopted[0]["data"]["plan_id"] == plan["id"]
        assert adopted[0]["data"]["deliberation"] == {"number": "5", "date": "2026-01-20"}
        late = rx.delivered("phase.late")
        assert len(late) == 1 and late[0]["data"]["phase_id"] == ph["id"] and late[0]["data"]["deadline"] == yesterday
        for p in rx.posts:
            check_signature(p, hook["secret"])
        # the outcome is recorded right after the receiver answered
        deliveries = lambda: ctx.get("/v1/webhooks/%d/deliveries" % hook["id"]).json["items"]
        assert rx.wait(lambda: all(d["delivered_at"] for d in deliveries()))
        first = [d for d in deliveries() if d["kind"] == "plan.adopted"][0]
        tries = [p["status"] for p in rx.posts if json.loads(p["body"])["type"] == "plan.adopted"]
        assert tries[0] == 503 and tries[-1] == 200 and first["attempts"] == len(tries), (tries, first)
        assert first["last_status"] == 200 and first["delivered_at"], first
        # nothing is delivered twice, and the scan does not write the same event again
        time.sleep(1)
        assert len(rx.delivered("plan.adopted")) == 1 and len(rx.delivered("phase.late")) == 1
        assert ctx.sql("SELECT count(*) FROM webhook_events WHERE entity_id = %d AND kind = 'phase.late'"
                       % e["id"]) == [["1"]]
        # review.due: a webhook made a year ago hears that the intermediate review of 30/06 is due
        ctx.sql("UPDATE webhooks SET created_at = now() - interval '1 year' WHERE id = %d" % hook["id"])
        assert rx.wait(lambda: rx.delivered("review.due"))
        due = rx.delivered("review.due")
        assert [(d["data"]["plan_id"], d["data"]["review"]) for d in due] == [(plan["id"], "intermediate")]
    finally:
        srv.stop()
        rx.close()


def test_exactly_once_across_kill_9(ctx):
    rx = Receiver()
    srv = ctx.start_server(FAST)
    try:
        e, hook = setup(ctx, rx, ["plan.adopted", "revision.adopted"])
        plan = ctx.plan(e["id"])
        rx.failing = True
        assert ctx.post("/v1/plans/%d/adopt" % plan["id"], DELIB).status == 200
        assert rx.wait(lambda: len(rx.posts) >= 1)
        srv.stop(signal.SIGKILL)
        rx.failing = False
        srv = ctx.start_server(FAST)
        assert rx.wait(lambda: rx.delivered("plan.adopted"))
        time.sleep(1.5)
        ok = rx.delivered("plan.adopted")
        assert len(ok) == 1, rx.posts
        assert len({json.loads(p["body"])["id"] for p in rx.posts}) == 1
        # a revision adopted later is its own event
        assert ctx.post("/v1/plans/%d/revisions" % plan["id"]).status == 201
        assert ctx.post("/v1/plans/%d/adopt" % plan["id"], {"deliberation": {"number": "9", "date": "2026-03-02"}}
                        ).status == 200
        assert rx.wait(lambda: rx.delivered("revision.adopted"))
        assert rx.delivered("revision.adopted")[0]["data"]["revision"] == 2
    finally:
        srv.stop()
        rx.close()


def test_signed_forms_and_bad_webhooks(ctx):
    rx = Receiver()
    srv = ctx.start_server(FAST)
    try:
        w = small_entity(ctx)
        E = w["e"]["id"]
        r = ctx.post("/v1/entities/%d/webhooks" % E, {"url": rx.url, "events": ["form.signed"]})
        assert r.status == 201, r
        rate_and_sign(ctx, w)
        assert rx.wait(lambda: len(rx.delivered("form.signed")) == 6)
        assert sorted(d["data"]["form_id"] for d in rx.delivered()) == sorted(f["id"] for f in w["forms"].values())
        assert all(d["type"] == "form.signed" for d in rx.delivered())
        d = expect_problem(ctx.post("/v1/entities/%d/webhooks" % E, {"url": "ftp://x", "events": ["plan.eaten"],
                                                                    "secret": "mine"}), 422)
        assert {x["field"] for x in d["errors"]} == {"url", "events[0]", "secret"}
        reader = ctx.token("reader", entity=E)
        expect_problem(ctx.get("/v1/entities/%d/webhooks" % E, token=reader), 403)
        other = ctx.token("planner", entity=ctx.entity()["id"])
        expect_problem(ctx.delete("/v1/webhooks/%d" % r.json["id"], token=other), 404)
        assert ctx.delete("/v1/webhooks/%d" % r.json["id"]).status == 204
        expect_problem(ctx.get("/v1/webhooks/%d/deliveries" % r.json["id"]), 404)
    finally:
        srv.stop()
        rx.close()
