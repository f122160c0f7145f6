/*
 * csv.h — CSV for Italian spreadsheets: ';' separator, header row, decimal comma,
 * UTF-8, RFC 4180 quoting, CRLF line ends.
 */
#ifndef CICLO_CSV_H
#define CICLO_CSV_H
#include <jansson.h>

#include "core/buf.h"

/*
 * Formula (CSV) injection: a text cell a spreadsheet would evaluate is written quoted with a
 * leading apostrophe ("'=1+1"), which shows the text and evaluates nothing. That is a cell
 * starting with = + - @, a tab or a CR; the same after leading spaces, tabs or line breaks;
 * or starting with the fullwidth ＝ ＋ － ＠. All text is treated so, '-' included: Excel
 * evaluates "-1+HYPERLINK(...)". Numbers are never text here: csv_cell_json writes JSON
 * numbers, and csv_cell_number numbers the server formatted, as they are ("-1,50").
 */
/* Whether a spreadsheet would evaluate the text s (see above). */
int csv_text_is_formula(const char *s);
/* Appends one cell (with its leading ';' unless first) holding the text s, quoted when it
 * contains ';', '"', CR or LF, and neutralised as above. */
void csv_cell_text(buf *out, const char *s, int first);
/* Appends one cell holding s when it is a plain number ("-12", "3,50"), as it is; anything
 * else as csv_cell_text does. */
void csv_cell_number(buf *out, const char *s, int first);
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
