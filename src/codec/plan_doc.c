/* plan_doc.c — the plan document's export form (plan_doc.h): one pass over the text. */
#include "codec/plan_doc.h"

#include <string.h>

typedef struct jtext {
    const char *s;
    size_t i, n;
    int bad;
} jtext;

static void jt_ws(jtext *t)
{
    while (t->i < t->n && (t->s[t->i] == ' ' || t->s[t->i] == '\t' || t->s[t->i] == '\r' || t->s[t->i] == '\n'))
        t->i++;
}

static int jt_is(jtext *t, char c) { return t->i < t->n && t->s[t->i] == c; }

static void jt_value(jtext *t, buf *out, int depth);

static void jt_string(jtext *t, buf *out)
{
    size_t start = t->i++;
    while (t->i < t->n && t->s[t->i] != '"')
        t->i += t->s[t->i] == '\\' ? 2 : 1;
    if (t->i >= t->n) {
        t->bad = 1;
        return;
    }
    t->i++;
    if (out)
        buf_append(out, t->s + start, t->i - start);
}

/* One member of an object, "key": value, left out of out when the key is "id" or the value
 * null (the comma before it too): 1 when it was written. */
static int jt_member(jtext *t, buf *out, int depth, int first)
{
    jt_ws(t);
    if (!jt_is(t, '"')) {
        t->bad = 1;
        return 0;
    }
    size_t ks = t->i;
    jt_string(t, NULL);
    size_t ke = t->i;
    jt_ws(t);
    if (!jt_is(t, ':')) {
        t->bad = 1;
        return 0;
    }
    t->i++;
    jt_ws(t);
    if ((ke - ks == 4 && memcmp(t->s + ks, "\"id\"", 4) == 0) ||
        (t->n - t->i >= 4 && memcmp(t->s + t->i, "null", 4) == 0)) {
        jt_value(t, NULL, depth + 1);
        return 0;
    }
    if (out) {
        if (!first)
            buf_putc(out, ',');
        buf_append(out, t->s + ks, ke - ks);
        buf_putc(out, ':');
    }
    jt_value(t, out, depth + 1);
    return 1;
}

/* One element of an array: always written. */
static int jt_element(jtext *t, buf *out, int depth, int first)
{
    if (out && !first)
        buf_putc(out, ',');
    jt_value(t, out, depth + 1);
    return 1;
}

/* An object or an array at t (its opening character), its items read by item and separated
 * by commas up to close. */
static void jt_container(jtext *t, buf *out, int depth, char close, int (*item)(jtext *, buf *, int, int))
{
    if (out)
        buf_putc(out, t->s[t->i]);
    t->i++;
    jt_ws(t);
    if (jt_is(t, close)) {
        t->i++;
    } else {
        for (int first = 1; !t->bad;) {
            if (item(t, out, depth, first))
                first = 0;
            if (t->bad)
                break;
            jt_ws(t);
            if (jt_is(t, ',')) {
                t->i++;
                continue;
            }
            if (jt_is(t, close))
                t->i++;
            else
                t->bad = 1;
            break;
        }
    }
    if (out)
        buf_putc(out, close);
}

static void jt_value(jtext *t, buf *out, int depth)
{
    jt_ws(t);
    if (t->i >= t->n || depth > 64) {
        t->bad = 1;
        return;
    }
    char c = t->s[t->i];
    if (c == '{')
        jt_container(t, out, depth, '}', jt_member);
    else if (c == '[')
        jt_container(t, out, depth, ']', jt_element);
    else if (c == '"')
        jt_string(t, out);
    else {
        size_t start = t->i;
        while (t->i < t->n && !strchr(",}] \t\r\n", t->s[t->i]))
            t->i++;
        if (t->i == start)
            t->bad = 1;
        else if (out)
            buf_append(out, t->s + start, t->i - start);
    }
}

int plan_doc_strip(const char *in, size_t n, buf *out)
{
    jtext t = {in, 0, n, 0};
    jt_value(&t, out, 0);
    jt_ws(&t);
    return t.bad || t.i != n || out->failed ? -1 : 0;
}
