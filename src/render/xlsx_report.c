/* xlsx_report.c — the Relazione as a workbook (xlsx_report.h). */
#include "render/xlsx_report.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "codec/rule_json.h"
#include "render/labels.h"
#include "render/report_groups.h"

/* --- sheet names ------------------------------------------------------------------------- */

/* Length of the UTF-8 sequence that starts with byte c (1 for a stray byte). */
static size_t utf8_len(unsigned char c) { return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1; }

/* Copies s into out cut to at most max UTF-16 code units (a character outside the BMP counts
 * two, as Excel counts), at a character boundary. */
static void cut_units(const char *s, size_t max, char *out, size_t cap)
{
    size_t units = 0, o = 0;
    for (size_t i = 0; s[i];) {
        size_t n = utf8_len((unsigned char)s[i]), u = n == 4 ? 2 : 1;
        size_t k = 0;
        while (k < n && s[i + k])
            k++;
        if (units + u > max || o + k + 1 > cap)
            break;
        memcpy(out + o, s + i, k);
        o += k;
        i += k;
        units += u;
    }
    out[o] = '\0';
}

static int same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

static int taken_name(const char *name, const char *const *taken, int n)
{
    for (int i = 0; i < n; i++)
        if (taken[i] && same_name(name, taken[i]))
            return 1;
    return 0;
}

/* Strips spaces and apostrophes at both ends of s, in place. */
static void trim_ends(char *s)
{
    size_t n = strlen(s), start = 0;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\''))
        s[--n] = '\0';
    while (s[start] == ' ' || s[start] == '\'')
        start++;
    memmove(s, s + start, n - start + 1);
}

void xlsx_sheet_name(const char *want, const char *const *taken, int n_taken, char out[XLSX_SHEET_NAME_BUF])
{
    char clean[XLSX_SHEET_NAME_BUF];
    size_t o = 0;
    for (const char *p = want ? want : ""; *p && o + 1 < sizeof clean; p++) {
        unsigned char c = (unsigned char)*p;
        clean[o++] = (c < 0x20 || c == 0x7F || strchr("[]:*?/\\", c)) ? '-' : (char)c;
    }
    clean[o] = '\0';
    /* a multi-byte character cut by the buffer's end is dropped */
    while (o > 0 && ((unsigned char)clean[o - 1] & 0xC0) == 0x80)
        clean[--o] = '\0';
    if (o > 0 && (unsigned char)clean[o - 1] >= 0xC0)
        clean[--o] = '\0';
    trim_ends(clean);
    if (!clean[0])
        snprintf(clean, sizeof clean, "Foglio");
    if (same_name(clean, "History"))
        snprintf(clean, sizeof clean, "History_");
    char base[XLSX_SHEET_NAME_BUF];
    cut_units(clean, XLSX_SHEET_NAME_MAX, base, sizeof base);
    trim_ends(base);
    if (!base[0])
        snprintf(base, sizeof base, "Foglio");
    snprintf(out, XLSX_SHEET_NAME_BUF, "%s", base);
    for (int n = 2; taken_name(out, taken, n_taken) && n < 100000; n++) {
        char suffix[16], shorter[XLSX_SHEET_NAME_BUF];
        int sl = snprintf(suffix, sizeof suffix, " (%d)", n);
        cut_units(base, XLSX_SHEET_NAME_MAX - (size_t)sl, shorter, sizeof shorter);
        trim_ends(shorter);
        size_t n_short = strlen(shorter); /* <= 31 units of at most 4 bytes: room for the suffix */
        memcpy(out, shorter, n_short);
        memcpy(out + n_short, suffix, (size_t)sl + 1);
    }
}

/* --- the workbook ------------------------------------------------------------------------ */

enum { NCOLS = LABEL_COL_COUNT, FIRST_ROW = 4 /* the objectives start under the heading rows */ };

