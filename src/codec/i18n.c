/* i18n.c — rendering the catalogue's messages in the client's language (i18n.h). */
#include "codec/i18n.h"

#include <stdio.h>
#include <string.h>

#include "codec/accept.h"
#include "core/problem.h"
#include "core/text.h"

#define I18N_MAX_ARGS 10
#define I18N_MAX_TEXT 1024
#define I18N_MAX_STEPS 20000 /* match steps per entry tried: a text built to backtrack fails fast */
#define I18N_MAX_DEPTH 3     /* nested translations (arguments, "A: B" parts) */

/* The catalogue, written in src/codec/i18n_catalogue.tsv; tools/i18n-catalogue.sh makes its rows. */
typedef struct {
    const char *id, *en, *it;
} i18n_entry;
static const i18n_entry i18n_catalogue[] = {
#include "i18n_catalogue.inc"
};
static const size_t i18n_catalogue_n = sizeof i18n_catalogue / sizeof i18n_catalogue[0];

i18n_lang i18n_lang_of(const char *accept_language)
{
    static const char *const langs[] = {"en", "it", NULL};
    return accept_language_pick(accept_language, langs) == 1 ? I18N_IT : I18N_EN;
}

const char *i18n_title(int status, i18n_lang lang)
{
    static const struct {
        int status;
        const char *it;
    } titles[] = {
        {400, "Richiesta non valida"},
        {401, "Non autenticato"},
        {403, "Non consentito"},
        {404, "Non trovato"},
        {405, "Metodo non consentito"},
        {406, "Formato non disponibile"},
        {408, "Richiesta scaduta"},
        {409, "Conflitto"},
        {412, "Precondizione non soddisfatta"},
        {413, "Contenuto troppo grande"},
        {414, "URI troppo lungo"},
        {415, "Tipo di contenuto non supportato"},
        {422, "Contenuto non elaborabile"},
        {428, "Precondizione richiesta"},
        {429, "Troppe richieste"},
        {431, "Intestazioni della richiesta troppo grandi"},
        {500, "Errore interno del server"},
        {501, "Non implementato"},
        {503, "Servizio non disponibile"},
        {505, "Versione HTTP non supportata"},
    };
    if (lang != I18N_IT)
        return problem_title(status);
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++)
        if (titles[i].status == status)
            return titles[i].it;
    return status < 500 ? "Errore del client" : "Errore del server";
}

size_t i18n_catalogue_size(void) { return i18n_catalogue_n; }

void i18n_catalogue_entry(size_t i, const char **id, const char **en, const char **it)
{
    *id = i < i18n_catalogue_n ? i18n_catalogue[i].id : NULL;
    *en = i < i18n_catalogue_n ? i18n_catalogue[i].en : NULL;
    *it = i < i18n_catalogue_n ? i18n_catalogue[i].it : NULL;
}

/* Length of the printf conversion at f (f[0] == '%'), or 0 for "%%". */
static size_t conversion(const char *f)
{
    if (f[1] == '%')
        return 0;
    size_t i = 1;
    while (f[i] && strchr("-+ #0123456789.*", f[i]))
        i++;
    while (f[i] && strchr("hlLqjzt", f[i]))
        i++;
    return f[i] ? i + 1 : i;
}

typedef struct {
    const char *at[I18N_MAX_ARGS];
    size_t len[I18N_MAX_ARGS];
    int n;
    long *steps; /* what is left of the budget of this match */
} captures;

/* Whether the format f spells the text t whole, each conversion any text (empty too). */
static int match(const char *f, const char *t, captures *c)
{
    if (--*c->steps < 0)
        return 0;
    while (*f) {
        if (*f == '%' && f[1] == '%') {
            if (*t != '%')
                return 0;
            f += 2;
            t++;
            continue;
        }
        if (*f == '%') {
            size_t n = conversion(f);
            const char *rest = f + n;
            if (c->n >= I18N_MAX_ARGS)
                return 0;
            int k = c->n++;
            c->at[k] = t;
            for (size_t len = 0;; len++) { /* the shortest text that lets the rest match */
                c->len[k] = len;
                captures saved = *c;
                if (match(rest, t + len, c))
                    return 1;
                *c = saved;
                if (!t[len])
                    break;
            }
            c->n--;
            return 0;
        }
        if (*f != *t)
            return 0;
        f++;
        t++;
    }
    return *t == '\0';
}

typedef struct {
    char *out;
    size_t size, len;
} sink;

static void put(sink *s, const char *p, size_t n)
{
    if (s->len + 1 >= s->size)
        return;
    size_t room = s->size - 1 - s->len;
    if (n > room)
        n = room;
    memcpy(s->out + s->len, p, n);
    s->len += n;
    s->out[s->len] = '\0';
}

static const char *translate(const char *text, char *out, size_t size, int depth);

