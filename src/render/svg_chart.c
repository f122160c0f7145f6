/* svg_chart.c — see svg_chart.h. Colours meet WCAG contrast against white: text #1a1a1a,
 * marks at least 3:1 (#1f4e79 blue, #2e7d32 green, #b00020 red, #595959 grey). */
#include "render/svg_chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/html_text.h"

#define FONT "font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"11\" fill=\"#1a1a1a\""
#define C_BLUE "#1f4e79"
#define C_GREEN "#2e7d32"
#define C_RED "#b00020"
#define C_GREY "#595959"
#define C_TRACK "#e6e6e6"
#define C_PLANNED "#c6d5e6"

static const char *const months_short[12] = {"gen", "feb", "mar", "apr", "mag", "giu",
                                             "lug", "ago", "set", "ott", "nov", "dic"};

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
static int days_in_year(int y) { return is_leap(y) ? 366 : 365; }
static int days_before_month(int y, int m) /* m 1..12 */
{
    static const int cum[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    return cum[m - 1] + (m > 2 && is_leap(y));
}

int svg_day_of_year(const char *iso, int year, int *day)
{
    int y, m, d;
    char tail;
    if (!iso || strlen(iso) != 10 || sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 ||
        d > 31)
        return -1;
    long n = days_before_month(y, m) + d - 1;
    for (int k = year; k < y; k++)
        n += days_in_year(k);
    for (int k = y; k < year; k++)
        n -= days_in_year(k);
    *day = (int)n;
    return 0;
}

/* Appends at most max characters (code points) of s, with "…" when cut, escaped. */
static void label(buf *b, const char *s, int max)
{
    if (!s)
        return;
    const char *p = s;
    int n = 0;
    while (*p && n < max) {
        p++;
        while ((*p & 0xC0) == 0x80)
            p++;
        n++;
    }
    if (!*p) {
        html_escape(b, s);
        return;
    }
    char tmp[512];
    size_t len = (size_t)(p - s) < sizeof tmp - 1 ? (size_t)(p - s) : sizeof tmp - 1;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    html_escape(b, tmp);
    buf_puts(b, "…");
}

static void open_svg(buf *b, const svg_caption *c, int w, int h)
{
    buf_printf(b,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 %d %d\" width=\"%d\" "
               "height=\"%d\" role=\"img\" aria-labelledby=\"",
               w, h, w, h);
    html_escape(b, c->id);
    buf_puts(b, "-t ");
    html_escape(b, c->id);
    buf_puts(b, "-d\" class=\"chart\"><title id=\"");
    html_escape(b, c->id);
    buf_puts(b, "-t\">");
    html_escape(b, c->title);
    buf_puts(b, "</title><desc id=\"");
    html_escape(b, c->id);
    buf_puts(b, "-d\">");
    html_escape(b, c->desc);
    buf_printf(b, "</desc><rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/><g " FONT ">", w, h);
}

static int close_svg(buf *b)
{
    buf_puts(b, "</g></svg>");
    return b->failed ? -1 : 0;
}

static double clamp(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

int svg_chart_bars(buf *b, const svg_caption *c, const svg_bar *bars, int n)
{
    /* many structures: tighter rows, so that the chart stays one printed page */
    const int tight = n > 12, row = tight ? 25 : 36, sh = tight ? 11 : 14, wh = tight ? 4 : 5;
    const int lw = 230, bw = 400, top = 28, w = lw + bw + 150;
    int h = top + (n > 0 ? n : 1) * row + 24;
    open_svg(b, c, w, h);
    /* the axis: 0, 25, 50, 75, 100 */
    for (int t = 0; t <= 100; t += 25) {
        double x = lw + bw * t / 100.0;
        buf_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#bfbfbf\" stroke-width=\"0.5\"/>", x,
                   top - 6, x, h - 20);
        buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>", x, top - 10, t);
    }
    if (n == 0)
        buf_printf(b, "<text x=\"%d\" y=\"%d\">Nessuna struttura con obiettivi</text>", lw, top + 18);
    for (int i = 0; i < n; i++) {
        const svg_bar *r = &bars[i];
        int y = top + i * row, ty = y + 2 + sh - 3, wy = y + 2 + sh + 3;
        buf_puts(b, "<g><title>");
        html_escape(b, r->label);
        buf_puts(b, "</title>");
        buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw - 8, ty);
        label(b, r->label, 34);
        buf_puts(b, "</text>");
        buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"" C_TRACK "\"/>", lw, y + 2, bw, sh);
        if (r->has_score) {
            double s = clamp(r->score, 0, 100);
            buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"" C_BLUE "\"/>", lw, y + 2,
                       bw * s / 100.0, sh);
            buf_printf(b, "<text x=\"%.1f\" y=\"%d\" font-weight=\"bold\">", lw + bw * s / 100.0 + 4, ty);
            html_number_it(b, r->score, 2);
            buf_puts(b, "</text>");
        } else {
            buf_printf(b, "<text x=\"%d\" y=\"%d\" fill=\"" C_GREY "\">non misurato</text>", lw + 4, ty);
        }
        double share = r->weight_total > 0 ? clamp(r->weight_measured / r->weight_total, 0, 1) : 0;
        buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"" C_TRACK "\"/>", lw, wy, bw, wh);
        buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"" C_GREY "\"/>", lw, wy, bw * share,
                   wh);
        buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"9\" fill=\"" C_GREY "\">peso misurato ", lw + bw + 6, wy + wh);
        html_number_it(b, r->weight_measured, 2);
        buf_puts(b, " su ");
        html_number_it(b, r->weight_total, 2);
        buf_puts(b, "</text></g>");
    }
    buf_printf(b,
               "<text x=\"%d\" y=\"%d\" font-size=\"9\" fill=\"" C_GREY
               "\">Barra blu: punteggio (0–100); barra "
               "grigia sottile: quota del peso misurata.</text>",
               lw, h - 6);
    return close_svg(b);
}

