/* csv_read.c — the RFC 4180 reader of csv_read.h. */
#include "codec/csv_read.h"

#include <stdio.h>
#include <string.h>

void csv_reader_init(csv_reader *r, const char *data, size_t len, char sep)
{
    memset(r, 0, sizeof *r);
    r->data = data;
    r->len = data ? len : 0;
    r->sep = sep;
    r->line = 1;
    r->next_line = 1;
    buf_init(&r->store, 0);
    if (r->len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        r->pos = 3;
}

void csv_reader_free(csv_reader *r) { buf_free(&r->store); }

static int fail(csv_reader *r, const char *msg)
{
    snprintf(r->error, sizeof r->error, "%s", msg);
    r->pos = r->len;
    r->next_line = -1;
    return -1;
}

/* Consumes a line end at pos (CRLF, LF or a lone CR). Returns 1 if there was one. */
static int eat_eol(csv_reader *r)
{
    if (r->pos < r->len && r->data[r->pos] == '\r') {
        r->pos++;
        if (r->pos < r->len && r->data[r->pos] == '\n')
            r->pos++;
        r->next_line++;
        return 1;
    }
    if (r->pos < r->len && r->data[r->pos] == '\n') {
        r->pos++;
        r->next_line++;
        return 1;
    }
    return 0;
}

int csv_read_record(csv_reader *r)
{
    if (r->next_line < 0)
        return -1;
    /* blank lines between records are skipped */
    while (r->pos < r->len && eat_eol(r))
        ;
    if (r->pos >= r->len)
        return 0;
    r->line = r->next_line;
    r->ncells = 0;
    r->store.len = 0;
    r->store.failed = 0;
    size_t starts[CSV_MAX_CELLS];
    for (;;) {
        if (r->ncells == CSV_MAX_CELLS)
            return fail(r, "the record has too many cells");
        starts[r->ncells++] = r->store.len;
        if (r->pos < r->len && r->data[r->pos] == '"') {
            r->pos++;
            for (;;) {
                if (r->pos >= r->len)
                    return fail(r, "a quoted cell is not closed");
                char c = r->data[r->pos++];
                if (c == '"') {
                    if (r->pos < r->len && r->data[r->pos] == '"') {
                        r->pos++;
                        buf_putc(&r->store, '"');
                        continue;
                    }
                    break;
                }
                if (c == '\n' || (c == '\r' && !(r->pos < r->len && r->data[r->pos] == '\n')))
                    r->next_line++;
                buf_putc(&r->store, c);
            }
            if (r->pos < r->len && r->data[r->pos] != r->sep && r->data[r->pos] != '\r' && r->data[r->pos] != '\n')
                return fail(r, "unexpected text after a closing quote");
        } else {
            size_t s = r->pos;
            while (r->pos < r->len && r->data[r->pos] != r->sep && r->data[r->pos] != '\r' && r->data[r->pos] != '\n')
                r->pos++;
            buf_append(&r->store, r->data + s, r->pos - s);
        }
        buf_putc(&r->store, '\0');
        if (r->pos < r->len && r->data[r->pos] == r->sep) {
            r->pos++;
            continue;
        }
        eat_eol(r);
        break;
    }
    if (r->store.failed)
        return fail(r, "out of memory");
    for (int i = 0; i < r->ncells; i++)
        r->cells[i] = r->store.data + starts[i];
    return 1;
}
