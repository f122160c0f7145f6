/* log.h — one line per event on stderr: "2026-11-23T10:00:00Z LEVEL message". Thread-safe. */
#ifndef CICLO_LOG_H
#define CICLO_LOG_H

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

/* Sets the lowest level written (default LOG_INFO; CICLO_LOG_LEVEL=debug|info|warn|error). */
void log_set_level(log_level lvl);
void log_msg(log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
