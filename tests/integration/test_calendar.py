"""The cycle's calendar (issue 20, item 3): the legal deadlines of each year's cycle, the reviews
due and the phase deadlines, each due, late or done on a date; the same calendar as iCalendar
for Outlook and Thunderbird, read back by a real parser (Debian's python3-icalendar)."""
import sys

from run import expect_problem

DELIB_LATE = {"deliberation": {"number": "31", "date": "2024-04-20", "body": "Giunta Comunale"}}


def setup(ctx):
    """A 2024 Piano whose budget was approved on 15/03/2024 (so the Piano is due 30 days later,
    14/04) and adopted on 20/04; objective OB1 with a phase done on 20/03 (due 31/03) and one
    due 30/06 with no progress."""
    e = ctx.entity()
    plan = ctx.plan(e["id"], budget_approved_on="2024-03-15")
    o = ctx.create("/v1/plans/%d/objectives" % plan["id"], {"code": "OB1", "title": "Sportello unico"})
    p1 = ctx.create("/v1/objectives/%d/phases" % o["id"], {"seq": 1, "description": "Analisi", "weight": 50,
                                                           "deadline": "2024-03-31"})
    p2 = ctx.create("/v1/objectives/%d/phases" % o["id"], {"seq": 2, "description": "Avvio", "weight": 50,
                                                           "deadline": "2024-06-30"})
    assert ctx.post("/v1/plans/%d/adopt" % plan["id"], DELIB_LATE).status == 200
    assert ctx.post("/v1/phases/%d/progress" % p1["id"], {"percent_complete": 100, "as_of": "2024-03-25",
                                                          "completed_on": "2024-03-20"}).status == 201
    return e, plan, p1, p2


def calendar(ctx, e, query, **kw):
    r = ctx.get("/v1/entities/%d/calendar?%s" % (e["id"], query), **kw)
    assert r.status == 200, r
    return r


def by_code(items):
    return {(i["code"], i["year"], i["phase_id"]): i for i in items}


def test_legal_deadlines_reviews_and_phases_with_their_state(ctx):
    e, plan, p1, p2 = setup(ctx)
    doc = calendar(ctx, e, "from=2024-01-01&to=2025-12-31&as_of=2024-07-15").json
    assert doc["from"] == "2024-01-01" and doc["to"] == "2025-12-31" and doc["as_of"] == "2024-07-15"
    assert doc["entity"]["id"] == e["id"] and doc["truncated"] is False
    items = by_code(doc["items"])
    piano = items[("piano_adoption", 2024, None)]
    # the budget approved on 15/03 moves the date to 14/04; adopted on 20/04: done, late
    assert (piano["due"], piano["state"], piano["done_on"], piano["on_time"]) == ("2024-04-14", "done", "2024-04-20",
                                                                                 False)
    assert "art. 10" in piano["law"] and piano["plan_id"] == plan["id"]
    assert items[("piano_adoption", 2025, None)]["due"] == "2025-01-31"
    assert items[("piano_adoption", 2025, None)]["state"] == "due"
    # the 2023 Relazione fell on 30/06/2024 and there is no 2023 plan: late
    assert items[("relazione", 2023, None)]["state"] == "late"
    assert items[("relazione_validation", 2023, None)]["due"] == "2024-06-30"
    assert items[("relazione", 2024, None)]["due"] == "2025-06-30"
    assert items[("premiums_publication", 2024, None)]["due"] == "2025-12-31"
    # the reviews of the adopted plan
    assert items[("intermediate_review", 2024, None)]["state"] == "late"
    assert items[("final_review", 2024, None)]["state"] == "due"
    # phases: the first done early, the second late
    ph1, ph2 = items[("phase_deadline", 2024, p1["id"])], items[("phase_deadline", 2024, p2["id"])]
    assert (ph1["due"], ph1["state"], ph1["done_on"], ph1["on_time"]) == ("2024-03-31", "done", "2024-03-20", True)
    assert (ph2["due"], ph2["state"], ph2["done_on"]) == ("2024-06-30", "late", None)
    assert ph2["objective_id"] and "OB1" in ph2["title"] and "Avvio" in ph2["title"]
    dues = [i["due"] for i in doc["items"]]
    assert dues == sorted(dues)


def test_state_filter_lists_what_is_late(ctx):
    e, plan, p1, p2 = setup(ctx)
    late = calendar(ctx, e, "from=2024-01-01&to=2024-12-31&as_of=2024-07-15&state=late").json["items"]
    assert sorted((i["code"], i["year"]) for i in late) == [
        ("intermediate_review", 2024), ("phase_deadline", 2024), ("relazione", 2023), ("relazione_validation", 2023)]
    # a review of the period makes it done
    assert ctx.post("/v1/plans/%d/reviews" % plan["id"], {"kind": "intermediate", "as_of": "2024-06-30",
                                                           "items": []}).status == 201
    late = calendar(ctx, e, "from=2024-01-01&to=2024-12-31&as_of=2024-07-15&state=late").json["items"]
    assert ("intermediate_review", 2024) not in [(i["code"], i["year"]) for i in late]


