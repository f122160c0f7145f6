/* fuzz_evaluation_json.c — libFuzzer target for the evaluation codec: a JSON document is read
 * as a scheme body, then as every request body of the evaluation routes; a scheme that
 * decodes reads the document's "ratings". Every answer must render as a problem. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "codec/evaluation_body.h"
#include "codec/evaluation_json.h"
#include "codec/rule_json.h"

/* The problem renders (messages and paths valid UTF-8) and is cleared for the next body. */
static void settle(problem *p)
{
    json_t *j = problem_to_json(p);
    if (!j)
        abort();
    json_decref(j);
    problem_clear(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *doc = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (!doc)
        return 0;
    problem p;
    problem_init(&p);
    eval_scheme_head h;
    json_t *def = eval_scheme_body(doc, &h, &p);
    settle(&p);
    if (def) {
        eval_scheme_def d;
        if (eval_scheme_decode(def, eval_role_of(h.role), &d, &p) != 0)
            abort(); /* a body that passed decodes again the same */
        rules_decimal v[RULES_EVAL_MAX_BEHAVIOURS];
        unsigned char rated[RULES_EVAL_MAX_BEHAVIOURS];
        const json_t *ratings = json_object_get(doc, "ratings");
        if (json_is_object(ratings))
            eval_ratings_decode(ratings, &d.s, v, rated, &p);
        settle(&p);
        json_decref(def);
    }
    eval_participation_body pb;
    eval_participation_decode(doc, &pb, &p);
    settle(&p);
    eval_form_body fb;
    eval_form_body_decode(doc, &fb, &p);
    settle(&p);
    eval_patch_body pt;
    if (eval_form_patch_keys(doc, &pt, &p) >= 0)
        eval_form_patch_values(doc, &pt, &p);
    settle(&p);
    if (json_is_object(doc)) {
        eval_sign_body sb;
        eval_sign_decode(doc, &sb, &p);
        const char *reason, *note;
        eval_answer_decode(doc, 1, &reason, &p);
        const json_t *r;
        eval_conciliate_decode(doc, &note, &r, &p);
        settle(&p);
    }
    eval_bonus_body bb;
    eval_bonus_decode(doc, &bb, &p);
    settle(&p);
    json_decref(doc);
    return 0;
}