typedef struct writer {
    lxw_workbook *wb;
    lxw_format *title, *bold, *head, *head_num, *text, *wrap, *num, *plain, *date, *total, *total_num;
    char names[512][XLSX_SHEET_NAME_BUF]; /* the sheet names given so far (the first 512) */
    const char *taken[512];
    int n_names;
    char header[256]; /* the page header every sheet prints */
    lxw_error err;
} writer;

static void note(writer *w, lxw_error e)
{
    if (e != LXW_NO_ERROR && w->err == LXW_NO_ERROR)
        w->err = e;
}

/* A cell of text, cut to Excel's longest text (32767 characters) at a character boundary. */
static void put_text(writer *w, lxw_worksheet *ws, int row, int col, const char *s, lxw_format *f)
{
    if (!s || !*s) {
        if (f)
            note(w, worksheet_write_blank(ws, (lxw_row_t)row, (lxw_col_t)col, f));
        return;
    }
    if (strlen(s) > 32000) {
        char *cut = malloc(32001);
        if (!cut) {
            note(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
            return;
        }
        cut_units(s, 32000, cut, 32001);
        note(w, worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, cut, f));
        free(cut);
        return;
    }
    note(w, worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, s, f));
}

/* "YYYY-MM-DD" as a date; 0 when s is not one. */
static int iso_date(const char *s, lxw_datetime *d)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return 0;
    *d = (lxw_datetime){atoi(s), atoi(s + 5), atoi(s + 8), 0, 0, 0};
    return d->year >= 1900 && d->month >= 1 && d->month <= 12 && d->day >= 1 && d->day <= 31;
}

/* A JSON value as a cell: a number as a number, an ISO date as a date, true/false as sì/no,
 * other text as text, null as an empty cell (with format f when there is one). */
static void put_value(writer *w, lxw_worksheet *ws, int row, int col, const json_t *v, lxw_format *f)
{
    lxw_datetime d;
    if (json_is_number(v))
        note(w, worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, json_number_value(v), f));
    else if (json_is_string(v) && iso_date(json_string_value(v), &d))
        note(w, worksheet_write_datetime(ws, (lxw_row_t)row, (lxw_col_t)col, &d, w->date));
    else if (json_is_string(v))
        put_text(w, ws, row, col, json_string_value(v), w->text);
    else if (json_is_boolean(v))
        put_text(w, ws, row, col, json_is_true(v) ? "sì" : "no", w->text);
    else if (json_is_object(v) || json_is_array(v)) {
        char *s = rule_json_dumps(v, JSON_COMPACT); /* numbers as every answer writes them */
        put_text(w, ws, row, col, s, w->text);
        free(s);
    } else if (f)
        note(w, worksheet_write_blank(ws, (lxw_row_t)row, (lxw_col_t)col, f));
}

/* The lines a text takes in a wrapped cell of the given width (in characters), roughly: what
 * the row's height must hold, since neither libxlsxwriter nor every reader fits rows. */
static int lines_for(const char *s, double width)
{
    int lines = 1;
    double per_line = width * 1.15, used = 0;
    for (; s && *s; s++) {
        if (((unsigned char)*s & 0xC0) == 0x80)
            continue; /* a continuation byte: the character was counted */
        if (*s == '\n' || used + 1 > per_line) {
            lines++;
            used = 0;
        }
        if (*s != '\n')
            used++;
    }
    return lines;
}

