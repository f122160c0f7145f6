/*
 * transparency.c — the art. 20 figures of a year (api/handlers.h).
 *
 * For each bonus distribution in force (a role and, optionally, a category of staff): how many
 * people, the premiums budgeted (the fund) and distributed, the average, how many got the
 * art. 81 premium, the spread of the amounts (rules_spread_of: the degree of differentiation)
 * and how many people fell in each band. Aggregated so that no group reveals a person: a group
 * of fewer than TRANSPARENCY_MIN_GROUP people shows no figure but that it exists, a band of 1 or 2
 * people shows no count, and the entity's totals leave out the hidden groups unless those together
 * reach the minimum (otherwise the total minus the shown groups would reveal them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/handlers.h"
#include "codec/csv.h"
#include "codec/rule_json.h"
#include "rules.h"
#include "store/transparency.h"

#define TRANSPARENCY_MIN_GROUP 3 /* fewer people than this in a group: its figures are not shown */
#define MAX_BANDS 17             /* RULES_EVAL_MAX_BANDS and "below the first band" */

static rules_decimal money_of(json_t *v)
{
    rules_decimal d = {0};
    if (json_is_string(v))
        rules_decimal_parse_plain(json_string_value(v), 2, &d, NULL);
    return d;
}

/* Σ and the figures of one group; NULL members when hidden. */
typedef struct totals {
    rules_decimal budgeted, distributed;
    int people;
} totals;

static json_t *spread_json(const int64_t *cents, size_t n)
{
    rules_spread s;
    if (n < TRANSPARENCY_MIN_GROUP || rules_spread_of(cents, n, &s, NULL) < 0)
        return json_null();
    return json_pack("{s:o, s:o, s:o}", "mean", rule_json_decimal(s.mean), "standard_deviation",
                     rule_json_decimal(s.stdev), "coefficient_of_variation", rule_json_decimal(s.cv));
}

/* One distribution as published; adds to shown or hidden. cents: scratch of at least people. */
static json_t *group_json(json_t *d, totals *shown, totals *hidden, int64_t *cents)
{
    json_t *people = json_object_get(d, "people");
    size_t n = json_array_size(people), i;
    int band_count[MAX_BANDS] = {0}, premiums = 0;
    json_t *pj;
    json_array_foreach(people, i, pj)
    {
        cents[i] = money_of(json_object_get(pj, "bonus")).units / 100;
        json_t *b = json_object_get(pj, "band");
        int band = json_is_integer(b) ? (int)json_integer_value(b) + 1 : 0;
        band_count[band >= 0 && band < MAX_BANDS ? band : 0]++;
        premiums += json_is_true(json_object_get(pj, "premium"));
    }
    rules_decimal fund = money_of(json_object_get(d, "fund")), dist = money_of(json_object_get(d, "distributed"));
    const char *cat = json_string_value(json_object_get(d, "category"));
    int hide = n < TRANSPARENCY_MIN_GROUP;
    totals *t = hide ? hidden : shown;
    t->budgeted.units += fund.units;
    t->distributed.units += dist.units;
    t->people += (int)n;
    json_t *g = json_pack("{s:s, s:o, s:b}", "role", json_string_value(json_object_get(d, "role")), "category",
                          cat ? json_string(cat) : json_null(), "suppressed", hide);
    if (hide) {
        json_object_set_new(g, "people", json_null());
        return g;
    }
    json_t *bands = json_array();
    for (int b = 0; b < MAX_BANDS; b++) {
        if (!band_count[b])
            continue;
        int small = band_count[b] < TRANSPARENCY_MIN_GROUP;
        json_array_append_new(bands, json_pack("{s:o, s:o, s:b}", "band", b ? json_integer(b - 1) : json_null(), "people",
                                               small ? json_null() : json_integer(band_count[b]), "suppressed", small));
    }
    rules_decimal avg = {0};
    rules_decimal_div(dist, rules_decimal_from_int((int64_t)n), &avg, NULL);
    json_object_set_new(g, "people", json_integer((json_int_t)n));
    json_object_set_new(g, "budgeted", rule_json_decimal(fund));
    json_object_set_new(g, "distributed", rule_json_decimal(dist));
    json_object_set_new(g, "average", rule_json_decimal(rules_decimal_round(avg, 2)));
    json_object_set_new(g, "premiums", json_integer(premiums));
    json_object_set_new(g, "differentiation", spread_json(cents, n));
    json_object_set_new(g, "bands", bands);
    return g;
}