/* Writes the Italian template it with the captured texts (each translated when it can be). */
static void fill(const char *it, const captures *c, sink *s, int depth)
{
    for (const char *p = it; *p;) {
        if (*p == '%' && p[1] >= '1' && p[1] <= '9') {
            int k = p[1] - '1';
            if (k < c->n) {
                char arg[I18N_MAX_TEXT], tr[I18N_MAX_TEXT];
                size_t n = c->len[k] < sizeof arg - 1 ? c->len[k] : sizeof arg - 1;
                memcpy(arg, c->at[k], n);
                arg[n] = '\0';
                if (depth < I18N_MAX_DEPTH && n && translate(arg, tr, sizeof tr, depth + 1))
                    put(s, tr, strlen(tr));
                else
                    put(s, arg, n);
            }
            p += 2;
            continue;
        }
        if (*p == '%' && p[1] == '%') {
            put(s, "%", 1);
            p += 2;
            continue;
        }
        const char *q = p + 1;
        while (*q && *q != '%')
            q++;
        put(s, p, (size_t)(q - p));
        p = q;
    }
}

/* Whether the literal text before the format's first conversion starts t (a cheap filter). */
static int same_start(const char *f, const char *t)
{
    for (; *f && *f != '%'; f++, t++)
        if (*f != *t)
            return 0;
    return 1;
}

static const char *whole(const char *text, sink *s, int depth)
{
    for (size_t i = 0; i < i18n_catalogue_n; i++) {
        long steps = I18N_MAX_STEPS;
        captures c = {.n = 0, .steps = &steps};
        if (same_start(i18n_catalogue[i].en, text) && match(i18n_catalogue[i].en, text, &c)) {
            fill(i18n_catalogue[i].it, &c, s, depth);
            return i18n_catalogue[i].id;
        }
    }
    return NULL;
}

#define I18N_MAX_CUTS 8 /* "A: B; C" parts tried; a text with more separators is tried whole only */

static int is_cut(const char *t) { return (t[0] == ':' || t[0] == ';') && t[1] == ' '; }

/* The text translated into out, whole or as "A: B" / "A; B" parts (the longest run of parts
 * that an entry spells, left to right); NULL when nothing matched. */
static const char *translate(const char *text, char *out, size_t size, int depth)
{
    sink s = {out, size, 0};
    out[0] = '\0';
    const char *id = whole(text, &s, depth);
    if (id || depth >= I18N_MAX_DEPTH)
        return id;
    size_t len = strlen(text), cuts[I18N_MAX_CUTS];
    int ncut = 0;
    for (size_t i = 0; i + 1 < len; i++)
        if (is_cut(text + i)) {
            if (ncut == I18N_MAX_CUTS)
                return NULL;
            cuts[ncut++] = i;
        }
    if (!ncut)
        return NULL;
    s.len = 0;
    out[0] = '\0';
    int i = 0;
    while (i <= ncut) {
        size_t from = i ? cuts[i - 1] + 2 : 0;
        int next = i + 1;
        for (int j = ncut; j >= i; j--) {
            if (i == 0 && j == ncut)
                continue; /* the whole text: tried above */
            size_t to = j < ncut ? cuts[j] : len;
            char seg[I18N_MAX_TEXT];
            size_t n = to - from < sizeof seg - 1 ? to - from : sizeof seg - 1;
            memcpy(seg, text + from, n);
            seg[n] = '\0';
            char tr[I18N_MAX_TEXT];
            sink ts = {tr, sizeof tr, 0};
            tr[0] = '\0';
            const char *got = whole(seg, &ts, depth + 1);
            if (got || j == i) {
                put(&s, got ? tr : seg, strlen(got ? tr : seg));
                if (got && !id)
                    id = got;
                next = j + 1;
                break;
            }
        }
        if (next <= ncut)
            put(&s, text + cuts[next - 1], 2);
        i = next;
    }
    return id;
}

const char *i18n_text(const char *text, i18n_lang lang, char *out, size_t size)
{
    if (!size)
        return NULL;
    const char *id = NULL;
    if (lang == I18N_IT && text && strlen(text) < I18N_MAX_TEXT)
        id = translate(text, out, size, 0);
    if (!id)
        snprintf(out, size, "%s", text ? text : "");
    utf8_trim_partial(out);
    return id;
}

static void rewrite(json_t *obj, const char *key, i18n_lang lang)
{
    const char *v = json_string_value(json_object_get(obj, key));
    char out[I18N_MAX_TEXT];
    if (v && i18n_text(v, lang, out, sizeof out))
        json_object_set_new(obj, key, json_string(out));
}

void i18n_problem(json_t *j, i18n_lang lang)
{
    if (lang == I18N_EN || !json_is_object(j))
        return;
    json_object_set_new(j, "title", json_string(i18n_title((int)json_integer_value(json_object_get(j, "status")), lang)));
    rewrite(j, "detail", lang);
    rewrite(j, "hint", lang);
    i18n_messages(json_object_get(j, "errors"), lang);
}

void i18n_messages(json_t *a, i18n_lang lang)
{
    if (lang == I18N_EN || !json_is_array(a))
        return;
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e) rewrite(e, "message", lang);
}
