/*
 * heavyq.h — the queue of the heavy threads (http/heavy.h) as plain data: which places are kept,
 * which jobs wait, whose jobs run, and which job a free thread takes next. No lock, no thread:
 * http/heavy.c holds its lock around every call (and the unit tests call it directly).
 *
 * Fairness between keys (a key is the caller's share of the database pool: its entity, 0 for an
 * admin, -1 unknown; docs/SECURITY.md "Fairness between entities"):
 * - one key keeps at most fair_share(cap) places (core/share.h) of the queue, so another key always finds
 *   room while one floods it;
 * - a free thread takes a job of the key that has the fewest jobs running now; among those, the
 *   key whose last job started longest ago (a key with none remembered first), then that key's
 *   oldest job. So a key's backlog delays another key's job by about one job per thread: keys
 *   take turns, whatever their backlogs.
 */
#ifndef CICLO_HTTP_HEAVYQ_H
#define CICLO_HTTP_HEAVYQ_H
#include <stdint.h>

typedef struct heavyq_slot {
    void *job;    /* NULL: the place is free, or kept and not yet filled */
    int64_t key;  /* whose job */
    int k;        /* its key's entry in heavyq.keys */
    uint64_t seq; /* arrival order */
    int used;     /* kept (by heavyq_keep), filled or not */
} heavyq_slot;

/* A key the queue knows: one with a place kept or a job running (at most cap + threads). */
typedef struct heavyq_key {
    int64_t key;
    int kept;            /* places kept, filled or not */
    int running;         /* jobs taken and not yet done */
    uint64_t last_start; /* when its last job was taken (heavyq.clock), 0: none remembered */
    int used;
} heavyq_key;

typedef struct heavyq {
    heavyq_slot *slots; /* cap */
    heavyq_key *keys;   /* cap + threads */
    int cap, nkeys;
    int share;   /* fair_share(cap) */
    int kept;    /* places kept in all, filled or not */
    int waiting; /* jobs put and not yet taken */
    uint64_t seq, clock;
} heavyq;

/* Sets up q for cap places (at least 1) and at most threads jobs running. Returns 0, or -1 out
 * of memory. q owns its arrays until heavyq_free. */
int heavyq_init(heavyq *q, int cap, int threads);
void heavyq_free(heavyq *q);
/* Keeps a place for a job of key. Returns 0; -1 when the queue is full; -2 when key keeps its
 * share already. */
int heavyq_keep(heavyq *q, int64_t key);
/* Puts job (not NULL) in a place kept for key by heavyq_keep. job stays the caller's. */
void heavyq_put(heavyq *q, int64_t key, void *job);
/* Takes the next job (see above) and counts it running for its key, written in *key; its place
 * is given back. Returns NULL when no job waits. */
void *heavyq_take(heavyq *q, int64_t *key);
/* A job of key, taken by heavyq_take, is done. */
void heavyq_done(heavyq *q, int64_t key);

#endif
