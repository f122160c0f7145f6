/* arena.h — a bump allocator: many small allocations, one owner, freed at once. */
#ifndef CICLO_ARENA_H
#define CICLO_ARENA_H
#include <stddef.h>
#include <stdint.h>

typedef struct arena_chunk arena_chunk;

typedef struct arena {
    arena_chunk *head;
    int failed; /* set once an allocation failed */
} arena;

/* An empty arena (all zero is fine too). */
void arena_init(arena *a);
/* Frees every allocation of the arena at once. */
void arena_free(arena *a);
/* n zeroed bytes aligned for any type, owned by the arena; NULL when memory is exhausted. */
void *arena_alloc(arena *a, size_t n);
/* count × size zeroed bytes, checking the multiplication; NULL on overflow or exhaustion. */
void *arena_array(arena *a, size_t count, size_t size);
/* A copy of s (NULL stays NULL) owned by the arena. */
char *arena_strdup(arena *a, const char *s);

/* An int64 → int map (open addressing) living in an arena, for id → index lookups. */
typedef struct idmap {
    int64_t *keys;
    int *vals;
    size_t cap; /* a power of two */
} idmap;

/* Sizes the map for n entries. Returns 0 or -1. */
int idmap_init(idmap *m, arena *a, size_t n);
/* Sets key (> 0) to val. The map must have room (n given to idmap_init). */
void idmap_put(idmap *m, int64_t key, int val);
/* The value for key, or -1. */
int idmap_get(const idmap *m, int64_t key);

#endif
