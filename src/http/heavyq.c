/* heavyq.c — the heavy threads' queue as plain data (http/heavyq.h). O(cap) scans: the queue is
 * small (CICLO_HEAVY_QUEUE, 64 by default). */
#include "http/heavyq.h"

#include <stdlib.h>

#include "core/share.h"

int heavyq_init(heavyq *q, int cap, int threads)
{
    q->cap = cap > 0 ? cap : 1;
    q->nkeys = q->cap + (threads > 0 ? threads : 1);
    q->share = fair_share(q->cap);
    q->kept = q->waiting = 0;
    q->seq = q->clock = 0;
    q->slots = calloc((size_t)q->cap, sizeof *q->slots);
    q->keys = calloc((size_t)q->nkeys, sizeof *q->keys);
    if (!q->slots || !q->keys) {
        heavyq_free(q);
        return -1;
    }
    return 0;
}

void heavyq_free(heavyq *q)
{
    free(q->slots);
    free(q->keys);
    q->slots = NULL;
    q->keys = NULL;
}

/* The entry of key, or NULL when the queue does not know it. */
static heavyq_key *find_key(heavyq *q, int64_t key)
{
    for (int i = 0; i < q->nkeys; i++)
        if (q->keys[i].used && q->keys[i].key == key)
            return &q->keys[i];
    return NULL;
}

int heavyq_keep(heavyq *q, int64_t key)
{
    if (q->kept >= q->cap)
        return -1;
    heavyq_key *k = find_key(q, key);
    if (k && k->kept >= q->share)
        return -2;
    if (!k) { /* a free entry exists: used ones keep a place or run a job, at most cap + threads */
        for (k = q->keys; k->used; k++)
            ;
        *k = (heavyq_key){.key = key, .used = 1};
    }
    int s = 0;
    while (q->slots[s].used)
        s++;
    q->slots[s] = (heavyq_slot){.key = key, .k = (int)(k - q->keys), .used = 1};
    k->kept++;
    q->kept++;
    return 0;
}

void heavyq_put(heavyq *q, int64_t key, void *job)
{
    for (int s = 0; s < q->cap; s++) {
        heavyq_slot *sl = &q->slots[s];
        if (sl->used && !sl->job && sl->key == key) {
            sl->job = job;
            sl->seq = ++q->seq;
            q->waiting++;
            return;
        }
    }
}

/* 1 when the job of slot a goes before that of slot b (both waiting; ka, kb their keys). */
static int before(const heavyq_slot *a, const heavyq_key *ka, const heavyq_slot *b, const heavyq_key *kb)
{
    if (ka->running != kb->running)
        return ka->running < kb->running;
    if (ka->last_start != kb->last_start)
        return ka->last_start < kb->last_start;
    return a->seq < b->seq;
}

void *heavyq_take(heavyq *q, int64_t *key)
{
    heavyq_slot *best = NULL;
    heavyq_key *best_key = NULL;
    for (int s = 0; s < q->cap; s++) {
        heavyq_slot *sl = &q->slots[s];
        if (!sl->job)
            continue;
        heavyq_key *k = &q->keys[sl->k];
        if (!best || before(sl, k, best, best_key)) {
            best = sl;
            best_key = k;
        }
    }
    if (!best)
        return NULL;
    void *job = best->job;
    *key = best->key;
    *best = (heavyq_slot){0};
    q->waiting--;
    q->kept--;
    best_key->kept--;
    best_key->running++;
    best_key->last_start = ++q->clock;
    return job;
}

void heavyq_done(heavyq *q, int64_t key)
{
    heavyq_key *k = find_key(q, key);
    if (!k)
        return;
    k->running--;
    if (!k->kept && !k->running) /* forgotten: its entry is free for another key */
        k->used = 0;
}
