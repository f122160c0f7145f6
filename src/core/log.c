#include "core/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static atomic_int min_level = LOG_INFO;

void log_set_level(log_level lvl) { atomic_store(&min_level, (int)lvl); }

char *log_escape(const char *s, char *out, size_t outlen)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[4];
        size_t k = 0;
        if (c < 0x20 || c == 0x7f) {
            esc[k++] = '\\';
            esc[k++] = 'x';
            esc[k++] = hex[c >> 4];
            esc[k++] = hex[c & 15];
        } else if (c == '\\') {
            esc[k++] = '\\';
            esc[k++] = '\\';
        } else {
            esc[k++] = (char)c;
        }
        if (n + k >= outlen)
            break;
        for (size_t i = 0; i < k; i++)
            out[n++] = esc[i];
    }
    out[n] = '\0';
    return out;
}

static void vlog(log_level lvl, const char *fmt, va_list ap)
{
    static const char *const names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
    char msg[2048], line[2048];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = (int)strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%SZ ", &tm);
    n += snprintf(line + n, sizeof line - (size_t)n, "%s ", names[lvl]);
    vsnprintf(msg, sizeof msg, fmt, ap);
    log_escape(msg, line + n, sizeof line - (size_t)n);
    fprintf(stderr, "%s\n", line); /* one call: stdio locks the stream */
}

void log_msg(log_level lvl, const char *fmt, ...)
{
    if ((int)lvl < atomic_load(&min_level))
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog(lvl, fmt, ap);
    va_end(ap);
}

/* The limiters seen so far, for log_flush_limited. */
static pthread_mutex_t limiters_lock = PTHREAD_MUTEX_INITIALIZER;
static log_limiter *limiters;

static long long period_of(const log_limiter *l)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec / (l->period_s > 0 ? l->period_s : 1);
}

/* Moves l to period now, writing the count of what the last period dropped. l->lock held. */
static void next_period(log_limiter *l, long long now)
{
    if (now == l->period)
        return;
    if (l->dropped > 0)
        log_msg(LOG_WARN, "%lld more %s not logged in the last %d s", l->dropped, l->what, l->period_s);
    l->period = now;
    l->used = 0;
    l->dropped = 0;
}

void log_limited(log_limiter *l, log_level lvl, const char *fmt, ...)
{
    if ((int)lvl < atomic_load(&min_level))
        return;
    pthread_mutex_lock(&limiters_lock); /* taken before l->lock, as log_flush_limited does */
    if (!l->registered) {
        l->next = limiters;
        limiters = l;
        l->registered = 1;
    }
    pthread_mutex_unlock(&limiters_lock);
    pthread_mutex_lock(&l->lock);
    next_period(l, period_of(l));
    int write = l->used < l->burst;
    if (write)
        l->used++;
    else
        l->dropped++;
    pthread_mutex_unlock(&l->lock);
    if (!write)
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog(lvl, fmt, ap);
    va_end(ap);
}

void log_flush_limited(void)
{
    pthread_mutex_lock(&limiters_lock);
    for (log_limiter *l = limiters; l; l = l->next) {
        pthread_mutex_lock(&l->lock);
        next_period(l, period_of(l));
        pthread_mutex_unlock(&l->lock);
    }
    pthread_mutex_unlock(&limiters_lock);
}
