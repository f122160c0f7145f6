/*
 * html_text.h — text into HTML and SVG (XML) safely: every character that could open
 * markup is escaped, so user text (objective titles, names) can never become markup.
 * Pure: no I/O, no allocation beyond the buf it appends to.
 */
#ifndef CICLO_RENDER_HTML_TEXT_H
#define CICLO_RENDER_HTML_TEXT_H
#include "core/buf.h"

/* Appends s (UTF-8; NULL appends nothing) with & < > " ' escaped and the control characters
 * that XML 1.0 forbids dropped, valid in HTML text, attribute values and XML. Returns 0 or -1
 * (b failed). */
int html_escape(buf *b, const char *s);

/* Appends a number with at most `decimals` decimals, Italian style (comma, no trailing zeros
 * after the comma: 87,5; 100), or "—" when v is not finite (NAN: no value). Returns 0 or -1. */
int html_number_it(buf *b, double v, int decimals);

#endif
