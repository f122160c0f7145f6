#include "http/heavy.h"

#include <pthread.h>
#include <stdlib.h>

#include "core/log.h"
#include "http/heavyq.h"

struct http_heavy {
    pthread_mutex_t lock;
    pthread_cond_t ready; /* a job was put, or the pool is stopping */
    heavyq q;             /* the places kept, the jobs waiting and whose run (http/heavyq.h) */
    int stop;
    http_heavy_run run;
    void *ctx;
    pthread_t *threads;
    int nthreads;
};

static void *worker(void *arg)
{
    http_heavy *h = arg;
    pthread_mutex_lock(&h->lock);
    for (;;) {
        /* a stopping pool still serves a job reserved before the stop, once it is pushed */
        while (!h->q.waiting && !(h->stop && !h->q.kept))
            pthread_cond_wait(&h->ready, &h->lock);
        int64_t key;
        void *job = heavyq_take(&h->q, &key);
        if (!job)
            break;
        if (h->stop && !h->q.kept) /* the last one: the other threads may leave */
            pthread_cond_broadcast(&h->ready);
        int refused = h->stop;
        pthread_mutex_unlock(&h->lock);
        h->run(h->ctx, job, refused);
        pthread_mutex_lock(&h->lock);
        heavyq_done(&h->q, key);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

http_heavy *http_heavy_new(int threads, int queue_max, http_heavy_run run, void *ctx)
{
    http_heavy *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->threads = calloc((size_t)(threads > 0 ? threads : 1), sizeof *h->threads);
    if (!h->threads || heavyq_init(&h->q, queue_max, threads) < 0) {
        free(h->threads);
        free(h);
        return NULL;
    }
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->ready, NULL);
    h->run = run;
    h->ctx = ctx;
    for (int i = 0; i < (threads > 0 ? threads : 1); i++) {
        if (pthread_create(&h->threads[i], NULL, worker, h) != 0) {
            log_warn("heavy requests: %d of %d threads started", i, threads);
            break;
        }
        h->nthreads++;
    }
    if (!h->nthreads) {
        http_heavy_stop(h);
        http_heavy_free(h);
        return NULL;
    }
    return h;
}

int http_heavy_reserve(http_heavy *h, int64_t key)
{
    pthread_mutex_lock(&h->lock);
    int rc = h->stop ? -1 : heavyq_keep(&h->q, key);
    pthread_mutex_unlock(&h->lock);
    return rc;
}

void http_heavy_push(http_heavy *h, int64_t key, void *job)
{
    pthread_mutex_lock(&h->lock);
    heavyq_put(&h->q, key, job);
    pthread_cond_signal(&h->ready);
    pthread_mutex_unlock(&h->lock);
}

void http_heavy_stop(http_heavy *h)
{
    pthread_mutex_lock(&h->lock);
    h->stop = 1;
    pthread_cond_broadcast(&h->ready);
    pthread_mutex_unlock(&h->lock);
    for (int i = 0; i < h->nthreads; i++)
        pthread_join(h->threads[i], NULL);
    h->nthreads = 0;
}

void http_heavy_free(http_heavy *h)
{
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->ready);
    heavyq_free(&h->q);
    free(h->threads);
    free(h);
}
