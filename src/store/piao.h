/*
 * piao.h — what the PIAO checker needs of a plan (issue 20; rules_piao_check).
 */
#ifndef CICLO_STORE_PIAO_H
#define CICLO_STORE_PIAO_H
#include <stddef.h>
#include <stdint.h>

#include "core/problem.h"
#include "rules.h"
#include "store/pool.h"

/* Registers the statements. Call once at start-up. Returns 0 or -1. */
int store_piao_register(void);

/* A PIAO's facts: piao (its objectives in objectives, their codes in codes and the first lacking
 * indicator's code and id in lacking/lacking_id, all malloc'd in one block *mem that the caller
 * frees), the ids of the objectives in ids. Returns 1 for a PIAO, 2 for a plan of another kind
 * (nothing filled), 0 when the plan is not in scope, -1 with p set. */
typedef struct store_piao_facts {
    rules_piao piao;
    rules_piao_objective *objectives;
    int64_t *ids, *lacking_id;
    int64_t entity_id;
    void *mem;
} store_piao_facts;
int store_piao_facts_read(store_conn *c, int64_t plan_id, const char *scope, store_piao_facts *out, problem *p);

#endif