void svg_chart_histogram_counts(const double *scores, int n, int counts[10])
{
    for (int k = 0; k < 10; k++)
        counts[k] = 0;
    for (int i = 0; i < n; i++) {
        double s = clamp(scores[i], 0, 100);
        int k = (int)floor(s / 10.0);
        counts[k > 9 ? 9 : k]++;
    }
}

int svg_chart_histogram(buf *b, const svg_caption *c, const double *scores, int n)
{
    int counts[10];
    svg_chart_histogram_counts(scores, n, counts);
    int max = 1;
    for (int k = 0; k < 10; k++)
        max = counts[k] > max ? counts[k] : max;
    const int left = 40, top = 20, cw = 60, ch = 180, w = left + 10 * cw + 20, h = top + ch + 44;
    open_svg(b, c, w, h);
    buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"" C_GREY "\"/>", left, top + ch,
               left + 10 * cw, top + ch);
    for (int k = 0; k < 10; k++) {
        double hh = (double)ch * counts[k] / max;
        int x = left + k * cw;
        buf_printf(b, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"" C_BLUE "\"/>", x + 6,
                   top + ch - hh, cw - 12, hh);
        buf_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\">%d</text>", x + cw / 2, top + ch - hh - 4,
                   counts[k]);
        buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d–%d</text>", x + cw / 2, top + ch + 16, k * 10,
                   k * 10 + 10);
    }
    buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"" C_GREY "\">punteggio</text>", left + 5 * cw,
               top + ch + 34);
    buf_printf(b,
               "<text x=\"12\" y=\"%d\" fill=\"" C_GREY
               "\" transform=\"rotate(-90 12 %d)\" "
               "text-anchor=\"middle\">obiettivi</text>",
               top + ch / 2, top + ch / 2);
    return close_svg(b);
}

/* x of day d on a year axis of width aw starting at x0. */
static double day_x(int d, int ndays, double x0, double aw) { return x0 + aw * clamp(d, 0, ndays) / ndays; }

static void month_axis(buf *b, int year, double x0, double aw, int y_text, int y1, int y2)
{
    int nd = days_in_year(year);
    for (int m = 1; m <= 12; m++) {
        double xa = day_x(days_before_month(year, m), nd, x0, aw);
        double xb = day_x(m == 12 ? nd : days_before_month(year, m + 1), nd, x0, aw);
        buf_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#bfbfbf\" stroke-width=\"0.5\"/>", xa,
                   y1, xa, y2);
        buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", (xa + xb) / 2, y_text,
                   months_short[m - 1]);
    }
    buf_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#bfbfbf\" stroke-width=\"0.5\"/>",
               x0 + aw, y1, x0 + aw, y2);
}

static void as_of_line(buf *b, int year, int as_of, double x0, double aw, int y1, int y2)
{
    int nd = days_in_year(year);
    if (as_of < 0 || as_of >= nd)
        return;
    double x = day_x(as_of, nd, x0, aw);
    buf_printf(b,
               "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"" C_RED
               "\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>",
               x, y1, x, y2);
    int m = 1;
    while (m < 12 && days_before_month(year, m + 1) <= as_of)
        m++;
    buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"" C_RED "\">al %02d/%02d</text>", x, y1 - 3,
               as_of - days_before_month(year, m) + 1, m);
}

