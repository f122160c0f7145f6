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
 *
 * The workbook is written in libxlsxwriter's constant_memory mode (issue 21): each sheet's
 * rows go to a temporary file as they are written, one sheet after the other, so a plan of
 * 100,000 objectives is written holding one row; text cells are inline strings (no shared
 * string table), which Excel and LibreOffice read alike.
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

/* The same workbook piece by piece, for a report written as it is walked (api/report.c):
 * xlsx_report is xlsx_book_open, xlsx_book_cover_line of each total in document order, then
 * for each total xlsx_book_sheet and xlsx_book_row of each of its rows, then xlsx_book_close.
 * The calls must come in that order (rows are written once, in order). Every json_t argument
 * is borrowed for the call only. A total or row of a person is left out, as in xlsx_report. */
typedef struct xlsx_book xlsx_book;
/* Starts the workbook (in a private directory, as xlsx_report) and its cover from head, an
 * object with the report's "as_of", "revision", "entity" and "plan" (the heading). Returns
 * the book (xlsx_book_close frees it), or NULL with *err (a static sentence). */
xlsx_book *xlsx_book_open(const json_t *head, const xlsx_report_opts *opts, const char **err);
/* The cover's line of a structure's or manager's total (an element of the report's "totals"). */
void xlsx_book_cover_line(xlsx_book *b, const json_t *total);
/* Ends the sheet being written and starts the sheet of total's assignee. */
void xlsx_book_sheet(xlsx_book *b, const json_t *total);
/* One objective row (of the report's "rows", with its "indicators") of the current sheet. */
void xlsx_book_row(xlsx_book *b, const json_t *row);
/* Marks the workbook failed (memory ran out building a piece): xlsx_book_close will fail. */
void xlsx_book_fail(xlsx_book *b);
/* Ends the last sheet, writes the workbook and frees b. Returns as xlsx_report. */
int xlsx_book_close(xlsx_book *b, int *fd, size_t *len, const char **err);

#endif
