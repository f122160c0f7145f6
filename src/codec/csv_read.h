/*
 * csv_read.h — a small RFC 4180 reader for the ERP feeds: a separator of the caller's
 * choice (';' for Italian spreadsheets), "quoted" cells with "" for a quote and line
 * breaks inside, CRLF or LF line ends, a UTF-8 byte order mark skipped, blank lines
 * skipped. Pure: no I/O; memory owned by the reader.
 */
#ifndef CICLO_CSV_READ_H
#define CICLO_CSV_READ_H
#include <stddef.h>

#include "core/buf.h"

#define CSV_MAX_CELLS 256 /* cells in one record; more is an error */

typedef struct csv_reader {
    const char *data; /* borrowed: the whole text, not NUL-terminated */
    size_t len, pos;
    char sep;
    int line;                         /* line (1-based) where the record last read starts */
    int next_line;                    /* line where the next record starts */
    int ncells;                       /* cells of the record last read */
    const char *cells[CSV_MAX_CELLS]; /* NUL-terminated, point into `store`; valid until the next read */
    buf store;
    char error[160]; /* why the last read failed */
} csv_reader;

/* Starts reading data[0..len) (borrowed: it must outlive the reader). */
void csv_reader_init(csv_reader *r, const char *data, size_t len, char sep);

/* Reads the next record into r->cells / r->ncells, r->line set to its first line.
 * Returns 1, 0 at the end of the text, or -1 with r->error and r->line naming the
 * problem (an unterminated quote, text after a closing quote, too many cells, out of
 * memory). After -1 the reader stops: further reads return -1. */
int csv_read_record(csv_reader *r);

/* Frees what the reader holds. */
void csv_reader_free(csv_reader *r);

#endif
