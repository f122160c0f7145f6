/* doc_html.c — see doc_html.h. */
#include "render/doc_html.h"

#include <stdlib.h>
#include <string.h>

#include "codec/rule_json.h"
#include "render/html_text.h"

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : NULL;
}

void doc_facts_read(doc_facts *f, const json_t *report, const char *document)
{
    const json_t *plan = json_object_get(report, "plan");
    memset(f, 0, sizeof *f);
    f->entity = str(json_object_get(plan, "entity"), "name");
    f->plan_title = str(plan, "title");
    f->year = (int)json_integer_value(json_object_get(plan, "year"));
    f->revision = (int)json_integer_value(json_object_get(report, "revision"));
    const json_t *d = json_object_get(plan, "deliberation");
    f->delib_number = str(d, "number");
    f->delib_date = str(d, "date");
    f->delib_body = str(d, "body");
    f->as_of = str(report, "as_of");
    f->document = document;
}

/* A4 landscape: the tables of the sheets and of the report have ten or more columns. The
 * screen rule keeps the page as wide as the printed one (the tests screenshot it). Colours:
 * text #1a1a1a on white (17:1), headings' fill #dde6f0 under #1a1a1a (14:1), the completed
 * months white on #2e7d32 (5.1:1). */
static const char css[] =
    "@page{size:A4 landscape;margin:10mm 12mm}"
    "html{font-family:'DejaVu Sans',Arial,sans-serif;font-size:8.5pt;color:#1a1a1a;background:#fff;line-height:1.25}"
    "body{margin:0}"
    "@media screen{body{width:273mm;margin:0 auto;padding:6mm 0}}"
    "table{border-collapse:collapse;width:100%}"
    "table.frame{break-before:page}table.frame.first{break-before:auto}"
    "table.frame>thead>tr>td{font-size:8pt;color:#404040;border-bottom:0.5pt solid #595959;padding:0 0 1.5mm;"
    "text-align:left}"
    "table.frame>tbody>tr>td{padding:2mm 0 0;vertical-align:top}"
    "table.data{margin:1mm 0 3mm}"
    "table.data th,table.data td{border:0.5pt solid #7f7f7f;padding:0.5mm 1mm;vertical-align:top;text-align:left;"
    "overflow-wrap:anywhere}"
    "table.data th{background:#dde6f0;font-weight:bold;overflow-wrap:normal}table.data td.d{white-space:nowrap}"
    "table.data td.num,table.data th.num{text-align:right}table.data td.num{white-space:nowrap}"
    "table.data tr{break-inside:avoid}table.fixed{table-layout:fixed}"
    "table.data tr.total td,table.data tr.total th{font-weight:bold;background:#f2f2f2}"
    "table.data tr.ind td{font-size:8pt;color:#262626}"
    "table.cron td,table.cron th{text-align:center;padding:0.6mm 0.4mm;font-size:8pt}"
    "table.cron th[scope=row]{text-align:left;width:28mm}"
    "table.cron td.p{background:#c6d5e6}table.cron td.c{background:#2e7d32;color:#fff}"
    "table.cron td.l{background:#fbe3e6;color:#8a0019}"
    "h1{font-size:15pt;margin:0 0 2mm}h2{font-size:11pt;margin:1.5mm 0 1mm}h3{font-size:9.5pt;margin:2mm 0 0.8mm}"
    "h1,h2,h3{break-after:avoid}section.chart{break-inside:avoid}"
    "p{margin:1mm 0}"
    ".facts{color:#333}.mark{font-weight:bold;color:#8a0019}"
    ".kpi{font-size:11pt;margin:2mm 0}"
    "figure{margin:2mm 0;break-inside:avoid}figcaption{font-size:8pt;color:#333}"
    "svg.chart{max-width:100%;max-height:165mm;width:auto;height:auto}"
    ".legend span{display:inline-block;width:8mm;border:0.5pt solid #7f7f7f;margin:0 1mm 0 3mm}";

void doc_facts_line(buf *b, const doc_facts *f)
{
    html_escape(b, f->entity ? f->entity : "");
    buf_puts(b, " — ");
    html_escape(b, f->plan_title ? f->plan_title : "");
    if (f->revision > 0)
        buf_printf(b, " · revisione %d", f->revision);
    else
        buf_puts(b, " · piano non ancora adottato nella forma attuale");
    if (f->delib_number) {
        buf_puts(b, " (deliberazione ");
        if (f->delib_body) {
            html_escape(b, f->delib_body);
            buf_putc(b, ' ');
        }
        buf_puts(b, "n. ");
        html_escape(b, f->delib_number);
        if (f->delib_date) {
            buf_puts(b, " del ");
            doc_date(b, f->delib_date);
        }
        buf_putc(b, ')');
    }
    buf_puts(b, " · dati al ");
    doc_date(b, f->as_of);
}

void doc_html_open(buf *b, const doc_facts *f)
{
    buf_puts(b,
             "<!DOCTYPE html>\n<html lang=\"it\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width\"><title>");
    html_escape(b, f->document);
    buf_puts(b, " — ");
    html_escape(b, f->plan_title ? f->plan_title : "");
    buf_printf(b, "</title><style>%s</style></head><body>\n", css);
}

void doc_html_close(buf *b) { buf_puts(b, "</body></html>\n"); }

void doc_frame_open(buf *b, const doc_facts *f, int first)
{
    buf_printf(b, "<table class=\"frame%s\" role=\"presentation\"><thead><tr><td>", first ? " first" : "");
    html_escape(b, f->document);
    buf_puts(b, " · ");
    doc_facts_line(b, f);
    buf_puts(b, "</td></tr></thead><tbody><tr><td>\n");
}

void doc_frame_close(buf *b) { buf_puts(b, "</td></tr></tbody></table>\n"); }

void doc_date(buf *b, const char *iso)
{
    if (iso && strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-')
        buf_printf(b, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    else
        html_escape(b, iso ? iso : "—");
}

void doc_number(buf *b, const json_t *v, int decimals)
{
    if (json_is_number(v))
        html_number_it(b, json_number_value(v), decimals);
    else
        buf_puts(b, "—");
}

void doc_value(buf *b, const json_t *v, const char *unit)
{
    if (!v || json_is_null(v)) {
        buf_puts(b, "—");
        return;
    }
    if (json_is_number(v)) {
        html_number_it(b, json_number_value(v), 4);
        if (unit && *unit) {
            if (strcmp(unit, "%") != 0)
                buf_putc(b, ' ');
            html_escape(b, unit);
        }
        return;
    }
    if (json_is_boolean(v)) {
        buf_puts(b, json_is_true(v) ? "sì" : "no");
        return;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (strlen(s) == 10 && s[4] == '-' && s[7] == '-' && s[0] >= '0' && s[0] <= '9')
            doc_date(b, s);
        else
            html_escape(b, s);
        return;
    }
    char *text = rule_json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    html_escape(b, text ? text : "");
    free(text);
}

const json_t *doc_structure(const json_t *doc, const char *code)
{
    size_t i;
    json_t *s;
    if (code)
        json_array_foreach(json_object_get(doc, "structures"), i,
                           s) if (json_is_string(json_object_get(s, "code")) &&
                                  strcmp(str(s, "code") ? str(s, "code") : "", code) == 0) return s;
    return NULL;
}

const char *doc_person_name(const json_t *doc, const char *external_id)
{
    size_t i;
    json_t *p;
    if (external_id)
        json_array_foreach(json_object_get(doc, "people"), i, p)
        {
            const char *id = str(p, "external_id");
            if (id && strcmp(id, external_id) == 0)
                return str(p, "name");
        }
    return NULL;
}
