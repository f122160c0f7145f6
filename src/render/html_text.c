/* html_text.c — see html_text.h. */
#include "render/html_text.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int html_escape(buf *b, const char *s)
{
    if (!s)
        return 0;
    const char *run = s;
    for (const char *p = s;; p++) {
        unsigned char c = (unsigned char)*p;
        const char *rep = NULL;
        int drop = 0;
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: drop = c != 0 && c < 0x20 && c != '\t' && c != '\n' && c != '\r'; break;
        }
        if (c == 0 || rep || drop) {
            buf_append(b, run, (size_t)(p - run));
            if (rep)
                buf_puts(b, rep);
            if (c == 0)
                break;
            run = p + 1;
        }
    }
    return b->failed ? -1 : 0;
}

int html_number_it(buf *b, double v, int decimals)
{
    if (!isfinite(v))
        return buf_puts(b, "—");
    char s[64];
    snprintf(s, sizeof s, "%.*f", decimals < 0 ? 0 : decimals > 4 ? 4 : decimals, v);
    char *dot = strchr(s, '.');
    if (dot) {
        char *end = s + strlen(s) - 1;
        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot)
            *end = '\0';
        else
            *dot = ',';
    }
    if (strcmp(s, "-0") == 0)
        strcpy(s, "0");
    return buf_puts(b, s);
}
