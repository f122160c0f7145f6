/*
 * share.h — how much of a shared resource one caller may hold: what the database pool gives one
 * entity (store/pool.c) and what the heavy queue gives one caller (http/heavyq.c), so that
 * another always finds room.
 */
#ifndef CICLO_SHARE_H
#define CICLO_SHARE_H

/* Of n places, the most one caller may hold: n - max(1, n / 4), at least 1 (64 -> 48, 8 -> 6,
 * 4 -> 3, 2 -> 1, 1 -> 1). */
static inline int fair_share(int n)
{
    int spare = n / 4 > 1 ? n / 4 : 1;
    return n - spare > 1 ? n - spare : 1;
}

#endif
