/*
 * plan_doc_check.h — the checks of a plan document ("ciclo-plan/1", examples/README.md) that
 * need no database: every field validated as the single writes validate it, the references
 * inside the document (parent_code, indicator codes, phase seqs), the cascade's cycles, and
 * the plan checker's findings (the answer's "warnings"). What it gathers are the rows the
 * store writes (store/import.h) and the plan as the rules library sees it. Every error goes
 * into the problem with its JSON path. No HTTP, no SQL.
 */
#ifndef CICLO_CODEC_PLAN_DOC_CHECK_H
#define CICLO_CODEC_PLAN_DOC_CHECK_H
#include <jansson.h>

#include "codec/org_rows.h"
#include "codec/validate.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/problem.h"
#include "rules.h"

/* What the validation gathers: rows for the store and the plan as the checker sees it. */
/* The tables of content rows (doc_state.rows). */
enum { DOC_OBJECTIVES, DOC_ASSIGNMENTS, DOC_PHASES, DOC_INDICATORS };

typedef struct doc_state {
    problem *p;
    org_rows org;
    /* the content rows for the store, as JSON text: objectives, assignments, phases, indicators
     * (DOC_OBJECTIVES..DOC_INDICATORS), each "[row,row..." until doc_content_rows closes it */
    buf rows[4];
    size_t n_rows[4];
    json_t *objective_index; /* code → index */
    json_t *indicator_paths; /* code → path of its first use */
    field_values plan;       /* model_plans values */
    int plan_ok;
    int year;
    const char *deliberation[3]; /* number, date, body (borrowed from the document) */
    char deliberation_date[11];
    /* the checker's view */
    arena mem;
    rules_objective *r_obj;
    rules_assignee *r_asg;
    rules_assignment *r_a;
    rules_phase *r_ph;
    rules_indicator *r_ind;
    int *a_sub, *ph_sub, *ind_sub; /* position inside the objective */
    char **asg_path;               /* the document path of an assignee, or NULL */
    int n_obj, n_asg, n_a, n_ph, n_ind;
    json_t *assignee_index; /* "s:CODE" / "p:ID" → index */
    int year_to;
    /* the checker's context (texts borrowed from the document, numbers written into mem) */
    rules_check_objective *c_obj;
    rules_check_phase *c_ph;
    rules_check_indicator *c_ind;
    unsigned char *a_weighted;
    rules_check_assignment *c_a;
    int first_adoption; /* 1: the deliberation is the plan's first adoption */
    rules_rule *nodes;  /* scratch for decoding rules */
    int failed;         /* memory ran out: doc_check answers 503 */
    /* each distinct rule text decoded once: text → index into rules_kept (in mem) */
    json_t *rule_index;
    const rules_rule **rules_kept;
    size_t n_rules_kept, n_ind_max;
} doc_state;

/* An empty state gathering problems into p (borrowed for the state's life); doc_state_free
 * releases what it holds. */
void doc_state_init(doc_state *s, problem *p);
void doc_state_free(doc_state *s);

/* Checks every part of the document doc (borrowed: s keeps pointers into its members other
 * than the objectives, so doc outlives s) that needs no database and fills s. Every error goes into s->p with its path, and the
 * status is then 422. Returns 0, or -1 when memory runs out (503). */
int doc_check(doc_state *s, json_t *doc);

/* doc_check of a document whose objectives are not in doc but in objectives_text[0..len), the
 * text of their array as json_split_array left it (codec/json_stream.h; NULL: doc's own).
 * Each objective is parsed when it is read and freed after (twice: once to index the codes,
 * once to check it), so the document is never one tree; s keeps copies of what it needs. The
 * text is borrowed for the call only. */
int doc_check_parts(doc_state *s, json_t *doc, const char *objectives_text, size_t len);

/* The plan checker's findings on the checked document: a new array of {severity, code,
 * message, path} (at most 1000, paths in the document's terms), *total all of them; NULL when
 * memory runs out. Set s->first_adoption first when the deliberation adopts the plan for the
 * first time. */
json_t *doc_warnings(doc_state *s, int *total);

/* Frees what only the checks and doc_warnings read (the checker's model and indexes: tens
 * of MB for a plan of 20,000 objectives), keeping the rows, the organisation and the plan's
 * fields; s stays valid for doc_content_rows and doc_state_free. Call doc_warnings first. */
void doc_state_drop_checker(doc_state *s);

/* The content rows of s as the JSON texts of store_plan_rows_in (objectives, assignments,
 * phases, indicators), malloc'd into rows[0..3]: the caller frees them, also after -1
 * (503 with p set). Takes the texts out of s: call it once. */
int doc_content_rows(doc_state *s, char *rows[4], problem *p);

#endif
