/*
 * piao_checks.h — the PIAO's own findings beside the plan checker's (issue 20): what the full or
 * the simplified form must contain (rules_piao_check).
 */
#ifndef CICLO_API_PIAO_CHECKS_H
#define CICLO_API_PIAO_CHECKS_H
#include <jansson.h>

#include "http/http.h"

/* Appends to findings (borrowed) the PIAO findings of plan_id when it is a PIAO, counting them
 * into *errors and *warnings. Returns 0 (also for another kind of plan), or -1 after answering
 * with the problem. */
int piao_checks_append(http_request *req, int64_t plan_id, json_t *findings, int *errors, int *warnings);

#endif