/* Sets the height of a row to hold `lines` lines (15 points each; 1 keeps the default). */
static void row_lines(writer *w, lxw_worksheet *ws, int row, int lines)
{
    if (lines > 1)
        note(w, worksheet_set_row(ws, (lxw_row_t)row, 15.0 * (lines > 20 ? 20 : lines), NULL));
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Appends s to b (at most cap bytes in all) with '&' doubled, as Excel's header codes need. */
static void header_text(char *b, size_t cap, const char *s, size_t max_bytes)
{
    size_t o = strlen(b), start = o;
    for (; *s && o + 3 < cap && o - start < max_bytes; s++) {
        size_t n = utf8_len((unsigned char)*s);
        if (o + n + 2 >= cap || o - start + n > max_bytes)
            break;
        if (*s == '&')
            b[o++] = '&';
        memcpy(b + o, s, n);
        o += n;
        s += n - 1;
    }
    b[o] = '\0';
}

static void page_setup(writer *w, lxw_worksheet *ws, int last_row, int repeat_row)
{
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_set_margins(ws, 0.5, 0.5, 0.75, 0.75);
    note(w, worksheet_print_area(ws, 0, 0, (lxw_row_t)(last_row > 0 ? last_row : 0), NCOLS - 1));
    if (repeat_row >= 0)
        note(w, worksheet_repeat_rows(ws, (lxw_row_t)repeat_row, (lxw_row_t)repeat_row));
    note(w, worksheet_set_header(ws, w->header));
    note(w, worksheet_set_footer(ws, "&L&A&RPagina &P di &N"));
}

static lxw_worksheet *add_sheet(writer *w, const char *want)
{
    char name[XLSX_SHEET_NAME_BUF];
    xlsx_sheet_name(want, w->taken, w->n_names, name);
    lxw_worksheet *ws = workbook_add_worksheet(w->wb, name);
    if (!ws) {
        note(w, LXW_ERROR_SHEETNAME_ALREADY_USED);
        return NULL;
    }
    if (w->n_names < (int)(sizeof w->names / sizeof w->names[0])) {
        snprintf(w->names[w->n_names], XLSX_SHEET_NAME_BUF, "%s", name);
        w->taken[w->n_names] = w->names[w->n_names];
        w->n_names++;
    }
    return ws;
}

static const char *kind_label(const char *kind)
{
    return strcmp(kind, "structure") == 0 ? "Struttura" : strcmp(kind, "manager") == 0 ? "Dirigente" : kind;
}

/* The widths of the objective columns (characters). */
static const double widths[NCOLS] = {10, 48, 8, 36, 12, 12, 12, 14, 12, 11, 14};

/* A structure's or manager's total: 1, else 0 (people have no sheet nor cover line). */
static int has_sheet(const json_t *total)
{
    const char *kind = str(total, "assignee_kind");
    return strcmp(kind, "structure") == 0 || strcmp(kind, "manager") == 0;
}

struct xlsx_book {
    writer w;
    char dir[512], path[560];
    json_t *as_of, *revision; /* the head's, for every sheet's heading (owned) */
    lxw_worksheet *ws;        /* the sheet being written; NULL for a sheet left out */
    int row;                  /* its next row */
    int cover;                /* 1 while the cover is the sheet being written */
    int head_row;             /* the cover's heading row */
    json_t *total;            /* the group sheet's total (owned), for its TOTALE lines */
};

/* Starts a group's sheet: heading and column headings. */
static void sheet_begin(xlsx_book *b, const json_t *t)
{
    writer *w = &b->w;
    const char *kind = str(t, "assignee_kind"), *code = str(t, "assignee_code"), *name = str(t, "assignee_name");
    char want[XLSX_SHEET_NAME_BUF * 2];
    if (strcmp(kind, "structure") == 0)
        snprintf(want, sizeof want, "%s %s", code, name);
    else
        snprintf(want, sizeof want, "Dir. %s", name);
    lxw_worksheet *ws = b->ws = add_sheet(w, want);
    if (!ws)
        return;
    char heading[1024];
    if (strcmp(kind, "structure") == 0)
        snprintf(heading, sizeof heading, "%s %s — %s", kind_label(kind), code, name);
    else
        snprintf(heading, sizeof heading, "%s — %s", kind_label(kind), name);
    put_text(w, ws, 0, 0, heading, w->title);
    put_text(w, ws, 1, 0, "Dati al", w->bold);
    put_value(w, ws, 1, 1, b->as_of, NULL);
    put_text(w, ws, 1, 2, "Revisione", w->bold);
    put_value(w, ws, 1, 3, b->revision, w->plain);
    for (int c = 0; c < NCOLS; c++) {
        int numeric = c == LABEL_COL_WEIGHT || (c >= LABEL_COL_TARGET && c <= LABEL_COL_SCORE);
        put_text(w, ws, FIRST_ROW - 1, c, labels_column(c), numeric ? w->head_num : w->head);
    }
    row_lines(w, ws, FIRST_ROW - 1, 2); /* "Grado di raggiungimento" takes two lines */
    b->row = FIRST_ROW;
}

void xlsx_book_row(xlsx_book *b, const json_t *r)
{
    writer *w = &b->w;
    lxw_worksheet *ws = b->ws;
    if (!ws || b->cover)
        return;
    int row = b->row;
    size_t k;
    const json_t *ind;
    put_text(w, ws, row, LABEL_COL_CODE, str(r, "objective_code"), w->text);
    put_text(w, ws, row, LABEL_COL_TITLE, str(r, "objective_title"), w->wrap);
    put_value(w, ws, row, LABEL_COL_WEIGHT, json_object_get(r, "weight"), w->num);
    put_value(w, ws, row, LABEL_COL_ACHIEVEMENT, json_object_get(r, "achievement"), w->num);
    put_value(w, ws, row, LABEL_COL_TIMELINESS, json_object_get(r, "timeliness"), w->num);
    put_value(w, ws, row, LABEL_COL_SCORE, json_object_get(r, "score"), w->num);
    put_text(w, ws, row, LABEL_COL_STATUS, labels_status(str(r, "status")), w->text);
    const json_t *inds = json_object_get(r, "indicators");
    int title_lines = lines_for(str(r, "objective_title"), widths[LABEL_COL_TITLE]);
    if (json_array_size(inds) == 0)
        row_lines(w, ws, row++, title_lines);
    json_array_foreach(inds, k, ind)
    {
        int n = lines_for(str(ind, "name"), widths[LABEL_COL_INDICATOR]);
        row_lines(w, ws, row, k == 0 && title_lines > n ? title_lines : n);
        put_text(w, ws, row, LABEL_COL_INDICATOR, str(ind, "name"), w->wrap);
        put_value(w, ws, row, LABEL_COL_TARGET, json_object_get(ind, "target"), w->plain);
        put_value(w, ws, row, LABEL_COL_ACHIEVED, json_object_get(ind, "value"), w->plain);
        put_value(w, ws, row, LABEL_COL_DEVIATION, json_object_get(ind, "deviation"), w->plain);
        row++;
    }
    b->row = row;
}

/* Ends a group's sheet: TOTALE and the measured weight under the objectives, then the frozen
 * headings, the widths and the page. */
static void sheet_end(xlsx_book *b)
{
    writer *w = &b->w;
    lxw_worksheet *ws = b->ws;
    const json_t *t = b->total;
    int row = b->row;
    put_text(w, ws, row, LABEL_COL_CODE, "TOTALE", w->total);
    put_text(w, ws, row, LABEL_COL_TITLE, "Peso totale e punteggio", w->total);
    put_value(w, ws, row, LABEL_COL_WEIGHT, json_object_get(t, "weight_total"), w->total_num);
    put_value(w, ws, row, LABEL_COL_SCORE, json_object_get(t, "score"), w->total_num);
    put_text(w, ws, row, LABEL_COL_STATUS, labels_status(str(t, "status")), w->total);
    row++;
    put_text(w, ws, row, LABEL_COL_TITLE, "Peso misurato", w->bold);
    put_value(w, ws, row, LABEL_COL_WEIGHT, json_object_get(t, "weight_measured"), w->num);
    worksheet_freeze_panes(ws, FIRST_ROW, 0);
    for (int c = 0; c < NCOLS; c++)
        note(w, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL));
    page_setup(w, ws, row, FIRST_ROW - 1);
}

