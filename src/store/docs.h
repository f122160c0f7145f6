/*
 * docs.h — rows as JSON documents: what the store hands back for a list. Each row is its
 * JSON text (as PostgreSQL rendered it) and its id, the key a page's cursor continues
 * after. The list is opaque; read it with the accessors below.
 */
#ifndef CICLO_STORE_DOCS_H
#define CICLO_STORE_DOCS_H
#include <stdint.h>

#include "core/problem.h"

typedef struct store_docs store_docs;

/* How many rows d holds (0 for NULL). */
int store_docs_count(const store_docs *d);
/* Row i's JSON text, borrowed from d (valid until store_docs_free); "null" for SQL NULL. */
const char *store_docs_text(const store_docs *d, int i);
/* Row i's id (the list's second column), 0 when the list has none. */
int64_t store_docs_id(const store_docs *d, int i);
/* Frees d and every text it lent. NULL is allowed. */
void store_docs_free(store_docs *d);
/* Keeps in d only the rows i with keep[i] non-zero, in their order (who may see which row
 * is the caller's to decide: api/personal.h). Returns 0, or -1 with p set to 503 when out
 * of memory (d unchanged). */
int store_docs_keep(store_docs *d, const unsigned char *keep, problem *p);

/* One document a store function hands back: its JSON text (malloc'd; the holder frees it
 * with store_doc_free or hands it on) and its version (0 for resources without one). */
typedef struct store_doc {
    char *text;
    int64_t version;
} store_doc;
void store_doc_free(store_doc *d);

#endif
