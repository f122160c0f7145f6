/* fuzz_plan_doc.c — libFuzzer target for the plan document's export form (codec/plan_doc.h).
 *
 * For any text: plan_doc_strip never reads out of bounds. For a text jansson reads as JSON and
 * that it keeps: the result is JSON, no object in it has a null member nor (keys written without
 * \u escapes, as PostgreSQL writes them) an "id" member, and stripping it again changes nothing. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/plan_doc.h"

static void clean(const json_t *j, int escaped)
{
    const char *key;
    json_t *v;
    size_t i;
    if (json_is_object(j)) {
        json_object_foreach((json_t *)j, key, v)
        {
            if ((!escaped && strcmp(key, "id") == 0) || json_is_null(v))
                abort(); /* an id or a null member survived */
            clean(v, escaped);
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v) clean(v, escaped);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    buf out;
    buf_init(&out, 0);
    int rc = plan_doc_strip((const char *)data, size, &out);
    json_t *in = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (rc == 0 && in) {
        json_t *got = json_loadb(out.data ? out.data : "", out.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        if (!got)
            abort(); /* JSON in, not JSON out */
        int escaped = 0;
        for (size_t i = 0; i + 1 < size; i++)
            escaped |= data[i] == '\\' && data[i + 1] == 'u';
        clean(got, escaped);
        buf again;
        buf_init(&again, 0);
        if (plan_doc_strip(out.data, out.len, &again) < 0 || again.len != out.len ||
            memcmp(again.data, out.data, out.len) != 0)
            abort(); /* the export form is a fixed point */
        buf_free(&again);
        json_decref(got);
    }
    json_decref(in);
    buf_free(&out);
    return 0;
}
