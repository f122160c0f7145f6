/* labels.c — the Italian words of the documents (labels.h). */
#include "render/labels.h"

#include <stddef.h>
#include <string.h>

typedef struct pair {
    const char *code, *label;
} pair;

static const char *lookup(const pair *t, size_t n, const char *code)
{
    if (!code)
        return "";
    for (size_t i = 0; i < n; i++)
        if (strcmp(code, t[i].code) == 0)
            return t[i].label;
    return code;
}

const char *labels_status(const char *status)
{
    static const pair t[] = {{"measured", "misurato"},
                             {"not_measured", "non misurato"},
                             {"needs_judgement", "da valutare"},
                             {"error", "errore"},
                             {"not_assessable", "non valutabile"}};
    return lookup(t, sizeof t / sizeof t[0], status);
}

const char *labels_assignee_kind(const char *kind)
{
    static const pair t[] = {
        {"structure", "Struttura"}, {"manager", "Dirigente"}, {"person", "Dipendente"}, {"entity", "Ente"}};
    return lookup(t, sizeof t / sizeof t[0], kind);
}

const char *labels_column(int col)
{
    static const char *const t[LABEL_COL_COUNT] = {"Codice",
                                                   "Obiettivo",
                                                   "Peso",
                                                   "Indicatore",
                                                   "Atteso",
                                                   "Raggiunto",
                                                   "Scostamento",
                                                   "Grado di raggiungimento",
                                                   "Rispetto dei tempi",
                                                   "Punteggio",
                                                   "Stato"};
    return col >= 0 && col < LABEL_COL_COUNT ? t[col] : NULL;
}
