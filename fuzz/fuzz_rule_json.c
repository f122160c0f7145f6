/* fuzz_rule_json.c — libFuzzer target for the server's rule decoder: a JSON
 * document {"rule": ..., "value": ...} is decoded, checked, evaluated, encoded. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/rule_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rules_rule nodes[RULE_JSON_MAX_NODES];
    static rules_value vals[RULE_JSON_MAX_VALUES];
    rules_finding f[16];
    rules_error err;
    char ex[RULES_EXPLANATION_MAX];
    size_t n;
    json_t *doc = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (!doc)
        return 0;
    json_t *rule = json_is_object(doc) ? json_object_get(doc, "rule") : NULL;
    if (rule && rule_json_decode(rule, NULL, nodes, RULE_JSON_MAX_NODES, &n, &err) == 0) {
        rules_check(&nodes[0], NULL, f, 16, &n);
        json_t *fj = rule_json_findings(f, n < 16 ? n : 16);
        if (!fj)
            abort(); /* messages must always be valid UTF-8 */
        json_decref(fj);
        json_t *enc = rule_json_encode(&nodes[0]);
        if (!enc)
            abort();
        json_decref(enc);
        json_t *value = json_object_get(doc, "value");
        rules_decimal s;
        if (value && rule_json_decode_value(value, &nodes[0], NULL, vals, RULE_JSON_MAX_VALUES, &n, &err) == 0 &&
            rules_evaluate(&nodes[0], &vals[0], &s, ex, sizeof ex, &err) == 0) {
            if (s.units < 0 || s.units > 100 * RULES_DECIMAL_SCALE)
                abort();
            json_t *r = rule_json_result(s, ex);
            if (!r)
                abort(); /* explanations must always be valid UTF-8 */
            json_decref(r);
        }
    }
    json_decref(doc);
    return 0;
}
