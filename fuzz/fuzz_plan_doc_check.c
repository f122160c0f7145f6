/* fuzz_plan_doc_check.c — libFuzzer target for the plan document's checks
 * (codec/plan_doc_check.h, with the organisation rows of codec/org_rows.h).
 *
 * For any body that passes the plan document's shape limits and decodes: doc_check never
 * crashes or leaks; it gives 0 with no error or a 422 naming fields, or -1 with a 503; every
 * message encodes. A document without errors yields its content rows as JSON arrays and the
 * checker's warnings, each with a path. The references to structures and people are then
 * resolved as if the entity had none of them. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/json_limits.h"
#include "codec/json_number.h"
#include "codec/plan_doc_check.h"

static void encodes(const problem *p)
{
    json_t *pj = problem_to_json(p);
    char *s = pj ? json_dumps(pj, JSON_COMPACT) : NULL;
    if (!s)
        abort(); /* every message must encode (valid UTF-8) */
    free(s);
    json_decref(pj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (json_limits_check_with((const char *)data, size, &json_limits_plan_document) != JSON_WITHIN_LIMITS)
        return 0; /* answered 400/413 before decoding */
    char path[256], lexeme[48];
    if (json_number_check((const char *)data, size, path, sizeof path, lexeme, sizeof lexeme) != JSON_NUMBERS_EXACT)
        return 0;
    json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return 0; /* plan_import_run refuses it before the checks */
    }
    problem p;
    problem_init(&p);
    doc_state s;
    doc_state_init(&s, &p);
    int rc = doc_check(&s, doc);
    if (rc < 0 && p.status != 503)
        abort();
    if (rc == 0 && !(p.status == 0 || (p.status == 422 && problem_count(&p) > 0)))
        abort(); /* errors are 422 with their fields, nothing else */
    if (rc == 0 && p.status == 0) {
        char *rows[4] = {NULL, NULL, NULL, NULL};
        if (doc_content_rows(&s, rows, &p) == 0)
            for (int k = 0; k < 4; k++) {
                json_t *j = json_loads(rows[k], 0, NULL);
                if (!json_is_array(j))
                    abort(); /* the store's rows are JSON arrays */
                json_decref(j);
            }
        for (int k = 0; k < 4; k++)
            free(rows[k]);
        int total = 0;
        json_t *w = doc_warnings(&s, &total);
        size_t i;
        json_t *f;
        json_array_foreach(w, i, f) if (!json_is_string(json_object_get(f, "path"))) abort();
        json_decref(w);
        org_check_refs(&s.org, &p); /* a new entity: every reference must be to a row given */
        if (p.status != 0 && p.status != 422)
            abort();
    }
    encodes(&p);
    doc_state_free(&s);
    problem_clear(&p);
    json_decref(doc);
    return 0;
}