/* The cover's first lines: who, which plan, when, the entity's score and weights, then the
 * heading of its one line per group (xlsx_book_cover_line). */
static void cover_begin(xlsx_book *b, const json_t *report)
{
    writer *w = &b->w;
    lxw_worksheet *ws = b->ws = add_sheet(w, "Relazione");
    b->cover = 1;
    if (!ws)
        return;
    const json_t *plan = json_object_get(report, "plan"), *ent = json_object_get(plan, "entity");
    const json_t *dl = json_object_get(plan, "deliberation"), *e = json_object_get(report, "entity");
    put_text(w, ws, 0, 0, "Relazione sulla Performance", w->title);
    int row = 2;
#define LINE(label, value, fmt)                  \
    do {                                         \
        put_text(w, ws, row, 0, label, w->bold); \
        put_value(w, ws, row, 1, value, fmt);    \
        row++;                                   \
    } while (0)
    LINE("Ente", json_object_get(ent, "name"), NULL);
    LINE("Piano", json_object_get(plan, "title"), NULL);
    LINE("Anno", json_object_get(plan, "year"), w->plain);
    LINE("Revisione", json_object_get(report, "revision"), w->plain);
    if (json_is_object(dl)) {
        LINE("Delibera n.", json_object_get(dl, "number"), NULL);
        LINE("Data della delibera", json_object_get(dl, "date"), NULL);
        LINE("Organo", json_object_get(dl, "body"), NULL);
    } else {
        put_text(w, ws, row, 0, "Delibera", w->bold);
        put_text(w, ws, row++, 1, "nessuna: il piano non è ancora adottato", w->text);
    }
    LINE("Dati al", json_object_get(report, "as_of"), NULL);
    LINE("Punteggio dell'ente", json_object_get(e, "score"), w->num);
    put_text(w, ws, row, 0, "Stato", w->bold);
    put_text(w, ws, row++, 1, labels_status(str(e, "status")), w->text);
    LINE("Peso misurato", json_object_get(e, "weight_measured"), w->num);
    LINE("Peso totale", json_object_get(e, "weight_total"), w->num);
#undef LINE
    row++;
    static const char *const heads[] = {"Tipo", "Codice", "Nome", "Peso misurato", "Peso totale", "Punteggio", "Stato"};
    b->head_row = row;
    for (int c = 0; c < 7; c++)
        put_text(w, ws, row, c, heads[c], c >= 3 && c <= 5 ? w->head_num : w->head);
    b->row = row + 1;
}

