/*
 * webhooks.c — the routes of an entity's webhooks (api/webhooks.h). A webhook is a URL and the
 * kinds of events it wants; its secret is made by the server and shown once, in the create's
 * answer, like a token.
 */
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/answer.h"
#include "api/api.h"
#include "api/handlers.h"
#include "api/webhooks.h"
#include "codec/json_fields.h"
#include "codec/rule_json.h"
#include "core/text.h"
#include "store/webhooks.h"

#define WEBHOOK_URL_MAX 2000
#define DELIVERIES_SHOWN 100

static const char *const kinds[] = {"plan.adopted", "revision.adopted", "form.signed",
                                    "phase.late",   "review.due",       NULL};

void webhook_sign(const char *secret, long long timestamp, const char *body, size_t len, char out[68])
{
    char head[32];
    int hl = snprintf(head, sizeof head, "%lld.", timestamp);
    gnutls_hmac_hd_t h;
    unsigned char digest[32];
    memset(digest, 0, sizeof digest);
    if (gnutls_hmac_init(&h, GNUTLS_MAC_SHA256, secret, strlen(secret)) == 0) {
        gnutls_hmac(h, head, (size_t)hl);
        gnutls_hmac(h, body, len);
        gnutls_hmac_deinit(h, digest);
    }
    static const char hex[] = "0123456789abcdef";
    memcpy(out, "v1=", 3);
    for (int i = 0; i < 32; i++) {
        out[3 + 2 * i] = hex[digest[i] >> 4];
        out[4 + 2 * i] = hex[digest[i] & 15];
    }
    out[67] = '\0';
}

/* Checks the body: {url, events?}. Returns 0 with *url and *events (a new JSON array, the caller
 * decrefs it), or -1 with p set (422 by field). */
static int read_body(json_t *body, const char **url, json_t **events, problem *p)
{
    static const char *const fields[] = {"url", "events", NULL};
    jf_unknown_keys(body, fields, "", p);
    json_t *u = json_object_get(body, "url");
    *url = json_string_value(u);
    if (!*url)
        problem_add(p, "url", u ? "must be a string" : "is required");
    else if (strlen(*url) > WEBHOOK_URL_MAX)
        problem_add(p, "url", "is longer than %d characters", WEBHOOK_URL_MAX);
    else if ((strncmp(*url, "http://", 7) != 0 && strncmp(*url, "https://", 8) != 0) || strpbrk(*url, " \t\r\n") ||
             !(*url)[strncmp(*url, "https://", 8) == 0 ? 8 : 7])
        problem_add(p, "url", "must be an http:// or https:// URL without spaces");
    *events = json_array();
    json_t *ev = json_object_get(body, "events");
    if (ev && !json_is_null(ev) && !json_is_array(ev))
        problem_add(p, "events", "must be an array of event kinds");
    size_t i;
    json_t *k;
    json_array_foreach(ev, i, k)
    {
        char path[32];
        snprintf(path, sizeof path, "events[%zu]", i);
        const char *s = json_string_value(k);
        if (!jf_one_of(s, kinds)) {
            problem_add(p, path,
                        "is not an event kind (plan.adopted, revision.adopted, form.signed, phase.late, "
                        "review.due)");
            continue;
        }
        int twice = 0;
        size_t j;
        json_t *seen;
        json_array_foreach(*events, j, seen) twice |= strcmp(json_string_value(seen), s) == 0;
        if (twice)
            problem_add(p, path, "is given twice");
        else
            json_array_append(*events, k);
    }
    if (!problem_count(p))
        return 0;
    json_decref(*events);
    *events = NULL;
    return problem_set(p, 422, "validation_failed", "the webhook is not valid");
}

void webhook_create(http_request *req)
{
    api_call *call = api_call_of(req);
    json_t *body = api_json_body(req);
    if (!body)
        return;
    problem p;
    problem_init(&p);
    const char *url;
    json_t *events = NULL;
    if (!json_is_object(body)) {
        problem_set(&p, 422, "validation_failed", "the body must be a JSON object");
        api_fail(req, &p);
        json_decref(body);
        return;
    }
    if (read_body(body, &url, &events, &p) < 0) {
        api_fail(req, &p);
        json_decref(body);
        return;
    }
    unsigned char raw[32];
    char secret[64];
    if (gnutls_rnd(GNUTLS_RND_KEY, raw, sizeof raw) != 0) {
        http_error(req, 503, "no_randomness", "the server cannot make a secret now; try again");
        goto done;
    }
    memcpy(secret, "whsec_", 6);
    base64url_encode(raw, sizeof raw, secret + 6);
    char *events_text = rule_json_dumps(events, JSON_COMPACT), *doc = NULL;
    int found = events_text ? store_webhook_create(call->db, req->ids[0], call->scope, url, events_text, secret,
                                                   &call->actor, &doc, &p)
                            : -1;
    free(events_text);
    if (found <= 0) {
        if (found == 0)
            problem_set(&p, 404, "not_found", "no entity %lld", (long long)req->ids[0]);
        else if (!p.status)
            problem_set(&p, 503, "out_of_memory", "try again");
        api_fail(req, &p);
        goto done;
    }
    json_t *w = api_doc_json(req, doc);
    if (!w)
        goto done;
    json_object_set_new(w, "secret", json_string(secret));
    snprintf(req->res.location, sizeof req->res.location, "/v1/webhooks/%lld",
             (long long)json_integer_value(json_object_get(w, "id")));
    http_json(req, 201, w);
done:
    json_decref(events);
    json_decref(body);
    problem_clear(&p);
}

/* Answers {"items": <the JSON array the store wrote>}, or as api_found when found is not
 * positive ("no <noun> <id>"). Takes d. */
static void answer_items(http_request *req, int found, store_docs *d, problem *p, const char *noun)
{
    if (!api_found(req, found, p, "no %s %lld", noun, (long long)req->ids[0])) {
        store_docs_free(d);
        return;
    }
    json_t *items = json_loads(store_docs_text(d, 0), 0, NULL);
    store_docs_free(d);
    if (!items) {
        http_error(req, 503, "out_of_memory", "try again");
        return;
    }
    http_json(req, 200, json_pack("{s:o}", "items", items));
}

void webhook_list(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    store_docs *d = NULL;
    int found = store_webhook_list(call->db, req->ids[0], call->scope, &d, &p);
    answer_items(req, found, d, &p, "entity");
}

void webhook_delete(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    int found = store_webhook_delete(call->db, req->ids[0], call->scope, &call->actor, &p);
    if (!api_found(req, found, &p, "no webhook %lld", (long long)req->ids[0]))
        return;
    http_body(req, 204, NULL, NULL, 0);
}

void webhook_deliveries(http_request *req)
{
    api_call *call = api_call_of(req);
    problem p;
    problem_init(&p);
    store_docs *d = NULL;
    int found = store_webhook_deliveries(call->db, req->ids[0], call->scope, DELIVERIES_SHOWN, &d, &p);
    answer_items(req, found, d, &p, "webhook");
}
