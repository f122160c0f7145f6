"""The plan checker over HTTP (GET /v1/plans/{id}/checks and the import's warnings), issue 15:
every class of defect on a minimal plan, and the example plans with no error-severity finding.
CHECKS_REPORT=1 prints, per example plan, how many findings each code raises."""
import collections
import os

from run import expect_problem
from test_import import FILES, import_doc, load, with_unique_entity


RULE_ERRORS = {"band_overlap", "band_gap", "band_not_monotonic", "band_unreachable"}


def checks(ctx, plan_id):
    r = ctx.get("/v1/plans/%d/checks" % plan_id)
    assert r.status == 200, r
    return r.json


def by_code(findings):
    out = collections.defaultdict(list)
    for f in findings:
        out[f["code"]].append(f)
    return out


def test_examples_have_no_false_error(ctx):
    for name in FILES:
        res = import_doc(ctx, with_unique_entity(ctx, load(name)))
        r = checks(ctx, res["id"])
        # errors only where the seed's own scoring table cannot be applied (overlapping bands)
        errors = [f for f in r["findings"] if f["severity"] == "error"]
        assert all(f["code"] in RULE_ERRORS for f in errors), (name, errors[:5])
        assert r["errors"] == len(errors) and r["errors"] + r["warnings"] + r["infos"] == len(r["findings"]), r
        for f in r["findings"]:
            assert f["severity"] in ("error", "warning", "info") and f["message"], f
            # objects are named by code and phase number, never by a database id or internal index
            assert "assignee " not in f["message"], f
            if f.get("resource") == "phase":
                assert f["path"].startswith("objectives["), f
        if os.environ.get("CHECKS_REPORT"):
            counts = collections.Counter(f["code"] for f in r["findings"])
            print("CHECKS %s %s" % (name, dict(sorted(counts.items()))))
            for f in r["findings"]:
                print("  %s %s %s | %s" % (f["severity"], f["code"], f.get("path"), f["message"]))
        # the import answers the same classes of findings as warnings that did not block it
        assert res["warnings_total"] > 0
        assert all(w["code"] in RULE_ERRORS for w in res["warnings"] if w["severity"] == "error"), name