int svg_chart_gantt(buf *b, const svg_caption *c, int year, const svg_gantt_row *rows, int n, int as_of)
{
    const int lw = 250, aw = 600, top = 36, row = 22, w = lw + aw + 90;
    int h = top + (n > 0 ? n : 1) * row + 30;
    int nd = days_in_year(year);
    open_svg(b, c, w, h);
    buf_puts(b, "<defs><pattern id=\"");
    html_escape(b, c->id);
    buf_puts(b,
             "-late\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
             "<rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
             "stroke=\"" C_RED "\" stroke-width=\"2\"/></pattern></defs>");
    month_axis(b, year, lw, aw, top - 8, top - 4, h - 24);
    if (n == 0)
        buf_printf(b, "<text x=\"%d\" y=\"%d\">Nessuna fase</text>", lw + 4, top + 15);
    for (int i = 0; i < n; i++) {
        const svg_gantt_row *r = &rows[i];
        int y = top + i * row;
        buf_puts(b, "<g><title>");
        html_escape(b, r->label);
        buf_puts(b, "</title>");
        buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw - 8, y + 15);
        label(b, r->label, 38);
        buf_puts(b, "</text>");
        int start = r->has_start ? r->start : 0;
        if (r->has_deadline) {
            double xa = day_x(start, nd, lw, aw), xb = day_x(r->deadline + 1, nd, lw, aw);
            if (xb - xa < 2)
                xa = xb - 2;
            buf_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"", xa, y + 4, xb - xa);
            if (r->late) {
                buf_puts(b, "url(#");
                html_escape(b, c->id);
                buf_puts(b, "-late)\" stroke=\"" C_RED "\"");
            } else {
                buf_puts(b, C_PLANNED "\" stroke=\"" C_BLUE "\"");
            }
            buf_puts(b, " stroke-width=\"1\"/>");
        }
        if (r->completed) {
            double xa = day_x(start, nd, lw, aw), xb = day_x(r->completed_on + 1, nd, lw, aw);
            if (xb - xa < 3)
                xa = xb - 3;
            buf_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"6\" fill=\"" C_GREEN "\"/>", xa, y + 8,
                       xb - xa);
        }
        const char *note = r->late            ? "in ritardo"
                           : r->completed     ? "completata"
                           : !r->has_deadline ? "senza scadenza"
                                              : "";
        buf_printf(b, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>", lw + aw + 6, y + 15,
                   r->late        ? C_RED
                   : r->completed ? C_GREEN
                                  : C_GREY,
                   note);
        buf_puts(b, "</g>");
    }
    as_of_line(b, year, as_of, lw, aw, top - 2, h - 24);
    buf_printf(b,
               "<text x=\"%d\" y=\"%d\" font-size=\"9\" fill=\"" C_GREY
               "\">Barra chiara: periodo previsto; barra "
               "verde: svolto fino al completamento; tratteggio rosso: fase in ritardo; linea rossa: data di "
               "riferimento.</text>",
               8, h - 8);
    return close_svg(b);
}

int svg_chart_line(buf *b, const svg_caption *c, int year, const svg_point *pts, int n, int has_target, double target,
                   const char *unit)
{
    const int left = 60, top = 20, aw = 600, ah = 200, w = left + aw + 90, h = top + ah + 40;
    int nd = days_in_year(year);
    double lo = 0, hi = 0;
    for (int i = 0; i < n; i++) {
        lo = pts[i].value < lo ? pts[i].value : lo;
        hi = pts[i].value > hi ? pts[i].value : hi;
    }
    if (has_target) {
        lo = target < lo ? target : lo;
        hi = target > hi ? target : hi;
    }
    if (hi - lo <= 0)
        hi = lo + 1;
    hi += (hi - lo) * 0.1;
    open_svg(b, c, w, h);
    month_axis(b, year, left, aw, top + ah + 14, top, top + ah);
    buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"" C_GREY "\"/>", left, top + ah, left + aw,
               top + ah);
    for (int t = 0; t <= 4; t++) { /* five value ticks */
        double v = lo + (hi - lo) * t / 4, y = top + ah - ah * t / 4.0;
        buf_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", left - 6, y + 4);
        html_number_it(b, v, fabs(hi - lo) < 10 ? 2 : 0);
        buf_puts(b, "</text>");
    }
#define VY(v) (top + ah - ah * ((v)-lo) / (hi - lo))
    if (has_target) {
        buf_printf(b,
                   "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"" C_GREEN
                   "\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>",
                   left, VY(target), left + aw, VY(target));
        buf_printf(b, "<text x=\"%d\" y=\"%.1f\" fill=\"" C_GREEN "\">atteso ", left + aw + 4, VY(target) + 4);
        html_number_it(b, target, 4);
        if (unit && *unit) {
            buf_putc(b, ' ');
            html_escape(b, unit);
        }
        buf_puts(b, "</text>");
    }
    if (n > 1) {
        buf_puts(b, "<polyline fill=\"none\" stroke=\"" C_BLUE "\" stroke-width=\"2\" points=\"");
        for (int i = 0; i < n; i++)
            buf_printf(b, "%s%.1f,%.1f", i ? " " : "", day_x(pts[i].day, nd, left, aw), VY(pts[i].value));
        buf_puts(b, "\"/>");
    }
    for (int i = 0; i < n; i++) {
        double x = day_x(pts[i].day, nd, left, aw), y = VY(pts[i].value);
        buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"" C_BLUE "\"/>", x, y);
        buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x, y - 7);
        html_number_it(b, pts[i].value, 4);
        buf_puts(b, "</text>");
    }
#undef VY
    if (n == 0)
        buf_printf(b, "<text x=\"%d\" y=\"%d\" fill=\"" C_GREY "\">Nessuna misurazione</text>", left + 8, top + 20);
    return close_svg(b);
}