void xlsx_book_cover_line(xlsx_book *b, const json_t *t)
{
    writer *w = &b->w;
    lxw_worksheet *ws = b->ws;
    if (!ws || !b->cover || !has_sheet(t))
        return;
    const char *kind = str(t, "assignee_kind");
    int row = b->row++;
    put_text(w, ws, row, 0, kind_label(kind), w->text);
    put_text(w, ws, row, 1, str(t, "assignee_code"), w->text);
    put_text(w, ws, row, 2, str(t, "assignee_name"), w->wrap);
    row_lines(w, ws, row, lines_for(str(t, "assignee_name"), 40));
    put_value(w, ws, row, 3, json_object_get(t, "weight_measured"), w->num);
    put_value(w, ws, row, 4, json_object_get(t, "weight_total"), w->num);
    put_value(w, ws, row, 5, json_object_get(t, "score"), w->num);
    put_text(w, ws, row, 6, labels_status(str(t, "status")), w->text);
}

/* Ends the cover: its widths, frozen title and page. */
static void cover_end(xlsx_book *b)
{
    writer *w = &b->w;
    static const double cover_widths[7] = {22, 40, 40, 14, 12, 11, 14};
    for (int c = 0; c < 7; c++)
        note(w, worksheet_set_column(b->ws, (lxw_col_t)c, (lxw_col_t)c, cover_widths[c], NULL));
    worksheet_freeze_panes(b->ws, 1, 0);
    page_setup(w, b->ws, b->row - 1, b->head_row);
}

/* Ends the sheet being written (the cover or a group's), if any. */
static void book_end_sheet(xlsx_book *b)
{
    if (b->ws)
        (b->cover ? cover_end : sheet_end)(b);
    b->ws = NULL;
    b->cover = 0;
    json_decref(b->total);
    b->total = NULL;
}

