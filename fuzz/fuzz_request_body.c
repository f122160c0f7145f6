/* fuzz_request_body.c — libFuzzer target for the request path of every JSON body: the
 * shape limits (codec/json_limits.c), the exact-number check (codec/json_number.c), the
 * decoder with the server's flags, then validate_object() against every resource of the model
 * in both modes, validate_patch() and merge_patch() (RFC 7396) against a stored row, as
 * api/crud.c does. Nothing here may crash, leak, or accept a body and then fail to turn it
 * into parameters. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/json_limits.h"
#include "codec/json_number.h"
#include "codec/model.h"
#include "codec/validate.h"

/* A plausible stored row of r: every output column with a value of its type. */
static json_t *stored_row(const resource_spec *r)
{
    json_t *row = json_pack("{s:i, s:s, s:s}", "id", 7, "created_at", "2024-01-01T00:00:00Z", "updated_at",
                            "2024-01-01T00:00:00Z");
    if (r->parent_table)
        json_object_set_new(row, "entity_id", json_integer(1));
    for (int i = 0; i < r->nfields; i++) {
        const field_spec *f = &r->fields[i];
        json_t *v;
        switch (f->type) {
        case FT_TEXT: v = json_string("A1"); break;
        case FT_INT: v = json_integer(f->min); break;
        case FT_DEC: v = json_real(1.5); break;
        case FT_BOOL: v = json_false(); break;
        case FT_DATE: v = json_string("2024-06-30"); break;
        case FT_ENUM: v = json_string(f->values[0]); break;
        case FT_REF: v = json_integer(3); break;
        case FT_JSON: v = json_integer(10); break;
        case FT_TEXTS: v = json_pack("[s]", "TUTTI"); break;
        default: v = json_null(); break;
        }
        json_object_set_new(row, f->name, v);
    }
    return row;
}

static void check_values(const resource_spec *r, const field_values *fv)
{
    for (int i = 0; i < r->nfields && i < VALUES_MAX; i++)
        if (fv->v[i] && strlen(fv->v[i]) > 1000000)
            abort(); /* a parameter larger than any body the server reads */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (json_limits_check((const char *)data, size) != JSON_WITHIN_LIMITS)
        return 0; /* answered 400/413 before decoding */
    char path[256], lexeme[48];
    if (json_number_check((const char *)data, size, path, sizeof path, lexeme, sizeof lexeme) != JSON_NUMBERS_EXACT)
        return 0; /* answered 422 before decoding (http_json_numbers) */
    json_error_t e;
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
    if (!body)
        return 0;
    for (int i = 0; i < model_resource_count; i++) {
        const resource_spec *r = model_resources[i];
        for (int mode = 0; mode < 2; mode++) {
            problem p;
            problem_init(&p);
            field_values fv;
            memset(&fv, 0, sizeof fv);
            int rc = validate_object(r, body, mode ? VALIDATE_REPLACE : VALIDATE_CREATE, mode ? "" : "x[1]", &fv, &p);
            if (rc == 0) {
                if (p.status != 0 && p.status != 200)
                    abort(); /* valid, yet a problem was set */
                const char *key;
                json_t *v;
                json_object_foreach(body, key, v)
                {
                    if (!model_field(r, key) && mode == 0)
                        abort(); /* an unknown field must never pass a create */
                }
                check_values(r, &fv);
                field_values_free(&fv);
            } else {
                if (p.status < 400 || p.status > 499)
                    abort(); /* bad input is a 4xx, never a 500 */
                json_t *pj = problem_to_json(&p);
                char *s = pj ? json_dumps(pj, JSON_COMPACT) : NULL;
                if (!s)
                    abort(); /* every message must encode (valid UTF-8) */
                free(s);
                json_decref(pj);
            }
            problem_clear(&p);
        }
        /* PATCH: the body as a merge patch on a stored row, then the merged row as a whole */
        json_t *current = stored_row(r);
        problem p;
        problem_init(&p);
        if (validate_patch(r, body, current, &p) == 0) {
            json_t *merged = merge_patch(current, body);
            if (!merged)
                abort();
            field_values fv;
            memset(&fv, 0, sizeof fv);
            problem q;
            problem_init(&q);
            if (validate_object(r, merged, VALIDATE_REPLACE, "", &fv, &q) == 0)
                field_values_free(&fv);
            else if (q.status < 400 || q.status > 499)
                abort();
            problem_clear(&q);
            json_decref(merged);
        } else if (p.status < 400 || p.status > 499) {
            abort();
        }
        problem_clear(&p);
        json_decref(current);
    }
    /* merge_patch on arbitrary targets: the body onto itself and onto an empty object */
    json_t *self = merge_patch(body, body);
    json_t *empty = json_object();
    json_t *onto = merge_patch(empty, body);
    if (!self || !onto)
        abort();
    json_decref(self);
    json_decref(onto);
    json_decref(empty);
    json_decref(body);
    return 0;
}
