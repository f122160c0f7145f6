/*
 * xlsx_report.h — the Relazione as an Excel workbook (issue 19), written with libxlsxwriter
 * from the JSON report (api/report.h) and nothing else, so that the two cannot differ.
 *
 * Sheets: "Relazione" (the cover: entity, plan, year, revision and deliberation, the as-of
 * date, the entity's score and its measured weight against its total weight, then one line
 * per structure and manager); then one sheet per structure in the report's order (the
 * tree's) and one per manager. People's individual objectives are not in the workbook (the
 * Relazione is published; the JSON and CSV keep them for those who may see them).
 *
 * An objective sheet lists its objectives under Italian headings (labels.h: Codice,
 * Obiettivo, Peso, Indicatore, Atteso, Raggiunto, Scostamento, Grado di raggiungimento,
 * Rispetto dei tempi, Punteggio, Stato), one line per objective with its first indicator and
 * one more line per further indicator; the TOTALE line (total weight, score, status) and the
 * measured weight come directly under them. Numbers and dates are number and date cells; a
 * missing figure (a weight the plan does not give, a score not measured) is an empty cell.
 * The heading rows are frozen and repeated on every printed page; the print area is the
 * table; pages are A4 landscape, one page wide.
 */
#ifndef CICLO_RENDER_XLSX_REPORT_H
#define CICLO_RENDER_XLSX_REPORT_H
#include <jansson.h>
#include <stddef.h>

/* Excel's longest sheet name (UTF-16 code units), and a buffer that holds one in UTF-8. */
#define XLSX_SHEET_NAME_MAX 31
#define XLSX_SHEET_NAME_BUF 128

/* Makes a sheet name Excel accepts from want: the characters []:*?/\ and control characters
 * become '-', leading and trailing apostrophes and spaces go, "History" (reserved) gets a
 * trailing '_', an empty name becomes "Foglio", and the name is cut (at a character
 * boundary) to XLSX_SHEET_NAME_MAX. When the name is among taken[0..n_taken) (compared
 * without regard to ASCII case, as Excel does) " (2)", " (3)" ... is put after a shorter cut.
 * Writes the name to out (XLSX_SHEET_NAME_BUF bytes). */
void xlsx_sheet_name(const char *want, const char *const *taken, int n_taken, char out[XLSX_SHEET_NAME_BUF]);

typedef struct xlsx_report_opts {
    const char *tmpdir; /* where the private temporary directory is made; NULL: $TMPDIR or /tmp */
} xlsx_report_opts;

/* Writes report (borrowed: plan_report_json's, grouped in document order and headed with
 * "plan" by api/documents.c) as a workbook. The workbook is written to a file in a private
 * directory made for the call (mode 0700) and opened again; the file is unlinked and the
 * directory removed on every path, so the open descriptor is all that is left of them.
 * Returns 0 with *fd (read-only, close-on-exec: the caller closes it) and *len the workbook's
 * size, or -1 with *err (a static sentence) when memory, the disk or libxlsxwriter fails. */
int xlsx_report(const json_t *report, const xlsx_report_opts *opts, int *fd, size_t *len, const char **err);

#endif