/* The documents the figures go with: the adopted Piano and the validated Relazione. */
static json_t *documents_json(json_t *doc)
{
    json_t *pl = json_object_get(doc, "plan");
    if (!json_is_object(pl))
        return json_pack("{s:n, s:n}", "piano", "relazione");
    json_int_t id = json_integer_value(json_object_get(pl, "id"));
    json_int_t rev = json_integer_value(json_object_get(pl, "revision"));
    char piano[80], relazione[80];
    snprintf(piano, sizeof piano, "/v1/plans/%lld/document?format=html", (long long)id);
    snprintf(relazione, sizeof relazione, "/v1/plans/%lld/report?format=html", (long long)id);
    json_t *validated = json_object_get(doc, "validated_on");
    return json_pack("{s:o, s:o}", "piano",
                     rev > 0 ? json_pack("{s:I, s:s, s:I, s:O, s:O, s:s}", "plan_id", id, "kind",
                                         json_string_value(json_object_get(pl, "kind")), "revision", rev,
                                         "deliberation_number", json_object_get(pl, "deliberation_number"),
                                         "deliberation_date", json_object_get(pl, "deliberation_date"), "href", piano)
                             : json_null(),
                     "relazione",
                     json_is_string(validated)
                         ? json_pack("{s:I, s:O, s:s}", "plan_id", id, "validated_on", validated, "href", relazione)
                         : json_null());
}

/* A money cell with two decimals and a decimal comma ("10000,00"); empty for null. */
static void money_cell(buf *b, json_t *v)
{
    rules_decimal d;
    char t[32];
    if (!json_is_number(v) || rule_json_number(v, 2, "money", &d, NULL) < 0) {
        csv_cell_text(b, "", 0);
        return;
    }
    csv_cell_number(b, rules_decimal_format(d, 2, ',', t), 0);
}

static void answer_csv(http_request *req, json_t *out)
{
    static const char *const cols[] = {"ruolo",           "categoria",         "fascia", "persone",
                                       "premi_stanziati", "premi_distribuiti", "media",  "coefficiente_di_variazione",
                                       "oscurato"};
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "\xEF\xBB\xBF");
    csv_header(&b, cols, 9);
    size_t i, k;
    json_t *g, *band;
    json_array_foreach(json_object_get(out, "groups"), i, g)
    {
        json_t *diff = json_object_get(g, "differentiation");
        csv_cell_json(&b, json_object_get(g, "role"), 1);
        csv_cell_json(&b, json_object_get(g, "category"), 0);
        csv_cell_text(&b, "", 0);
        csv_cell_json(&b, json_object_get(g, "people"), 0);
        money_cell(&b, json_object_get(g, "budgeted"));
        money_cell(&b, json_object_get(g, "distributed"));
        money_cell(&b, json_object_get(g, "average"));
        csv_cell_json(&b, json_object_get(diff, "coefficient_of_variation"), 0);
        csv_cell_json(&b, json_object_get(g, "suppressed"), 0);
        csv_row_end(&b);
        json_array_foreach(json_object_get(g, "bands"), k, band)
        {
            csv_cell_json(&b, json_object_get(g, "role"), 1);
            csv_cell_json(&b, json_object_get(g, "category"), 0);
            json_t *bi = json_object_get(band, "band");
            char bt[24];
            snprintf(bt, sizeof bt, json_is_integer(bi) ? "%lld" : "sotto la prima", (long long)json_integer_value(bi));
            csv_cell_text(&b, bt, 0);
            csv_cell_json(&b, json_object_get(band, "people"), 0);
            for (int c = 0; c < 4; c++)
                csv_cell_text(&b, "", 0);
            csv_cell_json(&b, json_object_get(band, "suppressed"), 0);
            csv_row_end(&b);
        }
    }
    json_t *t = json_object_get(out, "premiums");
    csv_cell_text(&b, "totale", 1);
    csv_cell_text(&b, "", 0);
    csv_cell_text(&b, "", 0);
    csv_cell_json(&b, json_object_get(t, "people"), 0);
    money_cell(&b, json_object_get(t, "budgeted"));
    money_cell(&b, json_object_get(t, "distributed"));
    csv_cell_text(&b, "", 0);
    csv_cell_json(&b, json_object_get(json_object_get(out, "differentiation"), "coefficient_of_variation"), 0);
    csv_cell_json(&b, json_object_get(t, "excludes_suppressed"), 0);
    csv_row_end(&b);
    json_decref(out);
    if (b.failed) {
        buf_free(&b);
        http_error(req, 503, "out_of_memory", "try again");
        return;
    }
    size_t len;
    char *body = buf_steal(&b, &len);
    snprintf(req->res.disposition, sizeof req->res.disposition, "attachment; filename=\"trasparenza-art20.csv\"");
    http_body(req, 200, "text/csv; charset=utf-8", body, len);
}

