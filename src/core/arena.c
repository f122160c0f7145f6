#include "core/arena.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_MIN (64 * 1024)

struct arena_chunk {
    arena_chunk *next;
    size_t used, cap;
    max_align_t data[];
};

void arena_init(arena *a) { memset(a, 0, sizeof *a); }

void arena_free(arena *a)
{
    for (arena_chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    a->head = NULL;
}

void *arena_alloc(arena *a, size_t n)
{
    size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    if (n == 0)
        n = align;
    arena_chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > CHUNK_MIN ? n : CHUNK_MIN;
        c = malloc(sizeof *c + cap);
        if (!c) {
            a->failed = 1;
            return NULL;
        }
        c->used = 0;
        c->cap = cap;
        c->next = a->head;
        a->head = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

void *arena_array(arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        a->failed = 1;
        return NULL;
    }
    return arena_alloc(a, count * size);
}

char *arena_strdup(arena *a, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

int idmap_init(idmap *m, arena *a, size_t n)
{
    size_t cap = 16;
    while (cap < n * 2 + 1)
        cap *= 2;
    m->keys = arena_array(a, cap, sizeof *m->keys);
    m->vals = arena_array(a, cap, sizeof *m->vals);
    m->cap = cap;
    return m->keys && m->vals ? 0 : -1;
}

static size_t slot(const idmap *m, int64_t key)
{
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull;
    size_t i = (size_t)(h >> 17) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    return i;
}

void idmap_put(idmap *m, int64_t key, int val)
{
    size_t i = slot(m, key);
    m->keys[i] = key;
    m->vals[i] = val;
}

int idmap_get(const idmap *m, int64_t key)
{
    if (!m->cap || key <= 0)
        return -1;
    size_t i = slot(m, key);
    return m->keys[i] == key ? m->vals[i] : -1;
}
