/*
 * i18n.h — errors and findings in the client's language (issue 18). The server writes every
 * message in English; this module is the one catalogue (i18n_catalogue.tsv) that gives each
 * message a stable id and its Italian text, and renders a message in the language the
 * client's Accept-Language asks for (English otherwise). Only the human text changes: codes,
 * field paths and statuses never do.
 *
 * A catalogue entry is {id, English printf format, Italian template}. A message matches an
 * entry when the English format, each conversion (%s, %d, %ld ...) standing for any text, spells
 * it whole; the Italian template then takes the texts the conversions stood for as %1, %2 ...
 * (in the English order; each translated in turn when it is itself a catalogue message). A
 * message no entry matches stays English; "A: B" and "A; B" are tried part by part.
 */
#ifndef CICLO_I18N_H
#define CICLO_I18N_H

#include <jansson.h>
#include <stddef.h>

typedef enum { I18N_EN = 0, I18N_IT = 1 } i18n_lang;

/* The language an Accept-Language header (may be NULL) picks: it (it, it-IT ...) or en. */
i18n_lang i18n_lang_of(const char *accept_language);

/* The standard title of an HTTP status in lang ("Unprocessable Content", "Contenuto non
 * elaborabile"). Static storage. */
const char *i18n_title(int status, i18n_lang lang);

/* Writes text in lang into out (size bytes, always terminated; a longer text is cut at a
 * character boundary). Returns the id of the catalogue entry used, or NULL when the text
 * stays as it is (English asked, or no entry matches). */
const char *i18n_text(const char *text, i18n_lang lang, char *out, size_t size);

/* The entry count and the i-th entry of the catalogue (for tests and documentation). */
size_t i18n_catalogue_size(void);
void i18n_catalogue_entry(size_t i, const char **id, const char **en, const char **it);

/* Rewrites in place, in lang, the human text of a problem body (RFC 9457): title, detail, hint
 * and every errors[].message. No-op for English. j is borrowed. */
void i18n_problem(json_t *j, i18n_lang lang);

/* Rewrites in place the "message" member of every object of the array a (the plan checker's
 * findings, an import's warnings). No-op for English or when a is not an array. */
void i18n_messages(json_t *a, i18n_lang lang);

#endif
