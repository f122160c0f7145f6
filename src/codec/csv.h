/*
 * csv.h — CSV for Italian spreadsheets: ';' separator, header row, decimal comma,
 * UTF-8, RFC 4180 quoting, CRLF line ends.
 */
#ifndef CICLO_CSV_H
#define CICLO_CSV_H
#include <jansson.h>

#include "core/buf.h"

/* Appends one cell (with its leading ';' unless first) holding the text s, quoted when it
 * contains ';', '"', CR or LF, or starts with a character a spreadsheet would evaluate. */
void csv_cell_text(buf *out, const char *s, int first);
/* Appends one cell holding a JSON value: numbers with a decimal comma (reals with two
 * decimals), booleans as true/false, arrays joined by ", ", objects as compact JSON,
 * null empty. v is borrowed. */
void csv_cell_json(buf *out, const json_t *v, int first);
/* Ends a row. */
void csv_row_end(buf *out);
/* Appends the header row for the given column names. */
void csv_header(buf *out, const char *const *names, int n);
/* Appends one row: the values of obj under names, in order. obj is borrowed. */
void csv_row_from_object(buf *out, const json_t *obj, const char *const *names, int n);

#endif