void xlsx_book_sheet(xlsx_book *b, const json_t *total)
{
    book_end_sheet(b);
    if (!has_sheet(total))
        return; /* a person's rows are not in the workbook: left out up to the next sheet */
    b->total = json_deep_copy(total);
    if (!b->total) {
        note(&b->w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    sheet_begin(b, b->total);
}

void xlsx_book_fail(xlsx_book *b) { note(&b->w, LXW_ERROR_MEMORY_MALLOC_FAILED); }

static lxw_format *fmt(writer *w, int bold, int wrap, const char *num, int border, double size)
{
    lxw_format *f = workbook_add_format(w->wb);
    if (!f)
        return NULL;
    if (bold)
        format_set_bold(f);
    if (wrap)
        format_set_text_wrap(f);
    if (num)
        format_set_num_format(f, num);
    if (border)
        format_set_top(f, LXW_BORDER_THIN);
    if (size > 0)
        format_set_font_size(f, size);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
}

/* The formats, the page header and the properties of w->wb; errors are kept in w->err. */
static void book_setup(writer *w, const json_t *report)
{
    w->title = fmt(w, 1, 0, NULL, 0, 14);
    w->bold = fmt(w, 1, 0, NULL, 0, 0);
    w->head = fmt(w, 1, 1, NULL, 0, 0);
    w->text = fmt(w, 0, 0, NULL, 0, 0);
    w->wrap = fmt(w, 0, 1, NULL, 0, 0);
    w->num = fmt(w, 0, 0, "0.00", 0, 0);
    w->plain = fmt(w, 0, 0, "General", 0, 0);
    w->date = fmt(w, 0, 0, "dd/mm/yyyy", 0, 0);
    w->total = fmt(w, 1, 0, NULL, 1, 0);
    w->total_num = fmt(w, 1, 0, "0.00", 1, 0);
    w->head_num = fmt(w, 1, 1, NULL, 0, 0); /* over numbers, which stand to the right */
    if (w->head)
        format_set_bottom(w->head, LXW_BORDER_THIN);
    if (w->head_num) {
        format_set_bottom(w->head_num, LXW_BORDER_THIN);
        format_set_align(w->head_num, LXW_ALIGN_RIGHT);
    }
    const json_t *plan = json_object_get(report, "plan");
    snprintf(w->header, sizeof w->header, "&L");
    header_text(w->header, sizeof w->header, str(json_object_get(plan, "entity"), "name"), 90);
    snprintf(w->header + strlen(w->header), sizeof w->header - strlen(w->header), "&R");
    header_text(w->header, sizeof w->header, str(plan, "title"), 90);
    lxw_doc_properties props = {0};
    props.title = (char *)"Relazione sulla Performance";
    props.company = (char *)str(json_object_get(plan, "entity"), "name");
    props.author = (char *)"Ciclo";
    note(w, workbook_set_properties(w->wb, &props));
}

xlsx_book *xlsx_book_open(const json_t *head, const xlsx_report_opts *opts, const char **err)
{
    xlsx_book *b = calloc(1, sizeof *b); /* freed by xlsx_book_close */
    if (!b) {
        *err = "cannot start the workbook";
        return NULL;
    }
    const char *base = opts && opts->tmpdir ? opts->tmpdir : getenv("TMPDIR");
    if (!base || !*base || snprintf(b->dir, sizeof b->dir, "%s/ciclo-xlsx-XXXXXX", base) >= (int)sizeof b->dir)
        snprintf(b->dir, sizeof b->dir, "/tmp/ciclo-xlsx-XXXXXX");
    if (!mkdtemp(b->dir)) { /* mode 0700: the report is not for other users of the machine */
        *err = "cannot make a temporary directory for the workbook";
        free(b);
        return NULL;
    }
    snprintf(b->path, sizeof b->path, "%s/relazione.xlsx", b->dir);
    /* constant_memory: each sheet's rows go to a file in dir as they are written (inline
     * strings, no shared string table), so the workbook holds one row, not the report */
    lxw_workbook_options wo = {LXW_TRUE, b->dir, 0};
    b->w.wb = workbook_new_opt(b->path, &wo);
    if (!b->w.wb) {
        *err = "cannot start the workbook";
        rmdir(b->dir);
        free(b);
        return NULL;
    }
    b->as_of = json_incref(json_object_get(head, "as_of"));
    b->revision = json_incref(json_object_get(head, "revision"));
    book_setup(&b->w, head);
    cover_begin(b, head);
    return b;
}

/*
 * libxlsxwriter 1.1.4 closes a constant_memory sheet's temporary file (unlinked, made in the
 * workbook's own directory) only as it copies that sheet into the workbook, and the packager's
 * file of the sheet it was copying when a write failed is never closed either: a workbook_close
 * that fails part way (a full TMPDIR) would leave them open for good, descriptors and disk. They
 * are all the descriptors on files in dir (made by mkdtemp for this call: no one else opens a
 * file there), which this closes. Their FILE structures are gone with the workbook, never to be
 * used again; the sheets' ones were flushed before the close (flush_sheets), so that nothing
 * is left in their buffers to be written at exit.
 */
static void close_files_in(const char *dir)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return;
    size_t n = strlen(dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char link[64], target[600];
        int fd = atoi(e->d_name);
        if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd == dirfd(d))
            continue;
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t t = readlink(link, target, sizeof target - 1);
        if (t > (ssize_t)n && strncmp(target, dir, n) == 0 && target[n] == '/')
            close(fd);
    }
    closedir(d);
}

