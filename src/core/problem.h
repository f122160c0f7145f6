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
 * so that callers can write `return problem_set(...)`. */
int problem_set(problem *p, int status, const char *code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Sets the hint (printf format). */
void problem_hint(problem *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds one field error. field is a JSON path ("phases[2].deadline"). */
void problem_add(problem *p, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Number of field errors added so far. */
int problem_count(const problem *p);
/* Standard title for an HTTP status ("Unprocessable Content"). */
const char *problem_title(int status);
/* Builds the RFC 9457 body. Returns a new reference. */
json_t *problem_to_json(const problem *p);

#endif
