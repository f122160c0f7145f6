/*
 * log.h — one line per event on stderr: "2026-11-23T10:00:00Z LEVEL message". Thread-safe.
 *
 * A line is always one line: control characters (CR, LF, tabs, ESC, DEL ...) and backslashes
 * in the message are written as \xHH and \\, so that a field a client controls (a path with
 * %0a) cannot forge a line of its own or move the terminal's cursor.
 */
#ifndef CICLO_LOG_H
#define CICLO_LOG_H
#include <pthread.h>

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

/* Sets the lowest level written (default LOG_INFO; CICLO_LOG_LEVEL=debug|info|warn|error). */
void log_set_level(log_level lvl);
void log_msg(log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* Writes s into out (size outlen >= 1, always NUL-terminated) escaped as log lines are (see
 * above), cut short when out is full. Returns out. */
char *log_escape(const char *s, char *out, size_t outlen);

/*
 * A kind of line that a client can cause at will (a failed authentication): at most `burst`
 * lines per `period_s` seconds are written; the others are counted, and the count is written
 * as one line ("N more <what> not logged in the last P s") once the period is over — by the
 * next line of the kind or by log_flush_limited, whichever comes first. Define one with
 * LOG_LIMITER at file scope; it lives for the process.
 */
typedef struct log_limiter {
    const char *what; /* "failed authentications" */
    int burst;
    int period_s;
    pthread_mutex_t lock;
    long long period;  /* the current period's number (monotonic seconds / period_s) */
    int used;          /* lines written in it */
    long long dropped; /* lines not written in it */
    int registered;    /* in the list of log_flush_limited (under its lock) */
    struct log_limiter *next;
} log_limiter;
#define LOG_LIMITER(what, burst, period_s)                                 \
    {                                                                      \
        what, burst, period_s, PTHREAD_MUTEX_INITIALIZER, 0, 0, 0, 0, NULL \
    }

/* log_msg through the limiter l. */
void log_limited(log_limiter *l, log_level lvl, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Writes the count of every limiter whose period is over (call now and then: the server's
 * watchdog does, once a second). */
void log_flush_limited(void);

#endif