static void flush_sheets(lxw_workbook *wb)
{
    lxw_worksheet *ws;
    LXW_FOREACH_WORKSHEET(ws, wb)
    {
        if (ws->optimize_tmpfile)
            fflush(ws->optimize_tmpfile);
    }
}

int xlsx_book_close(xlsx_book *b, int *fd, size_t *len, const char **err)
{
    *fd = -1;
    *len = 0;
    writer *w = &b->w;
    book_end_sheet(b);
    json_decref(b->as_of);
    json_decref(b->revision);
    flush_sheets(w->wb);
    lxw_error closed = workbook_close(w->wb); /* writes the file and frees the workbook */
    if (closed != LXW_NO_ERROR)
        close_files_in(b->dir);
    note(w, closed);
    int rc = -1;
    struct stat st;
    if (w->err != LXW_NO_ERROR)
        *err = lxw_strerror(w->err);
    else if ((*fd = open(b->path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(*fd, &st) < 0 || st.st_size <= 0)
        *err = "cannot read the workbook back";
    else {
        *len = (size_t)st.st_size;
        rc = 0;
    }
    if (unlink(b->path) < 0 && errno != ENOENT && rc == 0) {
        *err = "cannot remove the temporary workbook";
        rc = -1;
    }
    if (rc < 0 && *fd >= 0) {
        close(*fd);
        *fd = -1;
        *len = 0;
    }
    rmdir(b->dir);
    free(b);
    return rc;
}

int xlsx_report(const json_t *report, const xlsx_report_opts *opts, int *fd, size_t *len, const char **err)
{
    *fd = -1;
    *len = 0;
    xlsx_book *b = xlsx_book_open(report, opts, err);
    if (!b)
        return -1;
    json_t *groups = report_groups(report, NULL); /* already in document order */
    size_t i, k;
    const json_t *g, *r;
    if (!groups)
        xlsx_book_fail(b);
    json_array_foreach(groups, i, g) xlsx_book_cover_line(b, json_object_get(g, "total"));
    json_array_foreach(groups, i, g)
    {
        xlsx_book_sheet(b, json_object_get(g, "total"));
        json_array_foreach(json_object_get(g, "rows"), k, r) xlsx_book_row(b, r);
    }
    json_decref(groups);
    return xlsx_book_close(b, fd, len, err);
}
