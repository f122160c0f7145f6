/*
 * doc_html.h — what the printable HTML documents (the Relazione, report_html.h; the Piano,
 * plan_html.h) share: the page frame with its print CSS, the running header repeated on every
 * printed page, and the Italian forms of the plan's values. Pure: input is JSON values
 * (borrowed), output is appended to a buf; no I/O.
 *
 * The running header: Chromium prints no running elements (position: running) and no
 * JavaScript runs, so each part of a document is a frame table whose <thead> holds the header
 * line; a browser repeats a table's thead at the top of every printed page the table spans.
 * Frames after the first start on a new page.
 */
#ifndef CICLO_RENDER_DOC_HTML_H
#define CICLO_RENDER_DOC_HTML_H
#include <jansson.h>

#include "core/buf.h"

/* The facts every page names, taken from the report as api/report.h dresses it (its "plan"
 * heading: entity, title, year, the deliberation of the revision scored; revision, as_of).
 * Borrowed strings. */
typedef struct doc_facts {
    const char *entity;     /* "Comune di Caluso" */
    const char *plan_title; /* "Piano della Performance 2022 — Comune di Caluso" */
    int year;
    int revision;                                       /* 0: the plan as it is now (never adopted, or a draft) */
    const char *delib_number, *delib_date, *delib_body; /* NULL when none */
    const char *as_of;                                  /* ISO date */
    const char *document; /* "Relazione sulla performance", "Piano — schede obiettivo" */
} doc_facts;

/* Fills f from the report (borrowed; strings point into it). */
void doc_facts_read(doc_facts *f, const json_t *report, const char *document);

/* Opens the HTML page (doctype, lang="it", title, CSS); close with doc_html_close. */
void doc_html_open(buf *b, const doc_facts *f);
void doc_html_close(buf *b);

/* Opens a frame (see above): first 1 for the first frame of the page (no page break before it);
 * columns: what the running header spans (1). Close with doc_frame_close. */
void doc_frame_open(buf *b, const doc_facts *f, int first);
void doc_frame_close(buf *b);

/* The line of the running header, also used under the title: entity, plan, revision with its
 * deliberation, as-of date. */
void doc_facts_line(buf *b, const doc_facts *f);

/* An ISO date "YYYY-MM-DD" as "dd/mm/yyyy" (anything else escaped as it is). */
void doc_date(buf *b, const char *iso);
/* A stored value (indicator target, measured value): numbers Italian with the unit after
 * them, ISO dates as dd/mm/yyyy, true/false as sì/no, text escaped; null or absent as "—". */
void doc_value(buf *b, const json_t *v, const char *unit);
/* A number (integer or real JSON) with at most decimals decimals, or "—" when v is not a number. */
void doc_number(buf *b, const json_t *v, int decimals);

/* A structure's object in the plan document by code, or NULL. Borrowed. */
const json_t *doc_structure(const json_t *doc, const char *code);
/* A person's name in the plan document by external_id, or NULL. Borrowed. */
const char *doc_person_name(const json_t *doc, const char *external_id);

#endif
