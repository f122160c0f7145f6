/*
 * token_listen.h — the process's listener on the channel ciclo_tokens (sql/033_token_notify.sql),
 * through which PostgreSQL announces every token that stops holding or changes (its SHA-256).
 *
 * One libpq connection of its own (not one of the pool's; application_name "ciclo-listen <pid>",
 * so that an operator can find it in pg_stat_activity) and one thread, which waits on the
 * connection's socket and hands each notification to the hooks that api/auth.c registers. The
 * thread also sends an empty query every second (a heartbeat): each answer extends a lease of two
 * seconds, and the listener is live (store_token_listen_live) only while it holds its lease. So a
 * connection that breaks (a restart, pg_terminate_backend) stops being live as soon as the socket
 * says so, and one cut off silently (a frozen server, a dead network path) within two seconds.
 * A broken connection is replaced, after 0.5 s, then twice as long each time up to 8 s; on every
 * (re)connection, once LISTEN has answered and before the listener declares itself live,
 * forget_all runs: whatever was announced while it was away is forgotten too. The listener is
 * never live on a schema whose triggers of sql/033 are missing or disabled (counted with LISTEN):
 * nothing would be announced; it tries again like after a broken connection.
 */
#ifndef CICLO_STORE_TOKEN_LISTEN_H
#define CICLO_STORE_TOKEN_LISTEN_H

/* What the listener calls, from its own thread. forget gets one token's SHA-256 as 64 lowercase hex
 * digits (borrowed for the call). forget_all: anything may have changed (a (re)connection, a
 * TRUNCATE of tokens, a payload that is not a hash). */
typedef struct store_token_hooks {
    void (*forget)(const char *hash_hex);
    void (*forget_all)(void);
} store_token_hooks;

/* Starts the listener thread on conninfo (copied), whose connection attempts and heartbeats wait at
 * most max(timeout_ms, 1 s) and timeout_ms + 1 s. hooks is copied. Returns 0, or -1 when the thread
 * could not start (the listener is then never live). Call once, before serving. */
int store_token_listen_start(const char *conninfo, int timeout_ms, const store_token_hooks *hooks);
/* 1 while the listener holds its connection, has listened since forget_all last ran, and its last
 * heartbeat (or LISTEN) was sent less than two seconds ago and answered; else 0. Thread-safe and
 * cheap (an atomic load and a clock read). */
int store_token_listen_live(void);
/* How many times the listener has connected and listened (each followed by forget_all). */
long long store_token_listen_connects(void);
/* Stops the thread and closes its connection: within about a second, whatever the database does.
 * Harmless when the listener never started. */
void store_token_listen_stop(void);

#endif