static void answer(http_request *req, store_conn *db, const char *scope, int public_only)
{
    const char *q = http_query(req, "year");
    char *end = NULL;
    long year = q ? strtol(q, &end, 10) : 0;
    if (!q || !*q || *end || year < 2000 || year > 2100) {
        api_bad_parameter(req, "year", q ? "is not a year between 2000 and 2100" : "is required",
                          "year is required: the year of the premiums (2000..2100)");
        return;
    }
    problem p;
    problem_init(&p);
    char *text = NULL;
    int found = store_transparency_doc(db, req->ids[0], scope, public_only, (int)year, &text, &p);
    if (!api_found(req, found, &p, public_only ? "entity %lld publishes no figures here" : "no entity %lld",
                   (long long)req->ids[0]))
        return;
    json_t *doc = json_loads(text, 0, NULL);
    free(text);
    json_t *dists = json_object_get(doc, "distributions");
    size_t most = 1, i;
    json_t *d;
    json_array_foreach(dists, i, d) if (json_array_size(json_object_get(d, "people")) > most)
        most = json_array_size(json_object_get(d, "people"));
    int64_t *cents = malloc(most * sizeof *cents);
    size_t everyone = 0;
    json_array_foreach(dists, i, d) everyone += json_array_size(json_object_get(d, "people"));
    int64_t *all = malloc((everyone ? everyone : 1) * sizeof *all);
    if (!doc || !cents || !all) {
        json_decref(doc);
        free(cents);
        free(all);
        http_error(req, 503, "out_of_memory", "try again");
        return;
    }
    totals shown = {{0}, {0}, 0}, hidden = {{0}, {0}, 0};
    json_t *groups = json_array();
    size_t k = 0;
    json_array_foreach(dists, i, d)
    {
        json_array_append_new(groups, group_json(d, &shown, &hidden, cents));
        size_t j;
        json_t *pj;
        json_array_foreach(json_object_get(d, "people"), j, pj)
            all[k++] = money_of(json_object_get(pj, "bonus")).units / 100;
    }
    int cover_all = hidden.people == 0 || hidden.people >= TRANSPARENCY_MIN_GROUP;
    totals t = shown;
    if (cover_all) {
        t.budgeted.units += hidden.budgeted.units;
        t.distributed.units += hidden.distributed.units;
        t.people += hidden.people;
    }
    json_t *out = json_pack(
        "{s:O, s:i, s:i, s:s, s:{s:i, s:o, s:o, s:b}, s:o, s:o, s:o}", "entity", json_object_get(doc, "entity"), "year",
        (int)year, "minimum_group", TRANSPARENCY_MIN_GROUP, "law", "D.Lgs. 33/2013 art. 20 c. 1-2", "premiums",
        "people", t.people, "budgeted", rule_json_decimal(t.budgeted), "distributed", rule_json_decimal(t.distributed),
        "excludes_suppressed", !cover_all, "differentiation", cover_all ? spread_json(all, everyone) : json_null(),
        "groups", groups, "documents", documents_json(doc));
    free(cents);
    free(all);
    json_decref(doc);
    if (http_wants_csv(req))
        answer_csv(req, out);
    else
        http_json(req, 200, out);
}

void transparency_get(http_request *req)
{
    api_call *call = api_call_of(req);
    answer(req, call->db, call->scope, 0);
}

void transparency_public_get(http_request *req)
{
    store_conn *db = api_acquire(req);
    if (!db)
        return;
    store_set_entity(db, req->ids[0]); /* row-level security: the entity the path names (store/pool.h) */
    answer(req, db, NULL, 1);
    store_release(api_pool(), db);
}
