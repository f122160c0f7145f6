/*
 * json_stream.h — a large JSON object read without building it as one tree: its members one
 * at a time, and the items of one member array one at a time (jansson's json_loadb with
 * JSON_DISABLE_EOF_CHECK, which says how many bytes each value used). A plan document of
 * 30 MB is never held as a jansson tree of ten times its size: the importer keeps the other
 * members as a small object and parses each objective when it needs it, then frees it.
 * Parsing is jansson's (same flags as a whole body: duplicate keys refused), so a text that is
 * not one well-formed object is left to the caller, which parses it whole for jansson's
 * own error message and position. Pure; thread-safe.
 */
#ifndef CICLO_CODEC_JSON_STREAM_H
#define CICLO_CODEC_JSON_STREAM_H
#include <jansson.h>
#include <stddef.h>

/* Splits the JSON text s[0..n) (one object, whitespace around it) into *rest, a new object
 * with every member but `member`, in the text's order, and the text of `member`'s value,
 * s[*at .. *at + *len), when that value is an array: every item of it is parsed once here
 * (and freed), so a later json_items walk over it cannot fail. Returns 1 when so split,
 * 0 when member is absent or not an array (*rest then holds it too, *len is 0), -1 when
 * the text is not one well-formed object with unique keys, or holds a NUL byte (*rest NULL). */
int json_split_array(const char *s, size_t n, const char *member, json_t **rest, size_t *at, size_t *len);

/* A walk over the items of an array text. */
typedef struct json_items {
    const char *s;
    size_t n, at; /* at: past the '[', the last item, or (at the end) the ']' */
    int state;    /* 0 before the first item, 1 after an item, 2 at the end */
} json_items;

/* Starts a walk over the array text s[0..n) (json_split_array's); s is borrowed. */
void json_items_init(json_items *it, const char *s, size_t n);

/* The next item: 1 with *item (a new reference, the caller's), 0 after the last one, -1
 * when the text is not a well-formed array (or memory ran out). */
int json_items_next(json_items *it, json_t **item);

#endif
