/*
 * problem.h — errors as values. Every layer that can fail fills a caller-owned
 * problem with what the client will see (RFC 9457): HTTP status, a stable code,
 * a title, a detail, a hint and per-field errors. The HTTP layer renders it in
 * one place (http_respond_problem).
 */
#ifndef CICLO_PROBLEM_H
#define CICLO_PROBLEM_H
#include <jansson.h>

#define PROBLEM_MAX_ERRORS 200

typedef struct problem {
    int status;    /* 0 while nothing went wrong */
    char code[48]; /* stable application code, e.g. "validation_failed" */
    char detail[512];
    char hint[256];
    int retry_after; /* seconds, for 429/503; 0 = none */
    json_t *errors;  /* array of {"field","message"}; owned, NULL when empty */
    int dropped;     /* errors not kept past PROBLEM_MAX_ERRORS */
} problem;

/* Returns a problem with nothing set. */
void problem_init(problem *p);
/* Frees what p holds; p may be reused after problem_init. */
void problem_clear(problem *p);
/* Sets status, code and detail (printf format). Keeps the errors already added. Returns -1
 * so that callers can write `return problem_set(...)`. Does nothing to a problem that ran out
 * of memory (problem_oom): what came after may have lost errors, so 503 stays the answer. */
int problem_set(problem *p, int status, const char *code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Records that memory ran out: 503 out_of_memory, kept by every later problem_set. Returns -1. */
int problem_oom(problem *p);
/* Whether memory ran out while p was being filled (problem_oom). */
int problem_is_oom(const problem *p);
/* Sets the hint (printf format). */
void problem_hint(problem *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds one field error. field is a JSON path ("phases[2].deadline"). An error that cannot be
 * kept for want of memory makes the problem out of memory (problem_oom). */
void problem_add(problem *p, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Number of field errors added so far, those not kept (PROBLEM_MAX_ERRORS, memory) included. */
int problem_count(const problem *p);
/* Standard title for an HTTP status ("Unprocessable Content"). */
const char *problem_title(int status);
/* Builds the RFC 9457 body. Returns a new reference. */
json_t *problem_to_json(const problem *p);

#endif
