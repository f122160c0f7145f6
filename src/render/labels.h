/*
 * labels.h — the Italian words the documents (the Relazione as a workbook and as HTML)
 * print for the API's English codes: score statuses, kinds of assignee, column headings.
 * Pure: no I/O, no allocation; every string returned is static.
 */
#ifndef CICLO_RENDER_LABELS_H
#define CICLO_RENDER_LABELS_H

/* The label of a score status ("measured" → "misurato", "not_measured" → "non misurato",
 * "needs_judgement" → "da valutare", "error" → "errore", "not_assessable" → "non
 * valutabile"); an unknown or NULL code is returned as it is ("" for NULL). */
const char *labels_status(const char *status);

/* The label of an assignee kind ("structure" → "Struttura", "manager" → "Dirigente",
 * "person" → "Dipendente", "entity" → "Ente"); unknown or NULL as labels_status. */
const char *labels_assignee_kind(const char *kind);

/* The headings of the report's objective columns, in the order the documents print them. */
enum {
    LABEL_COL_CODE,
    LABEL_COL_TITLE,
    LABEL_COL_WEIGHT,
    LABEL_COL_INDICATOR,
    LABEL_COL_TARGET,
    LABEL_COL_ACHIEVED,
    LABEL_COL_DEVIATION,
    LABEL_COL_ACHIEVEMENT,
    LABEL_COL_TIMELINESS,
    LABEL_COL_SCORE,
    LABEL_COL_STATUS,
    LABEL_COL_COUNT
};
/* "Codice", "Obiettivo", "Peso", "Indicatore", "Atteso", "Raggiunto", "Scostamento",
 * "Grado di raggiungimento", "Rispetto dei tempi", "Punteggio", "Stato"; NULL out of range. */
const char *labels_column(int col);

#endif