def test_closing_and_validation_mark_the_relazione_done(ctx):
    e, plan, p1, p2 = setup(ctx)
    assert ctx.post("/v1/plans/%d/reviews" % plan["id"], {"kind": "final", "as_of": "2024-12-31",
                                                           "items": []}).status == 201
    assert ctx.post("/v1/plans/%d/close" % plan["id"]).status == 200
    items = by_code(calendar(ctx, e, "from=2025-01-01&to=2025-12-31&as_of=2025-07-01").json["items"])
    assert items[("relazione", 2024, None)]["state"] == "done"
    assert items[("relazione_validation", 2024, None)]["state"] == "late"
    ev = ctx.token("evaluator", entity=e["id"])
    assert ctx.post("/v1/plans/%d/validation" % plan["id"], {"note": "validata"}, token=ev).status == 200
    items = by_code(calendar(ctx, e, "from=2025-01-01&to=2025-12-31&as_of=2025-07-01").json["items"])
    assert items[("relazione_validation", 2024, None)]["state"] == "done"


def test_icalendar_read_by_a_real_parser(ctx):
    try:
        import icalendar
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        import icalendar
    e, plan, p1, p2 = setup(ctx)
    json_items = calendar(ctx, e, "from=2024-01-01&to=2025-12-31&as_of=2024-07-15").json["items"]
    for how in ({"query": "&format=ics"}, {"headers": {"Accept": "text/calendar"}}):
        r = calendar(ctx, e, "from=2024-01-01&to=2025-12-31&as_of=2024-07-15" + how.get("query", ""),
                     headers=how.get("headers"))
        assert r.header("Content-Type").startswith("text/calendar")
        assert b"\r\n" in r.body and all(len(line) <= 75 for line in r.body.split(b"\r\n"))
        cal = icalendar.Calendar.from_ical(r.body)
        events = [c for c in cal.walk() if c.name == "VEVENT"]
        assert len(events) == len(json_items)
        uids = [str(ev["UID"]) for ev in events]
        assert len(set(uids)) == len(uids)
        got = sorted((ev.decoded("DTSTART").isoformat(), str(ev["SUMMARY"])) for ev in events)
        assert got == sorted((i["due"], i["title"]) for i in json_items)
        late = [ev for ev in events if "Avvio" in str(ev["SUMMARY"])][0]
        assert "in ritardo" in str(late["DESCRIPTION"])


def test_bad_windows_and_other_entities(ctx):
    e, plan, p1, p2 = setup(ctx)
    expect_problem(ctx.get("/v1/entities/%d/calendar?from=2024-05-01&to=2024-01-01" % e["id"]), 400, "to")
    expect_problem(ctx.get("/v1/entities/%d/calendar?from=2020-01-01&to=2029-01-01" % e["id"]), 400)
    expect_problem(ctx.get("/v1/entities/%d/calendar?from=2024-02-30" % e["id"]), 400)
    expect_problem(ctx.get("/v1/entities/%d/calendar?state=soon" % e["id"]), 400)
    other = ctx.entity()
    reader = ctx.token("reader", entity=other["id"])
    expect_problem(ctx.get("/v1/entities/%d/calendar" % e["id"], token=reader), 404)
    assert ctx.get("/v1/entities/%d/calendar" % other["id"], token=reader).status == 200
    expect_problem(ctx.get("/v1/entities/%d/calendar?format=xlsx" % e["id"]), 406)


def test_a_calendar_program_subscribes_without_a_token(ctx):
    """Outlook and Thunderbird subscribe by URL: a feed key reads one entity's calendar, is shown
    once, and stops working when revoked."""
    try:
        import icalendar
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        import icalendar
    e, plan, p1, p2 = setup(ctx)
    planner = ctx.token("planner", entity=e["id"])
    r = ctx.post("/v1/entities/%d/calendar-feeds" % e["id"], {"name": "Segreteria generale"}, token=planner)
    assert r.status == 201, r
    feed = r.json
    assert feed["key"].startswith("cal_") and feed["path"] == "/v1/public/calendar.ics?key=" + feed["key"]
    got = ctx.get(feed["path"], token=None)
    assert got.status == 200 and got.header("Content-Type").startswith("text/calendar"), got
    events = [c for c in icalendar.Calendar.from_ical(got.body).walk() if c.name == "VEVENT"]
    # last year to next year: the Relazione on 2024, due 30/06/2025, with its plan's UID
    uid = "relazione-2024-%s@ciclo" % e["code"]
    assert uid in [str(ev["UID"]) for ev in events], [str(ev["UID"]) for ev in events]
    # the key reads its own entity only; a wrong key reads nothing
    other = ctx.entity()
    other_feed = ctx.post("/v1/entities/%d/calendar-feeds" % other["id"], {"name": "Altro"}).json
    assert uid not in ctx.get(other_feed["path"], token=None).text
    expect_problem(ctx.get("/v1/public/calendar.ics?key=cal_" + "x" * 43, token=None), 404)
    expect_problem(ctx.get("/v1/public/calendar.ics", token=None), 404)
    # the key is not kept: the database holds its hash only
    assert ctx.sql("SELECT count(*) FROM calendar_feeds WHERE key_hash::text LIKE '%%%s%%'" % feed["key"]) == [["0"]]
    expect_problem(ctx.post("/v1/entities/%d/calendar-feeds" % e["id"], {}, token=planner), 422, "name")
    assert ctx.delete("/v1/calendar-feeds/%d" % feed["id"], token=planner).status == 204
    expect_problem(ctx.get(feed["path"], token=None), 404)
    expect_problem(ctx.delete("/v1/calendar-feeds/%d" % feed["id"], token=planner), 404)
