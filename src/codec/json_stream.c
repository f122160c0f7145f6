/* json_stream.c — an object's members and an array's items, one value at a time (json_stream.h). */
#include "codec/json_stream.h"

#include <string.h>

#define FLAGS (JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY | JSON_REJECT_DUPLICATES)

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* One value from s[*i..n): a new reference with *i past it, or NULL. */
static json_t *value_at(const char *s, size_t n, size_t *i)
{
    json_error_t e;
    json_t *v = json_loadb(s + *i, n - *i, FLAGS, &e);
    if (v && e.position <= 0) {
        json_decref(v);
        return NULL;
    }
    if (v)
        *i += (size_t)e.position;
    return v;
}

void json_items_init(json_items *it, const char *s, size_t n)
{
    it->s = s;
    it->n = n;
    it->at = 0;
    it->state = 0;
}

int json_items_next(json_items *it, json_t **item)
{
    *item = NULL;
    if (it->state == 2)
        return 0;
    size_t i = skip_ws(it->s, it->n, it->at);
    if (i >= it->n)
        return -1;
    if (it->state == 0) {
        if (it->s[i] != '[')
            return -1;
        i = skip_ws(it->s, it->n, i + 1);
        if (i < it->n && it->s[i] == ']')
            goto end;
    } else if (it->s[i] == ']') {
        goto end;
    } else if (it->s[i] == ',') {
        i++;
    } else {
        return -1;
    }
    i = skip_ws(it->s, it->n, i);
    json_t *v = value_at(it->s, it->n, &i);
    if (!v)
        return -1;
    it->at = i;
    it->state = 1;
    *item = v;
    return 1;
end:
    it->at = i + 1;
    it->state = 2;
    return 0;
}

int json_split_array(const char *s, size_t n, const char *member, json_t **rest, size_t *at, size_t *len)
{
    *at = *len = 0;
    *rest = NULL;
    /* A NUL byte is never JSON, but jansson may read one as the end of a part's text and go
     * on after it: a part would then read otherwise than the whole. The whole parse decides. */
    if (memchr(s, '\0', n))
        return -1;
    *rest = json_object();
    if (!*rest)
        return -1;
    int split = 0;
    size_t i = skip_ws(s, n, 0);
    if (i >= n || s[i] != '{')
        goto bad;
    i = skip_ws(s, n, i + 1);
    if (i < n && s[i] == '}')
        goto end;
    for (;;) {
        if (i >= n || s[i] != '"')
            goto bad;
        json_t *key = value_at(s, n, &i);
        if (!json_is_string(key)) {
            json_decref(key);
            goto bad;
        }
        const char *k = json_string_value(key);
        int dup = json_object_get(*rest, k) != NULL || (split && strcmp(k, member) == 0);
        i = skip_ws(s, n, i);
        if (dup || i >= n || s[i] != ':') {
            json_decref(key);
            goto bad;
        }
        i = skip_ws(s, n, i + 1);
        if (strcmp(k, member) == 0 && i < n && s[i] == '[') {
            json_items it;
            json_items_init(&it, s + i, n - i);
            json_t *item;
            int r;
            while ((r = json_items_next(&it, &item)) == 1)
                json_decref(item);
            if (r < 0) {
                json_decref(key);
                goto bad;
            }
            *at = i;
            *len = it.at;
            i += it.at;
            split = 1;
        } else {
            json_t *v = value_at(s, n, &i);
            if (!v || json_object_set_new(*rest, k, v) < 0) {
                json_decref(key);
                goto bad;
            }
        }
        json_decref(key);
        i = skip_ws(s, n, i);
        if (i < n && s[i] == ',') {
            i = skip_ws(s, n, i + 1);
            continue;
        }
        if (i < n && s[i] == '}')
            break;
        goto bad;
    }
end:
    if (skip_ws(s, n, i + 1) != n)
        goto bad;
    return split;
bad:
    json_decref(*rest);
    *rest = NULL;
    *at = *len = 0;
    return -1;
}
